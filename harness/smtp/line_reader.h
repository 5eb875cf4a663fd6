// Splits a byte stream into CRLF-terminated lines, incrementally and within a bound.
// Shared by the reply parser (client side) and the built-in server's command reader.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "harness/base/bytes.h"

namespace sah::smtp {

struct Line {
  Bytes text;             // without the terminator
  bool bare_lf = false;   // ended by LF without CR (only when LineReader allows it)
  bool too_long = false;  // longer than the limit: `text` holds the first max_line octets,
                          // the rest up to the terminator was discarded
  std::size_t offset = 0; // stream offset of the first octet of the line
};

// A complete line handed to a feed_lines() callback: the same facts as Line, but the text is a
// view, valid only during the callback (it points into the fed octets when the whole line is in
// them, else into the reader's buffer), so no line is copied or queued.
struct LineView {
  BytesView text;
  bool bare_lf = false;
  bool too_long = false;
  std::size_t offset = 0;
};

namespace detail {
// For a queue kept as a vector and the index of its first untaken element: drops the taken
// elements once they are at least half of the vector, so a consumer that never drains the queue
// completely cannot make it grow without bound (amortised O(1) per element).
template <typename T>
void compact(std::vector<T>& queue, std::size_t& head) {
  if (head == 0 || head * 2 < queue.size()) return;
  queue.erase(queue.begin(), queue.begin() + static_cast<std::ptrdiff_t>(head));
  head = 0;
}
}  // namespace detail

class LineReader {
 public:
  struct Options {
    std::size_t max_line = 1000;  // octets without CRLF (RFC 5321 §4.5.3.1.6: 1000 with CRLF)
    bool accept_bare_lf = false;  // when false, a bare LF is line data, not a terminator
  };
  LineReader() = default;
  explicit LineReader(Options o) : opts_(o) {}

  // Appends bytes; returns how many were consumed (always all of them: octets beyond the
  // limit of an over-long line are discarded and counted, so memory stays bounded).
  std::size_t feed(BytesView in);
  // The next complete line, if any.
  std::optional<Line> next();

  // The zero-copy alternative to feed() + next(): each complete line in `in` goes to
  // `on_line(const LineView&)` as soon as it is found, in order, and is not queued (so a reader
  // is driven either this way or with next(), not both). `on_line` returns false to stop: the
  // rest of `in` is then not read and the reader must be replaced (`reader = LineReader(o)`)
  // before it is fed again; it must not replace the reader itself while being called. Returns
  // false when stopped. Lines, offsets and limits are exactly those of feed() + next().
  template <typename OnLine>
  bool feed_lines(BytesView in, OnLine&& on_line) {
    return feed_core(in, &call_sink<std::remove_reference_t<OnLine>>, &on_line);
  }
  // Octets held for an incomplete line (bounded by max_line + 1).
  std::size_t pending() const;
  std::size_t offset() const { return consumed_; }
  // True when the incomplete line has already grown past max_line (its tail is being
  // discarded). Lets a caller report an over-long line before its terminator arrives.
  bool truncating() const { return overflow_ > 0; }
  // Stream offset of the first octet of the incomplete line (== offset() when there is none).
  std::size_t line_start() const { return line_start_; }

 private:
  using Sink = bool (*)(void* context, const LineView& line);
  template <typename F>
  static bool call_sink(void* context, const LineView& line) {
    return (*static_cast<F*>(context))(line);
  }
  bool feed_core(BytesView in, Sink sink, void* context);
  void append_data(BytesView data);
  // Hands the line whose last data octets in this feed are `tail` and whose terminator ends at
  // `terminator_end` to `sink`, then starts the next line. Returns the sink's answer.
  bool finish_line(BytesView tail, bool bare_lf, std::size_t terminator_end, Sink sink, void* context);

  // Implementation state; free to change (line_reader.cc owns it).
  Options opts_{};
  Bytes partial_;                 // data octets of the incomplete line (at most max_line)
  bool pending_cr_ = false;       // a CR was the last octet seen: terminator or data, the
                                  // next octet decides (so pending() <= max_line + 1)
  // Complete lines not yet taken: ready_[ready_head_..]. A vector emptied when drained, not a
  // deque: no allocation when a reader is made or reset, and the slots are reused.
  std::vector<Line> ready_;
  std::size_t ready_head_ = 0;
  std::size_t consumed_ = 0;      // total octets fed
  std::size_t line_start_ = 0;    // stream offset of partial_'s first octet
  std::size_t overflow_ = 0;      // octets discarded from the current over-long line
};

}  // namespace sah::smtp
