// DIGEST-MD5 (RFC 2831) pieces exposed for tests and the scenario malformers: the directive
// list parser (§7.1 #rule with §7.2 quoting) and the response-value computation (§2.1.2.1).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/base/bytes.h"
#include "harness/base/result.h"

namespace sah::sasl::digest_md5 {

struct Directive {
  std::string name;   // lower-cased (directive names are case-insensitive)
  std::string value;  // quotes removed, quoted-pairs resolved
  bool quoted = false;
};

struct DirectiveError {
  std::size_t offset;    // where in the input the problem is
  std::string_view what;
};

// Bounds checked before use: at most `max_directives` elements; the caller bounds the input size.
// Tolerant of LWS around ',' and '=' and of empty list elements (RFC 2831 §7.1, DIG-10).
Result<std::vector<Directive>, DirectiveError> parse_directives(BytesView in,
                                                                std::size_t max_directives = 64);

// The value of `name`; an error when it appears more than once (DIG-06). nullopt when absent.
struct Duplicate {};
Result<std::optional<std::string>, Duplicate> single(const std::vector<Directive>& d,
                                                     std::string_view name);

struct DigestInputs {
  std::string username;
  std::string realm;
  std::string password;
  std::string nonce;
  std::string cnonce;
  std::string nc = "00000001";
  std::string qop = "auth";
  std::string digest_uri;
  std::string authzid;  // empty: none
};

// HEX(KD(HEX(H(A1)), nonce:nc:cnonce:qop:HEX(H(A2)))), with A2 = "AUTHENTICATE:" digest-uri for
// the client's `response` and ":" digest-uri for the server's `rspauth` (RFC 2831 §2.1.2.1, §2.1.3).
std::string response_value(const DigestInputs& in, bool for_rspauth);

// RFC 2831 §2.1.2.1: with charset=utf-8, a string whose characters all fit ISO 8859-1 is hashed
// in ISO 8859-1. Other strings (and invalid UTF-8) are hashed as they are.
std::string to_latin1_if_possible(std::string_view utf8);

}  // namespace sah::sasl::digest_md5
