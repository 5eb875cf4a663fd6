// `needs` preconditions (scenarios/README.md): a case whose needs are not met is `skip`, with
// the unmet need as its reason. Evaluated against the run's probe session and options.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "harness/net/tls_mode.h"
#include "harness/scenario/ast.h"
#include "harness/smtp/ehlo.h"

namespace sah::scenario {

struct NeedsContext {
  const smtp::Capabilities* capabilities = nullptr;  // the probe's current EHLO reply (after TLS)
  bool account = false;     // user and password configured
  bool account2 = false;    // a second pair
  bool token = false;       // an OAuth bearer token
  net::TlsMode tls = net::TlsMode::none;
  bool submission = false;  // authentication required before MAIL
  // The target's policy requires TLS before cleartext-password mechanisms (RFC 4954 §4,
  // RFC 8314; catalogue 5.14: TLS-07 applies to such submission set-ups, not to every server).
  bool tls_required = false;
  bool txn = false;         // MAIL accepted without authentication
  bool optional = false;    // run --optional
};

// Whether one condition (without its `!`) holds; nullopt for an unknown condition.
std::optional<bool> need_holds(const std::string& what, const NeedsContext& ctx);

// The first unmet need as a reason ("needs mech:CRAM-MD5 (not advertised)"), or nullopt when
// all are met. An unknown condition counts as unmet and says so.
std::optional<std::string> unmet_need(const std::vector<Need>& needs, const NeedsContext& ctx);

}  // namespace sah::scenario
