// Masks secrets (passwords, tokens) in any text before it reaches a transcript, a report or
// a log: the raw secret, its hex forms, and its Base64 forms at every alignment, since a
// secret inside a SASL message is encoded together with what precedes it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "harness/base/bytes.h"

namespace sah::codec {

class SecretMasker {
 public:
  static constexpr std::string_view kMask = "********";

  // Registers a secret. Secrets shorter than 3 octets are refused (returns false): their
  // encoded forms would match ordinary text everywhere and masking could not be reliable.
  bool add(std::string_view secret);
  // Replaces every occurrence of every form of every secret with kMask.
  std::string mask(std::string_view text) const;
  // True when `text` still contains a form of a registered secret (for tests and asserts).
  bool leaks(std::string_view text) const;
  bool empty() const { return needles_.empty(); }

 private:
  std::vector<std::string> needles_;  // longest first, so a longer form is masked whole
};

// The Base64 substrings that encode `secret` whatever its alignment inside a larger message:
// for each of the 3 alignments, the characters determined by the secret's octets alone.
std::vector<std::string> base64_forms(std::string_view secret);

}  // namespace sah::codec
