#include "harness/scenario/challenge_checks.h"

#include <algorithm>
#include <optional>

#include "harness/codec/base64.h"
#include "harness/sasl/digest_md5.h"
#include "harness/sasl/ntlm_messages.h"
#include "harness/sasl/scram_messages.h"

namespace sah::scenario {
namespace {

std::optional<Bytes> decoded(BytesView base64) {
  auto d = codec::base64_decode(base64);
  if (!d.ok()) return std::nullopt;
  return std::move(d.value());
}

// RFC 822 §6.1 / RFC 2195 §2: printable characters other than the specials the msg-id uses to
// delimit itself ("<", ">", "@"), as the catalogue's pattern [!-;=?-~] says.
bool msg_id_char(char c) { return c >= '!' && c <= '~' && c != '<' && c != '>' && c != '@'; }

// RFC 2831 §7.2: DIGEST-MD5 challenges are at most 2048 octets.
constexpr std::size_t kDigestChallengeMax = 2048;

}  // namespace

bool cram_challenge_form(BytesView base64) {
  const auto c = decoded(base64);
  if (!c || c->size() < 5 || c->front() != '<' || c->back() != '>') return false;
  const BytesView inner = BytesView(*c).substr(1, c->size() - 2);
  const std::size_t at = inner.find('@');
  if (at == BytesView::npos || at == 0 || at + 1 == inner.size()) return false;
  const BytesView local = inner.substr(0, at);
  const BytesView domain = inner.substr(at + 1);
  return std::all_of(local.begin(), local.end(), msg_id_char) && std::all_of(domain.begin(), domain.end(), msg_id_char);
}

bool printable_challenge(BytesView base64) {
  const auto c = decoded(base64);
  return c && !c->empty() && std::all_of(c->begin(), c->end(), [](char ch) { return ch >= 0x20 && ch <= 0x7E; });
}

bool digest_initial_challenge_form(BytesView base64) {
  const auto c = decoded(base64);
  if (!c || c->empty() || c->size() >= kDigestChallengeMax) return false;
  auto parsed = sasl::digest_md5::parse_directives(*c);
  if (!parsed.ok()) return false;
  const auto& d = parsed.value();
  const auto count = [&](std::string_view name) {
    return std::count_if(d.begin(), d.end(), [&](const sasl::digest_md5::Directive& x) { return x.name == name; });
  };
  const auto value = [&](std::string_view name) -> std::string {
    for (const auto& x : d)
      if (x.name == name) return x.value;
    return {};
  };
  // §2.1.1: nonce and algorithm exactly once, algorithm md5-sess.
  if (count("nonce") != 1 || count("algorithm") != 1 || value("algorithm") != "md5-sess") return false;
  // charset and maxbuf at most once; stale only in a challenge for a re-authentication.
  if (count("charset") > 1 || count("maxbuf") > 1 || count("stale") != 0) return false;
  if (count("charset") == 1 && value("charset") != "utf-8") return false;
  // cipher is required when qop offers auth-conf; opaque and domain are not used in SASL.
  if (count("qop") > 1) return false;
  if (value("qop").find("auth-conf") != std::string::npos && count("cipher") != 1) return false;
  return count("opaque") == 0 && count("domain") == 0;
}

bool ntlm_challenge_form(BytesView base64) {
  const auto c = decoded(base64);
  if (!c) return false;
  auto parsed = sasl::ntlm::parse_challenge(*c);
  if (!parsed.ok()) return false;
  // The parser has checked the signature, the type, every field against the message and the fixed
  // part, and the AV_PAIR list; an NTLMv2 exchange needs the list to be there (§3.2.5.1.1).
  const auto& ch = parsed.value();
  if (ch.server_challenge.size() != 8 || ch.target_info.empty()) return false;
  return sasl::ntlm::parse_av_pairs(ch.target_info).ok();
}

bool scram_iterations_sufficient(BytesView base64) {
  const auto c = decoded(base64);
  if (!c) return false;
  auto parsed = sasl::scram::parse_server_first(*c);
  return parsed.ok() && parsed.value().iterations >= kScramMinIterations;
}

}  // namespace sah::scenario
