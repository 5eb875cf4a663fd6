#include "harness/report/site.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/report/sample_runs.h"

namespace sah::report {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<std::string> files(const std::vector<Page>& pages) {
  std::vector<std::string> out;
  for (const auto& p : pages) out.push_back(p.file);
  return out;
}

TEST(Site, OneRunIsIndexAndDiff) {
  const auto r = testing::sample_run();
  EXPECT_THAT(files(render_site({r}, {"out/run.json"})), ElementsAre("index.html"));
  EXPECT_THAT(files(render_site({r}, {"out/run.json"}, &r)), ElementsAre("index.html", "diff.html"));
}

TEST(Site, SeveralRunsAreAMatrixAndUniquePages) {
  const auto r = testing::sample_run();
  // Same stem twice, a stem that would clash with the matrix, and one with odd characters.
  const auto pages = render_site({r, r, r, r}, {"a/mail.json", "b/mail.json", "matrix.json", "x/My Run!.json"}, &r);
  EXPECT_THAT(files(pages), ElementsAre("matrix.html", "mail.html", "diff-mail.html", "mail-2.html", "diff-mail-2.html",
                                        "matrix-2.html", "diff-matrix-2.html", "My_Run_.html", "diff-My_Run_.html"));
  EXPECT_THAT(pages[0].content, HasSubstr("<a href=\"mail-2.html\">"));
}

TEST(Site, PageStem) {
  EXPECT_EQ(page_stem("/x/y/results.json"), "y");  // run --report DIR writes DIR/results.json
  EXPECT_EQ(page_stem("results.json"), "results");
  EXPECT_EQ(page_stem("../results.json"), "results");
  EXPECT_EQ(page_stem("out/<bad>/results.json"), "_bad_");
  EXPECT_EQ(page_stem(".json"), "run.json");
  EXPECT_EQ(page_stem("../<evil>.json"), "_evil_");
  EXPECT_EQ(page_stem("diff-a.json"), "diff-a");
}

}  // namespace
}  // namespace sah::report

namespace sah::report {
namespace {

TEST(Site, DiffLikeStemsDoNotCollideWithDiffPages) {
  const auto r = testing::sample_run();
  const auto pages = render_site({r, r}, {"diff-mail.json", "mail.json"}, &r);
  EXPECT_THAT(files(pages), ElementsAre("matrix.html", "diff-mail.html", "diff-diff-mail.html", "mail-2.html",
                                        "diff-mail-2.html"));
}

}  // namespace
}  // namespace sah::report
