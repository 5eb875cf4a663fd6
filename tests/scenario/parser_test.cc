#include "harness/scenario/parser.h"

#include <random>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness/scenario/lexer.h"
#include "tests/scenario/scenario_test_util.h"

namespace sah::scenario {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::header;
using testing::parse;
using testing::short_diagnostics;

// ---- a whole case --------------------------------------------------------------------------

TEST(ScenarioParser, MinimalCaseParsesIntoOneCase) {
  auto r = parse(header() + "connect\nalive\n");
  ASSERT_THAT(short_diagnostics(r), IsEmpty());
  ASSERT_EQ(r.cases.size(), 1u);
  const Case& c = r.cases[0];
  EXPECT_EQ(c.id, "a.b");
  EXPECT_EQ(c.title, "T");
  EXPECT_THAT(c.requirements, ElementsAre("B64-02"));
  EXPECT_THAT(c.rfc, ElementsAre("RFC4954#4"));
  EXPECT_THAT(c.faults, ElementsAre("b64-skip-illegal"));
  EXPECT_EQ(c.level, Severity::must);
  EXPECT_EQ(c.at.line, 1u);
  EXPECT_EQ(c.at.file, "t.scn");
  ASSERT_EQ(c.steps.size(), 2u);
  EXPECT_EQ(c.steps[0].kind, Step::Kind::connect);
  EXPECT_EQ(c.steps[0].at.line, 6u);
  EXPECT_EQ(c.steps[1].kind, Step::Kind::alive);
}

TEST(ScenarioParser, ReadsEveryHeader) {
  auto r = parse(
      "case x.y-z.1\n"
      "title   AUTH PLAIN with \"quotes\" and a#hash   # a comment\n"
      "req     B64-02 B64-04   # two ids\n"
      "rfc     RFC4954#4 MS-NLMP#3.2.5 draft-murchison-sasl-login#2.1 RFC4422#A\n"
      "tags    plain base64\n"
      "needs   mech:PLAIN !tls account\n"
      "fault   b64-skip-illegal b64-wrong-code\n"
      "level   should\n"
      "mechanism PLAIN\n"
      "timeout 1500\n"
      "connect\nquit\n");
  ASSERT_THAT(short_diagnostics(r), IsEmpty());
  const Case& c = r.cases.at(0);
  EXPECT_EQ(c.title, "AUTH PLAIN with \"quotes\" and a#hash");
  EXPECT_THAT(c.requirements, ElementsAre("B64-02", "B64-04"));
  EXPECT_THAT(c.rfc, ElementsAre("RFC4954#4", "MS-NLMP#3.2.5", "draft-murchison-sasl-login#2.1", "RFC4422#A"));
  EXPECT_THAT(c.tags, ElementsAre("plain", "base64"));
  ASSERT_EQ(c.needs.size(), 3u);
  EXPECT_FALSE(c.needs[0].negated);
  EXPECT_EQ(c.needs[0].what, "mech:PLAIN");
  EXPECT_TRUE(c.needs[1].negated);
  EXPECT_EQ(c.needs[1].what, "tls");
  EXPECT_THAT(c.faults, ElementsAre("b64-skip-illegal", "b64-wrong-code"));
  EXPECT_EQ(c.level, Severity::should);
  EXPECT_EQ(c.mechanism, "PLAIN");
  EXPECT_EQ(c.timeout_ms, 1500u);
}

TEST(ScenarioParser, LevelDefaultsToTheStrongestRequirementLevel) {
  struct Row {
    const char* req;
    Severity level;
    const char* why;
  } rows[] = {
      {"RPL-05 CAP-04", Severity::should, "should beats practice"},
      {"CAP-04 B64-02", Severity::must, "must beats practice, in any order"},
      {"B64-09", Severity::practice, "MAY maps to practice"},
  };
  for (const auto& row : rows) {
    auto r = parse(std::string("case a\ntitle T\nreq ") + row.req + "\nrfc RFC1#1\nfault b64-wrong-code\nconnect\nalive\n");
    ASSERT_EQ(r.cases.size(), 1u) << row.why;
    EXPECT_EQ(r.cases[0].level, row.level) << row.why;
  }
}

TEST(ScenarioParser, MissingRequiredHeadersAreReportedAtTheCaseLine) {
  auto r = parse("\n  case a.b\nconnect\nalive\n");
  EXPECT_THAT(short_diagnostics(r),
              ElementsAre("2:3: case 'a.b' has no 'title' line", "2:3: case 'a.b' has no 'req' line",
                          "2:3: case 'a.b' has no 'rfc' line",
                          "2:3: case 'a.b' has no 'fault' line (the built-in server fault under which it must fail)"));
  EXPECT_THAT(r.cases, IsEmpty());
}

TEST(ScenarioParser, ACaseMustJudgeSomething) {
  auto r = parse(header() + "connect\nehlo\nreconnect\nwait 10\n");
  EXPECT_THAT(short_diagnostics(r),
              ElementsAre("1:1: case 'a.b' judges nothing: add an 'expect' or 'check' line, or one of alive, closed, "
                          "silent, quit, handshake"));
  for (const char* judged : {"alive\n", "closed\n", "silent 5\n", "quit\n", "connect\nexpect 220 => pass\n",
                             "check tls => pass\n", "silent 5\nexpect timeout => pass\n"})
    EXPECT_TRUE(parse(header() + judged).ok()) << judged;
}

TEST(ScenarioParser, LongWaitsOnlyInOptionalCases) {
  // kMaxWaitMs for every case (--jobs runs waits side by side); up to kMaxOptionalWaitMs in a
  // case that declares `needs optional` (LIM-04's idle minute), never more.
  const std::string minute = "connect\nwait 60000\nalive\n";
  EXPECT_THAT(short_diagnostics(parse(header() + minute)),
              ElementsAre("7:6: expected milliseconds (1 to 10000) after 'wait', found '60000'"));
  auto optional = parse(header() + "needs optional\n" + minute);
  ASSERT_TRUE(optional.ok()) << ::testing::PrintToString(short_diagnostics(optional));
  EXPECT_EQ(optional.cases[0].steps[1].millis, 60000u);
  EXPECT_THAT(short_diagnostics(parse(header() + "needs !optional\n" + minute)),
              ElementsAre("8:6: expected milliseconds (1 to 10000) after 'wait', found '60000'"))
      << "a negated need is no declaration";
  EXPECT_THAT(short_diagnostics(parse(header() + "needs optional\nconnect\nwait 360001\nalive\n")),
              ElementsAre("8:6: expected milliseconds (1 to 360000) after 'wait', found '360001'"));
}

TEST(ScenarioParser, UnknownAndUpperCaseKeywords) {
  auto r = parse(header() + "connect\n  frobnicate x\nSend x\nalive\nend\n");
  auto d = short_diagnostics(r);
  ASSERT_EQ(d.size(), 3u);
  EXPECT_THAT(d[0], ::testing::StartsWith("7:3: unknown keyword 'frobnicate' (headers: title"));
  EXPECT_EQ(d[1], "8:1: keywords are lower case: write 'send'");
  EXPECT_EQ(d[2], "10:1: 'end' without 'foreach' or 'repeat'");
}

TEST(ScenarioParser, HeadersComeBeforeSteps) {
  auto r = parse(header() + "connect\ntags late\nalive\n");
  EXPECT_THAT(short_diagnostics(r), ElementsAre("7:1: 'tags' is a header: headers come before the first step (line 6)"));
}

TEST(ScenarioParser, SingleHeadersMayNotRepeat) {
  auto r = parse(header() + "title again\nlevel must\nlevel should\nconnect\nalive\n");
  EXPECT_THAT(short_diagnostics(r), ElementsAre("6:1: duplicate 'title' line (first at line 2)",
                                                "8:1: duplicate 'level' line (first at line 7)"));
}

TEST(ScenarioParser, HeaderValuesAreValidated) {
  auto r = parse(
      "case Bad.Id\n"
      "title T\n"
      "req B64-02 b64-2 XYZ-99\n"
      "rfc RFC4954# 4954\n"
      "tags Plain ok\n"
      "needs mech:PL@IN fast\n"
      "fault b64-skip-illegal no-such-fault\n"
      "level critical\n"
      "mechanism NOT/A/MECH\n"
      "timeout 0\n"
      "connect\nalive\n");
  EXPECT_THAT(short_diagnostics(r),
              ElementsAre("1:6: expected a case id of lower-case words, digits and '-' joined by '.', found 'Bad.Id'",
                          "3:12: expected a requirement id like 'B64-02', found 'b64-2'",
                          "3:18: unknown requirement id 'XYZ-99' (not in scenarios/requirements.tsv)",
                          "4:5: expected a clause like RFC4954#4 or MS-NLMP#3.2.5, found 'RFC4954#'",
                          "4:14: expected a clause like RFC4954#4 or MS-NLMP#3.2.5, found '4954'",
                          "5:6: expected a tag of lower-case letters, digits, '-' or '_', found 'Plain'",
                          "6:7: expected a mechanism name after 'mech:', found 'mech:PL@IN'",
                          "6:18: unknown condition 'fast' (known: mech:NAME, account, account2, token, tls, starttls, "
                          "implicit, enh, pipelining, chunking, submission, txn, optional; '!' negates)",
                          "7:24: unknown fault switch 'no-such-fault' (see: smtp-auth-harness list --faults)",
                          "8:7: expected a level (must, should, practice) after 'level', found 'critical'",
                          "9:11: expected a SASL mechanism name (RFC 4422 §3.1), found 'NOT/A/MECH'",
                          "10:9: expected milliseconds (1 to 600000) after 'timeout', found '0'"));
}

TEST(ScenarioParser, FaultNamesCanComeFromAnotherTable) {
  auto opts = testing::test_parse_options();
  opts.fault_known = [](std::string_view name) { return name == "only-this"; };
  std::string text = "case a\ntitle T\nreq B64-02\nrfc RFC1\nfault only-this b64-skip-illegal\nalive\n";
  auto r = parse_text(text, "t.scn", opts);
  EXPECT_THAT(short_diagnostics(r),
              ElementsAre("5:17: unknown fault switch 'b64-skip-illegal' (see: smtp-auth-harness list --faults)"));
}

TEST(ScenarioParser, WithoutAnIndexRequirementIdsAreCheckedForSyntaxOnly) {
  auto r = parse_text("case a\ntitle T\nreq ZZZ-01\nrfc RFC1\nfault b64-wrong-code\nalive\n", "t.scn");
  ASSERT_THAT(short_diagnostics(r), IsEmpty());
  EXPECT_EQ(r.cases.at(0).level, Severity::must);
}

// ---- expect ----------------------------------------------------------------------------------

TEST(ScenarioParser, ExpectAlternativesKeepEveryPart) {
  auto r = parse(header() +
                 "connect\n"
                 "send    AUTH PLAIN x\n"
                 "expect  501 5.5.2 *  => pass\n"
                 "expect  501 *        => non-strict \"right code, other \\\"enhanced\\\" code\"\n"
                 "expect  235 *        => fail critical \"accepted # not a comment\"   # a comment\n"
                 "expect  5xx - Auth*failed here => fail should\n"
                 "expect  * \"=> in text\" => info\n"
                 "expect  closed       => inconclusive\n"
                 "expect  timeout      => fail\n"
                 "expect  *            => fail\n");
  ASSERT_THAT(short_diagnostics(r), IsEmpty());
  const auto& e = r.cases.at(0).steps.at(1).expect;
  ASSERT_EQ(e.size(), 8u);
  EXPECT_EQ(e[0].code, "501");
  EXPECT_EQ(e[0].enhanced, "5.5.2");
  EXPECT_EQ(e[0].text, "*");
  EXPECT_EQ(e[0].verdict, Verdict::pass);
  EXPECT_EQ(e[0].at.line, 8u);
  EXPECT_EQ(e[1].enhanced, std::nullopt);
  EXPECT_EQ(e[1].verdict, Verdict::non_strict);
  EXPECT_EQ(e[1].why, "right code, other \"enhanced\" code");
  EXPECT_EQ(e[2].severity, Severity::critical);
  EXPECT_EQ(e[2].why, "accepted # not a comment");
  EXPECT_EQ(e[3].code, "5xx");
  EXPECT_EQ(e[3].enhanced, "-");
  EXPECT_EQ(e[3].text, "Auth*failed here");
  EXPECT_EQ(e[3].severity, Severity::should);
  EXPECT_EQ(e[4].code, "*");
  EXPECT_EQ(e[4].text, "=> in text");
  EXPECT_EQ(e[4].verdict, Verdict::info);
  EXPECT_EQ(e[5].kind, Alternative::Kind::closed);
  EXPECT_EQ(e[5].verdict, Verdict::inconclusive);
  EXPECT_EQ(e[6].kind, Alternative::Kind::timeout);
  EXPECT_EQ(e[7].text, std::nullopt);
}

TEST(ScenarioParser, ExpectSyntaxErrorsSayWhatWasExpected) {
  auto r = parse(header() +
                 "connect\n"
                 "expect 220 =>\n"             // 7
                 "expect 220 => passed\n"      // 8
                 "expect 220 => pass must\n"   // 9
                 "expect 220 => fail bad\n"    // 10
                 "expect 220 => pass why\n"    // 11
                 "expect 22 => pass\n"         // 12
                 "expect 220 5.07.8 => pass\n" // 13
                 "expect 220\n"                // 14
                 "expect => pass\n"            // 15
                 "expect 220 => pass \"a\" b\n"// 16
                 "expect closed x => pass\n"   // 17
                 "expect 220 => skip\n");      // 18
  EXPECT_THAT(
      short_diagnostics(r),
      ElementsAre(
          "7:14: expected a verdict (pass, non-strict, fail, info, inconclusive) after '=>'",
          "8:15: expected a verdict (pass, non-strict, fail, info, inconclusive) after '=>', found 'passed'",
          "9:20: a severity is only allowed after 'fail'",
          "10:20: expected a severity (critical, must, should, practice) or a quoted reason after 'fail', found 'bad'",
          "11:20: expected a quoted reason (\"why\") after the verdict, found 'why'",
          "12:8: expected a reply code pattern (three of 0-9 or x, e.g. 535, 5xx) or '*', found '22'",
          "13:12: malformed enhanced code pattern '5.07.8' (e.g. 5.7.8, 5.7.*, 5.*, or - for none)",
          "14:11: expected '=> VERDICT' at the end of the expect line",
          "15:8: expected a reply pattern (CODE [ENHANCED] [TEXT], closed or timeout) before '=>'",
          "16:24: unexpected 'b' after the reason (a comment starts with ' #')",
          "17:15: nothing may follow 'closed' before '=>'",
          "18:15: expected a verdict (pass, non-strict, fail, info, inconclusive) after '=>', found 'skip'"));
}

TEST(ScenarioParser, EnhancedCodePatterns) {
  for (const char* ok : {"5.7.8", "5.7.*", "5.*", "2.0.0", "4.7.12", "5.7.100", "-"})
    EXPECT_TRUE(parse(header() + "connect\nexpect 220 " + ok + " => pass\n").ok()) << ok;
  for (const char* bad : {"5.7", "6.7.8", "5.*.8", "5.7.1234", "5.07.8", "5..8"})
    EXPECT_FALSE(parse(header() + "connect\nexpect 220 " + bad + " => pass\n").ok()) << bad;
}

TEST(ScenarioParser, ExpectMustFollowAStepThatProducesAReply) {
  auto r = parse(header() + "expect 220 => pass\nconnect\nalive\nexpect 250 => pass\n");
  EXPECT_THAT(short_diagnostics(r),
              ElementsAre("6:1: 'expect' before any step: it must follow a step that produces a reply (connect, ehlo, "
                          "ehlo-clear, helo, starttls, send, send-raw, read, auth, silent)",
                          "9:1: 'expect' must follow a step that produces a reply (connect, ehlo, ehlo-clear, helo, "
                          "starttls, send, send-raw, read, auth, silent); 'alive' is not one"));
}

TEST(ScenarioParser, ExpectLinesMayBeSeparatedByCommentsAndBlankLines) {
  auto r = parse(header() + "connect\n\n# why\nexpect 220 => pass\n   # more\nexpect * => fail\n");
  ASSERT_THAT(short_diagnostics(r), IsEmpty());
  EXPECT_EQ(r.cases.at(0).steps.at(0).expect.size(), 2u);
}

TEST(ScenarioParser, SilentTakesAlternativesAndHandshakeTakesOnlyVersionOptions) {
  auto r = parse(header() +
                 "connect\nsend-raw STARTTLS\\r\\nNOOP\\r\\n\nexpect 220 * => pass\n"
                 "handshake\n"
                 "silent 300\nexpect timeout => pass\nexpect 250 * => fail critical \"injected\"\n");
  ASSERT_THAT(short_diagnostics(r), IsEmpty());
  const auto& s = r.cases.at(0).steps;
  ASSERT_EQ(s.size(), 4u);
  EXPECT_EQ(s[2].kind, Step::Kind::handshake);
  EXPECT_EQ(s[3].kind, Step::Kind::silent);
  EXPECT_EQ(s[3].millis, 300u);
  EXPECT_EQ(s[3].expect.size(), 2u);
  auto bad = parse(header() + "connect\nhandshake now\nalive\n");
  EXPECT_THAT(short_diagnostics(bad),
              ElementsAre("7:11: 'handshake' takes only min=VERSION and max=VERSION (TLSv1.0, TLSv1.1, TLSv1.2, TLSv1.3)"));
}

// ---- faults ----------------------------------------------------------------------------------

TEST(ScenarioParser, FaultLinesMayNameTheVerdictUnderThem) {
  auto r = parse("case a\ntitle T\nreq B64-02\nrfc RFC1\n"
                 "fault b64-wrong-code\n"
                 "fault b64-accept-missing-padding b64-accept-url-safe => non-strict   # tolerated\n"
                 "fault bare-lf-line-end => pass\n"
                 "connect\nalive\n");
  ASSERT_THAT(short_diagnostics(r), IsEmpty());
  const Case& c = r.cases.at(0);
  EXPECT_THAT(c.faults, ElementsAre("b64-wrong-code", "b64-accept-missing-padding", "b64-accept-url-safe",
                                    "bare-lf-line-end"));
  ASSERT_EQ(c.fault_verdicts.size(), 3u) << "fail, the default, is not stored";
  EXPECT_EQ(c.fault_verdicts.at("b64-accept-missing-padding"), Verdict::non_strict);
  EXPECT_EQ(c.fault_verdicts.at("b64-accept-url-safe"), Verdict::non_strict);
  EXPECT_EQ(c.fault_verdicts.at("bare-lf-line-end"), Verdict::pass);

  auto bad = parse("case a\ntitle T\nreq B64-02\nrfc RFC1\n"
                   "fault => fail\n"
                   "fault b64-wrong-code =>\n"
                   "fault bare-lf-line-end => crash\n"
                   "fault b64-skip-illegal => fail x\n"
                   "fault b64-skip-illegal\n"
                   "alive\n");
  EXPECT_THAT(short_diagnostics(bad),
              ElementsAre("5:7: expected fault switch names before '=>'",
                          "6:24: expected the verdict under these faults (pass, non-strict, fail, info, inconclusive) "
                          "after '=>'",
                          "7:27: expected the verdict under these faults (pass, non-strict, fail, info, inconclusive) "
                          "after '=>', found 'crash'",
                          "8:32: unexpected 'x' after the verdict",
                          "9:7: fault switch 'b64-skip-illegal' listed twice"));

  auto never_fails = parse("case a\ntitle T\nreq B64-02\nrfc RFC1\nfault b64-wrong-code => non-strict\nalive\n");
  EXPECT_THAT(short_diagnostics(never_fails),
              ElementsAre("1:1: case 'a' has no fault it fails under: every fault line names another verdict (a case "
                          "that cannot fail is a defect)"));
}

TEST(ScenarioParser, ForeachMayDefineTheMechanismVariable) {
  auto r = parse("case auth.$mech\ntitle T\nreq B64-02\nrfc RFC1\nfault b64-wrong-code\nneeds mech:$mech\n"
                 "foreach mech\n  plain\n  cram-md5\nend\nconnect\nauth $mech\nexpect 235 => pass\n");
  ASSERT_THAT(short_diagnostics(r), IsEmpty());
  ASSERT_EQ(r.cases.size(), 2u);
  EXPECT_EQ(r.cases[1].id, "auth.cram-md5");
  EXPECT_EQ(r.cases[1].needs.at(0).what, "mech:cram-md5");
  EXPECT_EQ(r.cases[1].steps.at(1).auth.mechanism, "cram-md5");
  EXPECT_EQ(r.cases[1].mechanism, "CRAM-MD5") << "the registry's canonical name";
}

TEST(ScenarioParser, ForeachValuesAreLowerCasedInTheIdOnly) {
  auto r = parse("case auth.$m.x\ntitle $m\nreq B64-02\nrfc RFC1\nfault b64-wrong-code\n"
                 "foreach m\n  SCRAM-SHA-1\nend\nconnect\nsend AUTH $m\nexpect 334 => pass\n"
                 "case Upper.$m\ntitle T\nreq B64-02\nrfc RFC1\nfault b64-wrong-code\n"
                 "foreach m\n  X\nend\nalive\n");
  ASSERT_EQ(r.cases.size(), 1u);
  EXPECT_EQ(r.cases[0].id, "auth.scram-sha-1.x");
  EXPECT_EQ(r.cases[0].title, "SCRAM-SHA-1");
  EXPECT_EQ(r.cases[0].steps.at(1).text->source, "AUTH SCRAM-SHA-1");
  EXPECT_THAT(short_diagnostics(r), ElementsAre("12:6: expected a case id of lower-case words, digits and '-' joined "
                                                "by '.', found 'Upper.x'"))
      << "upper case written in the id itself is still an error";
}

// ---- variables and captures --------------------------------------------------------------

TEST(ScenarioParser, CapturesAreKnownOnlyAfterTheirExpect) {
  auto r = parse(header() +
                 "connect\n"
                 "send A $early\n"                 // 7: not captured yet
                 "send AUTH CRAM-MD5\n"
                 "expect 334 $chal => pass\n"
                 "send ${chal} $user $host\n"      // 10: fine
                 "expect 334 ${user} => pass\n");  // 11: would overwrite $user
  EXPECT_THAT(short_diagnostics(r),
              ElementsAre("7:8: unknown variable '$early' (not built in, not a foreach variable, not captured by an "
                          "earlier step)",
                          "11:12: the capture '$user' would replace a built-in variable: choose another name"));
}

TEST(ScenarioParser, ChallengeVariablesExistAfterAnAuthStep) {
  auto before = parse(header() + "connect\ncheck $challenge1 == x => pass\n");
  EXPECT_THAT(short_diagnostics(before),
              ElementsAre("7:7: unknown variable '$challenge1' (not built in, not a foreach variable, not captured by an "
                          "earlier step)"));
  auto after = parse(header() + "connect\nauth CRAM-MD5\ncheck $challenge1 == $challenge2 => pass\n");
  EXPECT_THAT(short_diagnostics(after), IsEmpty());
}

TEST(ScenarioParser, ResponseVariablesExistAfterAnAuthStep) {
  auto before = parse(header() + "connect\nsend $response1\nalive\n");
  EXPECT_THAT(short_diagnostics(before),
              ElementsAre("7:6: unknown variable '$response1' (not built in, not a foreach variable, not captured by an "
                          "earlier step)"));
  auto after = parse(header() + "connect\nauth CRAM-MD5\nreconnect\nconnect\nsend $response1\nalive\n");
  EXPECT_THAT(short_diagnostics(after), IsEmpty());
}

TEST(ScenarioParser, ChallengeConditionsTakeATemplate) {
  auto r = parse(header() +
                 "connect\nsend AUTH CRAM-MD5\nexpect 334 $c => pass\n"
                 "check cram-challenge:$c => pass\ncheck printable:$c => non-strict\n"
                 "check digest-challenge:$c => pass\ncheck ntlm-challenge:%b64[$c]% => pass\n"
                 "check scram-iterations:$c => pass\ncheck !mechs-upper => non-strict\ncheck * => fail\n"
                 "check cram-challenge:$nope => pass\n");
  auto d = short_diagnostics(r);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_THAT(d[0], ::testing::StartsWith("16:22: unknown variable '$nope'"));
}

// ---- check ------------------------------------------------------------------------------------

TEST(ScenarioParser, ConsecutiveCheckLinesAreOneGroupOfAlternatives) {
  auto r = parse(header() +
                 "connect\nehlo\n"
                 "check cap:STARTTLS => pass\n"
                 "check !mech:PLAIN  => non-strict \"no PLAIN\"\n"
                 "check $host != $domain => info\n"
                 "check !b64-canonical:%b64[$host]% => fail practice\n"
                 "connect\n"
                 "check auth-form:legacy => fail\n");
  ASSERT_THAT(short_diagnostics(r), IsEmpty());
  const auto& steps = r.cases.at(0).steps;
  ASSERT_EQ(steps.size(), 5u);
  ASSERT_EQ(steps[2].kind, Step::Kind::check);
  ASSERT_EQ(steps[2].expect.size(), 4u);
  EXPECT_EQ(steps[2].expect[0].kind, Alternative::Kind::condition);
  EXPECT_EQ(steps[2].expect[0].condition, "cap:STARTTLS");
  EXPECT_EQ(steps[2].expect[1].condition, "!mech:PLAIN");
  EXPECT_EQ(steps[2].expect[2].condition, "$host != $domain");
  EXPECT_EQ(steps[2].expect[3].condition, "!b64-canonical:%b64[$host]%");
  EXPECT_EQ(steps[2].expect[3].severity, Severity::practice);
  EXPECT_EQ(steps[4].kind, Step::Kind::check);
  EXPECT_EQ(steps[4].expect.size(), 1u);
}

TEST(ScenarioParser, CheckConditionsAreValidated) {
  auto r = parse(header() + "connect\ncheck cap: => pass\ncheck $a = b => pass\ncheck tls\ncheck !* => pass\n"
                 "check b64-canonical:$nope => pass\n");
  auto d = short_diagnostics(r);
  ASSERT_EQ(d.size(), 5u);
  EXPECT_THAT(d[0], ::testing::StartsWith("7:7: expected a condition (cap:KEYWORD, "));
  EXPECT_THAT(d[1], ::testing::StartsWith("8:7: expected a condition ("));
  EXPECT_EQ(d[2], "9:10: expected '=> VERDICT' at the end of the check line");
  EXPECT_THAT(d[3], ::testing::EndsWith("found '!*'"));
  EXPECT_THAT(d[4], ::testing::StartsWith("11:21: unknown variable '$nope'"));
}

// ---- steps ---------------------------------------------------------------------------------

TEST(ScenarioParser, SendKeepsEverythingAfterTheKeywordAsData) {
  auto r = parse(header() +
                 "connect\n"
                 "send    MAIL FROM:<a@b> # not a comment  \n"
                 "send\n"
                 "send-raw NOOP\\r\\nNOOP\\r\\n\n"
                 "ehlo    client.example  # a comment\n"
                 "helo\n"
                 "handshake\n"
                 "alive\n");
  ASSERT_THAT(short_diagnostics(r), IsEmpty());
  const auto& s = r.cases.at(0).steps;
  ASSERT_EQ(s.size(), 8u);
  EXPECT_EQ(s[1].text->source, "MAIL FROM:<a@b> # not a comment  ");
  EXPECT_EQ(s[1].text->at.col, 9u);
  EXPECT_EQ(s[2].text->source, "");
  EXPECT_EQ(s[3].kind, Step::Kind::send_raw);
  EXPECT_EQ(s[3].text->source, "NOOP\\r\\nNOOP\\r\\n");
  EXPECT_EQ(s[4].text->source, "client.example");
  EXPECT_FALSE(s[5].text.has_value());
  EXPECT_EQ(s[6].kind, Step::Kind::handshake);
  EXPECT_FALSE(s[6].text.has_value());
}

TEST(ScenarioParser, ConnectWithTextIsAnEarlyTalker) {
  // LIM-09: `connect TEXT` sends TEXT (no CRLF added) before reading the greeting; a comment
  // after a bare `connect` is still a comment.
  auto r = parse(header() + "connect EHLO x\\r\\nNOOP\\r\\n\nread\nconnect   # a comment\nalive\n");
  ASSERT_THAT(short_diagnostics(r), IsEmpty());
  const auto& s = r.cases.at(0).steps;
  ASSERT_EQ(s.size(), 4u);
  ASSERT_TRUE(s[0].text.has_value());
  EXPECT_EQ(s[0].text->source, "EHLO x\\r\\nNOOP\\r\\n");
  EXPECT_FALSE(s[2].text.has_value());
}

TEST(ScenarioParser, StepArgumentsAreChecked) {
  auto r = parse(header() +
                 "starttls now\n"      // 6
                 "send-raw\n"          // 7
                 "wait 10001\n"        // 8
                 "silent\n"            // 9
                 "silent 10 20\n"      // 10
                 "send %b64[x\n"       // 11
                 "alive\n");
  EXPECT_THAT(short_diagnostics(r),
              ElementsAre("6:10: 'starttls' takes no arguments",
                          "7:9: expected TEXT after 'send-raw' (it sends exactly TEXT: write \\r\\n yourself)",
                          "8:6: expected milliseconds (1 to 10000) after 'wait', found '10001'",
                          "9:7: expected milliseconds (1 to 600000) after 'silent'",
                          "10:11: unexpected '20' after the milliseconds",
                          "11:12: expected ']%' to close the %b64[ macro"));
}

TEST(ScenarioParser, AuthOptionsAreParsed) {
  auto r = parse(header() +
                 "connect\n"
                 "auth PLAIN ir user=$user2 password=x\\x20y authzid=$user token=t\n"
                 "auth cram-md5 no-ir corrupt=digest-flip-bit malform=1:missing-padding cancel=2 raw=0:%b64[x]%\n"
                 "auth $mech\n"
                 "alive\n");
  ASSERT_THAT(short_diagnostics(r), IsEmpty());
  const Case& c = r.cases.at(0);
  EXPECT_EQ(c.mechanism, "PLAIN") << "the first auth step names the case's mechanism";
  const AuthOptions& a = c.steps.at(1).auth;
  EXPECT_EQ(a.mechanism, "PLAIN");
  EXPECT_EQ(a.initial_response, true);
  EXPECT_EQ(a.user->source, "$user2");
  EXPECT_EQ(a.user->at.col, 20u);
  EXPECT_EQ(a.password->source, "x\\x20y");
  EXPECT_EQ(a.authzid->source, "$user");
  EXPECT_EQ(a.token->source, "t");
  const AuthOptions& b = c.steps.at(2).auth;
  EXPECT_EQ(b.mechanism, "cram-md5");
  EXPECT_EQ(b.initial_response, false);
  EXPECT_EQ(b.corruption, "digest-flip-bit");
  EXPECT_EQ(b.malform_step, 1u);
  EXPECT_EQ(b.malformer, "missing-padding");
  EXPECT_EQ(b.cancel_step, 2u);
  EXPECT_EQ(b.raw_step, 0u);
  EXPECT_EQ(b.raw_text->source, "%b64[x]%");
  EXPECT_EQ(c.steps.at(3).auth.mechanism, "$mech");
}

TEST(ScenarioParser, AuthOptionErrors) {
  auto r = parse(header() +
                 "connect\n"
                 "auth NOPE\n"                                 // 7
                 "auth PLAIN corrupt=digest-flip-bit\n"        // 8
                 "auth PLAIN malform=0:bogus\n"                // 9
                 "auth PLAIN cancel=x raw=1\n"                 // 10
                 "auth PLAIN ir no-ir\n"                       // 11
                 "auth PLAIN user=a user=b\n"                  // 12
                 "auth PLAIN speed=fast\n"                     // 13
                 "auth $nope\n"                                // 14
                 "auth\n"                                      // 15
                 "alive\n");
  auto d = short_diagnostics(r);
  ASSERT_EQ(d.size(), 10u) << ::testing::PrintToString(d);
  EXPECT_THAT(d[0], ::testing::StartsWith("7:6: unknown mechanism 'NOPE' (known: "));
  EXPECT_THAT(d[1], ::testing::StartsWith("8:20: mechanism PLAIN has no corruption 'digest-flip-bit' (known: "));
  EXPECT_EQ(d[2], "9:22: unknown Base64 malformer 'bogus' (see: smtp-auth-harness list --malformers)");
  EXPECT_EQ(d[3], "10:19: expected a client message number (0 to 63) in 'cancel=STEP', found 'x'");
  EXPECT_EQ(d[4], "10:26: expected ':' then TEXT after the step");
  EXPECT_EQ(d[5], "11:15: 'ir' and 'no-ir' given more than once together");
  EXPECT_EQ(d[6], "12:19: duplicate auth option 'user'");
  EXPECT_THAT(d[7], ::testing::StartsWith("13:12: unknown auth option 'speed=fast' (known: ir, no-ir"));
  EXPECT_EQ(d[8], "14:6: unknown variable '$nope' (not built in, not a foreach variable, not captured by an earlier step)");
  EXPECT_THAT(d[9], ::testing::StartsWith("15:5: expected a mechanism after 'auth' (known: "));
}

TEST(ScenarioParser, ExpectAfterABrokenReplyStepIsNotReportedTwice) {
  auto r = parse(header() + "connect\nauth NOPE\nexpect 235 => pass\n");
  auto d = short_diagnostics(r);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_THAT(d[0], ::testing::StartsWith("7:6: unknown mechanism 'NOPE'"));
}

// ---- lexical rules ------------------------------------------------------------------------

TEST(ScenarioParser, CommentsAndCrLfLineEnds) {
  auto r = parse("# leading comment\r\n\r\n" + header() + "   # indented comment\r\nconnect # trailing\r\nalive\r\n");
  ASSERT_THAT(short_diagnostics(r), IsEmpty());
  EXPECT_EQ(r.cases.at(0).title, "T");
  EXPECT_EQ(r.cases.at(0).steps.size(), 2u);
}

TEST(ScenarioParser, UnterminatedQuoteAndGluedQuote) {
  auto r = parse(header() + "connect\nexpect 220 => pass \"no end\nexpect 220 => pass \"a\"b\n");
  EXPECT_THAT(short_diagnostics(r), ElementsAre("7:20: unterminated quoted string: expected a closing '\"'",
                                                "8:23: expected a blank after the closing '\"'"));
}

TEST(ScenarioParser, LinesBeforeTheFirstCaseAreAnError) {
  auto r = parse("title orphan\nconnect\n" + header() + "alive\n");
  EXPECT_THAT(short_diagnostics(r),
              ElementsAre("1:1: expected 'case ID' (every case starts with a 'case' line), found 'title'"));
  EXPECT_EQ(r.cases.size(), 1u);
}

TEST(ScenarioParser, ControlOctetsAndInvalidUtf8AreReported) {
  auto r = parse(header() + "send a\x01" "b\nsend caf\xc3\xa9\nsend \xff\nsend \xe0\x80\x80\nalive\n");
  EXPECT_THAT(short_diagnostics(r),
              ElementsAre("6:7: control octet 0x01 in the text: write it as an escape (\\r, \\n, \\t, \\0, \\xHH)",
                          "8:6: invalid UTF-8 (write octets as \\xHH escapes)",
                          "9:6: invalid UTF-8 (write octets as \\xHH escapes)"));
}

TEST(ScenarioParser, AllErrorsOfAFileAreCollectedInOrder) {
  auto r = parse(header("a") + "alive\nexpect 250 => pass\n" + header("b") + "connect\nexpect 220 => maybe\n");
  auto d = short_diagnostics(r);
  ASSERT_EQ(d.size(), 2u);
  EXPECT_THAT(d[0], ::testing::StartsWith("7:1: 'expect' must follow"));
  EXPECT_THAT(d[1], ::testing::StartsWith("14:15: expected a verdict"));
  EXPECT_EQ(r.cases.size(), 0u) << "cases with errors are not returned";
}

TEST(ScenarioParser, DuplicateIdsInOneFile) {
  auto r = parse(header("a.b") + "alive\n" + header("a.b") + "alive\n");
  EXPECT_THAT(short_diagnostics(r), ElementsAre("7:1: duplicate case id 'a.b' (first at line 1)"));
  EXPECT_EQ(r.cases.size(), 1u);
}

// ---- foreach ---------------------------------------------------------------------------------

TEST(ScenarioParser, ForeachExpandsOneCasePerRowIntoEveryLine) {
  auto r = parse(
      "case    auth.plain.$m\n"
      "title   malformer $m: $what\n"
      "req     $req\n"
      "rfc     RFC4954#4\n"
      "fault   $fault\n"
      "foreach m req fault what    # a comment\n"
      "  # a comment inside the table\n"
      "  bad-char-start    B64-02 b64-skip-illegal          \"two words\"\n"
      "\n"
      "  padding-in-middle B64-04 b64-accept-pad-in-middle  \"say \\\"hi\\\"\"\n"
      "end\n"
      "connect\n"
      "send AUTH PLAIN %b64[\\0$user\\0$password|$m]% \\$m\n"
      "alive\n");
  ASSERT_THAT(short_diagnostics(r), IsEmpty());
  ASSERT_EQ(r.cases.size(), 2u);
  EXPECT_EQ(r.cases[0].id, "auth.plain.bad-char-start");
  EXPECT_EQ(r.cases[0].title, "malformer bad-char-start: two words");
  EXPECT_THAT(r.cases[0].requirements, ElementsAre("B64-02"));
  EXPECT_THAT(r.cases[0].faults, ElementsAre("b64-skip-illegal"));
  EXPECT_EQ(r.cases[0].steps.at(1).text->source, "AUTH PLAIN %b64[\\0$user\\0$password|bad-char-start]% \\$m");
  EXPECT_EQ(r.cases[1].id, "auth.plain.padding-in-middle");
  EXPECT_EQ(r.cases[1].title, "malformer padding-in-middle: say \"hi\"");
  EXPECT_THAT(r.cases[1].requirements, ElementsAre("B64-04"));
  EXPECT_EQ(r.cases[1].at.line, 1u);
}

TEST(ScenarioParser, ForeachErrorsInValuesPointAtTheVariable) {
  auto r = parse(
      "case x.$m\n"
      "title T\nreq B64-02\nrfc RFC1\nfault b64-skip-illegal\n"
      "foreach m\n"
      "  good-one\n"
      "  no-such-malformer\n"
      "end\n"
      "send %b64[a|$m]%\n"
      "alive\n");
  EXPECT_THAT(short_diagnostics(r),
              ElementsAre("10:13: unknown Base64 malformer 'good-one' (see: smtp-auth-harness list --malformers) (in "
                          "the foreach row at line 7)",
                          "10:13: unknown Base64 malformer 'no-such-malformer' (see: smtp-auth-harness list "
                          "--malformers) (in the foreach row at line 8)"));
}

TEST(ScenarioParser, ForeachTableErrors) {
  auto r = parse(header("a") + "foreach x y\n  1 2\n  1 2 3\n  \"1\n  4\nend now\nalive\n" +  //
                 header("b") + "foreach user x x 9\nend\nalive\n" +                         //
                 header("c") + "foreach z\nend\nalive\n" +                                  //
                 header("d") + "foreach z\n  v\nalive\n");
  EXPECT_THAT(short_diagnostics(r),
              ElementsAre("8:7: expected 2 values (x y) in this foreach row, found 3 (quote a value that has blanks)",
                          "9:3: unterminated quoted string: expected a closing '\"'",
                          "10:4: expected 2 values (x y) in this foreach row, found 1 (quote a value that has blanks)",
                          "11:5: 'end' takes no arguments",
                          "18:9: the foreach variable 'user' would hide the built-in variable $user",
                          "18:16: duplicate foreach variable 'x'",
                          "18:18: expected a variable name (a letter or '_', then letters, digits, '_'), found '9'",
                          "26:1: the 'foreach' table has no rows",
                          "34:1: 'foreach' table not closed by 'end'"));
  ASSERT_EQ(r.cases.size(), 1u) << "the one good row of case a still expands";
  EXPECT_EQ(r.cases[0].id, "a");
}

TEST(ScenarioParser, ForeachRowsAreBounded) {
  std::string text = header("r.$n") + "foreach n\n";
  for (std::size_t i = 0; i <= kMaxForeachRows; ++i) text += "  " + std::to_string(i) + "\n";
  text += "end\nalive\n";
  auto r = parse(text);
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].at.line, 6u + kMaxForeachRows + 1);
  EXPECT_EQ(r.diagnostics[0].message, "more than 10000 rows in a foreach table");
}

TEST(ScenarioParser, CasesPerFileAreBounded) {
  std::string text;
  for (const char* block : {"p", "q"}) {
    text += header(std::string(block) + ".$n") + "foreach n\n";
    for (std::size_t i = 0; i < 6000; ++i) text += "  " + std::to_string(i) + "\n";
    text += "end\nalive\n";
  }
  auto r = parse(text);
  EXPECT_EQ(r.cases.size(), kMaxCasesPerFile);
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].message, "more than 10000 cases in one file");
}

// ---- bounds and robustness ---------------------------------------------------------------------

TEST(ScenarioParser, ForeachWorkIsBoundedByRowsTimesCaseSize) {
  // 9000 rows of a 10 KiB case: 90 MiB to read, over the 64 MiB bound.
  std::string text = header("w.$n") + "send " + std::string(10000, 'a') + "\nalive\nforeach n\n";
  for (std::size_t i = 0; i < 9000; ++i) text += "  " + std::to_string(i) + "\n";
  text += "end\n";
  auto r = parse(text);
  EXPECT_THAT(short_diagnostics(r),
              ElementsAre("8:1: the foreach table expands to more than 64 MiB of case text (rows x the case's size)"));
  EXPECT_THAT(r.cases, IsEmpty());
}

TEST(ScenarioParser, SubstitutedLinesAreBounded) {
  std::string send = "send ";
  for (int i = 0; i < 1000; ++i) send += "$a";
  auto r = parse(header() + send + "\nalive\nforeach a\n  " + std::string(1000, 'x') + "\nend\n");
  EXPECT_THAT(short_diagnostics(r),
              ElementsAre("6:1: longer than 262144 octets after foreach substitution (in the foreach row at line 9)"));
}

TEST(ScenarioParser, DiagnosticsPerFileAreBounded) {
  std::string text = header() + "alive\n";
  for (std::size_t i = 0; i < 2 * kMaxDiagnostics; ++i) text += "bogus\n";
  auto r = parse(text);
  ASSERT_EQ(r.diagnostics.size(), kMaxDiagnostics + 1);
  EXPECT_EQ(r.diagnostics.back().message, "too many errors; the rest of the file is not reported");
}

TEST(ScenarioParser, FileAndLineSizesAreBounded) {
  auto big = parse(std::string(kMaxFileSize + 1, '#'));
  EXPECT_THAT(short_diagnostics(big), ElementsAre("1:1: the file is larger than 4194304 octets"));
  auto long_line = parse(header() + "send " + std::string(kMaxLineLength, 'a') + "\nalive\n");
  EXPECT_THAT(short_diagnostics(long_line), ElementsAre("6:65537: line longer than 65536 octets"));
}

TEST(ScenarioParser, ParseFileReportsAMissingFile) {
  auto r = parse_file("/nonexistent/dir/x.scn");
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(format(r.diagnostics[0]), "/nonexistent/dir/x.scn: cannot open the file");
}

TEST(ScenarioParser, FormatsDiagnosticsAsFileLineColMessage) {
  auto r = parse_text("case A\ntitle T\nreq B64-02\nrfc RFC1\nfault b64-wrong-code\nalive\n", "dir/f.scn",
                      testing::test_parse_options());
  ASSERT_FALSE(r.diagnostics.empty());
  EXPECT_EQ(format(r.diagnostics[0]),
            "dir/f.scn:1:6: expected a case id of lower-case words, digits and '-' joined by '.', found 'A'");
}

// Mutated copies of a rich file must never crash or hang the parser (the fuzzer does this at
// scale; this keeps a cheap version in every test run).
TEST(ScenarioParser, SurvivesMutatedInput) {
  const std::string seed = header("x.$m") +
                           "foreach m w\n  bad-char-start \"a b\"\nend\n"
                           "connect\nsend AUTH PLAIN %b64[%repeat[3|\\0$user]%|$m]%\nexpect 334 $c => pass\n"
                           "auth CRAM-MD5 corrupt=wrong-user raw=1:${c}\ncheck $c == $challenge1 => fail critical \"x\"\n";
  std::mt19937 gen(7);
  auto uniform = [&](std::size_t n) { return static_cast<std::size_t>(gen() % n); };
  for (int i = 0; i < 3000; ++i) {
    std::string s = seed;
    const auto edits = 1 + uniform(8);
    for (std::size_t k = 0; k < edits; ++k) {
      const auto pos = uniform(s.size());
      switch (uniform(3)) {
        case 0: s[pos] = static_cast<char>(uniform(256)); break;
        case 1: s.erase(pos, 1 + uniform(4)); break;
        default: s.insert(pos, 1, "$%[]|\\\"#\n =>{}"[uniform(14)]); break;
      }
      if (s.empty()) s = "x";
    }
    auto r = parse(s);
    for (const auto& d : r.diagnostics) ASSERT_GE(d.at.line, 1u);
  }
}

}  // namespace
}  // namespace sah::scenario
