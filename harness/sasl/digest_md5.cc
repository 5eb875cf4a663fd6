// DIGEST-MD5 (RFC 2831; Historic per RFC 6331). Server-first: the server's digest-challenge, the
// client's digest-response, the server's rspauth as success data (sent in a 334 over SMTP,
// RFC 4954 §4), an empty client answer, then the outcome. Only qop=auth (no security layer).
#include "harness/sasl/digest_md5.h"

#include <array>
#include <memory>

#include "harness/codec/base64.h"
#include "harness/sasl/crypto.h"
#include "harness/sasl/mech_util.h"
#include "harness/sasl/mechanisms.h"

namespace sah::sasl {
namespace digest_md5 {
namespace {

bool is_lws(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// RFC 2616 §2.2 token characters: CHAR except CTLs and separators.
bool is_token_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (u <= 32 || u >= 127) return false;
  constexpr std::string_view kSeparators = "()<>@,;:\\\"/[]?={}";
  return kSeparators.find(c) == std::string_view::npos;
}

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string md5_hex(std::string_view s) { return codec::hex_encode(crypto::hash(crypto::Digest::md5, s)); }

}  // namespace

Result<std::vector<Directive>, DirectiveError> parse_directives(BytesView in,
                                                                std::size_t max_directives) {
  std::vector<Directive> out;
  std::size_t i = 0;
  const std::size_t n = in.size();
  auto skip_lws = [&] {
    while (i < n && is_lws(in[i])) ++i;
  };
  while (true) {
    // Empty list elements and LWS before an element are allowed (#rule, §7.1).
    while (i < n && (is_lws(in[i]) || in[i] == ',')) ++i;
    if (i == n) break;
    if (out.size() == max_directives) return unexpected(DirectiveError{i, "too many directives"});
    Directive d;
    const std::size_t name_start = i;
    while (i < n && is_token_char(in[i])) d.name += lower(in[i++]);
    if (d.name.empty()) return unexpected(DirectiveError{name_start, "expected a directive name"});
    skip_lws();
    if (i == n || in[i] != '=') return unexpected(DirectiveError{i, "expected '='"});
    ++i;
    skip_lws();
    if (i < n && in[i] == '"') {
      d.quoted = true;
      const std::size_t open = i++;
      bool closed = false;
      while (i < n) {
        const char c = in[i++];
        if (c == '"') {
          closed = true;
          break;
        }
        if (c == '\\') {  // quoted-pair (§7.2): the next octet stands for itself
          if (i == n) break;
          d.value += in[i++];
          continue;
        }
        d.value += c;
      }
      if (!closed) return unexpected(DirectiveError{open, "unterminated quoted string"});
    } else {
      const std::size_t value_start = i;
      while (i < n && is_token_char(in[i])) d.value += in[i++];
      if (d.value.empty()) return unexpected(DirectiveError{value_start, "expected a value"});
    }
    out.push_back(std::move(d));
    skip_lws();
    if (i < n && in[i] != ',') return unexpected(DirectiveError{i, "expected ','"});
  }
  return out;
}

Result<std::optional<std::string>, Duplicate> single(const std::vector<Directive>& d,
                                                     std::string_view name) {
  std::optional<std::string> found;
  for (const Directive& x : d) {
    if (x.name != name) continue;
    if (found) return unexpected(Duplicate{});
    found = x.value;
  }
  return found;
}

std::string to_latin1_if_possible(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else if ((c == 0xC2 || c == 0xC3) && i + 1 < s.size() &&
               (static_cast<unsigned char>(s[i + 1]) & 0xC0) == 0x80) {
      out += static_cast<char>(((c & 0x03) << 6) | (static_cast<unsigned char>(s[i + 1]) & 0x3F));
      ++i;
    } else {
      return std::string(s);  // a character outside ISO 8859-1 (or not UTF-8): keep UTF-8
    }
  }
  return out;
}

std::string response_value(const DigestInputs& in, bool for_rspauth) {
  const Bytes inner = crypto::hash(crypto::Digest::md5, to_latin1_if_possible(in.username) + ":" +
                                                            to_latin1_if_possible(in.realm) + ":" +
                                                            to_latin1_if_possible(in.password));
  std::string a1 = inner + ":" + in.nonce + ":" + in.cnonce;
  if (!in.authzid.empty()) a1 += ":" + in.authzid;
  const std::string a2 = (for_rspauth ? ":" : "AUTHENTICATE:") + in.digest_uri;
  return md5_hex(md5_hex(a1) + ":" + in.nonce + ":" + in.nc + ":" + in.cnonce + ":" + in.qop + ":" +
                 md5_hex(a2));
}

}  // namespace digest_md5

namespace {

using digest_md5::Directive;
using digest_md5::DigestInputs;

constexpr std::size_t kMaxChallenge = 2048;  // RFC 2831 §2.1.1
constexpr std::size_t kMaxResponse = 4096;   // RFC 2831 §2.1.2
constexpr std::size_t kNonceChars = 14;      // 84 bits (DIG-02 wants at least 64); RFC 2831 §4 uses 14
constexpr std::size_t kResponseHex = 32;

constexpr std::array kCorruptions = {
    CorruptionInfo{"wrong-password", "response computed with a wrong password", Why::bad_credentials},
    CorruptionInfo{"response-flip-bit", "one hex digit of response= changed", Why::bad_credentials},
    CorruptionInfo{"wrong-realm", "another realm, hash computed over it", Why::bad_credentials},
    CorruptionInfo{"wrong-nonce", "another nonce, hash computed over it (DIG-08)", Why::bad_credentials},
    CorruptionInfo{"bad-nc", "nc=00000002, hash computed over it (DIG-05)", Why::bad_credentials},
    CorruptionInfo{"bad-digest-uri", "digest-uri for service imap, hash over it (DIG-04)", Why::bad_credentials},
    CorruptionInfo{"authzid-other-user", "authzid of another user, A1 includes it (DIG-13)", Why::not_authorized},
    CorruptionInfo{"missing-response", "response= left out (DIG-07)", Why::malformed},
    CorruptionInfo{"missing-username", "username= left out (DIG-07)", Why::malformed},
    CorruptionInfo{"missing-nonce", "nonce= left out (DIG-07)", Why::malformed},
    CorruptionInfo{"missing-cnonce", "cnonce= left out (DIG-07)", Why::malformed},
    CorruptionInfo{"duplicate-directive", "a second username= (DIG-06)", Why::malformed},
    CorruptionInfo{"duplicate-response", "a second response= (DIG-06)", Why::malformed},
    CorruptionInfo{"qop-auth-int-unsupported", "qop=auth-int, which was not offered (DIG-09)", Why::malformed},
    CorruptionInfo{"response-uppercase-hex", "response= in upper-case hex (DIG-11)", Why::malformed},
    CorruptionInfo{"response-truncated", "response= of 31 hex digits (DIG-11)", Why::malformed},
    CorruptionInfo{"non-numeric-nc", "nc=zzzzzzzz (DIG-11)", Why::malformed},
    CorruptionInfo{"unterminated-quote", "the last quoted value is not closed (DIG-11)", Why::malformed},
    CorruptionInfo{"bad-charset", "charset=iso-8859-1", Why::malformed},
    CorruptionInfo{"oversized", "padded with an unknown directive to 5000 octets (DIG-12)", Why::malformed},
    CorruptionInfo{"list-blanks", "a space after every comma and one empty list element (DIG-10): a variation a correct server accepts", Why::none},
};

// RFC 2831 §7.1 #rule: "null elements are allowed" and LWS may separate elements. Every comma
// outside a quoted string gets a space after it, and the first one is doubled into an empty
// element: `a=1, , b=2, c=3` (DIG-10).
Bytes with_list_blanks(BytesView m) {
  Bytes out;
  bool quoted = false;
  bool escaped = false;
  bool first = true;
  for (char ch : m) {
    out += ch;
    if (quoted) {
      if (escaped) {
        escaped = false;
      } else if (ch == '\\') {
        escaped = true;
      } else if (ch == '"') {
        quoted = false;
      }
      continue;
    }
    if (ch == '"') quoted = true;
    if (ch != ',') continue;
    out += first ? " , " : " ";
    first = false;
  }
  return out;
}

// `n` characters of the Base64 alphabet, 6 random bits each: usable inside a quoted string and
// reproducible from a scripted Random (the RFC 2831 §4 nonce and cnonce are such strings).
std::string random_token(Random* random, std::size_t n) {
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const Bytes r = detail::random_bytes(random, n);
  std::string out;
  for (char c : r) out += kAlphabet[static_cast<unsigned char>(c) & 0x3F];
  return out;
}

std::string quote(std::string_view v) {
  std::string out = "\"";
  for (char c : v) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

class DigestClient final : public ClientMechanism {
 public:
  explicit DigestClient(const ClientOptions& o) : o_(o) {}
  std::optional<Bytes> initial_response() override { return std::nullopt; }  // server-first

  bool awaits_server_final() const override { return steps_ == 1; }

  Step step(BytesView challenge) override {
    switch (++steps_) {
      case 1: return answer_challenge(challenge);
      case 2: return check_rspauth(challenge);
      default: return Step::fail(Why::bad_server, "DIGEST-MD5 server sent a challenge after rspauth");
    }
  }

 private:
  Step bad(std::string why) { return Step::fail(Why::bad_server, std::move(why)); }

  Step answer_challenge(BytesView challenge) {
    if (challenge.size() > kMaxChallenge) return bad("DIGEST-MD5 challenge longer than 2048 octets");
    auto parsed = digest_md5::parse_directives(challenge);
    if (!parsed) return bad("DIGEST-MD5 challenge: " + std::string(parsed.error().what));
    const auto& d = *parsed;
    auto nonce = digest_md5::single(d, "nonce");
    auto algorithm = digest_md5::single(d, "algorithm");
    auto charset = digest_md5::single(d, "charset");
    auto qop = digest_md5::single(d, "qop");
    if (!nonce || !algorithm || !charset || !qop) return bad("DIGEST-MD5 challenge repeats a directive");
    if (!*nonce || (*nonce)->empty()) return bad("DIGEST-MD5 challenge has no nonce");
    if (!*algorithm || **algorithm != "md5-sess") return bad("DIGEST-MD5 challenge algorithm is not md5-sess");
    if (*charset && **charset != "utf-8") return bad("DIGEST-MD5 challenge charset is not utf-8");
    // qop-options is a comma list inside one quoted string; absent means "auth" (§2.1.1).
    if (*qop) {
      bool has_auth = false;
      std::string_view rest = **qop;
      while (!rest.empty()) {
        const std::size_t comma = rest.find(',');
        std::string_view item = rest.substr(0, comma);
        while (!item.empty() && digest_is_space(item.front())) item.remove_prefix(1);
        while (!item.empty() && digest_is_space(item.back())) item.remove_suffix(1);
        if (item == "auth") has_auth = true;
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
      }
      if (!has_auth) return bad("DIGEST-MD5 challenge does not offer qop=auth");
    }
    // Several realms may be offered; the first one is used. None: the empty realm (§2.1.2).
    std::optional<std::string> realm;
    for (const Directive& x : d) {
      if (x.name == "realm") {
        realm = x.value;
        break;
      }
    }
    if (o_.random == nullptr) return Step::fail(Why::unsupported, "no random source configured");

    const std::string& c = o_.corruption;
    DigestInputs in;
    in.username = o_.authcid;
    in.realm = realm.value_or("");
    in.password = o_.password;
    in.nonce = **nonce;
    in.cnonce = random_token(o_.random, kNonceChars);
    in.digest_uri = o_.service + "/" + o_.host;
    in.authzid = o_.authzid;
    if (c == "wrong-password") in.password += 'x';
    if (c == "wrong-realm") {
      in.realm = "other." + in.realm;
      realm = in.realm;
    }
    if (c == "wrong-nonce") in.nonce = "X" + in.nonce;
    if (c == "bad-nc") in.nc = "00000002";
    if (c == "bad-digest-uri") in.digest_uri = "imap/" + o_.host;
    if (c == "authzid-other-user") in.authzid = o_.authcid + ".other";
    if (c == "qop-auth-int-unsupported") in.qop = "auth-int";
    if (c == "non-numeric-nc") in.nc = "zzzzzzzz";
    // The server's expected rspauth, kept for step 2 (computed from the honest inputs).
    expected_rspauth_ = digest_md5::response_value(in, true);
    std::string response = digest_md5::response_value(in, false);
    if (c == "response-flip-bit") response[0] = response[0] == '0' ? '1' : '0';
    if (c == "response-uppercase-hex") {
      for (char& ch : response) {
        if (ch >= 'a' && ch <= 'f') ch = static_cast<char>(ch - 'a' + 'A');
      }
    }
    if (c == "response-truncated") response.pop_back();

    // The order of RFC 2831 §4's example, so its vector is reproduced byte for byte.
    Bytes m = c == "bad-charset" ? "charset=iso-8859-1" : "charset=utf-8";
    if (c != "missing-username") m += ",username=" + quote(in.username);
    if (c == "duplicate-directive") m += ",username=" + quote(in.username + ".other");
    if (realm) m += ",realm=" + quote(in.realm);
    if (c != "missing-nonce") m += ",nonce=" + quote(in.nonce);
    m += ",nc=" + in.nc;
    if (c != "missing-cnonce") m += ",cnonce=" + quote(in.cnonce);
    m += ",digest-uri=" + quote(in.digest_uri);
    if (c != "missing-response") m += ",response=" + response;
    if (c == "duplicate-response") m += ",response=" + response;
    m += ",qop=" + in.qop;
    if (!in.authzid.empty()) m += ",authzid=" + quote(in.authzid);
    if (c == "unterminated-quote") m += ",x-pad=\"open";
    if (c == "oversized" && m.size() < 5000) m += ",x-pad=" + std::string(5000 - m.size(), 'p');
    if (c == "list-blanks") m = with_list_blanks(m);
    return Step::respond(m);
  }

  Step check_rspauth(BytesView challenge) {
    if (challenge.size() > kMaxChallenge) return bad("DIGEST-MD5 rspauth message too long");
    auto parsed = digest_md5::parse_directives(challenge);
    if (!parsed) return bad("DIGEST-MD5 rspauth message: " + std::string(parsed.error().what));
    auto rspauth = digest_md5::single(*parsed, "rspauth");
    if (!rspauth) return bad("DIGEST-MD5 rspauth repeated");
    if (!*rspauth) return bad("DIGEST-MD5 server sent no rspauth");
    if (!crypto::equal_secret(**rspauth, expected_rspauth_)) return bad("DIGEST-MD5 rspauth is wrong");
    // The server proved it knows the password. Over SMTP the caller answers the 334 that carried
    // rspauth with an empty line (RFC 4422 §5 2b) and then expects 235.
    return Step::done();
  }

  static bool digest_is_space(char ch) { return ch == ' ' || ch == '\t'; }

  ClientOptions o_;
  int steps_ = 0;
  std::string expected_rspauth_;
};

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lo = [](char ch) { return (ch >= 'A' && ch <= 'Z') ? static_cast<char>(ch - 'A' + 'a') : ch; };
    if (lo(a[i]) != lo(b[i])) return false;
  }
  return true;
}

class DigestServer final : public ServerMechanism {
 public:
  explicit DigestServer(const ServerOptions& o) : o_(o) {}

  Step start(const std::optional<Bytes>&) override {
    // An initial response would be "subsequent authentication" (§2.2); this server keeps no
    // state between exchanges, so it answers with a fresh challenge (§2.2.2, DIG-14).
    if (o_.random == nullptr) {
      finished_ = true;
      return Step::fail(Why::unsupported, "no random source configured");
    }
    nonce_ = random_token(o_.random, kNonceChars);
    // The order of RFC 2831 §4's example challenge.
    return Step::respond("realm=" + quote(o_.realm) + ",nonce=" + quote(nonce_) +
                         ",qop=\"auth\",algorithm=md5-sess,charset=utf-8");
  }

  Step step(BytesView response) override {
    if (finished_ || nonce_.empty()) return Step::fail(Why::malformed, "DIGEST-MD5 exchange already finished");
    finished_ = true;
    return evaluate(response);
  }

  std::string authorized_identity() const override { return identity_; }

 private:
  static Step malformed(std::string why) { return Step::fail(Why::malformed, std::move(why)); }

  Step evaluate(BytesView response) {
    if (response.size() > kMaxResponse) return malformed("DIGEST-MD5 response longer than 4096 octets");
    auto parsed = digest_md5::parse_directives(response);
    if (!parsed) {
      return malformed("DIGEST-MD5 response: " + std::string(parsed.error().what) + " at offset " +
                       std::to_string(parsed.error().offset));
    }
    const auto& d = *parsed;
    // §2.1.2: these appear exactly once (required) or at most once (DIG-06, DIG-07).
    constexpr std::string_view kOnce[] = {"username", "realm",   "nonce",   "cnonce", "nc",
                                          "qop",      "digest-uri", "response", "maxbuf", "charset",
                                          "cipher",   "authzid"};
    std::optional<std::string> v[std::size(kOnce)];
    for (std::size_t i = 0; i < std::size(kOnce); ++i) {
      auto s = digest_md5::single(d, kOnce[i]);
      if (!s) return malformed("DIGEST-MD5 directive repeated: " + std::string(kOnce[i]));
      v[i] = *s;
    }
    auto& [username, realm, nonce, cnonce, nc, qop, digest_uri, resp, maxbuf, charset, cipher, authzid] = v;
    if (!username || !nonce || !cnonce || !resp || !nc || !digest_uri) {
      return malformed("DIGEST-MD5 response lacks a required directive");
    }
    if (qop && *qop != "auth") return malformed("DIGEST-MD5 qop other than the offered auth");
    if (charset && *charset != "utf-8") return malformed("DIGEST-MD5 charset other than utf-8");
    if (!detail::is_lower_hex(*nc, 8)) return malformed("DIGEST-MD5 nc is not 8 hex digits");
    if (!detail::is_lower_hex(*resp, kResponseHex)) return malformed("DIGEST-MD5 response is not 32 lower-case hex digits");

    DigestInputs in;
    in.username = *username;
    in.realm = realm.value_or("");
    in.nonce = *nonce;
    in.cnonce = *cnonce;
    in.nc = *nc;
    in.qop = "auth";
    in.digest_uri = *digest_uri;
    in.authzid = authzid.value_or("");
    const Account* account = detail::find_account(o_, in.username);
    in.password = account ? account->password : std::string();
    // Every check is made, and the hash computed, whether or not the user exists (SEC-01/02).
    const std::string want_uri = o_.service + "/" + o_.host;
    const bool uri_ok = iequals(in.digest_uri, want_uri) ||
                        (in.digest_uri.size() > want_uri.size() &&
                         iequals(std::string_view(in.digest_uri).substr(0, want_uri.size() + 1), want_uri + "/"));
    const bool ok = crypto::equal_secret(digest_md5::response_value(in, false), *resp) &&
                    account != nullptr && in.nonce == nonce_ && in.nc == "00000001" && uri_ok &&
                    (!realm || *realm == o_.realm);
    if (!ok) return detail::credentials_rejected();
    if (!in.authzid.empty() && in.authzid != in.username) {
      return Step::fail(Why::not_authorized, "authenticated user may not act as the requested authzid");
    }
    identity_ = in.username;
    return Step::done("rspauth=" + digest_md5::response_value(in, true));
  }

  ServerOptions o_;
  std::string nonce_;
  bool finished_ = false;
  std::string identity_;
};

std::unique_ptr<ClientMechanism> make_client(const ClientOptions& o) {
  return std::make_unique<DigestClient>(o);
}
std::unique_ptr<ServerMechanism> make_server(const ServerOptions& o) {
  return std::make_unique<DigestServer>(o);
}

}  // namespace

const MechanismInfo& digest_md5_mechanism() {
  static const MechanismInfo info{"DIGEST-MD5", false, false, false, kCorruptions, &make_client, &make_server};
  return info;
}

}  // namespace sah::sasl
