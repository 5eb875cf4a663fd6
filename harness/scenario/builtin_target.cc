#include "harness/scenario/builtin_target.h"

#include <atomic>

#include "harness/net/memory_transport.h"

namespace sah::scenario {

server::Config builtin_config(const Credentials& c, net::TlsMode tls, const std::set<std::string>& faults,
                              bool require_auth_for_mail) {
  server::Config config;
  if (!c.user.empty()) {
    sasl::Account a{c.user, c.password, {}};
    if (!c.token.empty()) a.tokens.push_back(c.token);
    config.accounts.push_back(std::move(a));
  }
  if (!c.user2.empty()) config.accounts.push_back({c.user2, c.password2, {}});
  config.tls_available = tls == net::TlsMode::starttls;
  config.implicit_tls = tls == net::TlsMode::implicit;
  config.require_auth_for_mail = require_auth_for_mail;
  // A submission server that offers STARTTLS keeps cleartext passwords off the wire: PLAIN,
  // LOGIN and XOAUTH2 only after TLS (RFC 4954 §4, RFC 8314; catalogue CAP-07, TLS-07).
  if (config.tls_available) {
    config.offer_plaintext_in_clear = false;
    config.require_tls_for_plaintext = true;
  }
  config.faults = faults;
  return config;
}

std::function<std::unique_ptr<net::Connector>()> builtin_connector_factory(server::Config config, std::uint64_t seed) {
  auto counter = std::make_shared<std::atomic<std::uint64_t>>(0);
  return [config = std::move(config), seed, counter]() -> std::unique_ptr<net::Connector> {
    return std::make_unique<net::MemoryConnector>(config, seed + counter->fetch_add(1));
  };
}

}  // namespace sah::scenario
