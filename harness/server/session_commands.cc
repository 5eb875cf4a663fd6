// The commands without much state of their own: NOOP, RSET, QUIT, VRFY and STARTTLS.
#include <algorithm>

#include "harness/server/session_impl.h"

namespace sah::server {

void Session::Impl::cmd_noop() {
  // RFC 5321 §4.1.1.9: NOOP [SP String]; the argument is ignored, the reply is always 250.
  if (swallow_next_noop) {
    swallow_next_noop = false;  // fault no-reply-to-noop-after-auth
    return;
  }
  reply(250, "2.0.0", "OK");
}

void Session::Impl::cmd_rset(bool has_args) {
  if (has_args) return bad_command(501, "5.5.4", "RSET takes no parameters");
  // RFC 5321 §4.1.1.5: the transaction is cleared, the authentication is not (ST-05).
  State next = state;
  next.in_transaction = false;
  next.recipients = 0;
  if (fault("rset-resets-auth")) {
    next.authenticated = false;
    next.identity.clear();
  }
  transition(next, "RSET");
  reply(250, "2.0.0", "OK");
}

void Session::Impl::cmd_quit(bool has_args) {
  if (has_args) return bad_command(501, "5.5.4", "QUIT takes no parameters");
  close_with(221, "2.0.0", config.hostname + " closing connection");
}

void Session::Impl::cmd_vrfy(std::string_view args) {
  if (args.empty()) return bad_command(501, "5.5.4", "Syntax: VRFY address");
  if (fault("vrfy-enumeration")) {
    const bool known_user = std::any_of(config.accounts.begin(), config.accounts.end(),
                                        [&](const sasl::Account& a) { return a.user == args; });
    if (known_user) {
      reply(250, "2.1.5", "User exists");
    } else {
      reply(550, "5.1.1", "No such user");
    }
    return;
  }
  // RFC 5321 §3.5.3, §7.3: 252 for every name, so VRFY reveals nothing (SEC-09).
  reply(252, "2.5.0", "Cannot VRFY user, but will accept message and attempt delivery");
}

void Session::Impl::cmd_starttls(bool has_args) {
  // RFC 3207 §4: no parameters (TLS-02).
  if (has_args && !fault("starttls-parameter-accepted")) {
    return bad_command(501, "5.5.4", "Syntax error (no parameters allowed)");
  }
  if (!config.tls_available && !state.tls) {
    reply(502, "5.5.1", "STARTTLS not available");
    return;
  }
  if (!state.tls && fault("starttls-unavailable-451")) {
    // RFC 3207 §4: TLS temporarily unavailable is 454 4.7.0 (TLS-09); the fault says 451.
    reply(451, "4.3.0", "TLS temporarily unavailable");
    return;
  }
  if (state.tls && !fault("starttls-twice-accepted")) {
    // RFC 3207 §4.2: TLS is already active (TLS-03).
    reply(503, "5.5.1", "TLS already active");
    return;
  }
  reply(220, "2.0.0", "Ready to start TLS");
  if (fault("starttls-extra-line")) reply(250, "2.0.0", "OK");
  State next = state;
  next.phase = Phase::tls_pending;
  transition(next, "STARTTLS");
  action = Action::start_tls;
  // RFC 3207 §4.2 / CVE-2011-0411: whatever the client pipelined behind STARTTLS arrived in
  // cleartext and must not be executed inside TLS (TLS-05).
  if (!fault("starttls-injection")) reset_reader();
}

}  // namespace sah::server
