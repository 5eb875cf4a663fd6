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

// A TLS protocol version, for pinning one handshake (TLS-14: RFC 8314 §4.1, RFC 8996).
enum class TlsVersion { tls1_0, tls1_1, tls1_2, tls1_3 };

constexpr std::string_view to_string(TlsVersion v) {
  switch (v) {
    case TlsVersion::tls1_0: return "TLSv1.0";
    case TlsVersion::tls1_1: return "TLSv1.1";
    case TlsVersion::tls1_2: return "TLSv1.2";
    case TlsVersion::tls1_3: return "TLSv1.3";
  }
  return "TLSv1.3";
}

// "TLSv1.0" … "TLSv1.3", OpenSSL's spelling (SSL_get_version(), `openssl s_client`), except that
// TLS 1.0 keeps its minor number here (OpenSSL prints "TLSv1"), so that every name has one shape.
constexpr std::optional<TlsVersion> parse_tls_version(std::string_view s) {
  if (s == "TLSv1.0") return TlsVersion::tls1_0;
  if (s == "TLSv1.1") return TlsVersion::tls1_1;
  if (s == "TLSv1.2") return TlsVersion::tls1_2;
  if (s == "TLSv1.3") return TlsVersion::tls1_3;
  return std::nullopt;
}

// The versions a client handshake offers. Unset ends take the defaults: at least TLS 1.2 (RFC
// 8996 deprecates 1.0 and 1.1), at most TLS 1.3; but a `max` below 1.2 alone lowers the floor to
// 1.0, so that `max=TLSv1.1` offers exactly the deprecated versions.
struct TlsVersionRange {
  std::optional<TlsVersion> min, max;

  constexpr bool pinned() const { return min.has_value() || max.has_value(); }
  constexpr TlsVersion lowest() const {
    if (min) return *min;
    if (max && *max < TlsVersion::tls1_2) return TlsVersion::tls1_0;
    return TlsVersion::tls1_2;
  }
  constexpr TlsVersion highest() const { return max ? *max : TlsVersion::tls1_3; }
  // Whether the range offers a version below TLS 1.2 (which needs OpenSSL's security level 0).
  constexpr bool offers_deprecated() const { return lowest() < TlsVersion::tls1_2; }
};

// A transport whose next TLS handshake can offer other versions than the default (TcpTransport,
// MemoryTransport): what a TLS-14 probe uses to try TLS 1.0 or 1.1 on one connection only.
class TlsVersionPinning {
 public:
  // Applies to the following start_tls() calls of this connection.
  virtual void pin_tls_versions(const TlsVersionRange& versions) = 0;

 protected:
  ~TlsVersionPinning() = default;
};

// Every Event::error of a failed client TLS handshake starts with this (TcpTransport,
// TcpConnector, MemoryTransport), so that the caller of Connector::connect can tell a server
// that accepted the connection but failed the implicit TLS handshake (RFC 8314 §3.3, a TLS-10
// finding) from a connection that could not be made at all (refused, unreachable). A handshake
// the server ended (a close, a fatal alert) is an Event::closed instead.
inline constexpr std::string_view kTlsHandshakePrefix = "TLS handshake ";

constexpr bool is_tls_handshake_failure(std::string_view what) {
  return what.substr(0, kTlsHandshakePrefix.size()) == kTlsHandshakePrefix;
}

}  // namespace sah::net
