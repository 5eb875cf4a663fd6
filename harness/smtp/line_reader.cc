// Line splitting for SMTP (RFC 5321 §2.3.8: lines end in CRLF). The reader is a small state
// machine over octets, so the lines it yields do not depend on how the stream was chunked.
#include "harness/smtp/line_reader.h"

#include <algorithm>
#include <cstring>

namespace sah::smtp {

// Keeps at most max_line data octets; the rest of an over-long line is only counted, so a
// peer that never sends a terminator cannot make us grow.
void LineReader::append_data(BytesView data) {
  const std::size_t room = opts_.max_line > partial_.size() ? opts_.max_line - partial_.size() : 0;
  const std::size_t take = std::min(room, data.size());
  partial_.append(data.data(), take);
  overflow_ += data.size() - take;
}

bool LineReader::finish_line(BytesView tail, bool bare_lf, std::size_t terminator_end, Sink sink, void* context) {
  // The common case, a line that arrived whole in this feed and within the limit (nothing of it
  // buffered or discarded before), is handed over as a view of the fed octets: nothing copied.
  // Otherwise its last octets join the bounded buffer and the line is the buffer.
  const bool direct = partial_.empty() && overflow_ == 0 && tail.size() <= opts_.max_line;
  if (!direct) append_data(tail);
  const LineView line{direct ? tail : BytesView(partial_), bare_lf, overflow_ > 0, line_start_};
  const bool go_on = sink(context, line);
  partial_.clear();  // keeps its capacity for the next line
  overflow_ = 0;
  line_start_ = terminator_end;
  return go_on;
}

// Only LF can end a line; a CR matters only right before it (CRLF) or as the chunk's last octet
// (the next chunk may start with the LF). So the scan looks for LF with memchr and checks the
// octet before it: one pass over the data in libc, not a comparison per octet in our code.
// (Views are made from offsets already checked against in.size(), without substr's check.)
bool LineReader::feed_core(BytesView in, Sink sink, void* context) {
  const std::size_t base = consumed_;
  consumed_ += in.size();  // offset() counts every octet fed, those after a stop included
  std::size_t i = 0;
  if (pending_cr_ && !in.empty()) {
    pending_cr_ = false;
    if (in[0] == '\n') {  // CRLF split across feeds
      i = 1;
      if (!finish_line(BytesView(), false, base + i, sink, context)) return false;
    } else {
      // A CR not followed by LF is line data (RFC 5321 §2.3.8 forbids it in text; the
      // caller judges it).
      append_data("\r");
    }
  }
  while (i < in.size()) {
    const void* found = std::memchr(in.data() + i, '\n', in.size() - i);
    if (found == nullptr) {
      std::size_t end = in.size();
      if (in[end - 1] == '\r') {  // may be the first half of a CRLF
        pending_cr_ = true;
        --end;
      }
      append_data(BytesView(in.data() + i, end - i));
      break;
    }
    const auto lf = static_cast<std::size_t>(static_cast<const char*>(found) - in.data());
    const std::size_t start = i;
    i = lf + 1;
    if (lf > start && in[lf - 1] == '\r') {  // CRLF: the only standard terminator
      if (!finish_line(BytesView(in.data() + start, lf - 1 - start), false, base + i, sink, context)) return false;
    } else if (opts_.accept_bare_lf) {  // LF not preceded by CR
      if (!finish_line(BytesView(in.data() + start, lf - start), true, base + i, sink, context)) return false;
    } else {  // a bare LF is line data
      append_data(BytesView(in.data() + start, lf + 1 - start));
    }
  }
  return true;
}

std::size_t LineReader::feed(BytesView in) {
  (void)feed_lines(in, [this](const LineView& l) {
    detail::compact(ready_, ready_head_);
    if (ready_.capacity() == 0) ready_.reserve(8);  // one allocation for the usual few lines per feed
    ready_.push_back(Line{Bytes(l.text), l.bare_lf, l.too_long, l.offset});
    return true;
  });
  return in.size();
}

std::optional<Line> LineReader::next() {
  if (ready_head_ == ready_.size()) return std::nullopt;
  Line line = std::move(ready_[ready_head_++]);
  if (ready_head_ == ready_.size()) {
    ready_.clear();
    ready_head_ = 0;
  }
  return line;
}

std::size_t LineReader::pending() const { return partial_.size() + (pending_cr_ ? 1 : 0); }

}  // namespace sah::smtp
