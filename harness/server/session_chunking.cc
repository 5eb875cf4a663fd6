// CHUNKING (RFC 3030): `BDAT chunk-size [SP "LAST"]` followed by exactly chunk-size octets of
// message data, which are never read as commands (catalogue ST-08: an AUTH line inside a chunk
// is data). Every syntactically valid BDAT has its octets consumed, also when the command is
// refused, so the command stream stays in step; the reply comes once the chunk is read.
// The sink discards the data and counts its size.
#include <algorithm>

#include "harness/server/session_impl.h"

namespace sah::server {
namespace {

constexpr std::size_t kMaxSizeDigits = 19;  // below 2^63: the sum cannot overflow

struct BdatArgs {
  std::uint64_t size = 0;
  bool last = false;
};

// RFC 3030 §4: bdat-cmd = "BDAT" SP chunk-size [ SP end-marker ] CR LF; chunk-size = 1*DIGIT;
// end-marker = "LAST" (a keyword: any case, RFC 5321 §2.4).
std::optional<BdatArgs> parse_bdat(std::string_view args) {
  const std::size_t sp = args.find(' ');
  const std::string_view digits = args.substr(0, sp);
  if (digits.empty() || digits.size() > kMaxSizeDigits ||
      !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  BdatArgs out;
  for (char c : digits) out.size = out.size * 10 + static_cast<std::uint64_t>(c - '0');
  if (sp != std::string_view::npos) {
    if (!iequals(args.substr(sp + 1), "LAST")) return std::nullopt;
    out.last = true;
  }
  return out;
}

}  // namespace

void Session::Impl::cmd_bdat(std::string_view args) {
  const auto parsed = parse_bdat(args);
  // Without a valid size the chunk cannot be found: the line alone is refused.
  if (!parsed) return bad_command(501, "5.5.4", "Syntax: BDAT chunk-size [LAST]");
  int error = 0;
  if (state.greeting == Greeting::none) {
    error = 503;
  } else if (!state.in_transaction || state.recipients == 0) {
    error = 503;
  }
  if (fault("bdat-chunk-as-commands")) {
    // The fault answers at once and leaves the chunk's octets to the command reader.
    if (error != 0) return bad_command(503, "5.5.1", "Need RCPT command first");
    State next = state;
    next.chunked = true;
    if (parsed->last) {
      next.in_transaction = false;
      next.recipients = 0;
    }
    transition(next, "fault bdat-chunk-as-commands");
    reply(250, "2.0.0", parsed->last ? "OK: message accepted and discarded" : "OK: chunk received");
    return;
  }
  if (error == 0 && !state.chunked) {
    message_size = 0;
    message_too_big = false;
  }
  chunk_remaining = parsed->size;
  chunk_last = parsed->last;
  chunk_error = error;
  State next = state;
  next.phase = Phase::chunk;
  transition(next, "BDAT");
  if (chunk_remaining == 0) chunk_done();
}

BytesView Session::Impl::chunk_octets(BytesView in) {
  const std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(chunk_remaining, in.size()));
  chunk_remaining -= take;
  if (chunk_error == 0) {
    message_size += take;
    if (message_size > config.limits.max_message) message_too_big = true;
  }
  in.remove_prefix(take);
  if (chunk_remaining == 0) chunk_done();
  return in;
}

void Session::Impl::chunk_done() {
  State next = state;
  next.phase = Phase::command;
  if (chunk_error != 0) {
    transition(next, "BDAT chunk discarded");
    // RFC 3030 §2 (and RFC 5321 §4.1.4 for the order): no transaction, or no EHLO yet.
    bad_command(503, "5.5.1", state.greeting == Greeting::none ? "Send EHLO/HELO first" : "Need RCPT command first");
    return;
  }
  next.chunked = true;
  if (chunk_last) {
    // RFC 3030 §2: LAST ends the message; the transaction ends whatever the outcome.
    next.in_transaction = false;
    next.recipients = 0;
  }
  transition(next, chunk_last ? "BDAT LAST" : "BDAT chunk");
  if (message_too_big) {
    if (!chunk_last) {
      // RFC 3030 §2: after a failed chunk the transaction is over; further chunks get 503.
      State over = state;
      over.in_transaction = false;
      over.recipients = 0;
      transition(over, "BDAT message too big");
    }
    reply(552, "5.3.4", "Message size exceeds fixed limit");
    return;
  }
  reply(250, "2.0.0", chunk_last ? "OK: message accepted and discarded" : "OK: chunk received");
}

}  // namespace sah::server
