// The `repeat N` … `end` block (LIM-06's hundred abandoned exchanges) and `wait` reaching an
// in-process server in virtual time (LIM-04): parser rules with their `line:col` errors, and
// the interpreter running parsed cases against the built-in server through the memory
// connector, with and without the faults the cases are written to catch.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "harness/net/memory_transport.h"
#include "harness/scenario/builtin_target.h"
#include "harness/scenario/interpreter.h"
#include "harness/scenario/parser.h"
#include "harness/scenario/template.h"
#include "tests/scenario/scenario_test_util.h"

namespace sah::scenario {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::header;
using testing::parse;
using testing::short_diagnostics;

// ---- parser ------------------------------------------------------------------------------

TEST(RepeatBlock, StepsBetweenRepeatAndEndFormTheBody) {
  auto r = parse(header() +
                 "repeat 3\n"          // 6
                 "  connect\n"         // 7
                 "  send AUTH PLAIN\n" // 8
                 "  expect 334 * => pass\n"
                 "  reconnect\n"
                 "end\n"
                 "connect\n"           // 12
                 "alive\n");
  ASSERT_THAT(short_diagnostics(r), IsEmpty());
  const Case& c = r.cases.at(0);
  ASSERT_EQ(c.steps.size(), 3u);
  EXPECT_EQ(c.steps[0].kind, Step::Kind::repeat);
  EXPECT_EQ(c.steps[0].count, 3u);
  EXPECT_EQ(c.steps[0].at.line, 6u);
  ASSERT_EQ(c.steps[0].body.size(), 3u);
  EXPECT_EQ(c.steps[0].body[1].kind, Step::Kind::send);
  ASSERT_EQ(c.steps[0].body[1].expect.size(), 1u) << "the expect belongs to the send inside the block";
  EXPECT_EQ(c.steps[0].body[1].expect[0].code, "334");
  EXPECT_EQ(c.steps[0].body[2].kind, Step::Kind::reconnect);
  EXPECT_EQ(c.steps[1].kind, Step::Kind::connect);
  EXPECT_EQ(c.steps[1].at.line, 12u);
  EXPECT_EQ(c.steps[2].kind, Step::Kind::alive);
}

TEST(RepeatBlock, CheckGroupsAndExpectTargetsEndWithTheBlock) {
  // A check right after `end` starts a new group outside the block; an expect right after
  // `end` has no step to judge.
  auto r = parse(header() + "repeat 2\ncheck tls => pass\nend\ncheck * => pass\n");
  ASSERT_THAT(short_diagnostics(r), IsEmpty());
  ASSERT_EQ(r.cases[0].steps.size(), 2u);
  EXPECT_EQ(r.cases[0].steps[0].body.at(0).expect.size(), 1u);
  EXPECT_EQ(r.cases[0].steps[1].kind, Step::Kind::check);
  EXPECT_THAT(short_diagnostics(parse(header() + "repeat 2\nconnect\nend\nexpect 220 => pass\nalive\n")),
              ElementsAre(HasSubstr("9:1: 'expect' must follow a step that produces a reply")));
}

TEST(RepeatBlock, CountIsBounded) {
  // Each row: the line after the header, and the error it gives (at line 6).
  struct Row {
    const char* line;
    const char* error;
    const char* why;
  };
  const Row rows[] = {
      {"repeat\n", "6:7: expected a count (1 to 1000) after 'repeat'", "no count"},
      {"repeat 0\n", "6:8: expected a count (1 to 1000) after 'repeat', found '0'", "zero rounds run nothing"},
      {"repeat 1001\n", "6:8: expected a count (1 to 1000) after 'repeat', found '1001'", "above kMaxRepeatRounds"},
      {"repeat ten\n", "6:8: expected a count (1 to 1000) after 'repeat', found 'ten'", "not a number"},
      {"repeat \"5\"\n", "6:8: expected a count (1 to 1000) after 'repeat', found '5'", "quoted"},
      {"repeat 5 times\n", "6:10: unexpected 'times' after the count", "extra field"},
  };
  for (const Row& row : rows) {
    auto r = parse(header() + row.line + "connect\nend\nalive\n");
    EXPECT_THAT(short_diagnostics(r), ElementsAre(row.error)) << row.why;
  }
  auto most = parse(header() + "repeat 1000\nconnect\nend\nalive\n");
  ASSERT_TRUE(most.ok()) << ::testing::PrintToString(short_diagnostics(most));
  EXPECT_EQ(most.cases[0].steps[0].count, kMaxRepeatRounds);
}

TEST(RepeatBlock, StructureErrorsPointAtTheirLines) {
  EXPECT_THAT(short_diagnostics(parse(header() + "repeat 2\nconnect\nalive\n")),
              ElementsAre("6:1: 'repeat' block not closed by 'end'"));
  EXPECT_THAT(short_diagnostics(parse(header() + "  repeat 2\nend\nalive\n")),
              ElementsAre("6:3: the 'repeat' block has no steps"));
  EXPECT_THAT(short_diagnostics(parse(header() + "repeat 2\nrepeat 3\nconnect\nend\nalive\n")),
              ElementsAre("7:1: 'repeat' blocks do not nest (the block at line 6 is still open: close it with 'end')"));
  EXPECT_THAT(short_diagnostics(parse(header() + "repeat 2\nconnect\nend now\nalive\n")),
              ElementsAre("8:5: 'end' takes no arguments"));
  EXPECT_THAT(short_diagnostics(parse(header() + "connect\nalive\nend\n")),
              ElementsAre("8:1: 'end' without 'foreach' or 'repeat'"));
  EXPECT_THAT(short_diagnostics(parse(header() + "repeat 2\ntags x\nconnect\nend\nalive\n")),
              ElementsAre("7:1: 'tags' is a header: headers come before the first step (line 6)"));
}

TEST(RepeatBlock, WorksInsideAForeachCase) {
  // The foreach table takes its own `end`; the block's `end` stays with the steps.
  auto r = parse("case a.$n\ntitle T\nreq B64-02\nrfc RFC4954#4\nfault b64-skip-illegal\n"
                 "foreach n\n  x\n  y\nend\n"
                 "repeat 2\nconnect\nend\nalive\n");
  ASSERT_THAT(short_diagnostics(r), IsEmpty());
  ASSERT_EQ(r.cases.size(), 2u);
  EXPECT_EQ(r.cases[1].steps.at(0).body.size(), 1u);
}

// ---- interpreter against the in-process server ---------------------------------------------

Credentials credentials() {
  Credentials c;
  c.user = "user";
  c.password = "pw-for-repeat-tests";
  c.token = "tok-for-repeat-tests";
  return c;
}

struct InProcessRun {
  CaseResult result;
  std::size_t connections = 0;
  bool crashed = false;
};

InProcessRun run_in_process(const std::string& steps, const std::set<std::string>& faults, const std::string& needs = "") {
  auto parsed = parse_text(header() + needs + steps, "t.scn");
  InProcessRun out;
  if (!parsed.ok()) {
    out.result.verdict = Verdict::error;
    out.result.reason = short_diagnostics(parsed).front();
    return out;
  }
  InterpreterOptions o;
  o.credentials = credentials();
  o.expand = expand;
  o.timeout = std::chrono::milliseconds(500);
  o.extra_reply_wait = std::chrono::milliseconds(0);
  std::chrono::milliseconds slept{0};
  o.sleep = [&slept](std::chrono::milliseconds d) { slept += d; };
  server::Config config = builtin_config(o.credentials, net::TlsMode::none, faults, false);
  o.host = config.hostname;
  net::MemoryConnector connector(config, 3);
  SeededRandom random(4);
  out.result = run_case(parsed.cases.at(0), connector, o, random);
  out.connections = connector.connections();
  out.crashed = connector.crashed();
  return out;
}

const std::string kAbandon =
    "repeat 20\n"
    "  connect\n"
    "  ehlo\n"
    "  send AUTH PLAIN\n"
    "  expect 334 * => pass\n"
    "  reconnect\n"
    "end\n"
    "connect\n"
    "ehlo\n"
    "auth PLAIN\n"
    "expect 235 * => pass\n";

TEST(RepeatRun, EveryRoundRunsOnItsOwnConnection) {
  const InProcessRun r = run_in_process(kAbandon, {});
  EXPECT_EQ(r.result.verdict, Verdict::pass) << r.result.reason;
  EXPECT_EQ(r.connections, 21u) << "20 rounds, then the good login";
}

TEST(RepeatRun, AFailingRoundStopsTheCaseAndIsNamedInTheReason) {
  // Under abandoned-exchange-leak the server refuses AUTH once 8 exchanges were abandoned:
  // round 9's AUTH gets 454 4.7.0, which no alternative names (G7: inconclusive) and the
  // case stops there.
  const InProcessRun r = run_in_process(kAbandon, {"abandoned-exchange-leak"});
  EXPECT_EQ(r.result.verdict, Verdict::inconclusive) << r.result.reason;
  EXPECT_THAT(r.result.reason, HasSubstr("line 9 send: round 9 of 20: "));
  EXPECT_EQ(r.connections, 9u) << "the case stops in round 9";
}

TEST(RepeatRun, RoundsEndedByQuitAbandonNothing) {
  // What the leaking server counts is the close in the middle of an exchange: the same
  // rounds ended by QUIT leave it serving.
  const InProcessRun quit = run_in_process(
      "repeat 20\n  connect\n  ehlo\n  quit\n  reconnect\nend\nconnect\nehlo\nauth PLAIN\nexpect 235 * => pass\n",
      {"abandoned-exchange-leak"});
  EXPECT_EQ(quit.result.verdict, Verdict::pass) << quit.result.reason;
}

const std::string kIdle =
    "connect\n"
    "ehlo\n"
    "send AUTH LOGIN\n"
    "expect 334 * => pass\n"
    "wait WAIT\n"
    "send *\n"
    "expect 501 * => pass\n"
    "expect closed => fail \"dropped\"\n";

std::string idle_case(unsigned ms) {
  std::string s = kIdle;
  s.replace(s.find("WAIT"), 4, std::to_string(ms));
  return s;
}

TEST(WaitRun, VirtualTimeReachesTheServersIdleTimer) {
  // The built-in server's idle timeout (300 s) against waits in virtual time: the
  // short-timeout fault drops the exchange after 30 s of silence, the correct server does not.
  struct Row {
    unsigned wait_ms;
    std::set<std::string> faults;
    Verdict want;
    const char* why;
  };
  const Row rows[] = {
      {60000, {}, Verdict::pass, "a minute is well within 5 minutes"},
      {60000, {"idle-timeout-short"}, Verdict::fail, "the fault drops the exchange after 30 s"},
      {29999, {"idle-timeout-short"}, Verdict::pass, "just under the fault's 30 s"},
      {30000, {"idle-timeout-short"}, Verdict::fail, "exactly the fault's 30 s"},
  };
  for (const Row& row : rows) {
    const InProcessRun r = run_in_process(idle_case(row.wait_ms), row.faults, "needs optional\n");
    EXPECT_EQ(r.result.verdict, row.want) << row.why << ": " << r.result.reason;
  }
}

TEST(WaitRun, WaitsAddUpUntilTheClientSpeaks) {
  // Three 10 s waits are 30 s of silence (the fault's limit); a response after the first
  // two starts the count again.
  const std::string two_waits =
      "connect\nehlo\nsend AUTH LOGIN\nexpect 334 * => pass\nwait 10000\nwait 10000\nwait 10000\n"
      "send *\nexpect 501 * => pass\nexpect closed => fail \"dropped\"\n";
  EXPECT_EQ(run_in_process(two_waits, {"idle-timeout-short"}).result.verdict, Verdict::fail);
  const std::string reset =
      "connect\nehlo\nsend AUTH LOGIN\nexpect 334 * => pass\nwait 10000\nwait 10000\n"
      "send %b64[user]%\nexpect 334 * => pass\nwait 10000\nwait 10000\n"
      "send *\nexpect 501 * => pass\nexpect closed => fail \"dropped\"\n";
  EXPECT_EQ(run_in_process(reset, {"idle-timeout-short"}).result.verdict, Verdict::pass);
}

TEST(WaitRun, OutsideAnExchangeTheFaultKeepsTheConfiguredTimeout) {
  // The fault shortens only the wait for a SASL response; between commands 5 minutes hold,
  // and past them the correct server says 421 4.4.2 (RFC 5321 §4.5.3.2.7) and closes.
  const std::string between = "connect\nehlo\nwait 60000\nalive\n";
  EXPECT_EQ(run_in_process(between, {"idle-timeout-short"}, "needs optional\n").result.verdict, Verdict::pass);
  const std::string past = "connect\nehlo\nwait 300000\nread\nexpect 421 4.4.2 * => pass\n";
  const InProcessRun r = run_in_process(past, {}, "needs optional\n");
  EXPECT_EQ(r.result.verdict, Verdict::pass) << r.result.reason;
}

}  // namespace
}  // namespace sah::scenario
