#include "harness/smtp/ehlo.h"

#include <algorithm>

namespace sah::smtp {

namespace {

constexpr std::size_t kMaxMechName = 20;     // RFC 4422 §3.1
constexpr std::size_t kMaxSizeDigits = 20;   // RFC 1870 §4: 1*20DIGIT

char upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }
bool is_alpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (upper(a[i]) != upper(b[i])) return false;
  }
  return true;
}

Bytes to_upper(std::string_view s) {
  Bytes out(s);
  for (char& c : out) c = upper(c);
  return out;
}

// RFC 5321 §4.1.1.1: ehlo-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-")
bool keyword_syntax_ok(std::string_view k) {
  if (k.empty() || !(is_alpha(k[0]) || is_digit(k[0]))) return false;
  return std::all_of(k.begin(), k.end(), [](char c) { return is_alpha(c) || is_digit(c) || c == '-'; });
}

// Splits on SP and HT, keeping empty tokens so the caller can count them (double spaces).
std::vector<std::string_view> split_keep_empty(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == ' ' || s[i] == '\t') {
      out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

}  // namespace

std::string_view to_string(MechNameCheck c) {
  switch (c) {
    case MechNameCheck::valid: return "valid";
    case MechNameCheck::lowercase: return "lowercase";
    case MechNameCheck::bad_char: return "bad_char";
    case MechNameCheck::too_long: return "too_long";
    case MechNameCheck::empty: return "empty";
  }
  return "unknown";
}

std::string_view to_string(EhloError e) {
  switch (e) {
    case EhloError::not_250: return "not_250";
    case EhloError::no_lines: return "no_lines";
  }
  return "unknown";
}

MechNameCheck check_mechanism_name(std::string_view name) {
  if (name.empty()) return MechNameCheck::empty;
  bool lower = false;
  for (char c : name) {
    if (c >= 'a' && c <= 'z') {
      lower = true;
    } else if (!((c >= 'A' && c <= 'Z') || is_digit(c) || c == '-' || c == '_')) {
      return MechNameCheck::bad_char;
    }
  }
  if (name.size() > kMaxMechName) return MechNameCheck::too_long;
  return lower ? MechNameCheck::lowercase : MechNameCheck::valid;
}

Result<Capabilities, EhloError> Capabilities::parse(const Reply& reply) {
  if (reply.code != 250) return unexpected(EhloError::not_250);
  if (reply.lines.empty()) return unexpected(EhloError::no_lines);

  Capabilities caps;
  const std::string_view first = reply.lines.front();
  const std::size_t sp = first.find(' ');
  caps.domain_ = Bytes(first.substr(0, sp));
  if (sp != std::string_view::npos) caps.greet_ = Bytes(first.substr(sp + 1));

  for (std::size_t li = 1; li < reply.lines.size(); ++li) {
    const std::string_view text = reply.lines[li];
    EhloKeyword kw;
    kw.raw = Bytes(text);
    kw.well_formed = text.find('\t') == std::string_view::npos;
    std::vector<std::string_view> tokens = split_keep_empty(text);
    std::size_t empties = 0;
    bool have_keyword = false;
    std::string_view keyword;
    for (std::string_view t : tokens) {
      if (t.empty()) {
        ++empties;
        continue;
      }
      if (!have_keyword) {
        keyword = t;
        have_keyword = true;
      } else {
        kw.params.emplace_back(t);
      }
    }
    if (empties > 0) kw.well_formed = false;

    // The obsolete "AUTH=PLAIN LOGIN" form (CAP-04): "=" cannot be part of an ehlo-keyword, so
    // it is kept apart from the standard AUTH keyword.
    const bool legacy_auth = keyword.size() >= 5 && iequals(keyword.substr(0, 5), "AUTH=");
    if (legacy_auth) {
      kw.name = "AUTH=";
      if (keyword.size() > 5) kw.params.insert(kw.params.begin(), Bytes(keyword.substr(5)));
      kw.well_formed = false;
    } else {
      kw.name = to_upper(keyword);
      if (!keyword_syntax_ok(keyword)) kw.well_formed = false;
    }

    if (legacy_auth || kw.name == "AUTH") {
      auto& list = legacy_auth ? caps.auth_legacy_ : caps.auth_standard_;
      ++(legacy_auth ? caps.auth_legacy_lines_ : caps.auth_standard_lines_);
      for (const Bytes& p : kw.params) list.push_back({p, check_mechanism_name(p)});
      // Empty tokens after the keyword are empty mechanism names (CAP-02: "double spaces").
      caps.auth_empty_tokens_ += empties;
    }
    caps.keywords_.push_back(std::move(kw));
  }
  return caps;
}

bool Capabilities::has(std::string_view keyword) const { return find(keyword) != nullptr; }

const EhloKeyword* Capabilities::find(std::string_view keyword) const {
  for (const EhloKeyword& k : keywords_) {
    if (iequals(k.name, keyword)) return &k;
  }
  return nullptr;
}

std::vector<Bytes> Capabilities::auth_mechanisms() const {
  std::vector<Bytes> out;
  auto add = [&out](const std::vector<AdvertisedMechanism>& list) {
    for (const AdvertisedMechanism& m : list) {
      const bool seen = std::any_of(out.begin(), out.end(),
                                    [&m](const Bytes& o) { return iequals(o, m.name); });
      if (!seen) out.push_back(m.name);
    }
  };
  add(auth_standard_);
  add(auth_legacy_);
  return out;
}

bool Capabilities::offers_mechanism(std::string_view name) const {
  auto match = [name](const AdvertisedMechanism& m) { return iequals(m.name, name); };
  return std::any_of(auth_standard_.begin(), auth_standard_.end(), match) ||
         std::any_of(auth_legacy_.begin(), auth_legacy_.end(), match);
}

bool Capabilities::auth_names_valid() const {
  auto ok = [](const AdvertisedMechanism& m) { return m.check == MechNameCheck::valid; };
  return auth_empty_tokens_ == 0 && std::all_of(auth_standard_.begin(), auth_standard_.end(), ok) &&
         std::all_of(auth_legacy_.begin(), auth_legacy_.end(), ok);
}

std::optional<SizeParam> Capabilities::size() const {
  const EhloKeyword* k = find("SIZE");
  if (k == nullptr) return std::nullopt;
  SizeParam out;
  if (k->params.empty()) return out;
  if (k->params.size() > 1) out.valid = false;
  const std::string_view digits = k->params.front();
  if (digits.size() > kMaxSizeDigits || !std::all_of(digits.begin(), digits.end(), is_digit)) {
    out.valid = false;
    return out;
  }
  std::uint64_t value = 0;
  for (char c : digits) {
    const auto d = static_cast<std::uint64_t>(c - '0');
    if (value > (UINT64_MAX - d) / 10) {  // checked before the multiply: 20 digits can overflow
      out.valid = false;
      return out;
    }
    value = value * 10 + d;
  }
  out.limit = value;
  return out;
}

}  // namespace sah::smtp
