#include "harness/scenario/fuzz/executor.h"

#include <utility>

#include "harness/codec/base64_malform.h"
#include "harness/codec/secret_mask.h"
#include "harness/net/transcript.h"
#include "harness/sasl/registry.h"
#include "harness/scenario/auth_exchange.h"
#include "harness/scenario/connection.h"
#include "harness/scenario/liveness.h"

namespace sah::scenario::fuzz {
namespace {

bool is_reply(const Observation& o, int code) { return o.kind == Observation::Kind::reply && o.reply.code == code; }

// The server went away or stopped answering: whether it still greets must be checked (G4). A
// malformed reply is judged as such; the connection is merely no longer readable.
bool went_away(const Observation& o) {
  return o.kind == Observation::Kind::closed || o.kind == Observation::Kind::timeout ||
         o.kind == Observation::Kind::error;
}

bool stops_session(const Observation& o) {
  return o.kind == Observation::Kind::closed || o.kind == Observation::Kind::timeout ||
         o.kind == Observation::Kind::error || o.kind == Observation::Kind::malformed;
}

class Runner {
 public:
  Runner(const ExecutorOptions& o, Random& random)
      : options_(o), random_(random), transcript_(masker_), conn_(transcript_) {
    const Credentials& c = o.interpreter.credentials;
    for (const std::string* s : {&c.password, &c.password2, &c.token})
      if (s->size() >= 3) masker_.add(*s);
    vars_ = builtin_variables(o.interpreter, Case{});
  }

  Execution run(const Plan& plan, net::Connector& connector) {
    const auto timeout = options_.interpreter.timeout;
    if (!conn_.open(connector, timeout, out_.connect_error)) return std::move(out_);
    out_.connected = true;
    out_.greeting = conn_.read_reply(timeout);
    bool goodbye = false;  // 221 or 421: the server announced its close
    bool abnormal = went_away(out_.greeting);
    if (!stops_session(out_.greeting)) {
      for (const PlanStep& s : plan.steps) {
        StepRecord r;
        r.after_challenge = last_was_challenge_;
        if (!run_step(s, r)) break;
        // Replies already here beyond those the step waited for (a 421 after a third failed
        // AUTH, a double reply): they belong to this step, not to the next one.
        while (!r.replies.empty() && r.replies.back().kind == Observation::Kind::reply && conn_.has_unread())
          r.replies.push_back(conn_.read_reply(timeout));
        for (const auto& o : r.replies) goodbye = goodbye || is_reply(o, 221) || is_reply(o, 421);
        const bool stop = !r.replies.empty() && stops_session(r.replies.back());
        if (!r.replies.empty()) last_was_challenge_ = is_reply(r.replies.back(), 334);
        out_.steps.push_back(std::move(r));
        if (stop) {
          const Observation& end = out_.steps.back().replies.back();
          abnormal = went_away(end) && !(goodbye && end.kind == Observation::Kind::closed);
          break;
        }
      }
    }
    conn_.close();
    if (abnormal || options_.always_check_liveness) {
      out_.liveness_checked = true;
      const Liveness l = check_liveness(connector, timeout);
      out_.alive = l.alive;
      out_.liveness_detail = l.detail;
    }
    return std::move(out_);
  }

 private:
  // False: the harness could not run the step (out_.harness_error says why).
  bool run_step(const PlanStep& s, StepRecord& r) {
    const auto timeout = options_.interpreter.timeout;
    switch (s.kind) {
      case PlanStep::Kind::send: {
        auto text = options_.interpreter.expand(Template{s.text, {}}, vars_);
        if (!text.ok()) return harness_error(text.error());
        const std::size_t lines = line_count(s.text);
        r.owed_reply = ends_line(s.text);
        if (auto failed = conn_.send(text.value(), timeout)) {
          r.replies.push_back(std::move(*failed));
          return true;
        }
        if (r.owed_reply) {
          r.replies.push_back(conn_.read_reply(timeout));
          // Pipelined lines: a reply each (RFC 2920 §3.1); those already here, or within the wait.
          while (r.replies.size() < lines && r.replies.back().kind == Observation::Kind::reply) {
            if (!conn_.has_unread() && options_.pipelined_wait.count() == 0) break;
            Observation more = conn_.read_reply(conn_.has_unread() ? timeout : options_.pipelined_wait);
            if (more.kind == Observation::Kind::timeout) break;
            r.replies.push_back(std::move(more));
          }
        }
        if (!r.owed_reply && conn_.has_unread()) r.replies.push_back(conn_.read_reply(timeout));
        return true;
      }
      case PlanStep::Kind::starttls: {
        r.owed_reply = true;
        if (auto failed = conn_.send("STARTTLS\r\n", timeout)) {
          r.replies.push_back(std::move(*failed));
          return true;
        }
        r.replies.push_back(conn_.read_reply(timeout));
        if (is_reply(r.replies.back(), 220)) {
          const net::Event e = conn_.start_tls(timeout);
          if (!e.is_ok()) r.replies.push_back(Observation::network_error("TLS handshake: " + e.what));
        }
        return true;
      }
      case PlanStep::Kind::auth: return run_auth(s, r);
    }
    return true;
  }

  bool run_auth(const PlanStep& s, StepRecord& r) {
    const AuthOptions& a = s.auth;
    AuthPlan plan;
    plan.mechanism = a.mechanism;
    plan.info = sasl::find_mechanism(plan.mechanism);
    if (plan.info == nullptr) return harness_error("the harness has no SASL mechanism " + plan.mechanism);
    auto value = [&](const std::optional<Template>& t, const std::string& fallback) -> Result<std::string, std::string> {
      if (!t) return fallback;
      auto v = options_.interpreter.expand(*t, vars_);
      if (!v.ok()) return unexpected(v.error());
      return std::move(v.value());
    };
    const Credentials& cred = options_.interpreter.credentials;
    auto user = value(a.user, cred.user);
    auto password = value(a.password, cred.password);
    auto authzid = value(a.authzid, "");
    auto token = value(a.token, cred.token);
    for (auto* v : {&user, &password, &authzid, &token})
      if (!v->ok()) return harness_error(v->error());
    sasl::ClientOptions& c = plan.client;
    c.authcid = user.value();
    c.password = password.value();
    c.authzid = authzid.value();
    c.token = token.value();
    c.host = options_.interpreter.host;
    c.random = &random_;
    if (conn_.is_tls()) {
      c.channel_binding = conn_.channel_binding("tls-exporter");
      if (c.channel_binding.type.empty()) c.channel_binding = conn_.channel_binding("tls-server-end-point");
    }
    if (!a.corruption.empty()) {
      if (sasl::find_corruption(*plan.info, a.corruption) == nullptr)
        return harness_error(std::string(plan.info->name) + " has no corruption " + a.corruption);
      c.corruption = a.corruption;
    }
    plan.initial_response = a.initial_response;
    plan.malform_step = a.malform_step;
    if (a.malform_step) {
      plan.malformer = codec::find_base64_malformer(a.malformer);
      if (plan.malformer == nullptr) return harness_error("unknown Base64 malformer " + a.malformer);
    }
    plan.cancel_step = a.cancel_step;
    plan.raw_step = a.raw_step;
    if (a.raw_step && a.raw_text) {
      auto raw = options_.interpreter.expand(*a.raw_text, vars_);
      if (!raw.ok()) return harness_error(raw.error());
      plan.raw_text = std::move(raw.value());
    }
    plan.timeout = options_.interpreter.timeout;
    plan.max_round_trips = options_.interpreter.max_auth_round_trips;
    r.owed_reply = true;
    AuthOutcome out = run_auth_exchange(conn_, transcript_, plan);
    if (!out.harness_error.empty()) return harness_error(out.harness_error);
    r.replies.push_back(std::move(out.final));
    return true;
  }

  bool harness_error(std::string why) {
    out_.harness_error = std::move(why);
    return false;
  }

  const ExecutorOptions& options_;
  Random& random_;
  codec::SecretMasker masker_;
  net::Transcript transcript_;
  Connection conn_;
  Variables vars_;
  Execution out_;
  bool last_was_challenge_ = false;
};

}  // namespace

Execution execute(const Plan& plan, net::Connector& connector, const ExecutorOptions& options, Random& random) {
  Runner runner(options, random);
  return runner.run(plan, connector);
}

}  // namespace sah::scenario::fuzz
