// The outcome of each SASL step (RFC 4954 §4, §6): a 334 challenge, success (with its
// additional data in a 334 first, CONT-08), or a failure mapped to its reply code, plus the
// failure limit (RFC 4954 §9). A mechanism's `malformed` becomes 501, its `bad_credentials` 535
// (gsasl's parse error vs authentication error). The mechanism-level fault switches act here.
#include <algorithm>

#include "harness/codec/base64.h"
#include "harness/server/session_impl.h"

namespace sah::server {
namespace {

// Flips one bit of the signature in a SCRAM server-final "v=<base64>" (fault only).
Bytes corrupt_server_signature(BytesView final_message) {
  if (final_message.substr(0, 2) != "v=") return Bytes(final_message);
  auto sig = codec::base64_decode(final_message.substr(2));
  if (!sig || sig->empty()) return Bytes(final_message);
  Bytes flipped = std::move(sig).value();
  flipped[0] = static_cast<char>(flipped[0] ^ 0x01);
  return "v=" + codec::base64_encode(flipped);
}

}  // namespace

bool is_scram(std::string_view name) { return name.substr(0, 6) == "SCRAM-"; }

void Session::Impl::send_challenge(BytesView mechanism_challenge) {
  const Bytes raw_challenge = fault_damages_challenge(Bytes(mechanism_challenge));
  exchange->last_challenge = raw_challenge;
  // RFC 4954 §4, §8: "334" SP [base64]; an empty challenge is "334 " with the space (SYN-10).
  Bytes text;
  if (fault("challenge-not-base64")) {
    text = Bytes(raw_challenge);
    std::replace_if(text.begin(), text.end(), [](char c) { return c == '\r' || c == '\n'; }, ' ');
  } else {
    text = codec::base64_encode(raw_challenge);
    if (fault("challenge-unpadded")) std::erase(text, '=');
  }
  raw("334 " + text);
}

void Session::Impl::end_exchange(State next, std::string_view why) {
  next.phase = Phase::command;
  transition(next, why);
  exchange.reset();
  if (fault("no-reply-to-noop-after-auth")) swallow_next_noop = true;
}

void Session::Impl::auth_succeeded(std::string identity) {
  State next = state;
  next.authenticated = true;
  next.identity = std::move(identity);
  next.anonymous = exchange && exchange->info != nullptr && exchange->info->name == "ANONYMOUS";
  end_exchange(next, "AUTH succeeded");
  // RFC 4954 §6: 235 2.7.0 (RPL-10).
  reply(fault("auth-success-250") ? 250 : 235, "2.7.0", "Authentication successful");
  if (fault("double-reply")) reply(250, "2.0.0", "OK");
  // RFC 2920 §3.1, RFC 4954 §4: commands pipelined behind a one-round-trip AUTH are read and
  // answered in order (ST-16); the fault flushes them as if they had come too early.
  if (fault("pipelined-after-auth-discarded")) reset_reader();
}

void Session::Impl::auth_failed(int code, std::string_view enhanced, std::string_view text, bool counts) {
  State next = state;
  if (counts) next.failed_auth_seen = true;
  end_exchange(next, "AUTH failed");
  reply(code, enhanced, text);
  if (fault("double-reply")) reply(250, "2.0.0", "OK");
  if (!counts) return;
  ++auth_failures;
  if (fault("early-disconnect")) {
    close_with(421, "4.7.0", config.hostname + " Too many authentication failures");
    return;
  }
  // RFC 4954 §9 (SEC-04): not before 3 failures; the limit is configurable.
  if (auth_failures >= config.limits.max_auth_failures && !fault("no-failure-limit")) {
    close_with(421, "4.7.0", config.hostname + " Too many authentication failures");
  }
}

void Session::Impl::auth_failed_why(sasl::Why why) {
  if (why == sasl::Why::malformed) {
    auth_failed(501, "5.5.2", "Malformed authentication data", false);
    return;
  }
  // RFC 4954 §6: 535 5.7.8, the same text for an unknown user and a wrong password (SEC-01).
  int code = 535;
  std::string enhanced = "5.7.8";
  std::string text = "Authentication credentials invalid";
  if (fault("user-enumeration") && why == sasl::Why::bad_credentials && exchange && !exchange->last_user.empty() &&
      !exchange->last_user_found) {
    enhanced = "5.7.1";
    text = "No such user";
  }
  if (fault("wrong-enhanced-code")) enhanced = "5.1.1";
  if (fault("undefined-auth-code")) code = 537;
  if (fault("password-echo") && exchange) {
    const BytesView resp = exchange->last_response;
    const std::size_t nul = resp.rfind('\0');
    text += " for password ";
    text += resp.substr(nul == BytesView::npos ? 0 : nul + 1);
  }
  auth_failed(code, enhanced, text, true);
}

void Session::Impl::auth_step_result(sasl::Step step) {
  const std::string_view name = exchange->info->name;
  // A SCRAM server-error ("e=…") after the client-final is the mechanism's rejection.
  const bool scram_error = is_scram(name) && step.kind == sasl::Step::Kind::respond && exchange->responses >= 2 &&
                           step.out.substr(0, 2) == "e=";
  if (step.kind == sasl::Step::Kind::fail || scram_error) {
    const sasl::Why why = scram_error ? sasl::Why::bad_credentials : step.why;
    const std::string forced = exchange->last_user;
    if (why == sasl::Why::bad_credentials) {
      if (fault("accept-any-password") || (fault("accept-wrong-cram-digest") && name == "CRAM-MD5") ||
          (fault("digest-accept-bad-response") && name == "DIGEST-MD5") ||
          (fault("scram-accept-bad-proof") && is_scram(name)) || (fault("ntlm-accept-bad-proof") && name == "NTLM")) {
        auth_succeeded(forced);
        return;
      }
      if (fault("close-without-reply")) {
        State next = state;
        next.phase = Phase::closed;
        transition(next, "fault close-without-reply");
        exchange.reset();
        action = Action::close;
        return;
      }
    }
    if (why == sasl::Why::not_authorized && fault("authzid-impersonation")) {
      std::string id = exchange->mech->authorized_identity();
      auth_succeeded(id.empty() ? forced : id);
      return;
    }
    if (why == sasl::Why::malformed && fault("hang-on-malformed")) {
      State next = state;
      next.phase = Phase::hung;
      transition(next, "fault hang-on-malformed");
      action = Action::hang;
      return;
    }
    if (scram_error) {
      send_challenge(step.out);  // RFC 5802 §7: the e= message travels in a 334
      return;
    }
    auth_failed_why(step.why);
    return;
  }
  if (step.kind == sasl::Step::Kind::respond) {
    if (fault("oauth-error-not-json") && (name == "XOAUTH2" || name == "OAUTHBEARER") && exchange->responses >= 1) {
      send_challenge("invalid token, try again");
      return;
    }
    if (fault("login-unknown-user-early-reject") && name == "LOGIN" && exchange->responses == 1) {
      const Bytes& user = exchange->last_response;
      const bool known = std::any_of(config.accounts.begin(), config.accounts.end(),
                                     [&](const sasl::Account& a) { return a.user == user; });
      if (!known) {
        auth_failed(535, "5.7.8", "No such user", true);
        return;
      }
    }
    send_challenge(step.out);
    return;
  }
  // done
  std::string identity = exchange->mech->authorized_identity();
  if (!step.out.empty()) {
    // RFC 4954 §4: SMTP has no "additional data with success"; it goes in a 334 and the client
    // answers with an empty line before 235 (CONT-08).
    if (fault("success-data-skipped")) {
      auth_succeeded(identity);
      return;
    }
    if (fault("success-data-in-235")) {
      State next = state;
      next.authenticated = true;
      next.identity = identity;
      end_exchange(next, "AUTH succeeded");
      reply(235, "2.7.0", codec::base64_encode(step.out));
      return;
    }
    Bytes final_message = step.out;
    if (fault("scram-bad-server-signature") && is_scram(name)) final_message = corrupt_server_signature(final_message);
    exchange->pending_identity = identity;
    State next = state;
    next.phase = Phase::auth_success_ack;
    transition(next, "success data sent");
    send_challenge(final_message);
    return;
  }
  if (fault("extra-challenge-after-final")) {
    exchange->pending_identity = identity;
    State next = state;
    next.phase = Phase::auth_extra_ack;
    transition(next, "needless challenge");
    send_challenge("");
    return;
  }
  auth_succeeded(identity);
}

}  // namespace sah::server
