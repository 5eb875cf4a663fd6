#include "harness/scenario/interpreter.h"
#include "harness/scenario/parser.h"
#include "harness/scenario/template.h"

#include <gtest/gtest.h>

#include <memory>

#include "harness/codec/base64.h"
#include "harness/codec/secret_mask.h"
#include "tests/scenario/case_builder.h"
#include "tests/scenario/scripted_case_test.h"
#include "tests/scenario/scripted_transport.h"

namespace sah::scenario {
namespace {

using namespace sah::scenario::testing;
using K = Step::Kind;

using InterpreterTest = ScriptedCaseTest;

const char* kEhlo = "250-scripted\r\n250-ENHANCEDSTATUSCODES\r\n250-STARTTLS\r\n250 AUTH PLAIN LOGIN CRAM-MD5\r\n";

TEST_F(InterpreterTest, ConnectReadsTheGreeting) {
  CaseResult r = run(make_case({step(K::connect)}));
  EXPECT_EQ(r.verdict, Verdict::pass) << r.reason;
  EXPECT_EQ(script->connections, 1);
  EXPECT_EQ(r.observed, "220 scripted ESMTP");
  ASSERT_EQ(r.expected.size(), 1u);
  EXPECT_EQ(r.expected[0].pattern, "220");
}

TEST_F(InterpreterTest, ConnectWithTextSendsItBeforeReadingTheGreeting) {
  // LIM-09: the early talker's text goes out first; the greeting is still what connect judges,
  // and `read` takes the reply to the early line.
  answer("250 early ok\r\n");
  Step early = step(K::connect);
  early.text = tpl("NOOP early");  // sent exactly as expanded, nothing added
  CaseResult r = run(make_case({early, step(K::read, {reply_alt("250", Verdict::pass)})}));
  EXPECT_EQ(r.verdict, Verdict::pass) << r.reason;
  ASSERT_EQ(script->sent.size(), 1u);
  EXPECT_EQ(script->sent[0], "NOOP early");
}

TEST_F(InterpreterTest, GreetingOtherThanDefaultIsInconclusive) {
  script->on_connect.push_back(says("554 go away\r\n"));
  EXPECT_EQ(run(make_case({step(K::connect)})).verdict, Verdict::inconclusive);
}

TEST_F(InterpreterTest, RefusedConnectionIsError) {
  script->refuse = true;
  CaseResult r = run(make_case({step(K::connect)}));
  EXPECT_EQ(r.verdict, Verdict::error);
  EXPECT_NE(r.reason.find("refused"), std::string::npos);
}

TEST_F(InterpreterTest, LongReplyLinesAreNotedExceptIn334) {
  // RPL-05: 512 octets with CRLF is the limit; a 334 may be longer (RFC 4954 §4).
  struct Row {
    std::string reply;
    Verdict want;
    const char* why;
  } rows[] = {
      {"250 " + std::string(506, 'a') + "\r\n", Verdict::pass, "512 octets with CRLF"},
      {"250 " + std::string(507, 'a') + "\r\n", Verdict::fail, "513 octets"},
      {"250-" + std::string(507, 'a') + "\r\n250 ok\r\n", Verdict::fail, "a long first line of two"},
      {"334 " + std::string(2000, 'A') + "\r\n", Verdict::pass, "334 exempt"},
  };
  for (const Row& row : rows) {
    script = std::make_shared<Script>();
    answer(row.reply);
    const CaseResult r = run(make_case({step(K::connect), send("NOOP", {reply_alt("*", Verdict::pass)}),
                                        step(K::check, {cond_alt("lines-512", Verdict::pass), cond_alt("*", Verdict::fail)})}));
    EXPECT_EQ(r.verdict, row.want) << row.why << ": " << r.reason;
  }
}

TEST_F(InterpreterTest, StepsWithoutConnectionAreError) {
  EXPECT_EQ(run(make_case({send("NOOP")})).verdict, Verdict::error);
}

TEST_F(InterpreterTest, EhloRecordsCapabilitiesForCheck) {
  answer(kEhlo);
  Case c = make_case({step(K::connect), step(K::ehlo),
                      step(K::check, {cond_alt("mech:CRAM-MD5", Verdict::pass), cond_alt("*", Verdict::fail)})});
  CaseResult r = run(c);
  EXPECT_EQ(r.verdict, Verdict::pass) << r.reason;
  ASSERT_EQ(script->sent.size(), 1u);
  EXPECT_EQ(script->sent[0], "EHLO harness.example.net\r\n");

  script = std::make_shared<Script>();
  answer(kEhlo);
  c.steps[2].expect = {cond_alt("!cap:STARTTLS", Verdict::pass), cond_alt("*", Verdict::fail, Severity::should)};
  r = run(c);
  EXPECT_EQ(r.verdict, Verdict::fail);
  EXPECT_EQ(r.severity, Severity::should);
}

TEST_F(InterpreterTest, EhloInStarttlsModeUpgradesFirst) {
  options.tls = net::TlsMode::starttls;
  answer(kEhlo);
  answer("220 2.0.0 go ahead\r\n");
  answer("250-scripted\r\n250 AUTH PLAIN SCRAM-SHA-256\r\n");
  Case c = make_case({step(K::connect), step(K::ehlo),
                      step(K::check, {cond_alt("tls", Verdict::pass)}),
                      step(K::check, {cond_alt("mech:SCRAM-SHA-256", Verdict::pass)})});
  CaseResult r = run(c);
  EXPECT_EQ(r.verdict, Verdict::pass) << r.reason;
  ASSERT_EQ(script->sent.size(), 3u);
  EXPECT_EQ(script->sent[1], "STARTTLS\r\n");
  EXPECT_EQ(script->handshakes, 1);
}

TEST_F(InterpreterTest, EhloClearDoesNotUpgrade) {
  options.tls = net::TlsMode::starttls;
  answer(kEhlo);
  CaseResult r = run(make_case({step(K::connect), step(K::ehlo_clear)}));
  EXPECT_EQ(r.verdict, Verdict::pass);
  EXPECT_EQ(script->sent.size(), 1u);
  EXPECT_EQ(script->handshakes, 0);
}

TEST_F(InterpreterTest, StarttlsStepRefusesCleartextAfter220) {
  answer("220 go ahead\r\n250 injected\r\n");
  CaseResult r = run(make_case({step(K::connect), step(K::starttls)}));
  EXPECT_EQ(r.verdict, Verdict::fail);
  EXPECT_EQ(script->handshakes, 0);
}

TEST_F(InterpreterTest, StarttlsTextIsWrittenBehindTheCommand) {
  answer("220 go ahead\r\n");
  Step st = step(K::starttls);
  st.text = tpl("NOOP\\r\\n");
  CaseResult r = run(make_case({step(K::connect), st, step(K::check, {cond_alt("tls", Verdict::pass)})}));
  EXPECT_EQ(r.verdict, Verdict::pass) << r.reason;
  ASSERT_EQ(script->sent.size(), 1u);
  EXPECT_EQ(script->sent[0], "STARTTLS\r\nNOOP\r\n") << "one cleartext write";
  EXPECT_EQ(script->handshakes, 1);
}

TEST_F(InterpreterTest, HandshakeStepAfterSendRaw) {
  answer("220 go ahead\r\n");
  Case c = make_case({step(K::connect), send("STARTTLS\\r\\n", {reply_alt("220", Verdict::pass)}, K::send_raw),
                      step(K::handshake), step(K::check, {cond_alt("tls", Verdict::pass)})});
  EXPECT_EQ(run(c).verdict, Verdict::pass);
  EXPECT_EQ(script->handshakes, 1);
  script = std::make_shared<Script>();
  script->tls_fails = true;
  answer("220 go ahead\r\n");
  CaseResult r = run(c);
  EXPECT_EQ(r.verdict, Verdict::fail) << "a failed handshake fails the case";
  EXPECT_EQ(r.severity, Severity::must);
}

TEST_F(InterpreterTest, StarttlsHandshakeFailureFailsTheCase) {
  script->tls_fails = true;
  answer("220 go ahead\r\n");
  EXPECT_EQ(run(make_case({step(K::connect), step(K::starttls)})).verdict, Verdict::fail);
}

TEST_F(InterpreterTest, HandshakeFailureDuringTheS0UpgradeIsError) {
  options.tls = net::TlsMode::starttls;
  script->tls_fails = true;
  answer(kEhlo);
  answer("220 go ahead\r\n");
  EXPECT_EQ(run(make_case({step(K::connect), step(K::ehlo)})).verdict, Verdict::error);
}

TEST_F(InterpreterTest, SendExpandsVariablesAndAddsCrlf) {
  answer("250 ok\r\n");
  answer("250 ok\r\n");
  CaseResult r = run(make_case({step(K::connect), send("VRFY $user2"), send("RSET\\r\\n", {}, K::send_raw)}));
  EXPECT_EQ(r.verdict, Verdict::pass) << r.reason;
  ASSERT_EQ(script->sent.size(), 2u);
  EXPECT_EQ(script->sent[0], "VRFY bob\r\n");
  EXPECT_EQ(script->sent[1], "RSET\r\n");
}

TEST_F(InterpreterTest, BadTemplateIsError) {
  CaseResult r = run(make_case({step(K::connect), send("X $nosuchvariable")}));
  EXPECT_EQ(r.verdict, Verdict::error);
  EXPECT_TRUE(script->sent.empty());
}

TEST_F(InterpreterTest, MalformerThatCannotApplyIsSkip) {
  // "Zm9v" has no padding to remove: the case's precondition (credentials of another shape)
  // is unmet, which is a skip, not a harness error; nothing is sent.
  options.expand = expand;  // the real template expander: macros and malformers
  CaseResult r = run(make_case({step(K::connect), send("AUTH PLAIN %b64[foo|missing-padding]%")}));
  EXPECT_EQ(r.verdict, Verdict::skip) << r.reason;
  EXPECT_NE(r.reason.find("does not apply"), std::string::npos) << r.reason;
  EXPECT_TRUE(script->sent.empty());
}

TEST_F(InterpreterTest, SendFollowedBySilentReadsNoReply) {
  Case c = make_case({step(K::connect), send("AUTH PLAIN x\\n", {}, K::send_raw), step(K::silent)});
  c.steps.back().millis = 100;
  CaseResult r = run(c);
  EXPECT_EQ(r.verdict, Verdict::pass) << r.reason;
}

TEST_F(InterpreterTest, ReadTakesTheSecondReplyOfAPipelinedGroup) {
  answer("250 first\r\n250 second\r\n");
  Case c = make_case({step(K::connect), send("RSET\\r\\nNOOP\\r\\n", {reply_alt("250", Verdict::pass, {}, std::string("first"))}, K::send_raw),
                      step(K::read, {reply_alt("250", Verdict::pass, {}, std::string("second"))})});
  CaseResult r = run(c);
  EXPECT_EQ(r.verdict, Verdict::pass) << r.reason;
}

TEST_F(InterpreterTest, CapturesFeedLaterChecks) {
  answer("334 abc\r\n");
  answer("334 abc\r\n");
  Step second = send("AUTH CRAM-MD5", {reply_alt("334", Verdict::pass, {}, std::string("$second"))});
  Case c = make_case({step(K::connect), send("AUTH CRAM-MD5", {reply_alt("334", Verdict::pass, {}, std::string("$first"))}),
                      step(K::reconnect), step(K::connect), second,
                      step(K::check, {cond_alt("$first == $second", Verdict::fail, Severity::critical),
                                      cond_alt("*", Verdict::pass)})});
  CaseResult r = run(c);
  EXPECT_EQ(r.verdict, Verdict::fail);
  EXPECT_EQ(r.severity, Severity::critical);
  EXPECT_EQ(script->connections, 2);
}

TEST_F(InterpreterTest, CaseStopsAtTheFirstFail) {
  answer("500 no\r\n");
  answer("250 never sent\r\n");
  Case c = make_case({step(K::connect), send("FOO", {reply_alt("250", Verdict::pass)}), send("BAR")});
  CaseResult r = run(c);
  EXPECT_EQ(r.verdict, Verdict::fail);
  EXPECT_EQ(script->sent.size(), 1u);
  EXPECT_NE(r.reason.find("line 11 send"), std::string::npos) << r.reason;
  EXPECT_EQ(r.observed, "500 no");
}

TEST_F(InterpreterTest, WorstStepDecidesAndExplicitAlternativesAreReported) {
  answer("250-host\r\n250 ENHANCEDSTATUSCODES\r\n");
  answer("501 5.5.4 odd\r\n");
  answer("250 ok\r\n");
  Case c = make_case({step(K::connect), step(K::ehlo),
                      send("B", {reply_alt("501", Verdict::pass, std::string("5.5.2")), reply_alt("501", Verdict::non_strict)}),
                      send("C")});
  CaseResult r = run(c);
  EXPECT_EQ(r.verdict, Verdict::non_strict);
  ASSERT_EQ(r.expected.size(), 2u);
  EXPECT_EQ(r.expected[0].pattern, "501 5.5.2");
  EXPECT_EQ(script->sent.size(), 3u) << "non-strict does not stop the case";
}

// RFC 2034 §3: without ENHANCEDSTATUSCODES in the EHLO reply the x.y.z part of a pattern is not
// judged, so the same reply matches the strict alternative.
TEST_F(InterpreterTest, EnhancedCodesAreJudgedOnlyWhenAdvertised) {
  answer("250-host\r\n250 PIPELINING\r\n");
  answer("501 5.5.4 odd\r\n");
  Case c = make_case({step(K::connect), step(K::ehlo),
                      send("B", {reply_alt("501", Verdict::pass, std::string("5.5.2")), reply_alt("501", Verdict::non_strict)})});
  EXPECT_EQ(run(c).verdict, Verdict::pass);
}

TEST_F(InterpreterTest, GlobalRulesOnSendSteps) {
  struct Row {
    std::vector<net::Event> reply;
    Verdict verdict;
    const char* why;
  };
  const Row rows[] = {
      {says("421 4.4.2 closing\r\n"), Verdict::inconclusive, "421 is temporary (G7)"},
      {says("454 4.7.0 later\r\n"), Verdict::inconclusive, "454 4.7.0 is temporary (G7)"},
      {hangs_up(), Verdict::fail, "closed without reply (G3)"},
      {silence(), Verdict::timeout, "no reply (G2)"},
      {says("250 ok\n"), Verdict::fail, "bare LF breaks RFC 5321 §4.2"},
      {says("250-a\r\n251 b\r\n"), Verdict::fail, "mixed codes"},
      {{net::Event::error("reset")}, Verdict::inconclusive, "network error"},
  };
  for (const Row& row : rows) {
    script = std::make_shared<Script>();
    answer(row.reply);
    CaseResult r = run(make_case({step(K::connect), send("X", {reply_alt("*", Verdict::pass)})}));
    EXPECT_EQ(r.verdict, row.verdict) << row.why << ": " << r.reason;
  }
}

TEST_F(InterpreterTest, ClosedAndTimeoutAlternatives) {
  answer(hangs_up());
  CaseResult r = run(make_case({step(K::connect), send("X", {event_alt(Alternative::Kind::closed, Verdict::pass)})}));
  EXPECT_EQ(r.verdict, Verdict::pass);
  script = std::make_shared<Script>();
  answer(silence());
  r = run(make_case({step(K::connect), send("X", {event_alt(Alternative::Kind::timeout, Verdict::non_strict)})}));
  EXPECT_EQ(r.verdict, Verdict::non_strict);
}

TEST_F(InterpreterTest, AliveWantsExactlyOne250) {
  answer("250 2.0.0 ok\r\n");
  EXPECT_EQ(run(make_case({step(K::connect), step(K::alive)})).verdict, Verdict::pass);
  script = std::make_shared<Script>();
  answer("250 ok\r\n250 again\r\n");
  CaseResult r = run(make_case({step(K::connect), step(K::alive)}));
  EXPECT_EQ(r.verdict, Verdict::fail) << "a second reply in the same chunk";
  script = std::make_shared<Script>();
  answer({net::Event::bytes("250 ok\r\n"), net::Event::bytes("250 late\r\n")});
  r = run(make_case({step(K::connect), step(K::alive)}));
  EXPECT_EQ(r.verdict, Verdict::fail) << "a second reply in a later chunk";
  script = std::make_shared<Script>();
  answer("500 what\r\n");
  EXPECT_EQ(run(make_case({step(K::connect), step(K::alive)})).verdict, Verdict::fail);
  script = std::make_shared<Script>();
  answer(silence());
  EXPECT_EQ(run(make_case({step(K::connect), step(K::alive)})).verdict, Verdict::timeout);
  ASSERT_FALSE(script->sent.empty());
  EXPECT_EQ(script->sent.back(), "NOOP\r\n");
}

TEST_F(InterpreterTest, ClosedStep) {
  answer({net::Event::bytes("221 bye\r\n"), net::Event::closed()});
  Case c = make_case({step(K::connect), send("QUIT"), step(K::closed)});
  EXPECT_EQ(run(c).verdict, Verdict::pass);
  script = std::make_shared<Script>();
  answer("221 bye\r\n");
  CaseResult r = run(c);
  EXPECT_EQ(r.verdict, Verdict::fail);
  EXPECT_NE(r.reason.find("still open"), std::string::npos);
}

TEST_F(InterpreterTest, SilentStep) {
  answer(silence());
  Step s = send("AUTH PLAIN", {}, K::send_raw);
  Step quiet = step(K::silent);
  quiet.millis = 50;
  // send-raw without CRLF: the server must wait for the line end. A reply is judged by the
  // send step, so here the pause is checked by a separate silent step after a write.
  Case c = make_case({step(K::connect), quiet});
  EXPECT_EQ(run(c).verdict, Verdict::pass);
  script = std::make_shared<Script>();
  script->on_connect.push_back({net::Event::bytes("220 hi\r\n"), net::Event::bytes("500 early\r\n")});
  Case c2 = make_case({step(K::connect), quiet});
  EXPECT_EQ(run(c2).verdict, Verdict::fail);
}

TEST_F(InterpreterTest, QuitWants221) {
  answer("221 bye\r\n");
  EXPECT_EQ(run(make_case({step(K::connect), step(K::quit)})).verdict, Verdict::pass);
  script = std::make_shared<Script>();
  answer("250 huh\r\n");
  EXPECT_EQ(run(make_case({step(K::connect), step(K::quit)})).verdict, Verdict::fail);
}

TEST_F(InterpreterTest, WaitUsesTheSleepHookBounded) {
  std::chrono::milliseconds slept{0};
  options.sleep = [&](std::chrono::milliseconds d) { slept += d; };
  Step w = step(K::wait);
  w.millis = 999999;
  CaseResult r = run(make_case({step(K::connect), w}));
  EXPECT_EQ(r.verdict, Verdict::pass);
  EXPECT_EQ(slept.count(), kMaxWaitMs);
  // A `needs optional` case may wait longer, up to kMaxOptionalWaitMs.
  slept = std::chrono::milliseconds{0};
  Case optional = make_case({step(K::connect), w});
  optional.needs.push_back(Need{false, "optional"});
  EXPECT_EQ(run(optional).verdict, Verdict::pass);
  EXPECT_EQ(slept.count(), kMaxOptionalWaitMs);
}

TEST_F(InterpreterTest, CaseTimeoutOverridesTheRunTimeout) {
  Case c = make_case({step(K::connect)});
  c.timeout_ms = 5;
  EXPECT_EQ(run(c).verdict, Verdict::pass);
}

// ---- auth ----

std::string b64(std::string_view s) { return codec::base64_encode(s); }

TEST_F(InterpreterTest, AuthPlainSendsInitialResponse) {
  answer("235 2.7.0 ok\r\n");
  CaseResult r = run(make_case({step(K::connect), auth("PLAIN")}));
  EXPECT_EQ(r.verdict, Verdict::pass) << r.reason;
  ASSERT_EQ(script->sent.size(), 1u);
  EXPECT_EQ(script->sent[0], "AUTH PLAIN " + b64(std::string("\0alice\0s3cret-pass", 18)) + "\r\n");
  EXPECT_EQ(r.mechanism, "PLAIN");
}

TEST_F(InterpreterTest, AuthNoIrAnswersTheEmptyChallenge) {
  answer("334 \r\n");
  answer("235 ok\r\n");
  Step a = auth("PLAIN");
  a.auth.initial_response = false;
  CaseResult r = run(make_case({step(K::connect), a}));
  EXPECT_EQ(r.verdict, Verdict::pass) << r.reason;
  ASSERT_EQ(script->sent.size(), 2u);
  EXPECT_EQ(script->sent[0], "AUTH PLAIN\r\n");
  EXPECT_EQ(script->sent[1], b64(std::string("\0alice\0s3cret-pass", 18)) + "\r\n");
}

TEST_F(InterpreterTest, AuthLoginRecordsChallenges) {
  answer("334 " + b64("Username:") + "\r\n");
  answer("334 " + b64("Password:") + "\r\n");
  answer("235 ok\r\n");
  Case c = make_case({step(K::connect), auth("LOGIN"),
                      step(K::check, {cond_alt("$challenge2 == Password:", Verdict::pass)})});
  CaseResult r = run(c);
  EXPECT_EQ(r.verdict, Verdict::pass) << r.reason;
  ASSERT_EQ(script->sent.size(), 3u);
  EXPECT_EQ(script->sent[1], b64("alice") + "\r\n");
  EXPECT_EQ(script->sent[2], b64("s3cret-pass") + "\r\n");
}

TEST_F(InterpreterTest, AuthRecordsWhatItSentForReplay) {
  options.expand = expand;  // macros: the template language itself
  // Client messages as they went on the wire ($response1 …), to be sent again by a later step.
  answer("334 " + b64("Username:") + "\r\n");
  answer("334 " + b64("Password:") + "\r\n");
  answer("235 ok\r\n");
  answer("334 " + b64("Username:") + "\r\n");
  answer("535 5.7.8 no\r\n");
  Case c = make_case({step(K::connect), auth("LOGIN"),
                      step(K::check, {cond_alt("$response2 == %b64[$password]%", Verdict::pass)}),
                      send("AUTH LOGIN"), send("$response1", {reply_alt("535", Verdict::pass)})});
  CaseResult r = run(c);
  EXPECT_EQ(r.verdict, Verdict::pass) << r.reason;
  ASSERT_EQ(script->sent.size(), 5u);
  EXPECT_EQ(script->sent[4], b64("alice") + "\r\n");
}

TEST_F(InterpreterTest, AuthRecordsTheInitialResponseAsResponse1) {
  options.expand = expand;  // macros: the template language itself
  answer("235 ok\r\n");
  Case c = make_case({step(K::connect), auth("PLAIN"),
                      step(K::check, {cond_alt("$response1 == %b64[\\0$user\\0$password]%", Verdict::pass)})});
  CaseResult r = run(c);
  EXPECT_EQ(r.verdict, Verdict::pass) << r.reason;
}

TEST_F(InterpreterTest, SwappedCasePasswordIsMasked) {
  options.expand = expand;  // macros: the template language itself
  answer("535 5.7.8 no\r\n");
  CaseResult r = run(make_case({step(K::connect), send("AUTH PLAIN %swapcase[$password]%")}));
  std::string all;
  for (const auto& line : r.transcript) all += line.text;
  EXPECT_EQ(all.find("S3CRET-PASS"), std::string::npos) << all;
  EXPECT_NE(all.find("AUTH PLAIN"), std::string::npos) << all;
}

TEST_F(InterpreterTest, AuthLoginWithForcedInitialResponse) {
  answer("334 " + b64("Password:") + "\r\n");
  answer("235 ok\r\n");
  Step a = auth("LOGIN");
  a.auth.initial_response = true;
  CaseResult r = run(make_case({step(K::connect), a}));
  EXPECT_EQ(r.verdict, Verdict::pass) << r.reason;
  EXPECT_EQ(script->sent[0], "AUTH LOGIN " + b64("alice") + "\r\n");
}

TEST_F(InterpreterTest, AuthCorruptionIsAppliedByTheMechanism) {
  answer("535 5.7.8 no\r\n");
  Step a = auth("PLAIN", {reply_alt("535", Verdict::pass)});
  a.auth.corruption = "wrong-password";
  CaseResult r = run(make_case({step(K::connect), a}));
  EXPECT_EQ(r.verdict, Verdict::pass) << r.reason;
  EXPECT_NE(script->sent[0], "AUTH PLAIN " + b64(std::string("\0alice\0s3cret-pass", 18)) + "\r\n");
}

TEST_F(InterpreterTest, AuthUnknownCorruptionOrMechanismIsError) {
  Step a = auth("PLAIN");
  a.auth.corruption = "no-such-corruption";
  EXPECT_EQ(run(make_case({step(K::connect), a})).verdict, Verdict::error);
  EXPECT_EQ(run(make_case({step(K::connect), auth("NO-SUCH-MECH")})).verdict, Verdict::error);
}

TEST_F(InterpreterTest, AuthMalformAppliesABase64Malformer) {
  answer("501 5.5.2 bad\r\n");
  Step a = auth("PLAIN", {reply_alt("501", Verdict::pass)});
  a.auth.malform_step = 0;
  a.auth.malformer = "bad-char-middle";
  CaseResult r = run(make_case({step(K::connect), a}));
  EXPECT_EQ(r.verdict, Verdict::pass) << r.reason;
  const std::string line = script->sent[0];
  const std::string payload = line.substr(11, line.size() - 13);
  EXPECT_FALSE(codec::base64_decode(payload).ok()) << payload;
}

TEST_F(InterpreterTest, AuthCancelSendsStarAndJudgesTheNextReply) {
  answer("334 " + b64("Username:") + "\r\n");
  answer("501 5.7.0 cancelled\r\n");
  Step a = auth("LOGIN", {reply_alt("501", Verdict::pass)});
  a.auth.cancel_step = 0;
  CaseResult r = run(make_case({step(K::connect), a}));
  EXPECT_EQ(r.verdict, Verdict::pass) << r.reason;
  EXPECT_EQ(script->sent[1], "*\r\n");
  // A 334 after the cancel is the judged reply too (cancel ignored).
  script = std::make_shared<Script>();
  answer("334 " + b64("Username:") + "\r\n");
  answer("334 " + b64("Username:") + "\r\n");
  EXPECT_EQ(run(make_case({step(K::connect), a})).verdict, Verdict::fail);
}

TEST_F(InterpreterTest, AuthRawReplacesOneMessage) {
  answer("501 5.5.2 bad\r\n");
  Step a = auth("PLAIN", {reply_alt("501", Verdict::pass)});
  a.auth.raw_step = 0;
  a.auth.raw_text = tpl("*");
  CaseResult r = run(make_case({step(K::connect), a}));
  EXPECT_EQ(r.verdict, Verdict::pass);
  EXPECT_EQ(script->sent[0], "AUTH PLAIN *\r\n");
}

TEST_F(InterpreterTest, AuthUndecodableChallengeIsCancelled) {
  answer("334 not base64!\r\n");
  answer("501 cancelled\r\n");
  Step a = auth("CRAM-MD5", {reply_alt("501", Verdict::info)});
  CaseResult r = run(make_case({step(K::connect), a}));
  EXPECT_EQ(r.verdict, Verdict::info) << r.reason;
  ASSERT_EQ(script->sent.size(), 2u);
  EXPECT_EQ(script->sent[1], "*\r\n");
  bool noted = false;
  for (const auto& e : r.transcript)
    if (e.kind == TranscriptEntry::Kind::note && e.text.find("B64-10") != std::string::npos) noted = true;
  EXPECT_TRUE(noted);
}

TEST_F(InterpreterTest, AuthRoundTripsAreBounded) {
  options.max_auth_round_trips = 1;
  answer("334 " + b64("Username:") + "\r\n");
  answer("334 " + b64("Password:") + "\r\n");
  CaseResult r = run(make_case({step(K::connect), auth("LOGIN", {reply_alt("*", Verdict::pass)})}));
  EXPECT_EQ(r.verdict, Verdict::fail);
  EXPECT_NE(r.reason.find("did not end"), std::string::npos) << r.reason;
  EXPECT_EQ(script->sent.size(), 2u) << "the second challenge is not answered";
}

TEST_F(InterpreterTest, AuthCramMd5Exchange) {
  answer("334 " + b64("<1896.697170952@postoffice.reston.mci.net>") + "\r\n");
  answer("235 2.7.0 ok\r\n");
  CaseResult r = run(make_case({step(K::connect), auth("CRAM-MD5")}));
  EXPECT_EQ(r.verdict, Verdict::pass) << r.reason;
  ASSERT_EQ(script->sent.size(), 2u);
  EXPECT_EQ(script->sent[0], "AUTH CRAM-MD5\r\n");
  auto decoded = codec::base64_decode(script->sent[1].substr(0, script->sent[1].size() - 2));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->substr(0, 6), "alice ");
}

TEST_F(InterpreterTest, TranscriptObservedAndReasonAreMasked) {
  // A server that echoes the password (the password-echo fault).
  answer("535 5.7.8 wrong password s3cret-pass\r\n");
  Step a = auth("PLAIN", {reply_alt("535", Verdict::fail, {}, std::string("*s3cret-pass*"))});
  CaseResult r = run(make_case({step(K::connect), a}));
  EXPECT_EQ(r.verdict, Verdict::fail);
  codec::SecretMasker m;
  m.add("s3cret-pass");
  m.add("other-s3cret");
  m.add("tok-abcdef-123");
  EXPECT_FALSE(m.leaks(r.observed)) << r.observed;
  EXPECT_FALSE(m.leaks(r.reason)) << r.reason;
  ASSERT_FALSE(r.transcript.empty());
  for (const auto& e : r.transcript) {
    EXPECT_FALSE(m.leaks(e.text)) << e.text;
    EXPECT_FALSE(m.leaks(e.decoded)) << e.decoded;
  }
}

TEST_F(InterpreterTest, StepSecretsAreMaskedToo) {
  answer("235 ok\r\n");
  Step a = auth("PLAIN");
  a.auth.password = tpl("another-secret-value");
  CaseResult r = run(make_case({step(K::connect), a}));
  codec::SecretMasker m;
  m.add("another-secret-value");
  for (const auto& e : r.transcript) EXPECT_FALSE(m.leaks(e.text)) << e.text;
}

}  // namespace
}  // namespace sah::scenario
