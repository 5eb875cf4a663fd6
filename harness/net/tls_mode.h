// How a connection gets TLS: not at all, by the STARTTLS command (RFC 3207), or from the first
// byte (implicit TLS, RFC 8314 §3, port 465).
#pragma once

#include <optional>
#include <string_view>

namespace sah::net {

enum class TlsMode { none, starttls, implicit };

constexpr std::string_view to_string(TlsMode m) {
  switch (m) {
    case TlsMode::none: return "none";
    case TlsMode::starttls: return "starttls";
    case TlsMode::implicit: return "implicit";
  }
  return "none";
}

constexpr std::optional<TlsMode> parse_tls_mode(std::string_view s) {
  if (s == "none") return TlsMode::none;
  if (s == "starttls") return TlsMode::starttls;
  if (s == "implicit") return TlsMode::implicit;
  return std::nullopt;
}

}  // namespace sah::net
