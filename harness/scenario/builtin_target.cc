#include "harness/scenario/builtin_target.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>

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

std::vector<std::string> off_by_default_needs(const Case& c) {
  std::vector<std::string> wanted;
  for (std::string_view m : server::kOffByDefaultMechanisms) {
    const std::string need = "mech:" + std::string(m);
    if (std::any_of(c.needs.begin(), c.needs.end(), [&](const Need& n) { return !n.negated && n.what == need; }))
      wanted.emplace_back(m);
  }
  return wanted;
}

std::function<CaseSetup(const Case&)> builtin_case_setups(server::Config config, ConfigConnectors make) {
  struct Shared {
    server::Config config;
    ConfigConnectors make;
    std::mutex mutex;
    std::map<std::string, CaseSetup> made;  // by set-up name
  };
  auto shared = std::make_shared<Shared>();
  shared->config = std::move(config);
  shared->make = std::move(make);
  return [shared](const Case& c) -> CaseSetup {
    const std::vector<std::string> extra = off_by_default_needs(c);
    if (extra.empty()) return {};
    std::string name;
    for (const std::string& m : extra) name += "+" + m;
    std::lock_guard<std::mutex> lock(shared->mutex);
    auto found = shared->made.find(name);
    if (found != shared->made.end()) return found->second;
    server::Config config = shared->config;
    for (const std::string& m : extra)
      if (std::find(config.extra_mechanisms.begin(), config.extra_mechanisms.end(), m) == config.extra_mechanisms.end())
        config.extra_mechanisms.push_back(m);
    CaseSetup setup;
    setup.name = name;
    auto factory = shared->make(std::move(config), name);
    if (factory.ok()) {
      setup.connector_factory = std::move(factory.value());
    } else {
      setup.error = factory.error();
    }
    return shared->made.emplace(name, std::move(setup)).first->second;
  };
}

}  // namespace sah::scenario
