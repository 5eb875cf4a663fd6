// The live fuzzer (harness/scenario/fuzz/) against the built-in server in-process: a bounded,
// seeded run finds nothing on the correct server; under fault switches that crash it, hang it,
// break reply syntax, accept bad credentials, ignore a cancel or close without a reply, it
// finds the defect, writes a finding that parses, and that finding FAILS under the fault and
// PASSES without it when `run` executes it. No timing: in-process time is virtual.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "harness/scenario/builtin_target.h"
#include "harness/scenario/fuzz/fuzz_loop.h"
#include "harness/scenario/parser.h"
#include "harness/scenario/runner.h"
#include "harness/scenario/template.h"

namespace sah::scenario::fuzz {
namespace {

Credentials credentials() {
  Credentials c;
  c.user = "user";
  c.password = "fuzz-password-Zq?~81";
  c.user2 = "user2";
  c.password2 = "second-fuzz-password";
  c.token = "fuzz-token-4711";
  return c;
}

InterpreterOptions interpreter() {
  InterpreterOptions in;
  in.credentials = credentials();
  in.expand = expand;
  in.host = "harness.localhost";
  in.timeout = std::chrono::milliseconds(2000);
  in.extra_reply_wait = std::chrono::milliseconds(0);
  in.sleep = [](std::chrono::milliseconds) {};
  return in;
}

server::Config config(const std::set<std::string>& faults) {
  server::Config c = builtin_config(credentials(), net::TlsMode::none, faults);
  c.scram_iterations = 64;  // as `fuzz` in-process: the protocol is fuzzed, not PBKDF2
  return c;
}

LoopOptions loop(const std::set<std::string>& faults, std::uint64_t sessions, std::uint64_t seed = 7) {
  LoopOptions o;
  o.executor.interpreter = interpreter();
  o.connector_factory = builtin_connector_factory(config(faults), seed);
  o.seed = seed;
  o.max_sessions = sessions;
  o.max_per_kind = 1;
  o.minimize_tries = 60;
  o.context.faults.assign(faults.begin(), faults.end());
  o.context.target = "built-in server";
  return o;
}

// The verdict `run` gives a finding's scenario against the built-in server with `faults`.
Verdict run_finding(const std::string& text, const std::set<std::string>& faults) {
  ParseResult parsed = parse_text(text, "finding.scn");
  EXPECT_TRUE(parsed.ok()) << text;
  if (!parsed.ok() || parsed.cases.size() != 1) return Verdict::error;
  RunnerOptions r;
  r.interpreter = interpreter();
  r.connector_factory = builtin_connector_factory(config(faults), 99);
  r.needs.account = r.needs.account2 = r.needs.token = true;
  auto run = run_cases(parsed.cases, r);
  EXPECT_TRUE(run.ok());
  if (!run.ok()) return Verdict::error;
  return run->cases.at(0).verdict;
}

Observation reply(int code, const char* text) {
  smtp::Reply r;
  r.code = code;
  r.lines.push_back(text);
  return Observation::of(std::move(r));
}

TEST(FuzzPlan, CountsLineEndsEscapeByEscape) {
  EXPECT_EQ(line_count("NOOP\\r\\n"), 1u);
  EXPECT_EQ(line_count("NOOP\\r\\nRSET\\r\\n"), 2u);
  EXPECT_EQ(line_count("NOOP\\\\r\\\\n"), 0u) << "an escaped backslash, then r: no line end";
  EXPECT_EQ(line_count("NOOP\\n\\r"), 0u) << "LF then CR is not CRLF";
  EXPECT_TRUE(ends_line("NOOP\\r\\n"));
  EXPECT_FALSE(ends_line("NOOP\\\\r\\n")) << "the last escape is \\n after a literal backslash-r";
  EXPECT_FALSE(ends_line("NOOP"));
}

TEST(FuzzGenerator, SameSeedSamePlanAndEveryStepRenders) {
  GeneratorOptions g;
  for (std::uint64_t seed = 0; seed < 200; ++seed) {
    SeededRandom a(seed), b(seed);
    const Plan p = generate(a, g), q = generate(b, g);
    ASSERT_EQ(plan_hash(p), plan_hash(q)) << seed;
    ASSERT_FALSE(p.steps.empty());
    // Every plan renders into a scenario that parses (its templates and auth options are valid).
    std::string text = "case a.b\ntitle T\nreq LIM-07\nrfc RFC4954#4\nfault long-line-crash\nconnect\n";
    for (const auto& s : p.steps) text += render_step(s) + "\nexpect * => pass\n";
    const ParseResult r = parse_text(text, "plan.scn");
    ASSERT_TRUE(r.ok()) << text << (r.diagnostics.empty() ? "" : format(r.diagnostics[0]));
  }
}

TEST(FuzzGenerator, UsesEveryMutationLayer) {
  std::set<std::string> layers;
  GeneratorOptions g;
  for (std::uint64_t seed = 0; seed < 500; ++seed) {
    SeededRandom r(seed);
    for (const auto& s : generate(r, g).steps) layers.insert(s.layer);
  }
  for (const char* l : {"smtp", "base64", "mechanism", "exchange"}) EXPECT_TRUE(layers.count(l)) << l;
}

TEST(FuzzOracle, EachRuleAndItsAbsence) {
  Plan p;
  PlanStep s;
  s.text = "NOOP\\r\\n";
  p.steps.push_back(s);
  Execution ex;
  ex.connected = true;
  ex.greeting = reply(220, "hi");
  StepRecord r;
  r.owed_reply = true;
  r.replies.push_back(reply(250, "ok"));
  ex.steps.push_back(r);
  EXPECT_FALSE(judge_session(p, ex)) << "250 to NOOP is no finding";

  Execution hang = ex;
  hang.steps[0].replies = {Observation::timeout()};
  EXPECT_EQ(judge_session(p, hang)->kind, FindingKind::hang);
  Execution silent_ok = hang;
  silent_ok.steps[0].owed_reply = false;
  EXPECT_FALSE(judge_session(p, silent_ok)) << "no reply is due to an unfinished line";

  Execution closed = ex;
  closed.steps[0].replies = {Observation::closed()};
  EXPECT_EQ(judge_session(p, closed)->kind, FindingKind::closed_without_reply);
  Execution closed_after_421 = closed;
  closed_after_421.steps.insert(closed_after_421.steps.begin(), r);
  closed_after_421.steps[0].replies = {reply(421, "bye")};
  Plan two = p;
  two.steps.push_back(s);
  EXPECT_FALSE(judge_session(two, closed_after_421)) << "a close announced by 421 is allowed (RFC 5321 §3.8)";

  Execution dead = ex;
  dead.liveness_checked = true;
  dead.alive = false;
  EXPECT_EQ(judge_session(p, dead)->kind, FindingKind::crash);

  Execution broken = ex;
  broken.steps[0].replies = {Observation::malformed_reply("bare LF")};
  EXPECT_EQ(judge_session(p, broken)->kind, FindingKind::bad_reply);

  Plan bad = p;
  bad.steps[0].bad_credentials = true;
  Execution accepted = ex;
  accepted.steps[0].replies = {reply(235, "ok")};
  EXPECT_EQ(judge_session(bad, accepted)->kind, FindingKind::auth_bypass);
  EXPECT_FALSE(judge_session(p, accepted)) << "235 to honest credentials is right";

  Plan cancel = p;
  cancel.steps[0].cancel = true;
  Execution continued = ex;
  continued.steps[0].after_challenge = true;
  continued.steps[0].replies = {reply(334, "")};
  EXPECT_EQ(judge_session(cancel, continued)->kind, FindingKind::cancel_ignored);
  continued.steps[0].after_challenge = false;
  EXPECT_FALSE(judge_session(cancel, continued)) << "'*' outside an exchange is an ordinary (bad) command";
}

TEST(FuzzLoop, CorrectServerBoundedRunHasNoFinding) {
  std::vector<std::string> found;
  LoopOptions o = loop({}, 2000);
  o.on_finding = [&](const FoundReport& f) { found.push_back(f.file_name + "\n" + f.scenario); };
  const LoopStats s = run_fuzz(o);
  EXPECT_EQ(s.sessions, 2000u);
  EXPECT_EQ(s.findings, 0u) << (found.empty() ? "" : found[0]);
  EXPECT_EQ(s.unreachable, 0u);
  EXPECT_LT(s.harness_errors, 200u) << "most plans must be runnable";
}

struct FaultRow {
  const char* fault;
  FindingKind kind;
  const char* why;
};

class FuzzFindsFault : public ::testing::TestWithParam<FaultRow> {};

TEST_P(FuzzFindsFault, WritesAFindingThatFailsUnderTheFaultAndPassesWithout) {
  const FaultRow row = GetParam();
  std::vector<FoundReport> found;
  LoopOptions o = loop({row.fault}, 3000);
  o.max_per_kind = 1;
  o.on_finding = [&](const FoundReport& f) { found.push_back(f); };
  const LoopStats s = run_fuzz(o);
  const FoundReport* mine = nullptr;
  for (const auto& f : found)
    if (f.finding.kind == row.kind) mine = &f;
  ASSERT_NE(mine, nullptr) << row.fault << ": " << row.why << " (" << s.findings << " findings of other kinds)";
  ASSERT_TRUE(mine->render_error.empty()) << mine->render_error;
  EXPECT_NE(mine->scenario.find("fault   " + std::string(row.fault)), std::string::npos);
  EXPECT_EQ(mine->file_name.rfind(std::string(to_string(row.kind)) + "-", 0), 0u);
  // No secret in the file: credentials stay variables.
  const Credentials c = credentials();
  EXPECT_EQ(mine->scenario.find(c.password), std::string::npos);
  EXPECT_EQ(mine->scenario.find(c.token), std::string::npos);

  const Verdict under_fault = run_finding(mine->scenario, {row.fault});
  EXPECT_TRUE(under_fault == Verdict::fail || under_fault == Verdict::crash || under_fault == Verdict::timeout)
      << to_string(under_fault) << "\n" << mine->scenario;
  const Verdict correct = run_finding(mine->scenario, {});
  EXPECT_EQ(correct, Verdict::pass) << mine->scenario;
}

INSTANTIATE_TEST_SUITE_P(
    Faults, FuzzFindsFault,
    ::testing::Values(FaultRow{"long-line-crash", FindingKind::crash, "an over-long AUTH line kills the server"},
                      FaultRow{"crash-on-binary-response", FindingKind::crash, "NUL-heavy responses kill it"},
                      FaultRow{"hang-on-malformed", FindingKind::hang, "a malformed message is never answered"},
                      FaultRow{"long-line-no-reply", FindingKind::hang, "an over-long response is never answered"},
                      FaultRow{"reply-bare-lf", FindingKind::bad_reply, "replies end in bare LF"},
                      FaultRow{"multiline-mixed-codes", FindingKind::bad_reply, "EHLO's last line has another code"},
                      FaultRow{"accept-any-password", FindingKind::auth_bypass, "bad credentials get 235"},
                      FaultRow{"b64-skip-illegal", FindingKind::auth_bypass, "illegal Base64 octets are skipped"},
                      FaultRow{"scram-accept-bad-proof", FindingKind::auth_bypass, "SCRAM takes any proof"},
                      FaultRow{"ntlm-accept-bad-proof", FindingKind::auth_bypass, "NTLM takes any proof"},
                      FaultRow{"cancel-ignored", FindingKind::cancel_ignored, "'*' gets another 334"},
                      FaultRow{"close-without-reply", FindingKind::closed_without_reply,
                               "bad credentials close the connection silently"}),
    [](const ::testing::TestParamInfo<FaultRow>& info) {
      std::string n = info.param.fault;
      for (char& ch : n)
        if (ch == '-') ch = '_';
      return n;
    });

}  // namespace
}  // namespace sah::scenario::fuzz
