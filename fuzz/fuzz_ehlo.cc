// EHLO capabilities (harness/smtp/ehlo.h) over replies from the reply parser, the way the
// client reads them. Properties: a non-250 reply has no capabilities; every keyword comes from
// one line after the first; has()/find() agree; auth_mechanisms() is the union of both AUTH
// forms without case-insensitive duplicates, each offered; a name checked valid obeys RFC 4422
// §3.1; the SIZE value, when valid, is the digits as sent.
#include <algorithm>
#include <cctype>
#include <string>

#include "fuzz/fuzz_common.h"
#include "harness/smtp/ehlo.h"
#include "harness/smtp/reply_parser.h"

namespace {

using sah::fuzz::require;
namespace smtp = sah::smtp;

bool iequal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::toupper(static_cast<unsigned char>(a[i])) != std::toupper(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

void check(const smtp::Reply& reply) {
  auto caps = smtp::Capabilities::parse(reply);
  if (reply.code != 250) return require(!caps.ok(), "capabilities from a non-250 reply");
  require(caps.ok(), "a 250 reply with lines was refused");
  require(caps->keywords().size() == reply.lines.size() - 1, "not one keyword entry per line after the first");
  for (const auto& k : caps->keywords()) {
    require(caps->find(k.name) != nullptr && caps->has(k.name), "find() misses a parsed keyword");
    for (const auto& p : k.params) require(!p.empty(), "empty parameter kept");
  }
  const auto mechs = caps->auth_mechanisms();
  for (std::size_t i = 0; i < mechs.size(); ++i) {
    require(caps->offers_mechanism(mechs[i]), "listed mechanism not offered");
    for (std::size_t j = 0; j < i; ++j) require(!iequal(mechs[i], mechs[j]), "duplicate mechanism");
  }
  for (const auto* list : {&caps->auth_standard(), &caps->auth_legacy()}) {
    for (const auto& m : *list) {
      require(m.check == smtp::check_mechanism_name(m.name), "stored check differs from a fresh one");
      if (m.check == smtp::MechNameCheck::valid) {
        require(m.name.size() >= 1 && m.name.size() <= 20, "valid name of a bad length");
        for (char c : m.name)
          require((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_', "valid name with a bad char");
      }
    }
  }
  if (caps->auth_names_valid()) require(caps->auth_empty_tokens() == 0, "names valid despite empty tokens");
  if (auto size = caps->size(); size && size->valid && size->limit) {
    const auto* k = caps->find("SIZE");
    require(k != nullptr && k->params.size() == 1, "valid SIZE without exactly one parameter");
    std::string_view digits = k->params[0];
    while (digits.size() > 1 && digits.front() == '0') digits.remove_prefix(1);
    require(std::to_string(*size->limit) == digits,
            "SIZE limit is not the digits sent");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string in = sah::fuzz::input(data, size);
  smtp::ReplyParserOptions o;
  o.accept_bare_lf = true;  // see as many replies as possible
  smtp::ReplyParser p(o);
  p.feed(in);
  while (auto r = p.next()) check(*r);
  // A hand-made reply: the raw input as lines split on LF, code 250 (no parser limits).
  smtp::Reply raw;
  raw.code = 250;
  for (std::size_t start = 0; start <= in.size();) {
    const std::size_t lf = std::min(in.find('\n', start), in.size());
    raw.lines.push_back(in.substr(start, lf - start));
    start = lf + 1;
  }
  check(raw);
  return 0;
}
