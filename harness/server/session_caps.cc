// EHLO / HELO and the mechanism list: what the session offers depends on the configuration and
// on the security state, and what it offers is exactly what it accepts (CAP-05, TLS-07).
#include <algorithm>
#include <iterator>
#include <string_view>

#include "harness/sasl/registry.h"
#include "harness/server/session_impl.h"

namespace sah::server {

// Mechanisms that hand over a reusable secret (a password or a bearer token) need TLS by policy.
// OAUTHBEARER needs it always (RFC 7628 §3: MUST be protected by TLS); PLAIN, LOGIN and XOAUTH2
// follow the configuration (RFC 4954 §4 final note, CAP-07).
bool Session::Impl::needs_tls_for_credentials(const sasl::MechanismInfo& m) const {
  if (iequals(m.name, "OAUTHBEARER")) return true;
  if (m.plaintext_password || iequals(m.name, "XOAUTH2")) {
    return config.require_tls_for_plaintext || !config.offer_plaintext_in_clear;
  }
  return false;
}

namespace {

bool named_in(const std::vector<std::string>& names, std::string_view mechanism) {
  return std::any_of(names.begin(), names.end(), [&](const std::string& n) { return iequals(n, mechanism); });
}

bool off_by_default(std::string_view mechanism) {
  return std::any_of(std::begin(kOffByDefaultMechanisms), std::end(kOffByDefaultMechanisms),
                     [&](std::string_view n) { return iequals(n, mechanism); });
}

// The fault that offers an off-by-default mechanism the operator did not configure.
std::string_view unconfigured_offer_fault(std::string_view mechanism) {
  return iequals(mechanism, "ANONYMOUS") ? "anonymous-offered" : "offers-digest-md5";
}

}  // namespace

bool Session::Impl::usable_now(const sasl::MechanismInfo& m) const {
  // RFC 4505 §5 (CAP-11: ANONYMOUS), RFC 6331 §1, §3 (CAP-10: DIGEST-MD5 is obsolete): off
  // unless deliberately configured.
  if (off_by_default(m.name) && !named_in(config.mechanisms, m.name) && !named_in(config.extra_mechanisms, m.name) &&
      !fault(unconfigured_offer_fault(m.name))) {
    return false;
  }
  if (iequals(m.name, "EXTERNAL") && external_identity().empty() && !fault("external-without-cert")) {
    return false;  // RFC 4422 App. A (CAP-12): only with external credentials
  }
  if (m.needs_channel_binding) {
    // RFC 5802 §6 (CAP-09 d): -PLUS needs a TLS channel to bind to.
    // The fault plus-offered-in-cleartext advertises them without TLS (CAP-09 d).
    if (!state.tls && fault("plus-offered-in-cleartext")) return true;
    if (!state.tls || (binding_exporter.type.empty() && binding_end_point.type.empty())) return false;
  }
  if (!state.tls && needs_tls_for_credentials(m) && !fault("cleartext-mechs-offered")) return false;
  return true;
}

std::vector<const sasl::MechanismInfo*> Session::Impl::offered_mechanisms() const {
  std::vector<const sasl::MechanismInfo*> list;
  list.reserve(sasl::mechanisms().size() + config.extra_mechanisms.size() + 3);  // one allocation per call
  auto add = [&](const sasl::MechanismInfo* m) {
    if (m == nullptr || !usable_now(*m)) return;
    if (std::find(list.begin(), list.end(), m) == list.end()) list.push_back(m);
  };
  if (config.mechanisms.empty()) {
    for (const sasl::MechanismInfo& m : sasl::mechanisms()) add(&m);
  } else {
    for (const std::string& name : config.mechanisms) add(sasl::find_mechanism(name));
  }
  for (const std::string& name : config.extra_mechanisms) add(sasl::find_mechanism(name));
  if (!config.mechanisms.empty()) {
    if (fault("anonymous-offered")) add(sasl::find_mechanism("ANONYMOUS"));
    if (fault("offers-digest-md5")) add(sasl::find_mechanism("DIGEST-MD5"));
    if (fault("external-without-cert")) add(sasl::find_mechanism("EXTERNAL"));
  }
  return list;
}

std::vector<std::string> Session::Impl::extension_lines() const {
  const Impl& s = *this;
  std::vector<std::string> lines;
  lines.reserve(8);  // the usual lines, one allocation
  lines.push_back(s.config.hostname);
  // RFC 6409 §7: a submission server should offer PIPELINING and ENHANCEDSTATUSCODES (TLS-12).
  const bool submission_extensions = !s.fault("submission-extensions-missing");
  if (submission_extensions) lines.emplace_back("PIPELINING");  // RFC 2920
  lines.emplace_back("8BITMIME");                   // RFC 6152
  lines.push_back("SIZE " + std::to_string(s.config.limits.max_message));  // RFC 1870
  lines.emplace_back("CHUNKING");                   // RFC 3030
  if (submission_extensions) lines.emplace_back("ENHANCEDSTATUSCODES");  // RFC 2034
  // RFC 3207 §4.2: not offered once TLS is active (TLS-01, TLS-11).
  if ((s.config.tls_available && !s.state.tls) || (s.state.tls && s.fault("starttls-advertised-in-tls"))) {
    lines.emplace_back("STARTTLS");
  }
  std::vector<const sasl::MechanismInfo*> advertised = s.offered_mechanisms();
  if (s.fault("mechanism-list-varies") && advertised.size() > 1) {
    // RFC 4954 §4, RFC 4422 §6.1.2: a client compares lists to detect down-negotiation, so the
    // list must be stable (CAP-14); the fault leaves out one mechanism drawn at random (it is
    // still accepted).
    std::string draw;
    s.random.fill(draw, 1);
    const auto skip = static_cast<std::size_t>(static_cast<unsigned char>(draw[0])) % advertised.size();
    advertised.erase(advertised.begin() + static_cast<std::ptrdiff_t>(skip));
  }
  std::string mechs;
  for (const sasl::MechanismInfo* m : advertised) {
    mechs += ' ';
    // RFC 4422 §3.1: names are upper case; RFC 4954 §8 lets a client match them in any case, so
    // lower case is tolerated (CAP-02 LENIENT) and only a fault writes them so.
    mechs += s.fault("mech-names-lower-case") ? lower(m->name) : std::string(m->name);
  }
  // RFC 4422 §3.1: '.' is not a mechanism-name character (CAP-02).
  if (s.fault("mech-name-invalid")) mechs += " X.OLD-AUTH";
  if (s.fault("advertise-unusable-mech")) mechs += " GSSAPI";
  if (s.fault("auth-keyword-empty")) {
    lines.emplace_back("AUTH");
  } else if (!mechs.empty()) {
    // RFC 4954 §3: "AUTH" SP mechanism list. The legacy "AUTH=" form (CAP-04) only as a fault.
    if (s.fault("auth-legacy-only")) {
      lines.push_back("AUTH=" + mechs.substr(1));
    } else {
      lines.push_back("AUTH" + mechs);
    }
  }
  return lines;
}

void Session::Impl::cmd_ehlo(std::string_view arg) {
  if (arg.empty()) return bad_command(501, "5.5.4", "Syntax: EHLO hostname");
  if (state.authenticated && fault("ehlo-refused-after-auth")) {
    return bad_command(503, "5.5.1", "Already authenticated");
  }
  // RFC 5321 §4.1.4: EHLO resets the transaction as RSET does, but not the authentication
  // (RFC 4954 §4, ST-04).
  State next = state;
  next.greeting = Greeting::ehlo;
  next.in_transaction = false;
  next.recipients = 0;
  if (fault("ehlo-resets-auth")) {
    next.authenticated = false;
    next.identity.clear();
  }
  transition(next, "EHLO");
  reply_lines(250, extension_lines());
}

void Session::Impl::cmd_helo(std::string_view arg) {
  if (arg.empty()) return bad_command(501, "5.5.4", "Syntax: HELO hostname");
  State next = state;
  next.greeting = Greeting::helo;
  next.in_transaction = false;
  next.recipients = 0;
  transition(next, "HELO");
  // RFC 5321 §4.1.1.1: HELO gets a plain 250, no extension keywords (CAP-06).
  if (fault("helo-lists-extensions")) {
    reply_lines(250, extension_lines());
    return;
  }
  raw("250 " + config.hostname);
}

}  // namespace sah::server
