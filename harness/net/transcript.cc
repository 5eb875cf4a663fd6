#include "harness/net/transcript.h"

#include <algorithm>
#include <utility>

#include "harness/codec/base64.h"

namespace sah::net {

namespace {

// Octets kept past kMaxKept while a line is assembled, so that every form of a secret that
// begins before the cut also ends inside what was kept (secrets and their encodings are far
// shorter than this).
constexpr std::size_t kMargin = 8192;
constexpr std::size_t kWindow = kMaxKept + kMargin;
constexpr std::size_t kCutStep = 64;

// `window` is the first octets of a text of `total` octets.
std::string bound_masked(BytesView window, std::size_t total, const codec::SecretMasker& masker) {
  if (total <= kMaxKept) return masker.mask(window);
  window = window.substr(0, kWindow);
  // Mask the whole window: a secret straddling kMaxKept is complete in it and masked there.
  // Then cut the raw text at p, at or before kMaxKept, where the masked head agrees with the
  // masked window: had the head ended in part of a secret, that part would be raw in the head
  // and masked in the window, and the two would differ. Moving p back always ends (p = 0).
  const std::string whole = masker.mask(window);
  std::size_t p = std::min(kMaxKept, window.size());
  for (;;) {
    std::string head = masker.mask(window.substr(0, p));
    if (std::string_view(whole).starts_with(head)) {
      return head + "\u2026 " + std::to_string(total - p) + " more octets";
    }
    p -= std::min(p, kCutStep);
  }
}

BytesView strip_line_end(BytesView s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool iequals(BytesView a, BytesView b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return (x | 0x20) == (y | 0x20);
         });
}

}  // namespace

std::string masked_bounded(BytesView raw, const codec::SecretMasker& masker) {
  return bound_masked(raw, raw.size(), masker);
}

std::optional<Bytes> decoded_base64_payload(BytesView raw_line) {
  BytesView s = strip_line_end(raw_line);
  if (s.starts_with("334 ")) {
    s.remove_prefix(4);
  } else if (s.size() > 5 && iequals(s.substr(0, 5), "AUTH ")) {
    // "AUTH MECH <initial response>" (RFC 4954 §4)
    const std::size_t sp = s.find(' ', 5);
    if (sp == BytesView::npos) return std::nullopt;
    s.remove_prefix(sp + 1);
  }
  if (s.empty() || s == "=" || s == "*") return std::nullopt;
  auto decoded = codec::base64_decode(s);
  if (!decoded) return std::nullopt;
  return std::move(decoded).value();
}

Transcript::Transcript(const codec::SecretMasker& masker, Clock::time_point start) : masker_(masker), start_(start) {}

std::int64_t Transcript::now_us() const {
  return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start_).count();
}

void Transcript::add(Kind kind, std::string text, std::string decoded) {
  TranscriptEntry e;
  e.kind = kind;
  e.at_us = now_us();
  e.text = std::move(text);
  e.decoded = std::move(decoded);
  entries_.push_back(std::move(e));
}

void Transcript::client(BytesView raw, BytesView decoded) {
  flush();
  add(Kind::client, masked_bounded(raw, masker_), decoded.empty() ? std::string() : masked_bounded(decoded, masker_));
}

void Transcript::server(BytesView chunk) {
  while (!chunk.empty()) {
    const std::size_t lf = chunk.find('\n');
    const BytesView piece = chunk.substr(0, lf == BytesView::npos ? chunk.size() : lf + 1);
    const std::size_t room = kWindow - std::min(kWindow, partial_.size());
    const std::size_t keep = std::min(room, piece.size());
    partial_.append(piece.substr(0, keep));
    partial_dropped_ += piece.size() - keep;
    chunk.remove_prefix(piece.size());
    if (lf != BytesView::npos) flush();
  }
}

void Transcript::flush() {
  if (partial_.empty()) return;
  std::string text = bound_masked(partial_, partial_.size() + partial_dropped_, masker_);
  // The raw octets are dropped at once; the buffer's capacity is bounded by kWindow.
  partial_.clear();
  partial_dropped_ = 0;
  add(Kind::server, std::move(text));
}

void Transcript::tls(std::string_view description) {
  flush();
  add(Kind::tls, masker_.mask(description));
}

void Transcript::note(std::string_view text) {
  flush();
  add(Kind::note, masked_bounded(text, masker_));
}

void Transcript::closed(std::string_view why) {
  flush();
  add(Kind::closed, masked_bounded(why, masker_));
}

void Transcript::timeout(std::string_view what) {
  flush();
  add(Kind::timeout, masked_bounded(what, masker_));
}

void Transcript::error(std::string_view what) {
  flush();
  add(Kind::error, masked_bounded(what, masker_));
}

bool Transcript::annotate_last_decoded(Kind kind, BytesView decoded) {
  if (kind == Kind::server) flush();
  for (auto it = entries_.rbegin(); it != entries_.rend(); ++it) {
    if (it->kind == kind) {
      it->decoded = masked_bounded(decoded, masker_);
      return true;
    }
  }
  return false;
}

std::vector<TranscriptEntry> Transcript::take() {
  flush();
  std::vector<TranscriptEntry> out;
  out.swap(entries_);
  return out;
}

}  // namespace sah::net
