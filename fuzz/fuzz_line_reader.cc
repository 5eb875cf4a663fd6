// The bounded line splitter (harness/smtp/line_reader.h) shared by the reply parser and the
// server's command reader. Properties: the same lines whole and split (at a fuzzer-chosen point
// or in pieces of 1..8 octets); pending() <= max_line + 1 after every feed; every line's text is the
// input at its offset (truncated to max_line when too long), and lines follow each other.
// Selector byte 0: bit 0 accept bare LF, bits 1-7 max_line (1..128); byte 1: the split.
#include <optional>
#include <vector>

#include "fuzz/fuzz_common.h"
#include "harness/smtp/line_reader.h"

namespace {

using sah::fuzz::require;
using sah::smtp::Line;
using sah::smtp::LineReader;

bool same(const Line& a, const Line& b) {
  return a.text == b.text && a.bare_lf == b.bare_lf && a.too_long == b.too_long && a.offset == b.offset;
}

std::vector<Line> run(LineReader::Options o, std::string_view in, std::size_t cut, std::size_t step) {
  LineReader r(o);
  std::vector<Line> lines;
  auto feed = [&](std::string_view part) {
    require(r.feed(part) == part.size(), "feed() did not consume everything");
    require(r.pending() <= o.max_line + 1, "pending() beyond max_line + 1");
    while (auto l = r.next()) lines.push_back(std::move(*l));
  };
  if (step == 0) {
    feed(in.substr(0, cut));
    feed(in.substr(cut));
  } else {
    for (std::size_t i = 0; i < in.size(); i += step) feed(in.substr(i, step));
  }
  require(r.offset() == in.size(), "offset() is not the octets fed");
  return lines;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string in = sah::fuzz::input(data, size);
  const auto s = sah::fuzz::select(in, 2);
  LineReader::Options o;
  o.accept_bare_lf = (s.sel[0] & 1) != 0;
  o.max_line = 1 + (s.sel[0] >> 1);
  const std::string_view rest = s.rest;
  const auto whole = run(o, rest, rest.size(), 0);
  std::optional<std::size_t> next_start = 0;  // unknown after a too-long line
  for (const Line& l : whole) {
    require(!next_start || l.offset == *next_start, "lines are not contiguous");
    require(l.text.size() <= o.max_line, "line text longer than max_line");
    require(rest.substr(l.offset, l.text.size()) == l.text, "line text is not the input at its offset");
    // A line of max_line octets ends at its terminator; a too-long one somewhere later.
    const std::string_view term = l.bare_lf ? "\n" : "\r\n";
    const std::size_t end = l.offset + l.text.size();
    if (!l.too_long) require(rest.substr(end, term.size()) == term, "terminator not where the text ends");
    next_start = l.too_long ? std::nullopt : std::optional<std::size_t>(end + term.size());
    if (l.too_long) require(l.text.size() == o.max_line, "too-long line not truncated to max_line");
  }
  // Byte 1: bit 7 set, pieces of 1..8 octets; clear, one cut at a scaled point.
  const bool pieces = (s.sel[1] & 0x80) != 0;
  const std::size_t cut = rest.empty() ? 0 : rest.size() * (s.sel[1] & 0x7f) / 128;
  const auto other = pieces ? run(o, rest, 0, 1 + (s.sel[1] & 7)) : run(o, rest, cut, 0);
  require(other.size() == whole.size(), "line count depends on the split");
  for (std::size_t i = 0; i < whole.size(); ++i) require(same(other[i], whole[i]), "line depends on the split");
  return 0;
}
