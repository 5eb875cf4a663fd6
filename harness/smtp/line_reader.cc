// Line splitting for SMTP (RFC 5321 §2.3.8: lines end in CRLF). The reader is a small state
// machine over octets, so the lines it yields do not depend on how the stream was chunked.
#include "harness/smtp/line_reader.h"

#include <algorithm>

namespace sah::smtp {

namespace {

// First octet in `in` that can end or start ending a line (CR or LF), or in.size().
std::size_t find_special(BytesView in) {
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '\r' || in[i] == '\n') return i;
  }
  return in.size();
}

}  // namespace

// Keeps at most max_line data octets; the rest of an over-long line is only counted, so a
// peer that never sends a terminator cannot make us grow.
void LineReader::append_data(BytesView data) {
  const std::size_t room = opts_.max_line > partial_.size() ? opts_.max_line - partial_.size() : 0;
  const std::size_t take = std::min(room, data.size());
  partial_.append(data.substr(0, take));
  overflow_ += data.size() - take;
}

void LineReader::finish_line(bool bare_lf, std::size_t terminator_end) {
  Line line;
  line.text = std::move(partial_);
  line.bare_lf = bare_lf;
  line.too_long = overflow_ > 0;
  line.offset = line_start_;
  ready_.push_back(std::move(line));
  partial_.clear();
  overflow_ = 0;
  line_start_ = terminator_end;
}

std::size_t LineReader::feed(BytesView in) {
  std::size_t i = 0;
  while (i < in.size()) {
    if (pending_cr_) {
      pending_cr_ = false;
      if (in[i] == '\n') {  // CRLF: the only standard terminator
        ++i;
        finish_line(false, consumed_ + i);
        continue;
      }
      append_data("\r");  // a CR not followed by LF is line data (RFC 5321 §2.3.8 forbids it
                          // in text; the caller judges it)
    }
    const std::size_t special = i + find_special(in.substr(i));
    append_data(in.substr(i, special - i));
    i = special;
    if (i == in.size()) break;
    if (in[i] == '\r') {
      pending_cr_ = true;
      ++i;
    } else {  // LF not preceded by CR
      ++i;
      if (opts_.accept_bare_lf) {
        finish_line(true, consumed_ + i);
      } else {
        append_data("\n");
      }
    }
  }
  consumed_ += in.size();
  return in.size();
}

std::optional<Line> LineReader::next() {
  if (ready_.empty()) return std::nullopt;
  Line line = std::move(ready_.front());
  ready_.pop_front();
  return line;
}

std::size_t LineReader::pending() const { return partial_.size() + (pending_cr_ ? 1 : 0); }

}  // namespace sah::smtp
