#include "harness/scenario/runner.h"

#include <chrono>
#include <ctime>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "harness/scenario/judge.h"
#include "harness/scenario/liveness.h"
#include "harness/scenario/probe.h"

namespace sah::scenario {

namespace {

using Clock = std::chrono::steady_clock;

CaseResult skipped(const Case& c, std::string reason) {
  CaseResult r;
  r.id = c.id;
  r.title = c.title;
  r.rfc = c.rfc;
  r.requirements = c.requirements;
  r.tags = c.tags;
  r.mechanism = c.mechanism;
  r.verdict = Verdict::skip;
  r.reason = std::move(reason);
  return r;
}

// The probes of the per-case set-ups (RunnerOptions::setup_for_case), one per set-up name,
// made when a case first needs it; workers share them.
class SetupProbes {
 public:
  struct Probed {
    std::optional<smtp::Capabilities> capabilities;  // the set-up's EHLO reply (after TLS)
    std::string error;                               // could not be probed: why
  };

  explicit SetupProbes(const RunnerOptions& o) : o_(o) {}

  // Stable: std::map nodes do not move when others are added.
  const Probed& get(const CaseSetup& setup) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto [it, added] = probed_.try_emplace(setup.name);
    if (!added) return it->second;
    Probed& p = it->second;
    std::unique_ptr<net::Connector> connector = setup.connector_factory();
    ProbeResult probe =
        probe_target(*connector, o_.interpreter.tls, o_.interpreter.domain, o_.interpreter.timeout);
    if (!probe.reached) p.error = "cannot reach the set-up " + setup.name + ": " + probe.error;
    p.capabilities = std::move(probe.capabilities);
    return p;
  }

 private:
  const RunnerOptions& o_;
  std::mutex mutex_;
  std::map<std::string, Probed> probed_;
};

CaseResult errored(const Case& c, std::string reason) {
  CaseResult r = skipped(c, std::move(reason));
  r.verdict = Verdict::error;
  return r;
}

CaseResult run_one(const Case& c, std::size_t index, const RunnerOptions& o, const NeedsContext& run_needs,
                   SetupProbes& probes) {
  std::function<std::unique_ptr<net::Connector>()> factory = o.connector_factory;
  NeedsContext needs = run_needs;
  if (o.setup_for_case) {
    CaseSetup setup = o.setup_for_case(c);
    if (!setup.error.empty()) return errored(c, "the case's server set-up: " + setup.error);
    if (!setup.name.empty() && setup.connector_factory) {
      const SetupProbes::Probed& probed = probes.get(setup);
      if (!probed.error.empty()) return errored(c, probed.error);
      needs.capabilities = probed.capabilities ? &*probed.capabilities : nullptr;
      factory = std::move(setup.connector_factory);
    }
  }
  if (auto unmet = unmet_need(c.needs, needs)) return skipped(c, *unmet);
  std::unique_ptr<net::Connector> connector = factory();
  SeededRandom random(o.seed + index);
  CaseResult r = run_case(c, *connector, o.interpreter, random);
  // G4: the server must still greet a new connection.
  const auto timeout = c.timeout_ms ? std::chrono::milliseconds(*c.timeout_ms) : o.interpreter.timeout;
  const Liveness live = check_liveness(*connector, timeout);
  if (!live.alive) {
    r.verdict = Verdict::crash;
    r.severity = Severity::critical;
    r.reason = "the server died (G4): " + live.detail + "; before that: " + r.reason;
  }
  if (o.after_case) o.after_case(r);
  return r;
}

}  // namespace

Result<RunResult, std::string> run_cases(const std::vector<Case>& cases, const RunnerOptions& o) {
  const Clock::time_point start = Clock::now();
  RunResult run;
  run.harness_version = o.harness_version;
  run.started_at = utc_now_iso8601();
  run.tls = std::string(net::to_string(o.interpreter.tls));
  if (!o.connector_factory) return unexpected(std::string("no connector"));

  std::unique_ptr<net::Connector> probe_connector = o.connector_factory();
  run.target = probe_connector->describe();
  ProbeResult probe = probe_target(*probe_connector, o.interpreter.tls, o.interpreter.domain, o.interpreter.timeout);
  if (!probe.reached) return unexpected("cannot reach " + run.target + ": " + probe.error);
  run.greeting = probe.greeting;
  NeedsContext needs = o.needs;
  needs.tls = o.interpreter.tls;
  if (probe.capabilities) {
    needs.capabilities = &*probe.capabilities;
    for (const Bytes& m : probe.capabilities->auth_mechanisms()) run.mechanisms.push_back(m);
  }

  SetupProbes probes(o);
  std::vector<std::optional<CaseResult>> results(cases.size());
  std::atomic<std::size_t> next{0};
  std::size_t done = 0;
  std::mutex mutex;
  auto worker = [&] {
    for (;;) {
      if (o.stop != nullptr && o.stop->load()) return;
      const std::size_t i = next.fetch_add(1);
      if (i >= cases.size()) return;
      CaseResult r = run_one(cases[i], i, o, needs, probes);
      std::lock_guard<std::mutex> lock(mutex);
      ++done;
      if (o.on_case) o.on_case(r, done, cases.size());
      results[i] = std::move(r);
    }
  };
  const unsigned jobs = std::max(1u, std::min<unsigned>(o.jobs, static_cast<unsigned>(std::max<std::size_t>(1, cases.size()))));
  if (jobs == 1) {
    worker();
  } else {
    std::vector<std::thread> threads;
    for (unsigned t = 0; t < jobs; ++t) threads.emplace_back(worker);
    for (auto& t : threads) t.join();
  }

  for (auto& r : results)
    if (r) run.cases.push_back(std::move(*r));
  run.interrupted = run.cases.size() < cases.size();
  run.duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
  return run;
}

int exit_code(const RunResult& run, Severity fail_on) {
  for (const CaseResult& c : run.cases) {
    if (c.verdict == Verdict::crash || c.verdict == Verdict::timeout) return 1;
    if (c.verdict == Verdict::fail && rank(c.severity == Severity::none ? Severity::must : c.severity) >= rank(fail_on))
      return 1;
  }
  return 0;
}

std::string utc_now_iso8601() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace sah::scenario
