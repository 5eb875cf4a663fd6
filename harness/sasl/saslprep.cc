// SASLprep (RFC 4013) over the generated tables; see saslprep.h for what is covered.
#include "harness/sasl/saslprep.h"

#include <algorithm>
#include <vector>

#include "harness/base/utf8.h"
#include "harness/sasl/saslprep_tables.h"

namespace sah::sasl::saslprep {
namespace {

using tables::Range;

bool in_table(std::span<const Range> table, char32_t cp) {
  auto it = std::upper_bound(table.begin(), table.end(), cp,
                             [](char32_t v, const Range& r) { return v < r.lo; });
  if (it == table.begin()) return false;
  --it;
  return cp >= it->lo && cp <= it->hi;
}

// RFC 3454 B.1: "commonly mapped to nothing".
bool mapped_to_nothing(char32_t cp) {
  switch (cp) {
    case 0x00AD: case 0x034F: case 0x1806: case 0x180B: case 0x180C: case 0x180D:
    case 0x200B: case 0x200C: case 0x200D: case 0x2060: case 0xFEFF:
      return true;
    default:
      return cp >= 0xFE00 && cp <= 0xFE0F;
  }
}

// RFC 3454 C.1.2: non-ASCII space characters. U+200B is also in B.1; RFC 4013 §2.1 lists the
// space mapping first, so it becomes SP (as GNU libidn's profile does).
bool non_ascii_space(char32_t cp) {
  switch (cp) {
    case 0x00A0: case 0x1680: case 0x202F: case 0x205F: case 0x3000:
      return true;
    default:
      return cp >= 0x2000 && cp <= 0x200B;
  }
}

struct Cp {
  char32_t cp;
  std::size_t offset;  // of the input character it came from
};

// Strict UTF-8 decoding (no overlongs, no surrogates, nothing above U+10FFFF); `bad` is the
// offset of the first character that is not UTF-8.
bool decode(std::string_view s, std::vector<Cp>& out, std::size_t& bad) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto d = utf8::decode(s, i);
    if (!d) {
      bad = i;
      return false;
    }
    out.push_back({d->code_point, i});
    i += d->length;
  }
  return true;
}

const tables::Mapping* nfkc_of(char32_t cp) {
  const auto table = tables::nfkc();
  auto it = std::lower_bound(table.begin(), table.end(), cp,
                             [](const tables::Mapping& m, char32_t v) { return m.from < v; });
  return (it != table.end() && it->from == cp) ? &*it : nullptr;
}

}  // namespace

std::string_view to_string(Error e) {
  switch (e) {
    case Error::invalid_utf8: return "invalid-utf8";
    case Error::prohibited: return "prohibited";
    case Error::bidi: return "bidi";
    case Error::unassigned: return "unassigned";
    case Error::not_covered: return "not-covered";
  }
  return "unknown";
}

Result<std::string, Failure> prepare(std::string_view utf8, Mode mode) {
  // Fast path: printable ASCII is its own SASLprep form (no mapping, NFKC-stable, allowed, L or
  // neutral for the bidi rule).
  if (std::all_of(utf8.begin(), utf8.end(), [](char c) { return c >= 0x20 && c < 0x7F; })) {
    return std::string(utf8);
  }
  std::vector<Cp> in;
  std::size_t bad = 0;
  if (!decode(utf8, in, bad)) return unexpected(Failure{Error::invalid_utf8, bad});

  // §2.1 mapping and §2.2 normalization.
  std::vector<Cp> mapped;
  mapped.reserve(in.size());
  for (const Cp& c : in) {
    if (non_ascii_space(c.cp)) {
      mapped.push_back({0x20, c.offset});
    } else if (mapped_to_nothing(c.cp)) {
      continue;
    } else if (const tables::Mapping* m = nfkc_of(c.cp)) {
      for (std::size_t k = 0; k < m->size; ++k) mapped.push_back({m->to[k], c.offset});
    } else if (in_table(tables::not_covered(), c.cp) && !in_table(tables::prohibited(), c.cp)) {
      return unexpected(Failure{Error::not_covered, c.offset});
    } else {
      mapped.push_back(c);
    }
  }
  // §2.3 prohibited output, §2.5 unassigned code points (stored strings).
  for (const Cp& c : mapped) {
    if (in_table(tables::prohibited(), c.cp)) return unexpected(Failure{Error::prohibited, c.offset});
    if (mode == Mode::stored && in_table(tables::unassigned(), c.cp)) {
      return unexpected(Failure{Error::unassigned, c.offset});
    }
  }
  // §2.4 / RFC 3454 §6: a string with any RandALCat character has no LCat character and starts
  // and ends with a RandALCat character.
  bool any_ral = false;
  for (const Cp& c : mapped) any_ral = any_ral || in_table(tables::rand_al_cat(), c.cp);
  if (any_ral) {
    for (const Cp& c : mapped) {
      if (in_table(tables::l_cat(), c.cp)) return unexpected(Failure{Error::bidi, c.offset});
    }
    if (!in_table(tables::rand_al_cat(), mapped.front().cp)) return unexpected(Failure{Error::bidi, mapped.front().offset});
    if (!in_table(tables::rand_al_cat(), mapped.back().cp)) return unexpected(Failure{Error::bidi, mapped.back().offset});
  }
  std::string out;
  out.reserve(utf8.size());
  for (const Cp& c : mapped) utf8::append(out, c.cp);
  return out;
}

}  // namespace sah::sasl::saslprep
