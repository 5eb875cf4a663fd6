// The incremental reply parser (harness/smtp/reply_parser.h). Properties (Beast's parsegrind):
// the replies, the error and its offset do not depend on how the stream is split (whole, at a
// fuzzer-chosen point, in pieces of 1..8 octets), memory stays within the limits after every feed,
// and every reply's offsets lie inside the octets fed.
// Selector byte 0: bit 0 accept bare LF, bit 1 small limits (reach every limit error), bit 2
// pieces instead of one cut; byte 1: the cut (scaled to the payload) or the piece size (1..8).
#include <algorithm>
#include <optional>
#include <vector>

#include "fuzz/fuzz_common.h"
#include "harness/smtp/reply_parser.h"

namespace {

using sah::fuzz::require;
using sah::smtp::Reply;
using sah::smtp::ReplyParser;
using sah::smtp::ReplyParserOptions;

struct Outcome {
  std::vector<Reply> replies;
  std::optional<sah::smtp::ReplyFailure> error;
  std::size_t pending = 0;
  bool mid = false;
  friend bool operator==(const Outcome&, const Outcome&) = default;
};

void check_bounded(const ReplyParser& p) {
  const auto& l = p.options().limits;
  // The unfinished reply (at most max_reply_bytes) plus the incomplete line and a held CR.
  require(p.pending_bytes() <= l.max_reply_bytes + l.max_line + 2, "pending bytes beyond the limits");
  if (p.failed()) require(p.pending_bytes() == 0, "a failed parser holds octets");
}

// Moves the replies a parser fed `fed` octets of the input holds into `out`, checking each.
void take_replies(ReplyParser& p, std::size_t fed, Outcome& out) {
  const std::size_t before = out.replies.size();
  while (auto r = p.next()) {
    require(r->code >= 100 && r->code <= 599 && !r->lines.empty(), "reply without a code or lines");
    const std::size_t last_end = out.replies.empty() ? 0 : out.replies.back().offset + out.replies.back().wire_size;
    require(r->offset >= last_end && r->offset + r->wire_size <= fed, "reply offsets outside the input");
    out.replies.push_back(std::move(*r));
  }
  require(out.replies.size() - before <= p.options().limits.max_pending, "more pending replies than max_pending");
}

// The end of a run: every reply taken, the parser's state recorded.
void finish(ReplyParser& p, std::string_view in, Outcome& out) {
  require(p.offset() == in.size(), "offset() is not the octets fed");
  take_replies(p, in.size(), out);
  out.error = p.error();
  out.pending = p.pending_bytes();
  out.mid = p.mid_reply();
  if (out.error) require(out.error->offset <= in.size(), "error offset beyond the input");
}

// Feeds the input in pieces of `step` octets (0: all at once), then takes every reply; with
// `drain`, also takes the replies after every piece, as a client does between reads.
void run(const ReplyParserOptions& o, std::string_view in, std::size_t step, bool drain, Outcome& out) {
  out.replies.clear();  // the vector (kept across inputs) keeps its capacity
  ReplyParser p(o);
  for (std::size_t pos = 0; pos < in.size();) {
    const std::size_t n = step == 0 ? in.size() - pos : std::min(step, in.size() - pos);
    p.feed(in.substr(pos, n));
    check_bounded(p);
    pos += n;
    if (drain) take_replies(p, pos, out);
  }
  finish(p, in, out);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string in = sah::fuzz::input(data, size);
  const auto s = sah::fuzz::select(in, 2);
  ReplyParserOptions o;
  o.accept_bare_lf = (s.sel[0] & 1) != 0;
  if (s.sel[0] & 2) o.limits = {.max_line = 64, .max_lines = 8, .max_reply_bytes = 256, .max_pending = 4};
  // Kept across inputs so that their vectors are not grown afresh for every input.
  static Outcome whole, other;
  run(o, s.rest, 0, false, whole);
  if ((s.sel[0] & 4) == 0) {
    // Split in two at a fuzzer-chosen point; the replies taken at the end.
    const std::size_t cut = s.rest.empty() ? 0 : s.rest.size() * s.sel[1] / 256;
    other.replies.clear();
    ReplyParser p(o);
    p.feed(s.rest.substr(0, cut));
    check_bounded(p);
    p.feed(s.rest.substr(cut));
    check_bounded(p);
    finish(p, s.rest, other);
    require(other == whole, "split in two gives another outcome than whole");
  } else {
    // Pieces of 1..8 octets (1: one octet at a time), the replies taken after every piece as a
    // client takes them. Taking them early changes nothing unless the whole run can meet
    // max_pending, which only the small limits can with inputs of max_len (1024) octets: those
    // take them at the end, so that too_many_pending is compared too.
    const bool small_limits = (s.sel[0] & 2) != 0;
    run(o, s.rest, 1 + s.sel[1] % 8, !small_limits, other);
    require(other == whole, "small pieces give another outcome than whole");
  }
  // The replies' own buffers are freed within the input that made them: libFuzzer re-runs an
  // input that leaves more allocations than frees, to look for a leak.
  whole.replies.clear();
  other.replies.clear();
  return 0;
}
