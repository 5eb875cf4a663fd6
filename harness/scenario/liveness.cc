#include "harness/scenario/liveness.h"

#include "harness/codec/secret_mask.h"
#include "harness/net/transcript.h"
#include "harness/scenario/connection.h"

namespace sah::scenario {

Liveness check_liveness(net::Connector& connector, std::chrono::milliseconds timeout) {
  codec::SecretMasker masker;
  net::Transcript transcript(masker);
  Connection conn(transcript);
  std::string error;
  if (!conn.open(connector, timeout, error)) return {false, "a new connection failed: " + error};
  const Observation o = conn.read_reply(timeout);
  conn.close();
  if (o.kind == Observation::Kind::reply && o.reply.code == 220) return {true, {}};
  return {false, "a new connection was not greeted: " + describe(o)};
}

}  // namespace sah::scenario
