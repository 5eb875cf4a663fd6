#include "harness/scenario/catalogue.h"

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "tests/scenario/scenario_test_util.h"

namespace sah::scenario {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

// A fresh directory per test, removed at the end.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> n{0};
    path_ = fs::temp_directory_path() /
            ("sah-catalogue-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  void write(const std::string& rel, const std::string& text) const {
    fs::create_directories((path_ / rel).parent_path());
    std::ofstream(path_ / rel, std::ios::binary) << text;
  }
  std::string str() const { return path_.string(); }

 private:
  fs::path path_;
};

std::string a_case(const std::string& id) { return testing::header(id) + "connect\nalive\n"; }

std::vector<std::string> ids(const std::vector<Case>& cases) {
  std::vector<std::string> out;
  for (const auto& c : cases) out.push_back(c.id);
  return out;
}

TEST(ScenarioCatalogue, LoadsEveryScnFileInSortedOrder) {
  TempDir d;
  d.write("b.scn", a_case("from.b"));
  d.write("a/z.scn", a_case("from.a.z"));
  d.write("a/y.scn", a_case("from.a.y") + a_case("from.a.y2"));
  d.write("notes.txt", "not a scenario");
  auto cat = load_catalogue({d.str()}, testing::test_parse_options());
  EXPECT_EQ(cat.error_count(), 0u);
  EXPECT_THAT(ids(cat.cases), ElementsAre("from.a.y", "from.a.y2", "from.a.z", "from.b"));
  ASSERT_EQ(cat.files.size(), 3u);
  EXPECT_EQ(fs::path(cat.files[0]).filename(), "y.scn");
}

TEST(ScenarioCatalogue, CaseIdsAreUniqueAcrossFiles) {
  TempDir d;
  d.write("one.scn", a_case("same.id"));
  d.write("two.scn", "\n\n" + a_case("same.id"));
  auto cat = load_catalogue({d.str()}, testing::test_parse_options());
  ASSERT_EQ(cat.problems.size(), 1u);
  ASSERT_EQ(cat.problems[0].diagnostics.size(), 1u);
  const std::string first = (fs::path(d.str()) / "one.scn").lexically_normal().string();
  const std::string second = (fs::path(d.str()) / "two.scn").lexically_normal().string();
  EXPECT_EQ(format(cat.problems[0].diagnostics[0]),
            second + ":3:1: duplicate case id 'same.id' (first at " + first + ":1)");
  EXPECT_EQ(cat.cases.size(), 1u);
}

TEST(ScenarioCatalogue, ErrorsAreKeptPerFile) {
  TempDir d;
  d.write("bad.scn", "case X\n");
  d.write("good.scn", a_case("fine"));
  auto cat = load_catalogue({d.str(), d.str() + "/missing"}, testing::test_parse_options());
  ASSERT_EQ(cat.problems.size(), 2u);
  EXPECT_EQ(cat.problems[0].file, d.str() + "/missing");
  EXPECT_EQ(format(cat.problems[0].diagnostics.at(0)), d.str() + "/missing: not a directory");
  EXPECT_EQ(fs::path(cat.problems[1].file).filename(), "bad.scn");
  EXPECT_GE(cat.problems[1].diagnostics.size(), 5u);
  EXPECT_THAT(ids(cat.cases), ElementsAre("fine"));
}

TEST(ScenarioCatalogue, FindsTheRequirementIndexBesideOrAboveTheCases) {
  TempDir d;
  d.write("requirements.tsv", "id\tlevel\tsource\ttitle\ttestable\nZZ-01\tshould\tS\tT\tyes\n");
  d.write("sub/x.scn", "case x\ntitle T\nreq ZZ-01\nrfc RFC1\nfault b64-wrong-code\nalive\n"
                       "case y\ntitle T\nreq B64-02\nrfc RFC1\nfault b64-wrong-code\nalive\n");
  auto cat = load_catalogue({d.str() + "/sub"});
  ASSERT_NE(cat.requirements, nullptr);
  EXPECT_NE(cat.requirements->find("ZZ-01"), nullptr);
  EXPECT_THAT(ids(cat.cases), ElementsAre("x"));
  EXPECT_EQ(cat.cases.at(0).level, Severity::should);
  ASSERT_EQ(cat.error_count(), 1u) << "B64-02 is not in this index";
}

TEST(ScenarioCatalogue, IdGlobs) {
  struct Row {
    const char* glob;
    const char* id;
    bool match;
  } rows[] = {
      {"*", "auth.plain.x", true},
      {"auth.*", "auth.plain.x", true},
      {"auth.*", "tls.auth.x", false},
      {"*.b64.*", "auth.plain.ir.b64.bad-char", true},
      {"auth.plain.?", "auth.plain.x", true},
      {"auth.plain.?", "auth.plain.xy", false},
      {"auth.plain", "auth.plain.x", false},
      {"*x*y*z", "axbyczz", true},
      {"a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false},
  };
  for (const auto& r : rows) EXPECT_EQ(id_glob_match(r.glob, r.id), r.match) << r.glob << " ~ " << r.id;
}

TEST(ScenarioCatalogue, SelectionByCasesTagsAndMechanisms) {
  std::vector<Case> cases(4);
  cases[0].id = "auth.plain.a";
  cases[0].tags = {"plain", "base64"};
  cases[0].mechanism = "PLAIN";
  cases[1].id = "auth.cram.b";
  cases[1].tags = {"cram-md5"};
  cases[1].mechanism = "CRAM-MD5";
  cases[2].id = "state.c";
  cases[2].tags = {"state"};
  cases[3].id = "auth.any.d";
  cases[3].mechanism = "$mech";
  auto pick = [&](const char* c, const char* t, const char* m) {
    std::vector<std::string> out;
    for (const Case* x : select_cases(cases, make_selection(c, t, m))) out.push_back(x->id);
    return out;
  };
  EXPECT_THAT(pick("", "", ""), ElementsAre("auth.plain.a", "auth.cram.b", "state.c", "auth.any.d"));
  EXPECT_THAT(pick("auth.*", "", ""), ElementsAre("auth.plain.a", "auth.cram.b", "auth.any.d"));
  EXPECT_THAT(pick("auth.*,!auth.cram.*", "", ""), ElementsAre("auth.plain.a", "auth.any.d"));
  EXPECT_THAT(pick("state.c, auth.plain.a", "", ""), ElementsAre("auth.plain.a", "state.c"));
  EXPECT_THAT(pick("", "base64,state", ""), ElementsAre("auth.plain.a", "state.c"));
  EXPECT_THAT(pick("", "", "cram-md5"), ElementsAre("auth.cram.b", "state.c", "auth.any.d"))
      << "case-insensitive; cases about no mechanism (or $mech) stay";
}

TEST(ScenarioCatalogue, SplitList) {
  EXPECT_THAT(split_list(" a, b ,,c,"), ElementsAre("a", "b", "c"));
  EXPECT_THAT(split_list(""), IsEmpty());
}

// Every shipped scenario file parses without a diagnostic against the shipped index.
TEST(ScenarioCatalogue, EveryShippedScenarioParses) {
  auto cat = load_catalogue({std::string(SAH_SOURCE_DIR) + "/scenarios"});
  std::vector<std::string> all;
  for (const auto& p : cat.problems)
    for (const auto& d : p.diagnostics) all.push_back(format(d));
  EXPECT_THAT(all, IsEmpty());
  ASSERT_NE(cat.requirements, nullptr);
  EXPECT_FALSE(cat.cases.empty());
  for (const auto& c : cat.cases) {
    EXPECT_FALSE(c.faults.empty()) << c.id;
    for (const auto& id : c.requirements) EXPECT_NE(cat.requirements->find(id), nullptr) << c.id << " cites " << id;
  }
}

// The worked examples expand as the README says: one case per foreach row.
TEST(ScenarioCatalogue, TheExamplesExpand) {
  auto cat = load_catalogue({std::string(SAH_SOURCE_DIR) + "/scenarios/examples"});
  EXPECT_EQ(cat.error_count(), 0u);
  std::vector<std::string> got = ids(cat.cases);
  EXPECT_THAT(got, ElementsAre("example.auth.cram-md5.challenge.fresh-per-connection",
                               "example.auth.cram-md5.digest.wrong-password", "example.auth.plain.ir.b64.bad-char-start",
                               "example.auth.plain.ir.b64.bad-char-middle", "example.auth.plain.ir.b64.bad-char-end",
                               "example.auth.plain.ir.b64.impossible-length",
                               "example.tls.starttls.injection.noop",
                               "example.tls.starttls.pipelined.no-cleartext-reply"));
  for (const auto& c : cat.cases) EXPECT_EQ(c.tags.at(0), "example") << c.id;
}

}  // namespace
}  // namespace sah::scenario
