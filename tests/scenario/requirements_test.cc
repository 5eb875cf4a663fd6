#include "harness/scenario/requirements.h"

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace sah::scenario {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::vector<std::string> errors_of(const RequirementIndexLoad& l) {
  std::vector<std::string> out;
  for (const auto& d : l.diagnostics) out.push_back(format(d));
  return out;
}

const char* kHeader = "id\tlevel\tsource\ttitle\ttestable\n";

TEST(RequirementIndex, ParsesRowsCommentsAndTestability) {
  auto l = parse_requirement_index(std::string("# generated\n\n") + kHeader +
                                       "B64-02\tmust\tRFC 4954 §4\tNon-alphabet character\tyes\r\n"
                                       "B64-01\tmust\tRFC 4648\tStrict profile\tno: harness requirement\n"
                                       "CAP-04\tpractice\tRFC 5321\tLegacy AUTH= line\tyes\n"
                                       "B64-09\tmay\tRFC 4648 §3.5\tNon-zero pad bits\tyes\n",
                                   "r.tsv");
  ASSERT_THAT(errors_of(l), IsEmpty());
  ASSERT_EQ(l.index.all().size(), 4u);
  const Requirement* r = l.index.find("B64-02");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->severity, Severity::must);
  EXPECT_EQ(r->source, "RFC 4954 §4");
  EXPECT_EQ(r->title, "Non-alphabet character");
  EXPECT_TRUE(r->testable);
  EXPECT_EQ(r->at.line, 4u);
  EXPECT_FALSE(l.index.find("B64-01")->testable);
  EXPECT_EQ(l.index.find("B64-01")->not_testable_because, "harness requirement");
  EXPECT_EQ(l.index.find("CAP-04")->severity, Severity::practice);
  EXPECT_EQ(l.index.find("B64-09")->level, "may") << "the catalogue's word is kept";
  EXPECT_EQ(l.index.find("B64-09")->severity, Severity::practice) << "MAY weighs as practice";
  EXPECT_EQ(l.index.find("B64-99"), nullptr);
}

TEST(RequirementIndex, ReportsEachBadFieldAtItsColumn) {
  auto l = parse_requirement_index(std::string(kHeader) +
                                       "b64-02\tmust\tS\tT\tyes\n"        // 2: id
                                       "B64-03\tMUST\tS\tT\tyes\n"        // 3: level
                                       "B64-04\tmust\t\tT\tyes\n"         // 4: source
                                       "B64-05\tmust\tS\t\tyes\n"         // 5: title
                                       "B64-06\tmust\tS\tT\tmaybe\n"      // 6: testable
                                       "B64-07\tmust\tS\tT\tno: \n"       // 7: empty reason
                                       "B64-08\tmust\tS\tT\n"             // 8: 4 fields
                                       "B64-09\tmust\tS\tT\tyes\textra\n" // 9: 6 fields
                                       "B64-10\tmust\tS\tT\tyes\n"
                                       "B64-10\tshould\tS\tT\tyes\n",     // 11: duplicate
                                   "r.tsv");
  EXPECT_THAT(errors_of(l),
              ElementsAre("r.tsv:2:1: expected a requirement id like 'B64-02', found 'b64-02'",
                          "r.tsv:3:8: expected a level (must, should, may, practice), found 'MUST'",
                          "r.tsv:4:13: expected the source clause",
                          "r.tsv:5:15: expected a title",
                          "r.tsv:6:17: expected 'yes' or 'no: REASON' in the testable column",
                          "r.tsv:7:17: expected 'yes' or 'no: REASON' in the testable column",
                          "r.tsv:8:16: expected 5 tab-separated fields (id, level, source, title, testable), found 4",
                          "r.tsv:9:21: expected 5 tab-separated fields (id, level, source, title, testable), found 6",
                          "r.tsv:11:1: duplicate requirement id 'B64-10'"));
  EXPECT_EQ(l.index.all().size(), 1u);
}

TEST(RequirementIndex, TheColumnLineIsRequired) {
  EXPECT_THAT(errors_of(parse_requirement_index("B64-02\tmust\tS\tT\tyes\n", "r.tsv")),
              ElementsAre("r.tsv:1:1: expected the column names 'id<TAB>level<TAB>source<TAB>title<TAB>testable'"));
  EXPECT_THAT(errors_of(parse_requirement_index("# only a comment\n", "r.tsv")),
              ElementsAre("r.tsv:1:1: the index is empty: expected the column names"));
  EXPECT_THAT(errors_of(load_requirement_index("/nonexistent/requirements.tsv")),
              ElementsAre("/nonexistent/requirements.tsv: cannot open the requirement index"));
}

TEST(RequirementIndex, IdsAndLevels) {
  for (const char* ok : {"B64-02", "RPL-01", "PLAIN-13", "X-1"}) EXPECT_TRUE(is_requirement_id(ok)) << ok;
  for (const char* bad : {"b64-02", "64B-02", "B64-", "-02", "B64-0x", "B64_02", ""})
    EXPECT_FALSE(is_requirement_id(bad)) << bad;
  EXPECT_EQ(severity_of_level("must"), Severity::must);
  EXPECT_EQ(severity_of_level("should"), Severity::should);
  EXPECT_EQ(severity_of_level("may"), Severity::practice);
  EXPECT_EQ(severity_of_level("practice"), Severity::practice);
  EXPECT_EQ(severity_of_level("MUST"), Severity::none);
  EXPECT_EQ(stronger(Severity::practice, Severity::should), Severity::should);
  EXPECT_EQ(stronger(Severity::must, Severity::none), Severity::must);
  EXPECT_EQ(stronger(Severity::critical, Severity::must), Severity::critical);
}

// The committed index: every id of the catalogue's section 3, none malformed.
TEST(RequirementIndex, TheShippedIndexLoadsCompletely) {
  auto l = load_requirement_index(std::string(SAH_SOURCE_DIR) + "/scenarios/requirements.tsv");
  ASSERT_THAT(errors_of(l), IsEmpty());
  EXPECT_EQ(l.index.all().size(), 218u) << "the catalogue's summary table counts 218 requirements";
  ASSERT_NE(l.index.find("B64-02"), nullptr);
  EXPECT_EQ(l.index.find("B64-02")->severity, Severity::must);
  EXPECT_EQ(l.index.find("B64-09")->level, "may");
  EXPECT_FALSE(l.index.find("B64-01")->testable) << "(harness) requirements are unit-tested";
  EXPECT_FALSE(l.index.find("EX-02")->testable) << "[CERT]";
  EXPECT_FALSE(l.index.find("ST-15")->testable) << "[SINK]";
  EXPECT_TRUE(l.index.find("TLS-05")->testable);
}

}  // namespace
}  // namespace sah::scenario
