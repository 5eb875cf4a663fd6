// The built-in server's session (harness/server/session.h) fed a client byte stream in
// fuzzer-chosen chunks. Byte 0 picks a fault switch (values below the number of faults) or the
// correct server; byte 1 the configuration (bit 0 STARTTLS offered, bit 1 TLS required for
// plaintext mechanisms, bit 2 AUTH required for MAIL, bit 3 also run the chunking check below);
// the rest is the stream, its chunk sizes
// taken from the end (as FuzzedDataProvider's ConsumeIntegralInRange(1, 128) and
// ConsumeBytesAsString would: one octet each, so corpus files keep their meaning). The chunks
// lie in one reused buffer, each followed by a poisoned gap, so ASan still reports a read past
// a chunk's end as a separate allocation per chunk would, without an allocation per chunk.
// STARTTLS is answered by a pretend handshake.
// Properties:
//  - the session never reports authenticated(): its one account has a password and a token
//    drawn afresh for every run, which the input cannot contain. Faults that accept bad
//    credentials or offer ANONYMOUS/EXTERNAL on purpose (kAcceptsWithoutSecret) skip this.
//  - the output never contains the account's password or its Base64;
//  - output is bounded: at most 1 KiB per input line, plus the greeting and a timeout reply;
//  - without STARTTLS the output does not depend on the chunking (whole input = chunked; on the
//    inputs with byte 1 bit 3 set, which halves the cost of the others), except under the faults
//    whose documented behaviour depends on the reads (kDependsOnReads).
#include <sanitizer/asan_interface.h>

#include <algorithm>
#include <random>
#include <set>
#include <vector>

#include "fuzz/fuzz_common.h"
#include "harness/base/random.h"
#include "harness/codec/base64.h"
#include "harness/server/faults.h"
#include "harness/server/session.h"

namespace {

using sah::fuzz::require;
namespace server = sah::server;

// Faults whose documented behaviour is to authenticate without the account's secret.
constexpr std::string_view kAcceptsWithoutSecret[] = {
    "accept-any-password",  "accept-wrong-cram-digest", "digest-accept-bad-response", "scram-accept-bad-proof",
    "ntlm-accept-bad-proof", "external-without-cert",    "anonymous-offered",
};

// Faults whose documented behaviour depends on how the input is split into reads: the chunking
// property does not hold under them (early-lines-dropped discards the rest of the read that
// brings the first command, LIM-09).
constexpr std::string_view kDependsOnReads[] = {"early-lines-dropped"};

std::string fresh_secret() {
  static sah::SeededRandom source(std::random_device{}());
  std::string raw;
  source.fill(raw, 32);
  static constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (char& c : raw) c = kAlphabet[static_cast<unsigned char>(c) % kAlphabet.size()];
  return raw;
}

// The chunks of one input, laid out in a buffer kept across inputs: chunk i starts 8-aligned
// (ASan's shadow granule) and is followed by at least 8 poisoned octets, so reading past its end
// or before its start is a heap-buffer-overflow report. Unpoisoned again when the input is done.
class ChunkBuffer {
 public:
  static constexpr std::size_t kGap = 8;

  // The chunks, valid until the next lay_out() or release().
  const std::vector<std::string_view>& lay_out(std::string_view payload, const std::vector<std::size_t>& sizes) {
    std::size_t total = kGap;
    for (std::size_t n : sizes) total += align(n) + kGap;
    release();
    if (buffer_.size() < total) buffer_.resize(total);
    chunks_.clear();
    char* const base = buffer_.data();
    std::size_t at = kGap, from = 0;
    ASAN_POISON_MEMORY_REGION(base, kGap);
    for (std::size_t n : sizes) {
      std::copy_n(payload.data() + from, n, base + at);
      chunks_.emplace_back(base + at, n);
      ASAN_POISON_MEMORY_REGION(base + at + n, align(n) - n + kGap);
      at += align(n) + kGap;
      from += n;
    }
    used_ = at;
    return chunks_;
  }
  void release() {
    if (used_ != 0) ASAN_UNPOISON_MEMORY_REGION(buffer_.data(), used_);
    used_ = 0;
  }

 private:
  static std::size_t align(std::size_t n) { return (n + 7) / 8 * 8; }
  std::vector<char> buffer_;
  std::size_t used_ = 0;
  std::vector<std::string_view> chunks_;  // kept across inputs with its capacity
};

struct Transcript {
  std::string out;
  bool tls = false;  // a STARTTLS handshake happened (chunking then legitimately matters)
};

// Runs one session over `chunks` into `t` (kept across inputs: its string keeps its capacity).
void converse(const server::Config& config, const std::vector<std::string_view>& chunks, bool check_auth,
              Transcript& t) {
  sah::SeededRandom random(1);
  server::Session session(config, random);
  t.out.clear();
  t.tls = false;
  session.start();
  t.out += session.take_output();
  for (std::string_view chunk : chunks) {
    session.receive(chunk);
    t.out += session.take_output();
    if (check_auth) require(!session.authenticated(), "CRITICAL: authenticated without the account's secret");
    const server::Action a = session.action();
    if (a == server::Action::start_tls) {
      t.tls = true;
      session.tls_established({"tls-server-end-point", sah::Bytes(32, '\x11')}, {"tls-exporter", sah::Bytes(32, '\x22')});
      t.out += session.take_output();
    } else if (a != server::Action::none) {
      return;  // close, crash or hang: the connection ends here
    }
  }
  session.idle_timeout();
  t.out += session.take_output();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const auto faults = server::faults();
  server::Config config;
  // PBKDF2 at the default 4096 iterations (RFC 7677 §4) dominates this target's time on every
  // SCRAM exchange; the key derivation is OpenSSL's, so fuzz the protocol around it, fast.
  config.scram_iterations = 2;
  const std::string password = fresh_secret();
  config.accounts.push_back({"user", password, {fresh_secret()}});
  std::string_view fault;
  if (data[0] < faults.size()) {
    fault = faults[data[0]].name;
    config.faults.insert(std::string(fault));
  }
  config.tls_available = (data[1] & 1) != 0;
  config.require_tls_for_plaintext = (data[1] & 2) != 0;
  config.require_auth_for_mail = (data[1] & 4) != 0;
  // DIGEST-MD5 and ANONYMOUS are off by default (RFC 6331, RFC 4505 §5; CAP-10, CAP-11). The
  // DIGEST-MD5 bit means "defaults only" so that the recorded seeds (which leave it clear) keep
  // reaching that mechanism's server code. ANONYMOUS logs in without any secret by design, so
  // an input that turns it on is not checked for authentication without the secret.
  if ((data[1] & 16) == 0) config.extra_mechanisms.emplace_back("DIGEST-MD5");
  const bool anonymous = (data[1] & 32) != 0;
  if (anonymous) config.extra_mechanisms.emplace_back("ANONYMOUS");
  const bool check_auth = !anonymous && std::find(std::begin(kAcceptsWithoutSecret), std::end(kAcceptsWithoutSecret),
                                                  fault) == std::end(kAcceptsWithoutSecret);

  // The stream's chunks: sizes 1..128 from octets taken from the end, data from the front; the
  // last chunk may be cut short (or empty) where the two meet.
  const std::string_view payload(reinterpret_cast<const char*>(data) + 2, size - 2);
  static std::vector<std::size_t> sizes;  // kept across inputs with its capacity
  sizes.clear();
  std::size_t front = 0, back = payload.size();
  while (back > front) {
    --back;
    const std::size_t n = std::min<std::size_t>(1 + static_cast<unsigned char>(payload[back]) % 128, back - front);
    sizes.push_back(n);
    front += n;
  }
  const std::string_view whole = payload.substr(0, front);
  static ChunkBuffer buffer, whole_buffer;
  const std::vector<std::string_view>& chunks = buffer.lay_out(payload, sizes);

  static Transcript t, one;
  converse(config, chunks, check_auth, t);
  const std::size_t lines = sah::fuzz::count_octet(whole, '\n');
  require(t.out.size() <= 1024 * (lines + 2), "more than 1 KiB of output per input line");
  require(!sah::fuzz::contains(t.out, password) && !sah::fuzz::contains(t.out, sah::codec::base64_encode(password)),
          "the account's password appears in the output");
  const bool reads_matter =
      std::find(std::begin(kDependsOnReads), std::end(kDependsOnReads), fault) != std::end(kDependsOnReads);
  if (!t.tls && (data[1] & 8) != 0 && !reads_matter) {
    static std::vector<std::size_t> all_at_once(1);
    all_at_once[0] = whole.size();
    converse(config, whole_buffer.lay_out(payload, all_at_once), check_auth, one);
    require(one.tls || one.out == t.out, "the session's output depends on how the input is chunked");
  }
  buffer.release();
  whole_buffer.release();
  return 0;
}
