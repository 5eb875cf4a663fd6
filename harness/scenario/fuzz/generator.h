// The structure-aware generator of the live fuzzer: from a seeded Random, a session plan that
// a correct server handles without a finding, then mutations on four layers, each chosen
// at random per session:
//   SMTP line   verb case, blanks, NUL / CR / bare LF / 8-bit octets inside a line, over-long
//               lines (%repeat), several lines in one write (pipelining)
//   Base64      the project's malformers (codec/base64_malform.h) on a response's encoding
//   mechanism   the real client mechanism's named corruptions (NTLM fields, SCRAM attributes,
//               DIGEST-MD5 directives, CRAM digests …), plus hand-built messages with broken
//               fields: PLAIN NUL layouts, NTLM NEGOTIATE security buffers, SCRAM client-first
//               attributes, XOAUTH2 / OAUTHBEARER key-value pairs
//   exchange    cancels, AUTH inside an exchange, responses without a challenge
// Pure: no I/O, randomness only from the Random it is given.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "harness/base/random.h"
#include "harness/scenario/fuzz/plan.h"

namespace sah::scenario::fuzz {

struct GeneratorOptions {
  // Mechanisms to exercise (registry spelling); empty: every mechanism the harness can run
  // without a client certificate (-PLUS only when `tls`).
  std::vector<std::string> mechanisms;
  bool starttls = false;  // begin with STARTTLS (and EHLO again), as `--tls starttls` runs do
  bool tls = false;       // the session is under TLS (starttls or implicit)
};

// Draws from a Random: the few shapes the generator needs.
class Dice {
 public:
  explicit Dice(Random& r) : random_(r) {}
  std::uint32_t below(std::uint32_t n);  // 0 … n-1 (n > 0)
  bool one_in(std::uint32_t n) { return below(n) == 0; }
  template <typename T>
  const T& pick(const std::vector<T>& v) { return v[below(static_cast<std::uint32_t>(v.size()))]; }

 private:
  Random& random_;
  std::string buffer_;
};

// The mechanisms the generator uses for these options.
std::vector<std::string> usable_mechanisms(const GeneratorOptions& options);

Plan generate(Random& random, const GeneratorOptions& options);

// Escapes octets as scenario template text: printable ASCII stays (with \, $, % escaped),
// anything else becomes \xHH.
std::string escape_text(const std::string& octets);

}  // namespace sah::scenario::fuzz
