#include "harness/smtp/reply_parser.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <utility>

namespace sah::smtp {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// RFC 5321 §4.5.3.1.5: "The maximum total length of a reply line including the reply code and
// the <CRLF> is 512 octets."
constexpr std::size_t kRfcMaxReplyLine = 512;

LineReader::Options reader_options(const ReplyParserOptions& o) {
  LineReader::Options r;
  r.max_line = o.limits.max_line;
  r.accept_bare_lf = true;  // the parser decides: error or Leniency::bare_lf
  return r;
}

// RPL-03/04: what the text of a line contains besides HT, SP and printable US-ASCII. One table
// lookup per octet, no branch (a 334 line can carry max_line octets of Base64): the class bits
// of every octet are OR-ed, then turned into leniencies once.
constexpr std::uint8_t kEightBit = 1, kBareCr = 2, kControl = 4;
constexpr std::array<std::uint8_t, 256> kTextClass = [] {
  std::array<std::uint8_t, 256> t{};
  for (std::size_t c = 0; c < t.size(); ++c) {
    if (c >= 0x80) {
      t[c] = kEightBit;
    } else if (c == '\r') {
      t[c] = kBareCr;
    } else if ((c < 0x20 && c != '\t') || c == 0x7f) {
      t[c] = kControl;
    }
  }
  return t;
}();

void scan_text(std::string_view text, LeniencySet& out) {
  std::uint8_t seen = 0;
  for (char ch : text) seen = static_cast<std::uint8_t>(seen | kTextClass[static_cast<unsigned char>(ch)]);
  if (seen & kEightBit) out.add(Leniency::eight_bit_text);
  if (seen & kBareCr) out.add(Leniency::bare_cr_in_text);
  if (seen & kControl) out.add(Leniency::control_in_text);
}

}  // namespace

std::string_view to_string(ReplyError e) {
  switch (e) {
    case ReplyError::bad_code: return "bad_code";
    case ReplyError::code_out_of_range: return "code_out_of_range";
    case ReplyError::missing_separator: return "missing_separator";
    case ReplyError::code_mismatch: return "code_mismatch";
    case ReplyError::bare_lf: return "bare_lf";
    case ReplyError::line_too_long: return "line_too_long";
    case ReplyError::too_many_lines: return "too_many_lines";
    case ReplyError::reply_too_large: return "reply_too_large";
    case ReplyError::too_many_pending: return "too_many_pending";
  }
  return "unknown";
}

ReplyParser::ReplyParser(ReplyParserOptions o) : opts_(o), reader_(reader_options(o)) {}

void ReplyParser::reset() {
  reader_ = LineReader(reader_options(opts_));
  current_ = Reply{};
  oldest_.reset();
  done_.clear();
  done_head_ = 0;
  failure_.reset();
  fed_ = 0;
}

void ReplyParser::fail(ReplyError kind, std::size_t offset) {
  if (failure_) return;
  failure_ = ReplyFailure{kind, offset};
  // Nothing after the error will be parsed: drop the partial reply now (feed() drops the
  // reader's partial line once the reader has returned: fail() may run inside its callback).
  current_ = Reply{};
}

bool ReplyParser::feed(BytesView in) {
  fed_ += in.size();
  if (failure_) return false;
  // Each line is parsed as the reader finds it, as a view (no copy, no queue); the reader
  // stops at the first error.
  (void)reader_.feed_lines(in, [this](const LineView& line) {
    process(line);
    return !failure_;
  });
  // An over-long line is reported as soon as it passes the limit, not when (if ever) its
  // terminator arrives; the offset is the same either way, so chunking does not matter.
  if (!failure_ && reader_.truncating()) {
    fail(ReplyError::line_too_long, reader_.line_start() + opts_.limits.max_line);
  }
  if (failure_) reader_ = LineReader(reader_options(opts_));  // a failed parser holds nothing
  return !failure_;
}

void ReplyParser::process(const LineView& line) {
  const ReplyLimits& lim = opts_.limits;
  const std::size_t start = line.offset;
  const std::string_view text = line.text;

  // The checks run in a fixed order so that an early report (line_too_long while the line is
  // still arriving) and a late one agree.
  if (line.too_long) return fail(ReplyError::line_too_long, start + lim.max_line);
  if (line.bare_lf && !opts_.accept_bare_lf) {
    return fail(ReplyError::bare_lf, start + text.size());
  }
  const std::size_t wire = text.size() + (line.bare_lf ? 1 : 2);
  const bool first_line = current_.lines.empty();
  if (current_.lines.size() >= lim.max_lines) return fail(ReplyError::too_many_lines, start);
  const std::size_t reply_start = first_line ? start : current_.offset;
  const std::size_t reply_size = first_line ? 0 : current_.wire_size;
  if (wire > lim.max_reply_bytes - std::min(reply_size, lim.max_reply_bytes)) {
    return fail(ReplyError::reply_too_large, reply_start + lim.max_reply_bytes);
  }

  // Reply-code = three digits, the first 1-5 (RFC 5321 §4.2: 2-5, plus 1xx which no SMTP
  // extension uses but the judge should see, not the parser refuse).
  for (std::size_t i = 0; i < 3; ++i) {
    if (i >= text.size()) return fail(ReplyError::bad_code, start + text.size());
    if (!is_digit(text[i])) return fail(ReplyError::bad_code, start + i);
  }
  if (text[0] < '1' || text[0] > '5') return fail(ReplyError::code_out_of_range, start);
  const int code = (text[0] - '0') * 100 + (text[1] - '0') * 10 + (text[2] - '0');

  // Separator: "-" continues, SP ends; a bare code ends too (RFC 5321 §4.2: clients must
  // accept a final line without the SP), recorded as a leniency.
  bool final_line = true;
  bool code_only = false;
  if (text.size() == 3) {
    code_only = true;
  } else if (text[3] == '-') {
    final_line = false;
  } else if (text[3] != ' ') {
    return fail(ReplyError::missing_separator, start + 3);
  }
  if (!first_line && code != current_.code) return fail(ReplyError::code_mismatch, start);

  if (first_line) {
    current_.code = code;
    current_.offset = start;
  }
  if (code_only) current_.leniency.add(Leniency::code_only_line);
  if (line.bare_lf) current_.leniency.add(Leniency::bare_lf);
  if (wire > kRfcMaxReplyLine) current_.leniency.add(Leniency::line_over_512);
  const std::string_view body = code_only ? std::string_view{} : text.substr(4);
  scan_text(body, current_.leniency);
  current_.wire_size += wire;
  current_.longest_line = std::max(current_.longest_line, wire);
  current_.lines.push_back(body);  // the one copy of the line's text
  if (final_line) finish_reply();
}

void ReplyParser::finish_reply() {
  const std::size_t waiting = (oldest_ ? 1 : 0) + done_.size() - done_head_;
  if (waiting >= opts_.limits.max_pending) {
    return fail(ReplyError::too_many_pending, current_.offset);
  }
  EnhancedPrefix prefix = parse_enhanced_prefix(current_.lines.front());
  current_.enhanced = prefix.status;
  current_.enhanced_failure = prefix.failure;
  if (waiting == 0) {
    oldest_.emplace(std::move(current_));  // the usual case: no queue memory at all
  } else {
    detail::compact(done_, done_head_);
    if (done_.capacity() == 0) done_.reserve(4);
    done_.push_back(std::move(current_));
  }
  current_ = Reply{};
}

std::optional<Reply> ReplyParser::next() {
  if (oldest_) {
    std::optional<Reply> r = std::move(oldest_);
    oldest_.reset();
    return r;
  }
  if (done_head_ == done_.size()) return std::nullopt;
  Reply r = std::move(done_[done_head_++]);
  if (done_head_ == done_.size()) {
    done_.clear();
    done_head_ = 0;
  }
  return r;
}

std::size_t ReplyParser::pending_bytes() const {
  return failure_ ? 0 : current_.wire_size + reader_.pending();
}

}  // namespace sah::smtp
