// Test helpers for the SASL layer: a scripted Random (to reproduce published nonces) and a
// driver that runs a client mechanism against a server mechanism the way SMTP would.
#pragma once

#include <optional>
#include <string>
#include <utility>

#include "harness/base/random.h"
#include "harness/sasl/mechanism.h"

namespace sah::sasl::testing {

// Hands out the given octets in order, then zeros.
class ScriptedRandom final : public Random {
 public:
  explicit ScriptedRandom(std::string script) : script_(std::move(script)) {}
  void fill(std::string& out, std::size_t n) override {
    out.assign(n, '\0');
    for (std::size_t i = 0; i < n && pos_ < script_.size(); ++i) out[i] = script_[pos_++];
  }

 private:
  std::string script_;
  std::size_t pos_ = 0;
};

// The octets that make DIGEST-MD5's random_token() (6 bits per octet, Base64 alphabet) produce `s`.
inline std::string token_script(std::string_view s) {
  constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (char c : s) out += static_cast<char>(kAlphabet.find(c));
  return out;
}

struct Outcome {
  Step server;           // the server's last step
  Step client;           // the client's last step (kind done after verifying success data)
  int round_trips = 0;
};

// Runs an exchange. With `use_initial_response` the client's initial response (if any) goes
// with AUTH; otherwise the client answers the server's first (empty) challenge. A client that
// fails cancels, which a server answers as malformed (501 over SMTP).
inline Outcome run_exchange(const MechanismInfo& m, const ClientOptions& co, const ServerOptions& so,
                            bool use_initial_response = true) {
  auto client = m.make_client(co);
  auto server = m.make_server(so);
  Outcome o;
  std::optional<Bytes> ir;
  if (use_initial_response) ir = client->initial_response();
  o.server = server->start(ir);
  for (int i = 0; i < 8; ++i) {
    if (o.server.kind == Step::Kind::fail) return o;
    if (o.server.kind == Step::Kind::done) {
      if (!o.server.out.empty()) o.client = client->step(o.server.out);  // success data
      return o;
    }
    o.client = client->step(o.server.out);
    ++o.round_trips;
    if (o.client.kind != Step::Kind::respond) {
      o.server = Step::fail(Why::malformed, "client cancelled");
      return o;
    }
    o.server = server->step(o.client.out);
  }
  o.server = Step::fail(Why::malformed, "too many round trips");
  return o;
}

}  // namespace sah::sasl::testing
