#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness/report/html.h"
#include "tests/report/page_scan.h"
#include "tests/report/sample_runs.h"

namespace sah::report {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::count_of;
using testing::make_case;

RunResult run_of(std::string target, std::vector<CaseResult> cases) {
  RunResult r;
  r.target = std::move(target);
  r.harness_version = "0.1.0";
  r.started_at = "2026-11-29T03:40:00Z";
  r.cases = std::move(cases);
  return r;
}

TEST(Matrix, TargetsAsColumnsCasesAsRows) {
  auto a = run_of("postfix:587", {make_case("auth.a", Verdict::pass), make_case("auth.b", Verdict::fail, Severity::must)});
  auto b = run_of("exim:587", {make_case("auth.b", Verdict::non_strict), make_case("auth.c", Verdict::skip)});
  b.cases[0].reason = "535 5.7.3 instead of 5.7.8";
  const std::string page = render_matrix({a, b}, {"postfix.html", ""});
  EXPECT_THAT(page, HasSubstr("<th title=\"postfix:587 — 2026-11-29T03:40:00Z\"><a href=\"postfix.html\">postfix:587</a></th>"));
  EXPECT_THAT(page, HasSubstr("<th title=\"exim:587 — 2026-11-29T03:40:00Z\">exim:587</th>"));
  // One row per case id, first seen first; a case a target did not run is marked absent.
  EXPECT_EQ(count_of(page, "<td class=\"mono\">auth."), 3u);
  EXPECT_THAT(page, HasSubstr("<td class=\"mono\">auth.a</td><td class=\"cell v-pass\" title=\"pass: matched expectation 1\">pass</td>"
                              "<td class=\"cell absent\" title=\"not run\">—</td>"));
  EXPECT_THAT(page, HasSubstr("<td class=\"cell v-fail sev-must\" title=\"fail (must): matched expectation 1\">fail (must)</td>"
                              "<td class=\"cell v-non-strict\" title=\"non-strict: 535 5.7.3 instead of 5.7.8\">non-strict</td>"));
  EXPECT_THAT(page, HasSubstr("<td>1 of 2</td><td>0 of 2</td>"));
}

TEST(Matrix, AProfileColumnIsHeadedByTheProfileNameNotItsPorts) {
  // The ports of a profile's run change every run; the heading must not, or matrices cannot be compared.
  auto a = run_of("profile exim (127.0.0.1:40123 (starttls))", {make_case("auth.a", Verdict::pass)});
  auto b = run_of("profile odd", {make_case("auth.a", Verdict::pass)});
  const std::string page = render_matrix({a, b});
  EXPECT_THAT(page, HasSubstr("<th title=\"profile exim (127.0.0.1:40123 (starttls)) — 2026-11-29T03:40:00Z\">exim</th>"));
  EXPECT_THAT(page, HasSubstr(">odd</th>"));
}

TEST(Matrix, HostileTargetsAndReasonsAreEscaped) {
  auto h = testing::hostile_run();
  const std::string page = render_matrix({h, testing::sample_run()});
  EXPECT_EQ(count_of(page, "<script"), 1u);
  EXPECT_THAT(page, HasSubstr("\\x1B[31mANSI red"));
  EXPECT_THAT(page, Not(HasSubstr("<img")));
}

TEST(Diff, NewFailuresFixedAndChanged) {
  auto before = run_of("mx:25", {make_case("a.still-pass", Verdict::pass), make_case("a.breaks", Verdict::pass),
                                 make_case("a.fixed", Verdict::fail, Severity::must),
                                 make_case("a.worse", Verdict::fail, Severity::should),
                                 make_case("a.gone", Verdict::pass), make_case("a.to-skip", Verdict::crash)});
  auto now = run_of("mx:25", {make_case("a.still-pass", Verdict::pass), make_case("a.breaks", Verdict::timeout),
                              make_case("a.fixed", Verdict::non_strict),
                              make_case("a.worse", Verdict::fail, Severity::critical),
                              make_case("a.new-fail", Verdict::fail, Severity::must),
                              make_case("a.new-pass", Verdict::pass), make_case("a.to-skip", Verdict::skip)});
  const Diff d = compute_diff(now, before);
  auto ids = [](const std::vector<DiffEntry>& v) {
    std::vector<std::string> out;
    for (const auto& e : v) out.push_back(e.id);
    return out;
  };
  EXPECT_THAT(ids(d.new_failures), ::testing::ElementsAre("a.breaks", "a.new-fail"));
  EXPECT_THAT(ids(d.fixed), ::testing::ElementsAre("a.fixed"));
  // A severity change is a change; a crash that became a skip is not a fix; new and gone cases.
  EXPECT_THAT(ids(d.changed), ::testing::ElementsAre("a.worse", "a.new-pass", "a.to-skip", "a.gone"));
  EXPECT_EQ(d.unchanged, 1u);
  EXPECT_EQ(d.new_failures[1].before, nullptr);
  EXPECT_EQ(d.changed[3].now, nullptr);

  const std::string page = render_diff(now, before);
  EXPECT_THAT(page, HasSubstr("<h2>New failures (2)</h2>"));
  EXPECT_THAT(page, HasSubstr("<h2>Fixed (1)</h2>"));
  EXPECT_THAT(page, HasSubstr("<h2>Other changes (4)</h2>"));
  EXPECT_THAT(page, HasSubstr("<td class=\"mono\">a.breaks</td><td class=\"cell v-pass\" title=\"matched expectation 1\">pass</td>"
                              "<td class=\"cell v-timeout\" title=\"matched expectation 1\">timeout</td>"));
  EXPECT_THAT(page, HasSubstr("<td class=\"mono\">a.gone</td><td class=\"cell v-pass\" title=\"matched expectation 1\">pass</td>"
                              "<td class=\"cell absent\">absent</td>"));
  EXPECT_THAT(page, HasSubstr("<dt>Unchanged</dt><dd>1</dd>"));
}

TEST(Diff, IdenticalRunsHaveNothingToShow) {
  const auto r = testing::sample_run();
  const Diff d = compute_diff(r, r);
  EXPECT_TRUE(d.new_failures.empty());
  EXPECT_TRUE(d.fixed.empty());
  EXPECT_TRUE(d.changed.empty());
  EXPECT_EQ(d.unchanged, r.cases.size());
  EXPECT_EQ(count_of(render_diff(r, r), "<p class=\"why\">none</p>"), 3u);
}

}  // namespace
}  // namespace sah::report
