#include "harness/scenario/syntax.h"

#include <algorithm>

#include "harness/sasl/registry.h"

namespace sah::scenario::syntax {

const std::vector<std::string_view>& header_keywords() {
  static const std::vector<std::string_view> k = {"case",  "title",     "req",    "rfc",     "tags",
                                                  "needs", "fault",     "level",  "mechanism", "timeout"};
  return k;
}

const std::map<std::string_view, Step::Kind>& step_keywords() {
  static const std::map<std::string_view, Step::Kind> k = {
      {"connect", Step::Kind::connect},   {"ehlo", Step::Kind::ehlo},       {"ehlo-clear", Step::Kind::ehlo_clear},
      {"helo", Step::Kind::helo},         {"starttls", Step::Kind::starttls}, {"send", Step::Kind::send},
      {"send-raw", Step::Kind::send_raw}, {"read", Step::Kind::read},       {"auth", Step::Kind::auth},
      {"alive", Step::Kind::alive},       {"closed", Step::Kind::closed},   {"silent", Step::Kind::silent},
      {"quit", Step::Kind::quit},         {"reconnect", Step::Kind::reconnect}, {"wait", Step::Kind::wait},
      {"check", Step::Kind::check},       {"handshake", Step::Kind::handshake}, {"repeat", Step::Kind::repeat}};
  return k;
}

bool produces_reply(Step::Kind k) {
  switch (k) {
    case Step::Kind::connect: case Step::Kind::ehlo: case Step::Kind::ehlo_clear: case Step::Kind::helo:
    case Step::Kind::starttls: case Step::Kind::send: case Step::Kind::send_raw: case Step::Kind::read:
    case Step::Kind::auth:
    case Step::Kind::silent:  // its alternatives judge what arrives; `timeout` means silence held
    case Step::Kind::handshake:  // `expect closed`: a close instead of the handshake is the outcome
      return true;
    default:
      return false;
  }
}

// The verdicts a scenario may name; skip, error, crash and timeout are the harness's own.
bool judging_verdict(Verdict v) {
  return v == Verdict::pass || v == Verdict::non_strict || v == Verdict::fail || v == Verdict::info ||
         v == Verdict::inconclusive;
}

bool judged_by_itself(Step::Kind k) {
  return k == Step::Kind::alive || k == Step::Kind::closed || k == Step::Kind::silent || k == Step::Kind::quit ||
         k == Step::Kind::handshake;
}

std::optional<std::size_t> arrow(const std::vector<Field>& fs) {
  for (std::size_t i = 0; i < fs.size(); ++i)
    if (!fs[i].quoted && fs[i].text == "=>") return i;
  return std::nullopt;
}

bool lower_or_digit(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// ID: lower-case words of letters, digits and `-`, joined by `.`.
bool valid_case_id(std::string_view id) {
  if (id.empty() || id.size() > 200) return false;
  bool word_empty = true;
  for (char c : id) {
    if (c == '.') {
      if (word_empty) return false;
      word_empty = true;
    } else if (lower_or_digit(c) || c == '-') {
      word_empty = false;
    } else {
      return false;
    }
  }
  return !word_empty;
}

bool valid_tag(std::string_view t) {
  if (t.empty() || t.size() > 64) return false;
  return std::all_of(t.begin(), t.end(), [](char c) { return lower_or_digit(c) || c == '-' || c == '_'; });
}

// RFC4954#4, RFC4648#3.3, MS-NLMP#3.2.5, draft-murchison-sasl-login#2.1, RFC4422#A.
bool valid_rfc_ref(std::string_view r) {
  const auto hash = r.find('#');
  const std::string_view doc = r.substr(0, hash);
  if (doc.empty() || !((doc[0] >= 'A' && doc[0] <= 'Z') || (doc[0] >= 'a' && doc[0] <= 'z'))) return false;
  auto word = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; };
  if (!std::all_of(doc.begin(), doc.end(), word)) return false;
  if (hash == std::string_view::npos) return true;
  const std::string_view clause = r.substr(hash + 1);
  if (clause.empty()) return false;
  return std::all_of(clause.begin(), clause.end(), [&](char c) { return word(c) || c == '.'; });
}

// RFC 4422 §3.1: 1 to 20 of A-Z 0-9 - _ (written in any case: RFC 4954 §8).
bool valid_mechanism_name(std::string_view m) {
  if (m.empty() || m.size() > 20) return false;
  return std::all_of(m.begin(), m.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
}

std::optional<unsigned long> parse_number(std::string_view s, unsigned long max) {
  if (s.empty() || s.size() > 10) return std::nullopt;
  unsigned long v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<unsigned long>(c - '0');
  }
  if (v > max) return std::nullopt;
  return v;
}

// One number in an enhanced code pattern: 1-3 digits without a leading zero, or `*`.
bool enhanced_part(std::string_view p) {
  if (p == "*") return true;
  if (p.empty() || p.size() > 3 || (p.size() > 1 && p[0] == '0')) return false;
  return std::all_of(p.begin(), p.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// 5.7.8, 5.7.*, 5.*, or - (none). A trailing `*` covers the rest.
bool valid_enhanced_pattern(std::string_view e) {
  if (e == "-") return true;
  if (e.size() < 3 || (e[0] != '2' && e[0] != '4' && e[0] != '5') || e[1] != '.') return false;
  const std::string_view rest = e.substr(2);
  if (rest == "*") return true;
  const auto dot = rest.find('.');
  if (dot == std::string_view::npos) return false;
  const std::string_view subject = rest.substr(0, dot), detail = rest.substr(dot + 1);
  if (subject == "*") return false;  // write 5.* instead of 5.*.x
  return enhanced_part(subject) && enhanced_part(detail);
}

bool looks_enhanced(std::string_view f) { return f == "-" || (f.size() >= 2 && f[0] >= '0' && f[0] <= '9' && f[1] == '.'); }

bool valid_code_pattern(std::string_view c) {
  if (c == "*") return true;
  return c.size() == 3 && std::all_of(c.begin(), c.end(), [](char ch) { return (ch >= '0' && ch <= '9') || ch == 'x'; });
}

// The `$name` / `${name}` captures of an expect TEXT, read as glob.h reads them.
std::vector<std::pair<std::string, std::size_t>> captures_of(std::string_view p) {
  std::vector<std::pair<std::string, std::size_t>> out;
  auto name_char = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  };
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (p[i] == '\\') {
      ++i;
    } else if (p[i] == '$' && i + 1 < p.size() && p[i + 1] == '{') {
      const auto close = p.find('}', i + 2);
      if (close == std::string_view::npos) continue;
      out.emplace_back(std::string(p.substr(i + 2, close - i - 2)), i);
      i = close;
    } else if (p[i] == '$' && i + 1 < p.size() && name_char(p[i + 1])) {
      std::size_t j = i + 1;
      while (j < p.size() && name_char(p[j])) ++j;
      out.emplace_back(std::string(p.substr(i + 1, j - i - 1)), i);
      i = j - 1;
    }
  }
  return out;
}

std::string known_mechanisms() {
  std::string s;
  for (const auto& m : sasl::mechanisms()) {
    if (!s.empty()) s += ", ";
    s += m.name;
  }
  return s;
}

}  // namespace sah::scenario::syntax
