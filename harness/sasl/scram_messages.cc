// RFC 5802 §7 grammar, one attribute at a time. Attribute order is fixed by the grammar; unknown
// optional attributes ("extensions") are only allowed where the grammar puts them.
#include "harness/sasl/scram_messages.h"

#include <vector>

#include "harness/codec/base64.h"
#include "harness/sasl/saslname.h"

namespace sah::sasl::scram {
namespace {

struct Attr {
  char name;
  std::string_view value;
  std::size_t offset;  // of the attribute name
};

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// printable = %x21-2B / %x2D-7E (printable ASCII except ",")
bool printable(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x21 || u > 0x7E || c == ',') return false;
  }
  return true;
}

// value = 1*value-char: any octet but NUL and "," (UTF-8 well-formedness of values is left to
// the consumers that care, the user name).
bool value_ok(std::string_view v) {
  if (v.empty()) return false;
  for (char c : v) {
    if (c == '\0' || c == ',') return false;
  }
  return true;
}

// Splits `m` (from `base`) at ',' into attr-val pairs; every element must be ALPHA "=" value.
Result<std::vector<Attr>, ParseError> split(std::string_view m, std::size_t base) {
  std::vector<Attr> out;
  std::size_t i = 0;
  while (true) {
    const std::size_t comma = m.find(',', i);
    const std::string_view item = m.substr(i, comma == std::string_view::npos ? std::string_view::npos : comma - i);
    if (item.size() < 2 || !is_alpha(item[0]) || item[1] != '=') {
      return unexpected(ParseError{base + i, "expected an attribute `x=value`"});
    }
    const std::string_view value = item.substr(2);
    if (!value_ok(value)) return unexpected(ParseError{base + i + 2, "empty or invalid attribute value"});
    out.push_back({item[0], value, base + i});
    if (comma == std::string_view::npos) break;
    i = comma + 1;
  }
  return out;
}

bool cb_name_ok(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!(is_alpha(c) || (c >= '0' && c <= '9') || c == '.' || c == '-')) return false;
  }
  return true;
}

Result<Bytes, ParseError> b64(std::string_view v, std::size_t offset, std::string_view what) {
  auto d = codec::base64_decode(v);
  if (!d) return unexpected(ParseError{offset + d.error().offset, what});
  return std::move(d).value();
}

Result<Gs2Header, ParseError> parse_gs2(std::string_view m, std::size_t& consumed) {
  Gs2Header h;
  const std::size_t c1 = m.find(',');
  if (c1 == std::string_view::npos) return unexpected(ParseError{0, "gs2 header has no ','"});
  const std::string_view flag = m.substr(0, c1);
  if (flag == "n" || flag == "y") {
    h.flag = flag[0];
  } else if (flag.size() > 2 && flag.substr(0, 2) == "p=") {
    h.flag = 'p';
    h.cb_name = std::string(flag.substr(2));
    if (!cb_name_ok(h.cb_name)) return unexpected(ParseError{2, "bad channel binding name"});
  } else {
    return unexpected(ParseError{0, "gs2 channel binding flag is not n, y or p=name"});
  }
  const std::size_t c2 = m.find(',', c1 + 1);
  if (c2 == std::string_view::npos) return unexpected(ParseError{c1 + 1, "gs2 header has no second ','"});
  const std::string_view az = m.substr(c1 + 1, c2 - c1 - 1);
  if (!az.empty()) {
    if (az.size() < 3 || az.substr(0, 2) != "a=") {
      return unexpected(ParseError{c1 + 1, "gs2 authzid is not `a=saslname`"});
    }
    auto name = saslname::unescape(az.substr(2));
    if (!name) return unexpected(ParseError{c1 + 3 + name.error(), "bad '=' escape in authzid"});
    h.authzid = std::move(name).value();
  }
  consumed = c2 + 1;
  h.raw = std::string(m.substr(0, consumed));
  return h;
}

}  // namespace

Result<ClientFirst, ParseError> parse_client_first(BytesView m) {
  if (m.size() > kMaxMessage) return unexpected(ParseError{kMaxMessage, "client-first-message too long"});
  if (m.find('\0') != BytesView::npos) return unexpected(ParseError{m.find('\0'), "NUL in client-first-message"});
  ClientFirst out;
  std::size_t consumed = 0;
  auto gs2 = parse_gs2(m, consumed);
  if (!gs2) return unexpected(gs2.error());
  out.gs2 = std::move(gs2).value();
  out.bare = std::string(m.substr(consumed));
  auto attrs = split(out.bare, consumed);
  if (!attrs) return unexpected(attrs.error());
  std::size_t k = 0;
  const auto& a = *attrs;
  if (k < a.size() && a[k].name == 'm') {
    out.mandatory_extension = true;
    ++k;
  }
  if (k >= a.size() || a[k].name != 'n') return unexpected(ParseError{consumed, "expected n=username"});
  auto user = saslname::unescape(a[k].value);
  if (!user) return unexpected(ParseError{a[k].offset + 2 + user.error(), "bad '=' escape in username"});
  out.username = std::move(user).value();
  ++k;
  if (k >= a.size() || a[k].name != 'r') {
    return unexpected(ParseError{k < a.size() ? a[k].offset : m.size(), "expected r=nonce after the username"});
  }
  if (a[k].value.size() > kMaxNonce) return unexpected(ParseError{a[k].offset, "nonce too long"});
  if (!printable(a[k].value)) return unexpected(ParseError{a[k].offset + 2, "nonce is not printable ASCII"});
  out.nonce = std::string(a[k].value);
  // Any further attributes are extensions, ignored (SCR-11).
  return out;
}

Result<ServerFirst, ParseError> parse_server_first(BytesView m) {
  if (m.size() > kMaxMessage) return unexpected(ParseError{kMaxMessage, "server-first-message too long"});
  auto attrs = split(m, 0);
  if (!attrs) return unexpected(attrs.error());
  const auto& a = *attrs;
  ServerFirst out;
  std::size_t k = 0;
  if (k < a.size() && a[k].name == 'm') {
    out.mandatory_extension = true;
    ++k;
  }
  if (k >= a.size() || a[k].name != 'r') return unexpected(ParseError{0, "expected r=nonce first"});
  if (a[k].value.size() > 2 * kMaxNonce) return unexpected(ParseError{a[k].offset, "nonce too long"});
  if (!printable(a[k].value)) return unexpected(ParseError{a[k].offset + 2, "nonce is not printable ASCII"});
  out.nonce = std::string(a[k].value);
  ++k;
  if (k >= a.size() || a[k].name != 's') return unexpected(ParseError{m.size(), "expected s=salt after the nonce"});
  if (a[k].value.size() > codec::base64_encoded_size(kMaxSalt)) return unexpected(ParseError{a[k].offset, "salt too long"});
  auto salt = b64(a[k].value, a[k].offset + 2, "salt is not Base64");
  if (!salt) return unexpected(salt.error());
  out.salt = std::move(salt).value();
  if (out.salt.empty()) return unexpected(ParseError{a[k].offset + 2, "empty salt"});
  ++k;
  if (k >= a.size() || a[k].name != 'i') return unexpected(ParseError{m.size(), "expected i=count after the salt"});
  // posit-number = %x31-39 *DIGIT, bounded before it is computed (at most 8 digits fit the limit).
  const std::string_view iv = a[k].value;
  if (iv[0] < '1' || iv[0] > '9') return unexpected(ParseError{a[k].offset + 2, "iteration count is not a positive number"});
  if (iv.size() > 8) return unexpected(ParseError{a[k].offset + 2, "iteration count above the client's limit"});
  unsigned long count = 0;
  for (char c : iv) {
    if (c < '0' || c > '9') return unexpected(ParseError{a[k].offset + 2, "iteration count is not a positive number"});
    count = count * 10 + static_cast<unsigned long>(c - '0');
  }
  if (count > kMaxIterations) return unexpected(ParseError{a[k].offset + 2, "iteration count above the client's limit"});
  out.iterations = count;
  return out;
}

Result<ClientFinal, ParseError> parse_client_final(BytesView m) {
  if (m.size() > kMaxMessage) return unexpected(ParseError{kMaxMessage, "client-final-message too long"});
  auto attrs = split(m, 0);
  if (!attrs) return unexpected(attrs.error());
  const auto& a = *attrs;
  ClientFinal out;
  if (a.empty() || a[0].name != 'c') return unexpected(ParseError{0, "expected c=channel-binding first"});
  auto cb = b64(a[0].value, 2, "channel binding is not Base64");
  if (!cb) return unexpected(cb.error());
  out.channel_binding = std::move(cb).value();
  if (a.size() < 2 || a[1].name != 'r') return unexpected(ParseError{a.size() < 2 ? m.size() : a[1].offset, "expected r=nonce second"});
  if (a[1].value.size() > 2 * kMaxNonce) return unexpected(ParseError{a[1].offset, "nonce too long"});
  out.nonce = std::string(a[1].value);
  // proof is the last attribute; extensions may sit between nonce and proof.
  const Attr& last = a.back();
  if (a.size() < 3 || last.name != 'p') return unexpected(ParseError{m.size(), "expected p=proof last"});
  for (std::size_t k = 2; k + 1 < a.size(); ++k) {
    if (a[k].name == 'p') return unexpected(ParseError{a[k].offset, "p=proof must be the last attribute"});
  }
  auto proof = b64(last.value, last.offset + 2, "proof is not Base64");
  if (!proof) return unexpected(proof.error());
  out.proof = std::move(proof).value();
  out.without_proof = std::string(m.substr(0, last.offset - 1));
  return out;
}

Result<ServerFinal, ParseError> parse_server_final(BytesView m) {
  if (m.size() > kMaxMessage) return unexpected(ParseError{kMaxMessage, "server-final-message too long"});
  auto attrs = split(m, 0);
  if (!attrs) return unexpected(attrs.error());
  const Attr& first = attrs->front();
  ServerFinal out;
  if (first.name == 'e') {
    out.error = std::string(first.value);
    return out;
  }
  if (first.name != 'v') return unexpected(ParseError{0, "expected v=verifier or e=error"});
  auto v = b64(first.value, 2, "verifier is not Base64");
  if (!v) return unexpected(v.error());
  out.verifier = std::move(v).value();
  return out;
}

Keys derive_keys(crypto::Digest d, BytesView password, BytesView salt, unsigned iterations) {
  Keys k;
  k.salted_password = crypto::pbkdf2(d, password, salt, iterations, crypto::digest_size(d));
  k.client_key = crypto::hmac(d, k.salted_password, "Client Key");
  k.stored_key = crypto::hash(d, k.client_key);
  k.server_key = crypto::hmac(d, k.salted_password, "Server Key");
  return k;
}

Bytes client_proof(crypto::Digest d, const Keys& k, BytesView auth_message) {
  return crypto::xor_bytes(k.client_key, crypto::hmac(d, k.stored_key, auth_message));
}

Bytes server_signature(crypto::Digest d, const Keys& k, BytesView auth_message) {
  return crypto::hmac(d, k.server_key, auth_message);
}

}  // namespace sah::sasl::scram
