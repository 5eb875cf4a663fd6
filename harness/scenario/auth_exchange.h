// The `auth` step's SASL exchange (scenarios/README.md): `AUTH MECH [initial response]`, then
// every 334 challenge, decoded strictly (B64-10), is answered by the harness's client
// mechanism until a reply other than 334 arrives. One client message may be replaced on
// purpose: cancel=STEP sends `*`, raw=STEP:TEXT sends TEXT, malform=STEP:NAME sends a
// malformed Base64 encoding; corrupt=NAME is applied by the mechanism itself. Client messages
// count from 0 (the initial response, when one is sent, is message 0).
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "harness/base/bytes.h"
#include "harness/codec/base64_malform.h"
#include "harness/net/transcript.h"
#include "harness/sasl/mechanism.h"
#include "harness/scenario/connection.h"
#include "harness/scenario/judge.h"

namespace sah::scenario {

struct AuthPlan {
  std::string mechanism;                   // as it goes on the AUTH line (case kept)
  const sasl::MechanismInfo* info = nullptr;
  sasl::ClientOptions client;              // credentials, corruption, binding, random
  std::optional<bool> initial_response;    // ir / no-ir; nullopt: when it fits the line
  std::optional<std::size_t> malform_step;
  const codec::Base64Malformer* malformer = nullptr;
  std::optional<std::size_t> cancel_step;
  std::optional<std::size_t> raw_step;
  Bytes raw_text;
  std::chrono::milliseconds timeout{30000};
  // Challenges answered at most; a server that keeps sending 334 fails the step (a SASL
  // exchange of any mechanism here ends within a handful of round trips).
  std::size_t max_round_trips = 16;
};

struct AuthOutcome {
  Observation final;                // the judged reply, or closed / timeout / malformed / error
  std::vector<Bytes> challenges;    // decoded 334 challenges, in order ($challenge1 …)
  // Client messages as they went on the wire, without CRLF (the initial response without
  // "AUTH MECH "), in order ($response1 …): what a replay case sends again in a new session.
  std::vector<Bytes> responses;
  std::string harness_error;        // non-empty: the step could not be run (verdict error)
  std::string failure;              // non-empty: the exchange itself failed the step
};

AuthOutcome run_auth_exchange(Connection& conn, net::Transcript& transcript, const AuthPlan& plan);

}  // namespace sah::scenario
