#include "harness/scenario/fuzz/fuzz_loop.h"

#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

namespace sah::scenario::fuzz {
namespace {

// Separate streams for the plan and for the client's nonces, both from the session's seed.
std::uint64_t plan_seed(std::uint64_t seed, std::uint64_t i) { return (seed + i) * 2; }
std::uint64_t client_seed(std::uint64_t seed, std::uint64_t i) { return (seed + i) * 2 + 1; }

Execution execute_on_fresh(const LoopOptions& o, const Plan& plan, std::uint64_t client) {
  auto connector = o.connector_factory();
  SeededRandom random(client);
  return execute(plan, *connector, o.executor, random);
}

}  // namespace

SessionOutcome run_session(const LoopOptions& o, std::uint64_t index) {
  SessionOutcome out;
  SeededRandom plan_random(plan_seed(o.seed, index));
  out.plan = generate(plan_random, o.generator);
  out.execution = execute_on_fresh(o, out.plan, client_seed(o.seed, index));
  out.finding = judge_session(out.plan, out.execution);
  return out;
}

LoopStats run_fuzz(const LoopOptions& o) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  std::atomic<std::uint64_t> next{0};
  std::atomic<bool> done{false};
  std::mutex mu;  // guards stats, per-kind counts, seen, and the callbacks
  LoopStats stats;
  std::map<FindingKind, std::size_t> kept;
  std::set<std::string> seen;

  auto worker = [&] {
    while (!done.load()) {
      if (o.stop != nullptr && o.stop->load()) break;
      if (o.max_time.count() > 0 && Clock::now() - start >= o.max_time) break;
      const std::uint64_t i = next.fetch_add(1);
      if (o.max_sessions != 0 && i >= o.max_sessions) break;
      SessionOutcome s = run_session(o, i);
      std::unique_lock lock(mu);
      ++stats.sessions;
      if (!s.execution.connected) ++stats.unreachable;
      if (!s.execution.harness_error.empty()) ++stats.harness_errors;
      if (!s.finding) continue;
      ++stats.findings;
      if (o.after_finding) o.after_finding(*s.finding);
      if (kept[s.finding->kind] >= o.max_per_kind) continue;
      lock.unlock();

      // Minimise outside the lock (other sessions go on), then check it is new.
      const std::uint64_t client = client_seed(o.seed, i);
      Reproduce reproduce = [&](const Plan& candidate) -> std::optional<Finding> {
        Execution e = execute_on_fresh(o, candidate, client);
        auto f = judge_session(candidate, e);
        if (f && o.after_finding && (f->kind == FindingKind::crash || f->kind == FindingKind::hang)) {
          std::lock_guard g(mu);
          o.after_finding(*f);
        }
        return f;
      };
      Minimized m = minimize(s.plan, *s.finding, reproduce, o.minimize_tries);
      const Execution final_run = execute_on_fresh(o, m.plan, client);
      if (auto f = judge_session(m.plan, final_run); f && same_finding(*f, m.finding)) m.finding = *f;
      if (o.after_finding && (m.finding.kind == FindingKind::crash || m.finding.kind == FindingKind::hang)) {
        std::lock_guard g(mu);
        o.after_finding(m.finding);
      }
      FoundReport report;
      report.finding = m.finding;
      report.plan = m.plan;
      report.session = i;
      report.file_name = finding_file_name(m.finding, m.plan);
      FindingContext ctx = o.context;
      ctx.seed = o.seed;
      ctx.session = i;
      auto text = render_finding(m.plan, m.finding, final_run, ctx);
      if (text.ok()) report.scenario = std::move(text.value());
      else report.render_error = text.error();

      lock.lock();
      if (kept[m.finding.kind] >= o.max_per_kind || !seen.insert(report.file_name).second) continue;
      ++kept[m.finding.kind];
      ++stats.reported;
      if (o.on_finding) o.on_finding(report);
    }
  };

  const unsigned jobs = o.jobs == 0 ? 1 : o.jobs;
  if (jobs == 1) {
    worker();
  } else {
    std::vector<std::thread> threads;
    for (unsigned j = 0; j < jobs; ++j) threads.emplace_back(worker);
    for (auto& t : threads) t.join();
  }
  done.store(true);
  stats.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return stats;
}

}  // namespace sah::scenario::fuzz
