// NTLM message parsing and building; see ntlm_messages.h for the layouts.
#include "harness/sasl/ntlm_messages.h"

#include <algorithm>

#include "harness/base/utf8.h"
#include "harness/sasl/crypto.h"

namespace sah::sasl::ntlm {
namespace {

constexpr std::string_view kSignature{"NTLMSSP\0", 8};

struct Span {
  std::uint32_t offset = 0;
  std::uint16_t len = 0;
};

// Reads the (Len, MaxLen, BufferOffset) triple at `at` and checks it BEFORE use (habit 1):
// an empty field is not read at all; a non-empty one must lie wholly after the fixed part
// (`payload_start`) and inside the message, computed in 64 bits so offset + len cannot wrap.
// MaxLen is ignored (MS-NLMP §2.2.1.3, NTLM-07).
Result<Span, ParseError> field(BytesView m, std::size_t at, std::size_t payload_start, bool unicode,
                               std::string_view name_for_errors) {
  (void)name_for_errors;
  Span s;
  s.len = read16(m, at);
  s.offset = read32(m, at + 4);
  if (s.len == 0) return s;
  if (s.offset < payload_start) return unexpected(ParseError{at + 4, "field offset points into the fixed header"});
  if (static_cast<std::uint64_t>(s.offset) + s.len > m.size()) {
    return unexpected(ParseError{at, "field extends beyond the message"});
  }
  if (unicode && s.len % 2 != 0) return unexpected(ParseError{at, "odd length for a UTF-16 field"});
  return s;
}

Bytes take(BytesView m, Span s) { return s.len == 0 ? Bytes() : Bytes(m.substr(s.offset, s.len)); }

bool overlap(Span a, Span b) {
  if (a.len == 0 || b.len == 0) return false;
  return a.offset < b.offset + b.len && b.offset < a.offset + a.len;
}

Result<std::uint32_t, ParseError> header(BytesView m, std::size_t fixed, std::uint32_t want) {
  if (m.size() > kMaxMessage) return unexpected(ParseError{kMaxMessage, "message longer than the limit"});
  if (m.size() < 12) return unexpected(ParseError{m.size(), "message shorter than signature and type"});
  if (m.substr(0, 8) != kSignature) return unexpected(ParseError{0, "signature is not NTLMSSP\\0"});
  const std::uint32_t type = read32(m, 8);
  if (type != want) return unexpected(ParseError{8, "unexpected MessageType"});
  if (m.size() < fixed) return unexpected(ParseError{m.size(), "message shorter than its fixed part"});
  return type;
}

void put_field(Bytes& m, std::size_t at, std::size_t len, std::size_t offset) {
  put16(m, at, static_cast<std::uint16_t>(len));
  put16(m, at + 2, static_cast<std::uint16_t>(len));
  put32(m, at + 4, static_cast<std::uint32_t>(offset));
}

// Appends `data` to the payload and points the field at `at` to it.
void append(Bytes& m, std::size_t at, BytesView data) {
  put_field(m, at, data.size(), m.size());
  m += data;
}

}  // namespace

std::uint16_t read16(BytesView b, std::size_t at) {
  return static_cast<std::uint16_t>(static_cast<unsigned char>(b[at]) | (static_cast<unsigned char>(b[at + 1]) << 8));
}
std::uint32_t read32(BytesView b, std::size_t at) {
  return static_cast<std::uint32_t>(read16(b, at)) | (static_cast<std::uint32_t>(read16(b, at + 2)) << 16);
}
void put16(Bytes& b, std::size_t at, std::uint16_t v) {
  b[at] = static_cast<char>(v & 0xFF);
  b[at + 1] = static_cast<char>(v >> 8);
}
void put32(Bytes& b, std::size_t at, std::uint32_t v) {
  put16(b, at, static_cast<std::uint16_t>(v & 0xFFFF));
  put16(b, at + 2, static_cast<std::uint16_t>(v >> 16));
}

Result<std::uint32_t, ParseError> message_type(BytesView m) {
  if (m.size() < 12) return unexpected(ParseError{m.size(), "message shorter than signature and type"});
  if (m.substr(0, 8) != kSignature) return unexpected(ParseError{0, "signature is not NTLMSSP\\0"});
  return read32(m, 8);
}

Result<Negotiate, ParseError> parse_negotiate(BytesView m) {
  // Some clients send the 16-octet form without domain/workstation fields (MS-NLMP §2.2.1.1
  // makes them present; curl's NEGOTIATE is 32 octets): 16 is the floor, the fields are read
  // only when present.
  if (m.size() > kMaxMessage) return unexpected(ParseError{kMaxMessage, "message longer than the limit"});
  auto h = header(m, 16, 1);
  if (!h) return unexpected(h.error());
  Negotiate n;
  n.flags = read32(m, 12);
  if (m.size() < kNegotiateFixed) return n;
  std::size_t payload = kNegotiateFixed;
  if ((n.flags & kVersion) != 0 && m.size() >= kNegotiateFixed + kVersionSize) {
    n.version = Bytes(m.substr(kNegotiateFixed, kVersionSize));
    payload += kVersionSize;
  }
  // MS-NLMP §2.2.1.1: the fields are only meaningful with the *_SUPPLIED flags; without them
  // they are ignored (and not read).
  if ((n.flags & kOemDomainSupplied) != 0) {
    auto d = field(m, 16, payload, false, "DomainName");
    if (!d) return unexpected(d.error());
    n.domain = take(m, *d);
  }
  if ((n.flags & kOemWorkstationSupplied) != 0) {
    auto w = field(m, 24, payload, false, "Workstation");
    if (!w) return unexpected(w.error());
    n.workstation = take(m, *w);
  }
  return n;
}

Result<std::vector<AvPair>, ParseError> parse_av_pairs(BytesView b, std::size_t max_pairs) {
  std::vector<AvPair> out;
  std::size_t i = 0;
  while (true) {
    if (b.size() - i < 4) return unexpected(ParseError{i, "AV_PAIR list ends without MsvAvEOL"});
    const std::uint16_t id = read16(b, i);
    const std::uint16_t len = read16(b, i + 2);
    if (id == kAvEol) {
      if (len != 0) return unexpected(ParseError{i + 2, "MsvAvEOL with non-zero AvLen"});
      return out;
    }
    if (len > b.size() - i - 4) return unexpected(ParseError{i + 2, "AvLen beyond the end of the list"});
    if (out.size() == max_pairs) return unexpected(ParseError{i, "too many AV_PAIRs"});
    out.push_back({id, Bytes(b.substr(i + 4, len))});
    i += 4 + static_cast<std::size_t>(len);
  }
}

Result<Challenge, ParseError> parse_challenge(BytesView m) {
  auto h = header(m, kChallengeFixed, 2);
  if (!h) return unexpected(h.error());
  Challenge c;
  c.flags = read32(m, 20);
  c.server_challenge = Bytes(m.substr(24, 8));
  std::size_t payload = kChallengeFixed;
  if ((c.flags & kVersion) != 0) {
    if (m.size() < kChallengeFixed + kVersionSize) return unexpected(ParseError{m.size(), "Version field missing"});
    c.version = Bytes(m.substr(kChallengeFixed, kVersionSize));
    payload += kVersionSize;
  }
  const bool unicode = (c.flags & kUnicode) != 0;
  auto tn = field(m, 12, payload, unicode, "TargetName");
  if (!tn) return unexpected(tn.error());
  auto ti = field(m, 40, payload, false, "TargetInfo");
  if (!ti) return unexpected(ti.error());
  c.target_name = take(m, *tn);
  c.target_info = take(m, *ti);
  if (!c.target_info.empty()) {
    auto pairs = parse_av_pairs(c.target_info);
    if (!pairs) return unexpected(ParseError{ti->offset + pairs.error().offset, pairs.error().what});
  }
  return c;
}

Result<Authenticate, ParseError> parse_authenticate(BytesView m, bool with_mic) {
  auto h = header(m, kAuthenticateFixed, 3);
  if (!h) return unexpected(h.error());
  Authenticate a;
  a.flags = read32(m, 60);
  std::size_t payload = kAuthenticateFixed;
  // The Version field is present when negotiated; the MIC after it when MsvAvFlags says so.
  if ((a.flags & kVersion) != 0 || with_mic) {
    if (m.size() < payload + kVersionSize) return unexpected(ParseError{m.size(), "Version field missing"});
    a.version = Bytes(m.substr(payload, kVersionSize));
    payload += kVersionSize;
  }
  if (with_mic) {
    if (m.size() < kMicOffset + kMicSize) return unexpected(ParseError{m.size(), "MIC field missing"});
    a.mic = Bytes(m.substr(kMicOffset, kMicSize));
    payload = kMicOffset + kMicSize;
  }
  const bool unicode = (a.flags & kUnicode) != 0;
  auto lm = field(m, 12, payload, false, "LmChallengeResponse");
  if (!lm) return unexpected(lm.error());
  auto nt = field(m, 20, payload, false, "NtChallengeResponse");
  if (!nt) return unexpected(nt.error());
  auto dom = field(m, 28, payload, unicode, "DomainName");
  if (!dom) return unexpected(dom.error());
  auto user = field(m, 36, payload, unicode, "UserName");
  if (!user) return unexpected(user.error());
  auto ws = field(m, 44, payload, unicode, "Workstation");
  if (!ws) return unexpected(ws.error());
  auto key = field(m, 52, payload, false, "EncryptedRandomSessionKey");
  if (!key) return unexpected(key.error());
  // Fields that share octets are a forged message (NTLM-08): refused.
  const Span spans[] = {*lm, *nt, *dom, *user, *ws, *key};
  constexpr std::size_t kAt[] = {12, 20, 28, 36, 44, 52};
  for (std::size_t i = 0; i < std::size(spans); ++i) {
    for (std::size_t j = i + 1; j < std::size(spans); ++j) {
      if (overlap(spans[i], spans[j])) return unexpected(ParseError{kAt[j], "fields overlap"});
    }
  }
  a.lm_response = take(m, *lm);
  a.nt_response = take(m, *nt);
  a.domain = take(m, *dom);
  a.user = take(m, *user);
  a.workstation = take(m, *ws);
  a.encrypted_session_key = take(m, *key);
  return a;
}

Bytes build_negotiate(const Negotiate& n) {
  Bytes m(kNegotiateFixed, '\0');
  m.replace(0, 8, kSignature);
  put32(m, 8, 1);
  put32(m, 12, n.flags);
  if (!n.version.empty()) m += n.version;
  put_field(m, 16, 0, m.size());
  put_field(m, 24, 0, m.size());
  if (!n.domain.empty()) append(m, 16, n.domain);
  if (!n.workstation.empty()) append(m, 24, n.workstation);
  return m;
}

Bytes build_challenge(const Challenge& c) {
  Bytes m(kChallengeFixed, '\0');
  m.replace(0, 8, kSignature);
  put32(m, 8, 2);
  put32(m, 20, c.flags);
  m.replace(24, 8, c.server_challenge.substr(0, 8));
  if (!c.version.empty()) m += c.version;
  append(m, 12, c.target_name);
  append(m, 40, c.target_info);
  return m;
}

Bytes build_authenticate(const Authenticate& a) {
  Bytes m(kAuthenticateFixed, '\0');
  m.replace(0, 8, kSignature);
  put32(m, 8, 3);
  put32(m, 60, a.flags);
  if (!a.version.empty() || !a.mic.empty()) m += a.version.empty() ? Bytes(kVersionSize, '\0') : a.version;
  if (!a.mic.empty()) m += a.mic;
  append(m, 28, a.domain);
  append(m, 36, a.user);
  append(m, 44, a.workstation);
  append(m, 12, a.lm_response);
  append(m, 20, a.nt_response);
  append(m, 52, a.encrypted_session_key);
  return m;
}

Bytes build_av_pairs(const std::vector<AvPair>& pairs) {
  Bytes out;
  for (const AvPair& p : pairs) {
    Bytes h(4, '\0');
    put16(h, 0, p.id);
    put16(h, 2, static_cast<std::uint16_t>(p.value.size()));
    out += h + p.value;
  }
  return out + Bytes(4, '\0');
}

Bytes utf16le(std::string_view s) {
  Bytes out;
  auto unit = [&](std::uint32_t u) {
    out += static_cast<char>(u & 0xFF);
    out += static_cast<char>((u >> 8) & 0xFF);
  };
  std::size_t i = 0;
  while (i < s.size()) {
    const auto d = utf8::decode(s, i);
    // An octet that does not start a well-formed character is one U+FFFD; the next octet is
    // read afresh, so a broken sequence never swallows the character after it.
    std::uint32_t cp = d ? d->code_point : 0xFFFD;
    i += d ? d->length : 1;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      unit(0xD800 + (cp >> 10));
      unit(0xDC00 + (cp & 0x3FF));
    } else {
      unit(cp);
    }
  }
  return out;
}

std::optional<std::string> utf8_of_utf16le(BytesView u) {
  if (u.size() % 2 != 0) return std::nullopt;
  std::string out;
  for (std::size_t i = 0; i < u.size(); i += 2) {
    std::uint32_t cp = read16(u, i);
    if (cp >= 0xD800 && cp <= 0xDBFF && i + 4 <= u.size()) {
      const std::uint32_t lo = read16(u, i + 2);
      if (lo >= 0xDC00 && lo <= 0xDFFF) {
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        i += 2;
      }
    }
    if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xFFFD;
    utf8::append(out, cp);
  }
  return out;
}

std::string ascii_upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

Bytes ntowf_v1(std::string_view password) { return crypto::hash(crypto::Digest::md4, utf16le(password)); }

Bytes ntowf_v2(std::string_view password, std::string_view user, std::string_view domain) {
  return crypto::hmac(crypto::Digest::md5, ntowf_v1(password), utf16le(ascii_upper(user) + std::string(domain)));
}

Bytes ntlmv2_temp(BytesView time8, BytesView client_challenge, BytesView target_info) {
  Bytes t("\x01\x01", 2);
  t += Bytes(6, '\0');
  t += time8;
  t += client_challenge;
  t += Bytes(4, '\0');
  t += target_info;
  t += Bytes(4, '\0');
  return t;
}

Bytes nt_proof_str(BytesView ntowfv2, BytesView server_challenge, BytesView temp) {
  return crypto::hmac(crypto::Digest::md5, ntowfv2, Bytes(server_challenge) + Bytes(temp));
}

Bytes lmv2_response(BytesView ntowfv2, BytesView server_challenge, BytesView client_challenge) {
  return crypto::hmac(crypto::Digest::md5, ntowfv2, Bytes(server_challenge) + Bytes(client_challenge)) +
         Bytes(client_challenge);
}

Bytes session_base_key(BytesView ntowfv2, BytesView nt_proof) {
  return crypto::hmac(crypto::Digest::md5, ntowfv2, nt_proof);
}

Bytes desl(BytesView key16, BytesView data8) {
  if (key16.size() != 16 || data8.size() != 8) return {};
  const Bytes k = Bytes(key16) + Bytes(5, '\0');
  return crypto::des_ecb_encrypt(BytesView(k).substr(0, 7), data8) +
         crypto::des_ecb_encrypt(BytesView(k).substr(7, 7), data8) +
         crypto::des_ecb_encrypt(BytesView(k).substr(14, 7), data8);
}

Bytes ntlmv1_response(BytesView ntowfv1, BytesView server_challenge) { return desl(ntowfv1, server_challenge); }

Bytes ntlm2_session_response(BytesView ntowfv1, BytesView server_challenge, BytesView client_challenge) {
  if (server_challenge.size() != 8 || client_challenge.size() != 8) return {};
  const Bytes digest = crypto::hash(crypto::Digest::md5, Bytes(server_challenge) + Bytes(client_challenge));
  return desl(ntowfv1, BytesView(digest).substr(0, 8));
}

}  // namespace sah::sasl::ntlm
