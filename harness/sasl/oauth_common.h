// What OAUTHBEARER (RFC 7628) and XOAUTH2 (Google and Microsoft documentation) share: a message
// of ^A-terminated key=value pairs carrying `auth=Bearer <token>` (RFC 6750 §2.1), and, when the
// token is refused, one round in which the server sends a JSON error as a challenge and the
// client answers it with a fixed message before the exchange fails.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "harness/base/bytes.h"
#include "harness/sasl/mech_util.h"
#include "harness/sasl/mechanism.h"

namespace sah::sasl::oauth {

inline constexpr char kSep = '\x01';  // RFC 7628 §3.1 kvsep; XOAUTH2 uses the same octet
// Bound on a whole client message, ours: LIM-01 wants 12288-octet lines handled.
inline constexpr std::size_t kMaxMessage = 16384;

enum class KeySyntax {
  alpha,  // RFC 7628 §3.1: key = 1*(ALPHA)
  any,    // XOAUTH2's documentation gives no grammar: any non-empty key
};

enum class PairError { not_closed, not_key_value, repeated };

// "<mechanism> pair not closed by ^A" and the like, for Step::fail.
std::string describe(std::string_view mechanism, PairError e);

// Reads `pairs`, a run of `key "=" value ^A`. The value of keys[i] goes to values[i] (the two
// spans have the same size); other keys are ignored (RFC 7628 §3.1, OB-02; XOAUTH2 alike); a
// key of `keys` seen twice is an error. The values point into `pairs`.
std::optional<PairError> read_pairs(BytesView pairs, KeySyntax syntax, std::span<const std::string_view> keys,
                                    std::span<std::optional<BytesView>> values);

// The token of an auth= value `"Bearer" SP token` (RFC 6750 §2.1; the scheme name is
// case-insensitive, RFC 7235 §2.1); nullopt for another scheme or an empty token.
std::optional<BytesView> bearer_token(BytesView auth);

// How a mechanism spells the error round.
struct ErrorRound {
  std::string_view mechanism;     // for failure texts
  std::string_view error_json;    // the challenge that refuses a token
  BytesView answer;               // the client's one answer to it
  std::string_view wrong_answer;  // the failure text when the server gets anything else
};

// Client side after the first message: the error challenge is answered once with
// ErrorRound::answer; any other challenge fails.
class BearerClient : public detail::ClientFirstMechanism {
 protected:
  explicit BearerClient(const ErrorRound& round) : round_(round) {}

 private:
  Step next(BytesView challenge) final;

  ErrorRound round_;
  int steps_ = 0;
};

// Server side: one message (initial response, or the response to an empty challenge) goes to
// evaluate(), which ends with accept() or refuse(); after refuse(), the client's answer ends the
// exchange with the same failure as a wrong password.
class BearerServer : public ServerMechanism {
 public:
  Step start(const std::optional<Bytes>& initial) final;
  Step step(BytesView response) final;
  std::string authorized_identity() const final { return identity_; }

 protected:
  explicit BearerServer(const ErrorRound& round) : round_(round) {}

  virtual Step evaluate(BytesView message) = 0;
  // The JSON error challenge: the one path for an unknown user and a bad token (SEC-01).
  Step refuse();
  Step accept(std::string identity);

 private:
  enum class State { want_message, error_sent, finished };

  ErrorRound round_;
  State state_ = State::finished;
  std::string identity_;
};

}  // namespace sah::sasl::oauth
