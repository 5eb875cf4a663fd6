// The client side of TLS: a context built from the user's options, and what the transports
// report about an established session (description, channel bindings).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/ssl/context.hpp>

#include "harness/base/result.h"
#include "harness/sasl/mechanism.h"

typedef struct ssl_st SSL;

namespace sah::net {

struct TlsOptions {
  // No certificate verification: the default, since test targets use self-signed certificates.
  bool insecure = true;
  // PEM file of trusted certificates when verifying; empty: the system's default paths.
  std::string ca_file;
};

// A client context with TLS 1.2 as the lowest version (RFC 8996 deprecates 1.0 and 1.1).
// The error names the CA file and OpenSSL's reason.
Result<std::shared_ptr<boost::asio::ssl::context>, std::string> make_client_context(const TlsOptions& options);

// "TLSv1.3 TLS_AES_256_GCM_SHA384"; empty when `ssl` is null.
std::string describe_tls(const SSL* ssl);

// The channel binding of an established client session: "tls-server-end-point" (RFC 5929
// §4.1, from the peer's certificate) or "tls-exporter" (RFC 9266). Unknown types and a null
// `ssl` give an empty ChannelBinding.
sasl::ChannelBinding client_channel_binding(SSL* ssl, std::string_view type);

}  // namespace sah::net
