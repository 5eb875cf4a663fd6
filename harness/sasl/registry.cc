// The one table of mechanisms (curl's mechtable, gsasl's mechinfo): every name the harness
// speaks, in the order of the requirement catalogue's sections, so listings and reports are
// stable from run to run.
#include "harness/sasl/registry.h"

#include <vector>

#include "harness/sasl/mechanisms.h"

namespace sah::sasl {
namespace {

using InfoFn = const MechanismInfo& (*)();

constexpr InfoFn kTable[] = {
    &plain_mechanism,
    &login_mechanism,
    &cram_md5_mechanism,
    &digest_md5_mechanism,
    &scram_sha1_mechanism,
    &scram_sha1_plus_mechanism,
    &scram_sha256_mechanism,
    &scram_sha256_plus_mechanism,
    &ntlm_mechanism,
    &xoauth2_mechanism,
    &oauthbearer_mechanism,
    &anonymous_mechanism,
    &external_mechanism,
};

// RFC 4954 §8 / RFC 4422 §3.1: mechanism names are matched without regard to case (ASCII only;
// the name grammar is upper-case letters, digits, '-' and '_').
bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto up = [](char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; };
    if (up(a[i]) != up(b[i])) return false;
  }
  return true;
}

}  // namespace

std::span<const MechanismInfo> mechanisms() {
  // Built once (thread-safe function-local static) from the accessors above.
  static const std::vector<MechanismInfo> table = [] {
    std::vector<MechanismInfo> t;
    t.reserve(std::size(kTable));
    for (InfoFn fn : kTable) t.push_back(fn());
    return t;
  }();
  return table;
}

const MechanismInfo* find_mechanism(std::string_view name) {
  for (const MechanismInfo& m : mechanisms()) {
    if (iequals(m.name, name)) return &m;
  }
  return nullptr;
}

const CorruptionInfo* find_corruption(const MechanismInfo& mech, std::string_view name) {
  for (const CorruptionInfo& c : mech.corruptions) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

std::string_view to_string(Why why) {
  switch (why) {
    case Why::none: return "none";
    case Why::malformed: return "malformed";
    case Why::bad_credentials: return "bad-credentials";
    case Why::bad_server: return "bad-server";
    case Why::unsupported: return "unsupported";
    case Why::not_authorized: return "not-authorized";
  }
  return "unknown";
}

}  // namespace sah::sasl
