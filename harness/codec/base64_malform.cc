#include "harness/codec/base64_malform.h"

#include <array>

namespace sah::codec {
namespace {

// Where a malformer inserts something "in the middle": a 4-character group boundary, so a
// decoder that skips the foreign bytes recovers the original value (the dangerous case).
std::size_t middle_boundary(std::string_view v) { return (v.size() / 4 / 2) * 4; }

Bytes insert_at(std::string_view v, std::size_t at, std::string_view what) {
  Bytes out(v.substr(0, at));
  out.append(what);
  out.append(v.substr(at));
  return out;
}

std::size_t padding_count(std::string_view v) {
  std::size_t k = 0;
  while (k < v.size() && v[v.size() - 1 - k] == '=') ++k;
  return k;
}

std::optional<Bytes> bad_char_start(std::string_view v) { return insert_at(v, 0, "."); }
std::optional<Bytes> bad_char_middle(std::string_view v) {
  if (v.size() < 8) return std::nullopt;  // no inner boundary
  return insert_at(v, middle_boundary(v), ".");
}
std::optional<Bytes> bad_char_end(std::string_view v) { return insert_at(v, v.size(), "."); }
std::optional<Bytes> whitespace_inside(std::string_view v) { return insert_at(v, middle_boundary(v), " "); }
std::optional<Bytes> crlf_inside(std::string_view v) { return insert_at(v, middle_boundary(v), "\r\n"); }
std::optional<Bytes> tab_inside(std::string_view v) { return insert_at(v, middle_boundary(v), "\t"); }
std::optional<Bytes> nul_inside(std::string_view v) {
  return insert_at(v, middle_boundary(v), std::string_view("\0", 1));
}
std::optional<Bytes> non_ascii_inside(std::string_view v) { return insert_at(v, middle_boundary(v), "\xC3\xA9"); }

std::optional<Bytes> missing_padding(std::string_view v) {
  const std::size_t k = padding_count(v);
  if (k == 0) return std::nullopt;
  return Bytes(v.substr(0, v.size() - k));
}
std::optional<Bytes> extra_padding(std::string_view v) {
  if (v.empty()) return std::nullopt;
  return Bytes(v) + "=";
}
std::optional<Bytes> padding_in_middle(std::string_view v) {
  // The data encoded as two separately padded pieces ("AA==" + the rest): a decoder that
  // decodes group by group recovers the original octets, a strict one sees '=' before data.
  auto decoded = base64_decode(v);
  if (!decoded || decoded->size() < 2) return std::nullopt;
  const std::size_t cut = decoded->size() % 3 == 1 ? 2 : 1;  // a first piece that needs padding
  return base64_encode(std::string_view(*decoded).substr(0, cut)) +
         base64_encode(std::string_view(*decoded).substr(cut));
}
std::optional<Bytes> url_safe_alphabet(std::string_view v) {
  Bytes out(v);
  bool changed = false;
  for (auto& c : out) {
    if (c == '+') c = '-', changed = true;
    if (c == '/') c = '_', changed = true;
  }
  if (!changed) return std::nullopt;
  return out;
}
std::optional<Bytes> nonzero_pad_bits(std::string_view v) {
  const std::size_t k = padding_count(v);
  if (k == 0 || k > 2 || v.size() < 4) return std::nullopt;
  // The last data character carries 4 (k == 2) or 2 (k == 1) padding bits: set the lowest.
  Bytes out(v);
  char& last = out[out.size() - k - 1];
  static constexpr std::string_view kAlpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const std::size_t idx = kAlpha.find(last);
  if (idx == std::string_view::npos) return std::nullopt;
  last = kAlpha[idx | 1];
  return out;
}
std::optional<Bytes> truncated_quantum(std::string_view v) {
  const std::size_t k = padding_count(v);
  if (v.size() < 4) return std::nullopt;
  Bytes out(v.substr(0, v.size() - k));
  out.pop_back();  // one character short of a complete group, and no padding to explain it
  if (out.size() % 4 == 0) out.pop_back();
  return out;
}
std::optional<Bytes> empty(std::string_view) { return Bytes{}; }

constexpr std::array kMalformers = {
    Base64Malformer{"bad-char-start", "'.' inserted before the first character", "B64-02",
                    B64Error::illegal_char, bad_char_start},
    Base64Malformer{"bad-char-middle", "'.' inserted at a 4-character boundary in the middle", "B64-02",
                    B64Error::illegal_char, bad_char_middle},
    Base64Malformer{"bad-char-end", "'.' appended after the last character", "B64-02",
                    B64Error::illegal_char, bad_char_end},
    Base64Malformer{"whitespace-inside", "a space inserted at a group boundary", "B64-02",
                    B64Error::illegal_char, whitespace_inside},
    Base64Malformer{"tab-inside", "a TAB inserted at a group boundary", "B64-02",
                    B64Error::illegal_char, tab_inside},
    Base64Malformer{"crlf-inside", "CR LF inserted at a group boundary (a line break inside the data)", "B64-02",
                    B64Error::illegal_char, crlf_inside},
    Base64Malformer{"nul-inside", "a NUL octet inserted at a group boundary", "B64-02",
                    B64Error::illegal_char, nul_inside},
    Base64Malformer{"non-ascii-inside", "UTF-8 'e-acute' (0xC3 0xA9) inserted at a group boundary", "B64-02",
                    B64Error::illegal_char, non_ascii_inside},
    Base64Malformer{"padding-in-middle", "the data encoded as two separately padded pieces: padding followed by data", "B64-04",
                    B64Error::padding_in_middle, padding_in_middle},
    Base64Malformer{"missing-padding", "the trailing '=' characters removed", "B64-05",
                    B64Error::truncated_quantum, missing_padding},
    Base64Malformer{"extra-padding", "one '=' too many appended", "B64-06", B64Error::bad_padding, extra_padding},
    Base64Malformer{"truncated-quantum", "the last group cut short, no padding", "B64-07",
                    B64Error::truncated_quantum, truncated_quantum},
    Base64Malformer{"url-safe-alphabet", "'+' and '/' replaced by '-' and '_' (RFC 4648 section 5)", "B64-08",
                    B64Error::illegal_char, url_safe_alphabet},
    Base64Malformer{"nonzero-pad-bits", "the unused low bits of the last data character set", "B64-09",
                    B64Error::nonzero_pad_bits, nonzero_pad_bits},
    Base64Malformer{"empty", "an empty response: valid Base64 of nothing, never valid credentials", "B64-01",
                    std::nullopt, empty},
};

}  // namespace

std::span<const Base64Malformer> base64_malformers() { return kMalformers; }

const Base64Malformer* find_base64_malformer(std::string_view name) {
  for (const auto& m : kMalformers)
    if (m.name == name) return &m;
  return nullptr;
}

}  // namespace sah::codec
