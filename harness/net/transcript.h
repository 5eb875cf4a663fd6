// A case's wire log as the reports show it: who sent what and when, with every secret masked
// before anything is stored (DESIGN "masking happens here, once") and every payload bounded.
//
// Decoded views: the masked text of a Base64 payload is no longer decodable, so the decoded
// form must come from whoever still holds the raw octets: the interpreter. It either passes
// the decoded client message with the send (RecordingTransport::send_decoded) or, after it
// has parsed a 334 challenge, attaches the decoded challenge to the entry of that line with
// annotate_last_decoded(Kind::server, octets). The decoded text is masked and bounded too.
// decoded_base64_payload() extracts and decodes the payload of a raw 334 line or response.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/base/bytes.h"
#include "harness/base/results.h"
#include "harness/codec/secret_mask.h"

namespace sah::net {

// Masks `raw` and keeps at most kMaxKept octets of it, then "… N more octets". A secret that
// straddles the cut is masked, never cut in half (see the .cc).
std::string masked_bounded(BytesView raw, const codec::SecretMasker& masker);
inline constexpr std::size_t kMaxKept = 4096;

// The decoded octets of a Base64 payload in a raw line: "334 <b64>" (a challenge), or a bare
// client response "<b64>". Line ends are ignored; an empty payload, "=" and "*" and anything
// that is not strict Base64 give nullopt.
std::optional<Bytes> decoded_base64_payload(BytesView raw_line);

class Transcript {
 public:
  using Clock = std::chrono::steady_clock;
  using Kind = TranscriptEntry::Kind;

  // `masker` must outlive the transcript; times are counted from `start`.
  explicit Transcript(const codec::SecretMasker& masker, Clock::time_point start = Clock::now());

  // One entry per send, in the client's chunking. `decoded`: see above (empty: none).
  void client(BytesView raw, BytesView decoded = {});
  // Received octets: split into lines (each keeps its line end, so bare LF stays visible).
  // A line split across chunks is joined before it is masked, since a secret may be split too;
  // an unfinished line is written when the conversation moves on (flush()).
  void server(BytesView chunk);
  void tls(std::string_view description);
  void note(std::string_view text);
  void closed(std::string_view why);
  void timeout(std::string_view what);
  void error(std::string_view what);

  // Sets the decoded view of the newest entry of `kind` (client or server). False when there
  // is no such entry.
  bool annotate_last_decoded(Kind kind, BytesView decoded);

  // Writes a pending unfinished server line. Every other recording method calls it first.
  void flush();

  const std::vector<TranscriptEntry>& entries() const { return entries_; }
  // Flushes and hands the entries over (the transcript is empty afterwards).
  std::vector<TranscriptEntry> take();

 private:
  void add(Kind kind, std::string text, std::string decoded = {});
  std::int64_t now_us() const;

  const codec::SecretMasker& masker_;
  Clock::time_point start_;
  std::vector<TranscriptEntry> entries_;
  // The unfinished server line: raw, kept out of every entry until it is masked. Bounded: past
  // kPartialWindow octets only the count grows.
  Bytes partial_;
  std::size_t partial_dropped_ = 0;
};

}  // namespace sah::net
