// One SMTP reply as the client received it (RFC 5321 §4.2): a three-digit code, one or more
// lines of text, the enhanced status code when the text starts with one (RFC 2034, RFC 3463),
// and the record of every tolerated deviation (a conformance harness must not accept
// deviations silently: the judge turns them into non-strict or fail verdicts).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <optional>
#include <string_view>
#include <vector>

#include "harness/base/bytes.h"
#include "harness/smtp/enhanced_status.h"

namespace sah::smtp {

// Deviations the parser tolerated. Bit values are stable (reports store them).
enum class Leniency : std::uint32_t {
  code_only_line = 1u << 0,   // final line is the bare code, no SP and no text ("250"): RFC 5321
                              // §4.2 lets clients accept it, servers should send the SP (RPL-02)
  bare_lf = 1u << 1,          // a line ended by LF alone (RFC 5321 §2.3.8, RPL-03); only when
                              // the parser was told to accept it
  line_over_512 = 1u << 2,    // a line longer than 512 octets with its CRLF (RFC 5321
                              // §4.5.3.1.5, RPL-05; the judge exempts 334 challenges)
  eight_bit_text = 1u << 3,   // an octet >= 0x80 in reply text (RFC 5321 §4.2 textstring, RPL-04)
  control_in_text = 1u << 4,  // NUL or another control octet other than HT in text (RPL-04)
  bare_cr_in_text = 1u << 5,  // a CR not followed by LF inside a line (RFC 5321 §2.3.8, RPL-03)
};

inline constexpr std::array<Leniency, 6> kAllLeniencies = {
    Leniency::code_only_line, Leniency::bare_lf,         Leniency::line_over_512,
    Leniency::eight_bit_text, Leniency::control_in_text, Leniency::bare_cr_in_text};

std::string_view to_string(Leniency l);

class LeniencySet {
 public:
  constexpr LeniencySet() = default;
  constexpr void add(Leniency l) { bits_ |= static_cast<std::uint32_t>(l); }
  constexpr bool has(Leniency l) const { return (bits_ & static_cast<std::uint32_t>(l)) != 0; }
  constexpr bool empty() const { return bits_ == 0; }
  constexpr std::uint32_t bits() const { return bits_; }
  // Names of the flags set, in kAllLeniencies order, joined by ','; "" when empty.
  Bytes to_string() const;
  friend constexpr bool operator==(LeniencySet, LeniencySet) = default;

 private:
  std::uint32_t bits_ = 0;
};

// The text of a reply's lines, kept in one buffer: the octets of every line one after the
// other, and where each ends. A parsed reply costs one allocation for its text (none when it
// fits the string's inline buffer) and one more for the ends of a multi-line reply, instead of
// a vector plus a string per line. Reads like a std::vector<Bytes> of views: size(), [i],
// front(), back(), iteration; each view is valid until the ReplyLines changes or dies.
class ReplyLines {
 public:
  ReplyLines() = default;
  ReplyLines(std::initializer_list<BytesView> lines) { assign(lines); }
  ReplyLines& operator=(std::initializer_list<BytesView> lines) {
    assign(lines);
    return *this;
  }

  void push_back(BytesView line) {
    text_.append(line.data(), line.size());
    if (count_ == 0) {
      first_end_ = text_.size();
    } else {
      more_ends_.push_back(text_.size());
    }
    ++count_;
  }
  void clear() {
    text_.clear();
    more_ends_.clear();
    count_ = 0;
    first_end_ = 0;
  }

  std::size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  // Line i; an empty view when i >= size() (never a read outside the buffer).
  BytesView operator[](std::size_t i) const {
    if (i >= count_) return {};
    const std::size_t begin = i == 0 ? 0 : end_of(i - 1);
    return BytesView(text_.data() + begin, end_of(i) - begin);
  }
  BytesView front() const { return (*this)[0]; }
  BytesView back() const { return count_ == 0 ? BytesView() : (*this)[count_ - 1]; }
  // Every line's octets, one after the other (no separators).
  BytesView joined() const { return text_; }

  class const_iterator {
   public:
    using value_type = BytesView;
    using difference_type = std::ptrdiff_t;
    using reference = BytesView;
    using pointer = void;
    using iterator_category = std::forward_iterator_tag;
    const_iterator() = default;
    const_iterator(const ReplyLines* owner, std::size_t i) : owner_(owner), i_(i) {}
    BytesView operator*() const { return (*owner_)[i_]; }
    const_iterator& operator++() {
      ++i_;
      return *this;
    }
    const_iterator operator++(int) {
      const_iterator old = *this;
      ++i_;
      return old;
    }
    friend bool operator==(const const_iterator& a, const const_iterator& b) { return a.i_ == b.i_; }

   private:
    const ReplyLines* owner_ = nullptr;
    std::size_t i_ = 0;
  };
  using iterator = const_iterator;
  using value_type = BytesView;
  const_iterator begin() const { return {this, 0}; }
  const_iterator end() const { return {this, count_}; }

  friend bool operator==(const ReplyLines& a, const ReplyLines& b) {
    return a.count_ == b.count_ && a.first_end_ == b.first_end_ && a.text_ == b.text_ && a.more_ends_ == b.more_ends_;
  }

 private:
  void assign(std::initializer_list<BytesView> lines) {
    clear();
    for (BytesView l : lines) push_back(l);
  }
  std::size_t end_of(std::size_t i) const { return i == 0 ? first_end_ : more_ends_[i - 1]; }

  Bytes text_;                         // the lines' octets, one after the other
  std::size_t count_ = 0;
  std::size_t first_end_ = 0;          // end of line 0 in text_ (no vector for one line)
  std::vector<std::size_t> more_ends_;  // end of line i in text_ at [i - 1], i >= 1
};

struct Reply {
  int code = 0;                 // 100..599 (the parser refuses other first digits)
  ReplyLines lines;             // text after the separator of each line ("" for a code-only line)
  // The enhanced code at the start of the first line's text, whenever it is syntactically
  // there, whether or not ENHANCEDSTATUSCODES was negotiated: the judge decides (RPL-07/08).
  std::optional<EnhancedStatus> enhanced;
  // Set when the first line starts like an enhanced code ("5.07.8 ...") but is malformed.
  std::optional<EnhancedFailure> enhanced_failure;
  LeniencySet leniency;
  std::size_t offset = 0;        // stream offset of the reply's first octet
  std::size_t wire_size = 0;     // octets on the wire, terminators included
  std::size_t longest_line = 0;  // octets of the longest line, its terminator included (RPL-05)

  int class_digit() const { return code / 100; }           // 2 positive, 3 intermediate, ...
  int category_digit() const { return code / 10 % 10; }    // RFC 5321 §4.2.1 second digit
  bool is_positive_completion() const { return class_digit() == 2; }
  bool is_positive_intermediate() const { return class_digit() == 3; }
  bool is_transient_negative() const { return class_digit() == 4; }
  bool is_permanent_negative() const { return class_digit() == 5; }
  bool is_positive() const { return class_digit() == 2 || class_digit() == 3; }
  bool is_multiline() const { return lines.size() > 1; }
  // First line's text without the enhanced code and its spaces (the human part).
  std::string_view text_after_enhanced() const;

  friend bool operator==(const Reply&, const Reply&) = default;
};

// RFC 5321 §4.2 Reply-code = %x32-35 %x30-35 %x30-39 (RPL-01). The parser also accepts 1xx and
// a second digit 6-9 so the judge can see and fail them.
constexpr bool code_has_rfc5321_shape(int code) {
  return code >= 200 && code <= 599 && code / 10 % 10 <= 5;
}

}  // namespace sah::smtp
