// Small helpers shared by the mechanism files: identity checks that every server side must make
// the same way, and the text of the failures that must not differ between an unknown user and
// a wrong password (RFC 4422 §3.6 / SEC-01). UTF-8 well-formedness is harness/base/utf8.h.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "harness/base/bytes.h"
#include "harness/base/random.h"
#include "harness/sasl/mechanism.h"

namespace sah::sasl::detail {

// The one failure for "unknown user" and "wrong password": same Why, same text.
Step credentials_rejected();

// Looks the user up (nullptr when unknown or when no lookup is configured).
const Account* find_account(const ServerOptions& opts, std::string_view user);

// Constant-time password check that takes the same path for an unknown user: the presented
// password is compared against a dummy so neither branch is skipped.
bool password_matches(const Account* account, BytesView presented);

// True when `token` is one of the account's bearer tokens (constant-time per comparison).
bool token_matches(const Account* account, BytesView token);

// `n` random octets from the injected source (empty when none is configured).
Bytes random_bytes(Random* random, std::size_t n);

// Lower-case hex of a digest, and a check that `s` is exactly `n` lower-case hex digits.
bool is_lower_hex(BytesView s, std::size_t n);

// Base of every client-first client side. The caller sends initial_response() either on the
// AUTH line or, when it does not fit (RFC 4954 §4), after the empty 334; a caller that never
// asks for it gets the first message from step() when the server's first challenge is empty
// (RFC 4422 §5 item 2a). Later challenges go to next().
class ClientFirstMechanism : public ClientMechanism {
 public:
  std::optional<Bytes> initial_response() final;
  Step step(BytesView challenge) final;

 protected:
  virtual Bytes first_message() = 0;
  virtual Step next(BytesView challenge) = 0;

 private:
  bool first_sent_ = false;
};

// Flips the lowest bit of the octet at `index` (no-op when out of range): the basic corruption.
void flip_bit(Bytes& b, std::size_t index);

}  // namespace sah::sasl::detail
