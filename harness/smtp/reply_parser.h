// Incremental, bounded SMTP reply parser (client side, RFC 5321 §4.2).
//
//   ReplyParser p;                       // Limits{} are the hardened defaults below
//   p.feed(bytes);                       // any chunking, one octet at a time included
//   while (auto r = p.next()) use(*r);   // complete replies, in order
//   if (p.failed()) report(p.error()->kind, p.error()->offset);
//
// Errors are sticky (llhttp's manners): after the first one the parser ignores further input,
// but replies completed before it can still be taken. Every error carries the stream offset of
// the octet where parsing failed, and the result never depends on how the input was split.
// Tolerated deviations are recorded on each Reply (see Leniency), never accepted silently.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

#include "harness/base/bytes.h"
#include "harness/smtp/line_reader.h"
#include "harness/smtp/reply.h"

namespace sah::smtp {

// Values are stable (reports and corpus files store them); add new ones at the end.
enum class ReplyError {
  bad_code = 1,            // the line does not start with three digits (includes empty lines)
  code_out_of_range = 2,   // three digits, but the first is not 1-5 (RFC 5321 §4.2.1)
  missing_separator = 3,   // the octet after the code is not SP, '-' or the line end
  code_mismatch = 4,       // a continuation line carries another code (RFC 5321 §4.2.1, RPL-02)
  bare_lf = 5,             // a line ended by LF alone while bare LF is not accepted (RPL-03)
  line_too_long = 6,       // a line longer than Limits::max_line
  too_many_lines = 7,      // a reply with more than Limits::max_lines lines
  reply_too_large = 8,     // a reply longer than Limits::max_reply_bytes on the wire
  too_many_pending = 9,    // more than Limits::max_pending complete replies not taken
};

std::string_view to_string(ReplyError e);

struct ReplyFailure {
  ReplyError kind;
  // Stream offset of the failing octet: the bad digit; the octet after the code; the first
  // digit of a mismatching code; the LF; the first octet past max_line; the first octet of the
  // line past max_lines; the first octet past max_reply_bytes; the first octet of the reply
  // past max_pending.
  std::size_t offset;
  friend bool operator==(const ReplyFailure&, const ReplyFailure&) = default;
};

struct ReplyLimits {
  // Octets of one line, code included, terminator excluded. RFC 5321 §4.5.3.1.5 sets 512 with
  // CRLF, but RFC 4954 §4 lets 334 challenges be longer (NTLM, Kerberos-sized data; a SCRAM
  // server-first echoes the client's nonce, which may itself fill a 12288-octet AUTH line), so
  // the parser allows 16 KiB and records longer-than-512 lines as Leniency::line_over_512.
  std::size_t max_line = 16 * 1024;
  // Lines in one reply. Real EHLO replies have a few dozen; 1000 leaves room and still stops a
  // server that streams "250-" lines forever.
  std::size_t max_lines = 1000;
  // Octets of one reply on the wire, terminators included (64 KiB).
  std::size_t max_reply_bytes = 64 * 1024;
  // Complete replies held until next() takes them (a server answering before being asked).
  std::size_t max_pending = 1000;
};

struct ReplyParserOptions {
  ReplyLimits limits{};
  // When true a bare LF ends a line and the reply records Leniency::bare_lf; when false it is
  // the sticky error ReplyError::bare_lf.
  bool accept_bare_lf = false;
};

class ReplyParser {
 public:
  ReplyParser() : ReplyParser(ReplyParserOptions{}) {}
  explicit ReplyParser(ReplyParserOptions o);

  // Takes any number of octets. Returns false when the parser is (now or already) failed.
  bool feed(BytesView in);
  // The next complete reply, oldest first.
  std::optional<Reply> next();

  bool failed() const { return failure_.has_value(); }
  const std::optional<ReplyFailure>& error() const { return failure_; }
  // Octets of the reply in progress held so far (lines of an unfinished multi-line reply and
  // the incomplete line): non-zero after a reply has been fully read means the server sent
  // more than it was asked for (pipelining checks, STARTTLS injection, RPL-06). 0 once failed:
  // a failed parser holds nothing.
  std::size_t pending_bytes() const;
  // True while a multi-line reply has started but its final line has not come (RPL-02).
  bool mid_reply() const { return !failure_ && !current_.lines.empty(); }
  // Octets fed so far, those ignored after an error included.
  std::size_t offset() const { return fed_; }
  const ReplyParserOptions& options() const { return opts_; }

  // Forgets everything, errors included, and restarts counting offsets at 0 (after STARTTLS
  // the plaintext buffer must be discarded, RFC 3207 §4.2).
  void reset();

 private:
  void process(const LineView& line);
  void fail(ReplyError kind, std::size_t offset);
  void finish_reply();

  ReplyParserOptions opts_;
  LineReader reader_;
  Reply current_;            // the reply being assembled (lines empty = none started)
  // Complete replies not yet taken, oldest first: oldest_ (when set), then done_[done_head_..].
  // A reply finished while none is waiting goes to oldest_, so a client that takes each reply
  // before the next arrives (and a parser that sees one) never allocates a queue; done_ is a
  // vector emptied when drained, not a deque: no allocation when a parser is made.
  std::optional<Reply> oldest_;
  std::vector<Reply> done_;
  std::size_t done_head_ = 0;
  std::optional<ReplyFailure> failure_;
  std::size_t fed_ = 0;
};

}  // namespace sah::smtp
