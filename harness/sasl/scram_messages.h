// SCRAM messages (RFC 5802 §7 grammar) and key derivation (§3), shared by the client and server
// sides in scram.cc and exposed for tests and the scenario malformers. Parsers check every size
// before use, never throw, and say where the input broke.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "harness/base/bytes.h"
#include "harness/base/result.h"
#include "harness/sasl/crypto.h"
#include "harness/sasl/saslname.h"

namespace sah::sasl::scram {

// Bounds (ours, not the RFC's): each message, each nonce, the salt.
inline constexpr std::size_t kMaxMessage = 8192;
inline constexpr std::size_t kMaxNonce = 1024;
inline constexpr std::size_t kMaxSalt = 1024;  // decoded octets
// The client refuses larger iteration counts to bound its work (each is one HMAC per output
// block); RFC 5802 sets no upper limit. RFC 7677 §4 / RFC 5802 §5.1: servers SHOULD use >= 4096.
inline constexpr unsigned long kMaxIterations = 10'000'000;

struct ParseError {
  std::size_t offset;  // in the message
  std::string_view what;
};

// saslname (RFC 5802 §5.1, §7): "," is sent as "=2C" and "=" as "=3D"; the inverse fails on
// any other "=" sequence (offset of the "="). The code is harness/sasl/saslname.h, shared with
// OAUTHBEARER; these names stay for the SCRAM callers and tests.
inline std::string escape_name(std::string_view name) { return saslname::escape(name); }
inline Result<std::string, std::size_t> unescape_name(std::string_view s) { return saslname::unescape(s); }

// gs2-header = gs2-cbind-flag "," [ authzid ] ","  (RFC 5802 §7, RFC 5801 §4)
struct Gs2Header {
  char flag = 'n';      // 'n', 'y' or 'p'
  std::string cb_name;  // with 'p'
  std::string authzid;  // unescaped; empty when absent
  std::string raw;      // the header as received, trailing ',' included (input of c=)
};

struct ClientFirst {
  Gs2Header gs2;
  bool mandatory_extension = false;  // "m=" present: the receiver must fail (§5.1)
  std::string username;              // unescaped, not prepared
  std::string nonce;
  std::string bare;  // client-first-message-bare, as received (AuthMessage input)
};
Result<ClientFirst, ParseError> parse_client_first(BytesView m);

struct ServerFirst {
  bool mandatory_extension = false;
  std::string nonce;
  Bytes salt;
  unsigned long iterations = 0;
};
Result<ServerFirst, ParseError> parse_server_first(BytesView m);

struct ClientFinal {
  Bytes channel_binding;  // c=, decoded
  std::string nonce;
  Bytes proof;              // p=, decoded
  std::string without_proof;  // client-final-message-without-proof (AuthMessage input)
};
Result<ClientFinal, ParseError> parse_client_final(BytesView m);

struct ServerFinal {
  std::optional<std::string> error;  // e=<value>
  Bytes verifier;                    // v=, decoded (when no error)
};
Result<ServerFinal, ParseError> parse_server_final(BytesView m);

// RFC 5802 §3.
struct Keys {
  Bytes salted_password;
  Bytes client_key;
  Bytes stored_key;
  Bytes server_key;
};
Keys derive_keys(crypto::Digest d, BytesView password, BytesView salt, unsigned iterations);
Bytes client_proof(crypto::Digest d, const Keys& k, BytesView auth_message);
Bytes server_signature(crypto::Digest d, const Keys& k, BytesView auth_message);

}  // namespace sah::sasl::scram
