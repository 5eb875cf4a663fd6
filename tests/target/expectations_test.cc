#include "harness/target/expectations.h"

#include <gtest/gtest.h>

namespace sah::target {
namespace {

TEST(Expectations, ParsesDeviationsCommentsAndBlankLines) {
  const auto e = parse_expectations(
      "# known deviations\n"
      "\n"
      "auth.plain.authzid-other-user   fail        RFC4616#2   logs in as the authentication identity  \n"
      "\tstate.auth-in-transaction non-strict RFC4954#4 accepts AUTH inside a transaction\r\n",
      "x/expectations.txt");
  ASSERT_TRUE(e.ok()) << format(e.error());
  ASSERT_EQ(e->deviations.size(), 2u);
  const Deviation& first = e->deviations[0];
  EXPECT_EQ(first.case_id, "auth.plain.authzid-other-user");
  EXPECT_EQ(first.verdict, Verdict::fail);
  EXPECT_EQ(first.clause, "RFC4616#2");
  EXPECT_EQ(first.explanation, "logs in as the authentication identity");  // trailing blanks dropped
  EXPECT_EQ(first.line, 3u);
  EXPECT_EQ(e->deviations[1].verdict, Verdict::non_strict);
  EXPECT_EQ(e->deviations[1].col, 2u);  // after the tab
  EXPECT_NE(e->find("state.auth-in-transaction"), nullptr);
  EXPECT_EQ(e->find("state.other"), nullptr);
}

struct BadCase {
  const char* why;
  const char* text;
  std::size_t line, col;
  const char* message_part;
};

class ExpectationsErrors : public ::testing::TestWithParam<BadCase> {};

TEST_P(ExpectationsErrors, NameLineAndColumn) {
  const BadCase& b = GetParam();
  const auto e = parse_expectations(b.text, "f.txt");
  ASSERT_FALSE(e.ok()) << b.why;
  EXPECT_EQ(e.error().line, b.line) << b.why;
  EXPECT_EQ(e.error().col, b.col) << b.why;
  EXPECT_NE(e.error().message.find(b.message_part), std::string::npos) << b.why << ": " << e.error().message;
  EXPECT_EQ(format(e.error()).rfind("f.txt:" + std::to_string(b.line) + ":" + std::to_string(b.col) + ": ", 0), 0u);
}

INSTANTIATE_TEST_SUITE_P(
    Table, ExpectationsErrors,
    ::testing::Values(
        BadCase{"pass is not a deviation", "a.b pass RFC1#1 fine\n", 1, 5, "deviation's verdict"},
        BadCase{"error is the harness's, never the server's", "a.b error RFC1#1 x\n", 1, 5, "deviation's verdict"},
        BadCase{"unknown verdict", "a.b broken RFC1#1 x\n", 1, 5, "got 'broken'"},
        BadCase{"no verdict", "# c\na.b\n", 2, 4, "expected a verdict"},
        BadCase{"no clause", "a.b fail\n", 1, 9, "clause"},
        BadCase{"no explanation", "a.b fail RFC1#1   \n", 1, 19, "explanation"},
        BadCase{"listed twice", "a.b fail R x\n\na.b crash R y\n", 3, 1, "listed twice (first on line 1)"},
        BadCase{"bad id octet", "a/b fail R x\n", 1, 2, "case id"},
        BadCase{"control octet", "a.b fail R x\x01\n", 1, 13, "control character"},
        BadCase{"a pass first is no deviation", "a.b pass|fail R x\n", 1, 5, "deviation's verdict"},
        BadCase{"empty alternative", "a.b fail| R x\n", 1, 10, "after '|', got ''"},
        BadCase{"unknown alternative", "a.b fail|maybe R x\n", 1, 10, "got 'maybe'"},
        BadCase{"error is never expected", "a.b fail|error R x\n", 1, 10, "got 'error'"},
        BadCase{"alternative twice", "a.b fail|pass|fail R x\n", 1, 15, "listed twice"}),
    [](const auto& info) { return "row" + std::to_string(info.index); });

TEST(Expectations, RefusesOversizedInputBeforeReadingIt) {
  const std::string big(kMaxExpectationsBytes + 1, '#');
  EXPECT_FALSE(parse_expectations(big, "f").ok());
  const std::string long_line = "a.b fail R " + std::string(kMaxExpectationsLine, 'x') + "\n";
  const auto e = parse_expectations(long_line, "f");
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().col, kMaxExpectationsLine + 1);
}

TEST(Expectations, TimingDependentDeviationListsEveryVerdict) {
  const auto e = parse_expectations("limits.x fail|pass|timeout RFC4954#4 resynchronises only sometimes\n", "f");
  ASSERT_TRUE(e.ok()) << format(e.error());
  const Deviation& d = e->deviations.at(0);
  EXPECT_EQ(d.verdict, Verdict::fail);
  EXPECT_EQ(d.also, (std::vector<Verdict>{Verdict::pass, Verdict::timeout}));
  EXPECT_TRUE(d.allows(Verdict::fail));
  EXPECT_TRUE(d.allows(Verdict::pass));
  EXPECT_TRUE(d.allows(Verdict::timeout));
  EXPECT_FALSE(d.allows(Verdict::crash));
}

CaseResult result(const std::string& id, Verdict v) {
  CaseResult c;
  c.id = id;
  c.verdict = v;
  return c;
}

TEST(Expectations, ApplyMarksKnownDeviationsAndNamesEveryDifference) {
  const auto e = parse_expectations(
      "known.fail fail RFC4954#4 refuses\n"
      "gone.fail fail RFC4954#6 used to refuse\n"
      "other.verdict crash RFC4954#4 used to die\n"
      "not.run fail RFC4954#4 filtered out of this run\n",
      "exp.txt");
  ASSERT_TRUE(e.ok());
  RunResult run;
  run.cases = {result("known.fail", Verdict::fail),      result("gone.fail", Verdict::pass),
               result("other.verdict", Verdict::fail),   result("new.fail", Verdict::fail),
               result("harness.error", Verdict::error),  result("fine.pass", Verdict::pass),
               result("fine.skip", Verdict::skip),       result("fine.info", Verdict::info),
               result("new.lenient", Verdict::non_strict)};
  const auto diffs = apply_expectations(*e, run);
  ASSERT_EQ(diffs.size(), 5u);
  EXPECT_NE(diffs[0].find("gone.fail: expected fail (RFC4954#6) (exp.txt:2), got pass: the deviation is gone"),
            std::string::npos);
  EXPECT_NE(diffs[1].find("other.verdict: expected crash"), std::string::npos);
  EXPECT_NE(diffs[2].find("new.fail: got fail, not listed"), std::string::npos);
  EXPECT_NE(diffs[3].find("harness.error: got error (a harness error)"), std::string::npos);
  EXPECT_NE(diffs[4].find("new.lenient: got non-strict"), std::string::npos);
  ASSERT_TRUE(run.cases[0].known.has_value());
  EXPECT_EQ(run.cases[0].known->source, "exp.txt:1");
  EXPECT_EQ(run.cases[0].known->explanation, "refuses");
  EXPECT_FALSE(run.cases[3].known.has_value());
}

TEST(Expectations, ApplyAcceptsEachListedVerdictOfATimingDependentCase) {
  const auto e = parse_expectations("flaky.case fail|pass RFC4954#4 resynchronises only sometimes\n", "exp.txt");
  ASSERT_TRUE(e.ok());
  for (Verdict v : {Verdict::fail, Verdict::pass}) {
    RunResult run;
    run.cases = {result("flaky.case", v)};
    EXPECT_TRUE(apply_expectations(*e, run).empty()) << to_string(v);
  }
  RunResult run;
  run.cases = {result("flaky.case", Verdict::crash)};
  const auto diffs = apply_expectations(*e, run);
  ASSERT_EQ(diffs.size(), 1u);
  EXPECT_NE(diffs[0].find("flaky.case: expected fail|pass (RFC4954#4) (exp.txt:1), got crash"), std::string::npos)
      << diffs[0];
}

}  // namespace
}  // namespace sah::target
