#include "harness/scenario/judge.h"

#include <gtest/gtest.h>

#include "harness/smtp/reply_parser.h"
#include "tests/scenario/case_builder.h"

namespace sah::scenario {
namespace {

using testing::event_alt;
using testing::reply_alt;

smtp::Reply parse(const std::string& wire) {
  smtp::ReplyParser p;
  p.feed(wire);
  auto r = p.next();
  EXPECT_TRUE(r.has_value()) << wire;
  return r.value_or(smtp::Reply{});
}

Observation obs(const std::string& wire) { return Observation::of(parse(wire)); }

const DefaultExpectation kAny = {200, 399, "2xx/3xx"};

struct CodeRow {
  const char* pattern;
  int code;
  bool match;
  const char* why;
};

TEST(JudgeCode, PatternsTable) {
  const CodeRow rows[] = {
      {"235", 235, true, "exact code"},
      {"235", 234, false, "other code"},
      {"5xx", 501, true, "class wildcard"},
      {"5xx", 421, false, "class wildcard, other class"},
      {"50x", 504, true, "last digit wildcard"},
      {"50x", 510, false, "second digit differs"},
      {"x3x", 535, true, "middle fixed"},
      {"*", 999, true, "any reply"},
      {"23", 235, false, "two characters are not a pattern"},
      {"2355", 235, false, "four characters are not a pattern"},
      {"2a5", 235, false, "a letter other than x never matches"},
  };
  for (const auto& r : rows) EXPECT_EQ(code_matches(r.pattern, r.code), r.match) << r.why;
}

struct EnhRow {
  std::optional<std::string> pattern;
  const char* wire;
  bool match;
  const char* why;
};

TEST(JudgeEnhanced, PatternsTable) {
  const EnhRow rows[] = {
      {std::nullopt, "501 no code\r\n", true, "not checked"},
      {std::string("5.5.2"), "501 5.5.2 bad\r\n", true, "exact"},
      {std::string("5.5.2"), "501 5.5.4 bad\r\n", false, "detail differs"},
      {std::string("5.5.*"), "501 5.5.4 bad\r\n", true, "detail wildcard"},
      {std::string("5.*"), "535 5.7.8 bad\r\n", true, "class only"},
      {std::string("4.*"), "535 5.7.8 bad\r\n", false, "class differs"},
      {std::string("-"), "501 Syntax error\r\n", true, "no code present"},
      {std::string("-"), "501 5.5.2 Syntax error\r\n", false, "a code is present"},
      {std::string("5.5.2"), "501 Syntax error\r\n", false, "code wanted, none present"},
      {std::string("5.5"), "501 5.5.2 x\r\n", false, "a short pattern is not a prefix"},
      {std::string("5.7.8"), "535 5.07.8 bad\r\n", false, "a malformed code is no code"},
      {std::string("-"), "535 5.07.8 bad\r\n", true, "a malformed code counts as none"},
  };
  for (const auto& r : rows) EXPECT_EQ(enhanced_matches(r.pattern, parse(r.wire)), r.match) << r.why;
}

// RFC 2034 §3, catalogue {enh}: without ENHANCEDSTATUSCODES advertised, x.y.z patterns say
// nothing, so "235 Ok" matches "235 2.7.0" and a code-less 501 matches "501 5.5.2".
TEST(JudgeEnhanced, NotCheckedWhenNotAdvertised) {
  EXPECT_TRUE(enhanced_matches(std::string("2.7.0"), parse("235 Ok\r\n"), false));
  EXPECT_TRUE(enhanced_matches(std::string("5.5.2"), parse("501 5.5.4 bad\r\n"), false));
  EXPECT_TRUE(enhanced_matches(std::string("-"), parse("501 5.5.2 bad\r\n"), false));
  EXPECT_FALSE(enhanced_matches(std::string("2.7.0"), parse("235 Ok\r\n"), true));

  const std::vector<Alternative> alts = {reply_alt("235", Verdict::pass, std::string("2.7.0")),
                                         reply_alt("235", Verdict::non_strict)};
  Observation advertised = Observation::of(parse("235 Ok\r\n"));
  EXPECT_EQ(judge(alts, advertised, {}, Severity::must).verdict, Verdict::non_strict);
  Observation not_advertised = advertised;
  not_advertised.check_enhanced = false;
  EXPECT_EQ(judge(alts, not_advertised, {}, Severity::must).verdict, Verdict::pass);
}

TEST(JudgeText, ReplyTextDropsCodesAndEnhancedCodes) {
  EXPECT_EQ(reply_text(parse("535 5.7.8 Authentication failed\r\n")), "Authentication failed");
  EXPECT_EQ(reply_text(parse("250-host\r\n250-AUTH PLAIN\r\n250 SIZE 10\r\n")), "host\nAUTH PLAIN\nSIZE 10");
  EXPECT_EQ(reply_text(parse("550-5.1.1 first\r\n550 5.1.1 second\r\n")), "first\nsecond");
  EXPECT_EQ(reply_text(parse("334 \r\n")), "");
}

TEST(JudgeText, WireTextKeepsTheReplyShape) {
  EXPECT_EQ(wire_text(parse("250-a\r\n250 b\r\n")), "250-a\n250 b");
  EXPECT_EQ(wire_text(parse("334 \r\n")), "334 ");
}

TEST(JudgeRender, AlternativesAsWritten) {
  EXPECT_EQ(render(reply_alt("501", Verdict::pass, std::string("5.5.2"), std::string("*"))), "501 5.5.2 *");
  EXPECT_EQ(render(reply_alt("235", Verdict::fail)), "235");
  EXPECT_EQ(render(event_alt(Alternative::Kind::closed, Verdict::pass)), "closed");
  EXPECT_EQ(render(event_alt(Alternative::Kind::timeout, Verdict::pass)), "timeout");
}

TEST(Judge, FirstMatchingAlternativeWins) {
  std::vector<Alternative> alts = {reply_alt("501", Verdict::pass, std::string("5.5.2")),
                                   reply_alt("501", Verdict::non_strict), reply_alt("*", Verdict::fail)};
  Judgement j = judge(alts, obs("501 5.5.2 bad\r\n"), kAny, Severity::must);
  EXPECT_EQ(j.verdict, Verdict::pass);
  EXPECT_EQ(j.matched, 0u);
  j = judge(alts, obs("501 5.5.4 bad\r\n"), kAny, Severity::must);
  EXPECT_EQ(j.verdict, Verdict::non_strict);
  EXPECT_EQ(j.matched, 1u);
  j = judge(alts, obs("535 5.7.8 no\r\n"), kAny, Severity::should);
  EXPECT_EQ(j.verdict, Verdict::fail);
  EXPECT_EQ(j.severity, Severity::should) << "a plain fail takes the case's level";
  EXPECT_EQ(j.matched, 2u);
}

TEST(Judge, NoAlternativeMatchedFailsAtTheCaseLevel) {
  std::vector<Alternative> alts = {reply_alt("235", Verdict::pass)};
  Judgement j = judge(alts, obs("535 5.7.8 no\r\n"), kAny, Severity::practice);
  EXPECT_EQ(j.verdict, Verdict::fail);
  EXPECT_EQ(j.severity, Severity::practice);
  EXPECT_FALSE(j.matched.has_value());
  EXPECT_NE(j.reason.find("535"), std::string::npos);
}

TEST(Judge, AlternativeSeverityOverridesTheLevel) {
  std::vector<Alternative> alts = {reply_alt("235", Verdict::fail, std::nullopt, std::nullopt, Severity::critical)};
  Judgement j = judge(alts, obs("235 2.7.0 ok\r\n"), kAny, Severity::should);
  EXPECT_EQ(j.verdict, Verdict::fail);
  EXPECT_EQ(j.severity, Severity::critical);
}

TEST(Judge, NonFailVerdictsCarryNoSeverity) {
  std::vector<Alternative> alts = {reply_alt("235", Verdict::non_strict, std::nullopt, std::nullopt, Severity::critical)};
  EXPECT_EQ(judge(alts, obs("235 ok\r\n"), kAny, Severity::must).severity, Severity::none);
}

TEST(Judge, TextGlobCapturesIntoVariables) {
  std::vector<Alternative> alts = {reply_alt("334", Verdict::pass, std::nullopt, std::string("$challenge"))};
  Judgement j = judge(alts, obs("334 PDEyMzQ+\r\n"), kAny, Severity::must);
  EXPECT_EQ(j.verdict, Verdict::pass);
  EXPECT_EQ(j.captures.at("challenge"), "PDEyMzQ+");
}

TEST(Judge, TextGlobMismatchTriesTheNextAlternative) {
  std::vector<Alternative> alts = {reply_alt("535", Verdict::fail, std::nullopt, std::string("*s3cret*")),
                                   reply_alt("535", Verdict::pass)};
  EXPECT_EQ(judge(alts, obs("535 5.7.8 Authentication failed\r\n"), kAny, Severity::must).verdict, Verdict::pass);
  EXPECT_EQ(judge(alts, obs("535 5.7.8 bad password s3cret\r\n"), kAny, Severity::must).verdict, Verdict::fail);
}

TEST(JudgeGlobalRules, MalformedReplyFailsMustWhateverTheAlternatives) {
  std::vector<Alternative> alts = {reply_alt("*", Verdict::pass)};
  Judgement j = judge(alts, Observation::malformed_reply("code_mismatch at octet 9"), kAny, Severity::practice);
  EXPECT_EQ(j.verdict, Verdict::fail);
  EXPECT_EQ(j.severity, Severity::must);
  EXPECT_NE(j.reason.find("RPL-01"), std::string::npos);
}

TEST(JudgeGlobalRules, CodeOutsideRfc5321ShapeFailsMust) {
  std::vector<Alternative> alts = {reply_alt("*", Verdict::pass)};
  Judgement j = judge(alts, obs("170 odd\r\n"), kAny, Severity::practice);
  EXPECT_EQ(j.verdict, Verdict::fail);
  EXPECT_EQ(j.severity, Severity::must);
  j = judge(alts, obs("290 odd second digit\r\n"), kAny, Severity::practice);
  EXPECT_EQ(j.verdict, Verdict::fail);
}

TEST(JudgeGlobalRules, TemporaryRepliesAreInconclusiveUnlessNamed) {
  std::vector<Alternative> any = {reply_alt("*", Verdict::pass), reply_alt("5xx", Verdict::fail)};
  EXPECT_EQ(judge(any, obs("421 4.4.2 bye\r\n"), kAny, Severity::must).verdict, Verdict::inconclusive)
      << "`*` does not name 421";
  EXPECT_EQ(judge(any, obs("454 4.7.0 try later\r\n"), kAny, Severity::must).verdict, Verdict::inconclusive);
  EXPECT_EQ(judge(any, obs("454 4.7.1 not temp in G7's sense\r\n"), kAny, Severity::must).verdict, Verdict::pass);
  std::vector<Alternative> named = {reply_alt("421", Verdict::non_strict)};
  EXPECT_EQ(judge(named, obs("421 4.4.2 bye\r\n"), kAny, Severity::must).verdict, Verdict::non_strict);
  std::vector<Alternative> klass = {reply_alt("4xx", Verdict::pass)};
  EXPECT_EQ(judge(klass, obs("421 bye\r\n"), kAny, Severity::must).verdict, Verdict::pass);
  std::vector<Alternative> none;
  EXPECT_EQ(judge(none, obs("421 bye\r\n"), kAny, Severity::must).verdict, Verdict::inconclusive);
}

TEST(JudgeGlobalRules, ClosedFailsUnlessNamed) {
  std::vector<Alternative> alts = {reply_alt("*", Verdict::pass)};
  Judgement j = judge(alts, Observation::closed(), kAny, Severity::should);
  EXPECT_EQ(j.verdict, Verdict::fail);
  EXPECT_EQ(j.severity, Severity::should);
  EXPECT_NE(j.reason.find("G3"), std::string::npos);
  alts.push_back(event_alt(Alternative::Kind::closed, Verdict::non_strict));
  j = judge(alts, Observation::closed(), kAny, Severity::should);
  EXPECT_EQ(j.verdict, Verdict::non_strict);
  EXPECT_EQ(j.matched, 1u);
}

TEST(JudgeGlobalRules, NoReplyIsTimeoutUnlessNamed) {
  std::vector<Alternative> alts = {reply_alt("*", Verdict::pass)};
  EXPECT_EQ(judge(alts, Observation::timeout(), kAny, Severity::must).verdict, Verdict::timeout);
  alts.push_back(event_alt(Alternative::Kind::timeout, Verdict::pass));
  EXPECT_EQ(judge(alts, Observation::timeout(), kAny, Severity::must).verdict, Verdict::pass);
  // A reply does not match a `timeout` alternative.
  std::vector<Alternative> only_timeout = {event_alt(Alternative::Kind::timeout, Verdict::pass)};
  EXPECT_EQ(judge(only_timeout, obs("250 ok\r\n"), kAny, Severity::must).verdict, Verdict::fail);
}

TEST(JudgeGlobalRules, NetworkErrorIsInconclusive) {
  EXPECT_EQ(judge({}, Observation::network_error("reset"), kAny, Severity::must).verdict, Verdict::inconclusive);
}

TEST(JudgeDefaults, PerStepKind) {
  EXPECT_EQ(default_expectation(Step::Kind::connect).min_code, 220);
  EXPECT_EQ(default_expectation(Step::Kind::starttls).max_code, 220);
  EXPECT_EQ(default_expectation(Step::Kind::ehlo).min_code, 250);
  EXPECT_EQ(default_expectation(Step::Kind::helo).min_code, 250);
  EXPECT_EQ(default_expectation(Step::Kind::auth).min_code, 235);
  const auto send = default_expectation(Step::Kind::send);
  EXPECT_EQ(send.min_code, 200);
  EXPECT_EQ(send.max_code, 399);
  EXPECT_EQ(default_expectation(Step::Kind::read).max_code, 399);
  EXPECT_EQ(default_expectation(Step::Kind::send_raw).max_code, 399);
}

TEST(JudgeDefaults, UnmetDefaultIsInconclusiveMetIsPass) {
  const auto d = default_expectation(Step::Kind::auth);
  EXPECT_EQ(judge({}, obs("235 2.7.0 ok\r\n"), d, Severity::must).verdict, Verdict::pass);
  EXPECT_EQ(judge({}, obs("535 5.7.8 no\r\n"), d, Severity::must).verdict, Verdict::inconclusive);
  // Closed and timeout are judged by the global rules, not as an unmet default.
  EXPECT_EQ(judge({}, Observation::closed(), d, Severity::must).verdict, Verdict::fail);
  EXPECT_EQ(judge({}, Observation::timeout(), d, Severity::must).verdict, Verdict::timeout);
}

TEST(JudgeRanking, OrderAndStops) {
  const Verdict order[] = {Verdict::pass, Verdict::info, Verdict::non_strict, Verdict::skip, Verdict::inconclusive,
                           Verdict::error, Verdict::fail, Verdict::timeout, Verdict::crash};
  for (std::size_t i = 1; i < std::size(order); ++i)
    EXPECT_LT(rank(order[i - 1]), rank(order[i])) << to_string(order[i]);
  EXPECT_TRUE(worse(Verdict::fail, Severity::should, Verdict::fail, Severity::critical));
  EXPECT_FALSE(worse(Verdict::fail, Severity::critical, Verdict::fail, Severity::must));
  EXPECT_TRUE(worse(Verdict::pass, Severity::none, Verdict::non_strict, Severity::none));
  EXPECT_FALSE(worse(Verdict::timeout, Severity::none, Verdict::fail, Severity::critical));
  // skip stops a case too: a step whose precondition is unmet (a malformer that cannot be made
  // from the credentials) leaves nothing for later steps to judge.
  for (Verdict v : {Verdict::fail, Verdict::timeout, Verdict::crash, Verdict::error, Verdict::inconclusive,
                    Verdict::skip})
    EXPECT_TRUE(stops_case(v)) << to_string(v);
  for (Verdict v : {Verdict::pass, Verdict::non_strict, Verdict::info})
    EXPECT_FALSE(stops_case(v)) << to_string(v);
}

TEST(JudgeSeverity, AlternativeElseLevelElseMust) {
  EXPECT_EQ(fail_severity(Severity::critical, Severity::should), Severity::critical);
  EXPECT_EQ(fail_severity(Severity::none, Severity::should), Severity::should);
  EXPECT_EQ(fail_severity(Severity::none, Severity::none), Severity::must);
}

}  // namespace
}  // namespace sah::scenario
