#include "harness/scenario/runner.h"

#include <gtest/gtest.h>

#include <atomic>

#include "harness/scenario/builtin_loopback.h"
#include "harness/scenario/builtin_target.h"
#include "harness/scenario/template.h"
#include "tests/scenario/case_builder.h"
#include "tests/scenario/scripted_transport.h"

namespace sah::scenario {
namespace {

using namespace sah::scenario::testing;
using K = Step::Kind;

RunnerOptions builtin_options(const std::set<std::string>& faults = {}, net::TlsMode tls = net::TlsMode::starttls) {
  RunnerOptions o;
  o.interpreter = test_interpreter_options();
  o.interpreter.expand = expand;
  o.interpreter.tls = tls;
  o.connector_factory = builtin_connector_factory(builtin_config(o.interpreter.credentials, tls, faults), 1);
  o.needs.account = o.needs.account2 = o.needs.token = true;
  return o;
}

Case plain_login(std::string id = "auth.plain.ok") {
  Case c = make_case({step(K::connect), step(K::ehlo),
                      auth("PLAIN", {reply_alt("235", Verdict::pass), reply_alt("*", Verdict::fail)}), step(K::alive)},
                     std::move(id));
  c.needs = {{false, "mech:PLAIN"}, {false, "account"}};
  return c;
}

Case wrong_password(std::string id = "auth.plain.wrong") {
  Step a = auth("PLAIN", {reply_alt("535", Verdict::pass),
                          reply_alt("235", Verdict::fail, std::nullopt, std::nullopt, Severity::critical)});
  a.auth.corruption = "wrong-password";
  return make_case({step(K::connect), step(K::ehlo), a, step(K::alive)}, std::move(id));
}

TEST(Runner, ProbeFillsTheHeader) {
  auto run = run_cases({plain_login()}, builtin_options());
  ASSERT_TRUE(run.ok()) << run.error();
  EXPECT_EQ(run->schema, 1);
  EXPECT_EQ(run->tls, "starttls");
  EXPECT_EQ(run->greeting.substr(0, 4), "220 ");
  EXPECT_FALSE(run->mechanisms.empty());
  EXPECT_FALSE(run->interrupted);
  ASSERT_EQ(run->cases.size(), 1u);
  EXPECT_EQ(run->cases[0].verdict, Verdict::pass) << run->cases[0].reason;
}

TEST(Runner, CorrectServerPassesFaultyServerFails) {
  auto good = run_cases({wrong_password()}, builtin_options());
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(good->cases[0].verdict, Verdict::pass) << good->cases[0].reason;
  auto bad = run_cases({wrong_password()}, builtin_options({"accept-any-password"}));
  ASSERT_TRUE(bad.ok());
  EXPECT_EQ(bad->cases[0].verdict, Verdict::fail);
  EXPECT_EQ(bad->cases[0].severity, Severity::critical);
  EXPECT_EQ(exit_code(*bad, Severity::must), 1);
  EXPECT_EQ(exit_code(*good, Severity::must), 0);
}

TEST(Runner, UnmetNeedsSkipWithTheNeedAsReason) {
  Case c = plain_login();
  c.needs = {{false, "mech:NO-SUCH-MECH"}};
  auto run = run_cases({c}, builtin_options());
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->cases[0].verdict, Verdict::skip);
  EXPECT_NE(run->cases[0].reason.find("mech:NO-SUCH-MECH"), std::string::npos);
  c.needs = {{true, "tls"}};
  run = run_cases({c}, builtin_options());
  EXPECT_EQ(run->cases[0].verdict, Verdict::skip);
}

TEST(Runner, ServerThatDiesIsACrash) {
  // crash-on-binary-response: 1024 NUL octets in a decoded client message kill the server.
  Case c = make_case({step(K::connect), step(K::ehlo),
                      send("AUTH PLAIN %b64[%repeat[1100|\\0]%]%", {reply_alt("5xx", Verdict::pass)})});
  auto good = run_cases({c}, builtin_options());
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(good->cases[0].verdict, Verdict::pass) << good->cases[0].reason;
  auto bad = run_cases({c}, builtin_options({"crash-on-binary-response"}));
  ASSERT_TRUE(bad.ok());
  EXPECT_EQ(bad->cases[0].verdict, Verdict::crash) << bad->cases[0].reason;
  EXPECT_EQ(bad->cases[0].severity, Severity::critical);
  EXPECT_EQ(exit_code(*bad, Severity::critical), 1) << "a crash always exits 1";
}

TEST(Runner, ParallelJobsKeepCatalogueOrder) {
  std::vector<Case> cases;
  for (int i = 0; i < 12; ++i) cases.push_back(i % 2 ? plain_login("c" + std::to_string(i)) : wrong_password("c" + std::to_string(i)));
  RunnerOptions o = builtin_options();
  o.jobs = 4;
  std::atomic<int> calls{0};
  o.on_case = [&](const CaseResult&, std::size_t done, std::size_t total) {
    ++calls;
    EXPECT_LE(done, total);
  };
  auto run = run_cases(cases, o);
  ASSERT_TRUE(run.ok());
  ASSERT_EQ(run->cases.size(), cases.size());
  for (std::size_t i = 0; i < cases.size(); ++i) {
    EXPECT_EQ(run->cases[i].id, cases[i].id);
    EXPECT_EQ(run->cases[i].verdict, Verdict::pass) << run->cases[i].id << ": " << run->cases[i].reason;
  }
  EXPECT_EQ(calls.load(), 12);
}

TEST(Runner, StopFlagGivesPartialInterruptedResults) {
  std::atomic<bool> stop{false};
  RunnerOptions o = builtin_options();
  o.stop = &stop;
  o.on_case = [&](const CaseResult&, std::size_t done, std::size_t) {
    if (done == 2) stop = true;
  };
  auto run = run_cases({plain_login("a"), plain_login("b"), plain_login("c"), plain_login("d")}, o);
  ASSERT_TRUE(run.ok());
  EXPECT_TRUE(run->interrupted);
  EXPECT_EQ(run->cases.size(), 2u);
}

// AUTH NAME answered with a 334 passes, anything else fails; needs mech:NAME.
Case offered_and_accepted(const std::string& mech, std::string id) {
  Case c = make_case({step(K::connect), step(K::ehlo),
                      send("AUTH " + mech, {reply_alt("334", Verdict::pass), reply_alt("*", Verdict::fail)})},
                     std::move(id));
  c.needs = {{false, "mech:" + mech}};
  return c;
}

TEST(Runner, OffByDefaultMechanismsAreSetUpForTheCasesThatNeedThem) {
  RunnerOptions o = builtin_options();
  // Without a per-case set-up, the default server does not offer DIGEST-MD5 or ANONYMOUS
  // (RFC 6331, RFC 4505 §5): their cases are skipped.
  auto plain = run_cases({offered_and_accepted("DIGEST-MD5", "d"), offered_and_accepted("ANONYMOUS", "a")}, o);
  ASSERT_TRUE(plain.ok()) << plain.error();
  EXPECT_EQ(plain->cases[0].verdict, Verdict::skip);
  EXPECT_EQ(plain->cases[1].verdict, Verdict::skip);
  for (const auto& m : plain->mechanisms) EXPECT_TRUE(m != "DIGEST-MD5" && m != "ANONYMOUS") << m;

  std::vector<std::string> made;  // set-up names, in the order `make` was asked
  const server::Config config = builtin_config(o.interpreter.credentials, net::TlsMode::starttls);
  o.setup_for_case = builtin_case_setups(config, [&made](server::Config c, const std::string& name)
                                                     -> Result<ConnectorFactory, std::string> {
    made.push_back(name);
    return builtin_connector_factory(std::move(c), 3);
  });
  auto run = run_cases({offered_and_accepted("DIGEST-MD5", "d1"), offered_and_accepted("ANONYMOUS", "a"),
                        offered_and_accepted("DIGEST-MD5", "d2"), plain_login()},
                       o);
  ASSERT_TRUE(run.ok()) << run.error();
  for (const CaseResult& r : run->cases) EXPECT_EQ(r.verdict, Verdict::pass) << r.id << ": " << r.reason;
  // One set-up per distinct need, made once; the PLAIN case ran on the run's own server.
  EXPECT_EQ(made, (std::vector<std::string>{"+DIGEST-MD5", "+ANONYMOUS"}));
  // The run's header describes the server as it is by default.
  for (const auto& m : run->mechanisms) EXPECT_TRUE(m != "DIGEST-MD5" && m != "ANONYMOUS") << m;
}

TEST(Runner, ACaseSetUpThatCannotBeMadeIsAnError) {
  RunnerOptions o = builtin_options();
  o.setup_for_case = builtin_case_setups(builtin_config(o.interpreter.credentials, net::TlsMode::starttls),
                                         [](server::Config, const std::string&) -> Result<ConnectorFactory, std::string> {
                                           return unexpected(std::string("no port left"));
                                         });
  auto run = run_cases({offered_and_accepted("DIGEST-MD5", "d"), plain_login()}, o);
  ASSERT_TRUE(run.ok()) << run.error();
  EXPECT_EQ(run->cases[0].verdict, Verdict::error);
  EXPECT_NE(run->cases[0].reason.find("no port left"), std::string::npos) << run->cases[0].reason;
  EXPECT_EQ(run->cases[1].verdict, Verdict::pass) << run->cases[1].reason;
}

TEST(Runner, ANeedNamedNegatedOrOtherwiseGetsNoSetUp) {
  Case c = offered_and_accepted("DIGEST-MD5", "d");
  EXPECT_EQ(off_by_default_needs(c), std::vector<std::string>{"DIGEST-MD5"});
  c.needs = {{false, "mech:ANONYMOUS"}, {false, "account"}, {false, "mech:DIGEST-MD5"}};
  EXPECT_EQ(off_by_default_needs(c), (std::vector<std::string>{"ANONYMOUS", "DIGEST-MD5"}));
  c.needs = {{true, "mech:DIGEST-MD5"}, {false, "mech:CRAM-MD5"}};  // !mech: wants the default server
  EXPECT_TRUE(off_by_default_needs(c).empty());
  bool called = false;
  auto setups = builtin_case_setups(server::Config{}, [&called](server::Config, const std::string&)
                                                          -> Result<ConnectorFactory, std::string> {
    called = true;
    return ConnectorFactory{};
  });
  EXPECT_TRUE(setups(c).name.empty());
  EXPECT_FALSE(called);
}

TEST(Runner, UnreachableTargetIsAnError) {
  auto script = std::make_shared<Script>();
  script->refuse = true;
  RunnerOptions o = builtin_options();
  o.connector_factory = [script] { return std::make_unique<ScriptedConnector>(script); };
  auto run = run_cases({plain_login()}, o);
  ASSERT_FALSE(run.ok());
  EXPECT_NE(run.error().find("refused"), std::string::npos);
}

TEST(RunnerExitCode, ThresholdsTable) {
  struct Row {
    Verdict v;
    Severity s;
    Severity fail_on;
    int code;
    const char* why;
  };
  const Row rows[] = {
      {Verdict::pass, Severity::none, Severity::practice, 0, "pass never fails"},
      {Verdict::fail, Severity::should, Severity::must, 0, "should is below must"},
      {Verdict::fail, Severity::should, Severity::should, 1, "at the threshold"},
      {Verdict::fail, Severity::critical, Severity::critical, 1, "critical at critical"},
      {Verdict::fail, Severity::must, Severity::critical, 0, "must is below critical"},
      {Verdict::fail, Severity::practice, Severity::practice, 1, "practice at practice"},
      {Verdict::timeout, Severity::none, Severity::critical, 1, "timeouts always count"},
      {Verdict::crash, Severity::critical, Severity::critical, 1, "crashes always count"},
      {Verdict::inconclusive, Severity::none, Severity::practice, 0, "inconclusive is not a failure"},
      {Verdict::error, Severity::none, Severity::practice, 0, "a harness error is not a finding"},
  };
  for (const Row& r : rows) {
    RunResult run;
    CaseResult c;
    c.verdict = r.v;
    c.severity = r.s;
    run.cases.push_back(c);
    EXPECT_EQ(exit_code(run, r.fail_on), r.code) << r.why;
  }
}

TEST(Needs, Conditions) {
  NeedsContext ctx;
  ctx.account = true;
  ctx.tls = net::TlsMode::implicit;
  EXPECT_FALSE(unmet_need({{false, "account"}, {false, "tls"}, {false, "implicit"}}, ctx));
  EXPECT_TRUE(unmet_need({{false, "starttls"}}, ctx));
  EXPECT_TRUE(unmet_need({{false, "account2"}}, ctx));
  EXPECT_TRUE(unmet_need({{true, "account"}}, ctx));
  EXPECT_TRUE(unmet_need({{false, "mech:PLAIN"}}, ctx)) << "no capabilities: nothing advertised";
  EXPECT_FALSE(unmet_need({{true, "mech:PLAIN"}}, ctx));
  EXPECT_TRUE(unmet_need({{false, "optional"}}, ctx));
  auto why = unmet_need({{false, "bogus"}}, ctx);
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("unknown"), std::string::npos);
}

}  // namespace
}  // namespace sah::scenario
