// Client side of every registered SASL mechanism fed the messages of a hostile server (NTLM
// type-2, SCRAM server-first/final, DIGEST-MD5 challenges, OAuth error JSON ...). Byte 0 picks
// the mechanism, byte 1 the options (bit 0 authzid, bit 1 TLS channel binding, bit 2 the server
// supports -PLUS, bits 3-7 a corruption: 0 honest, k the (k-1)-th of the mechanism's list), the
// rest is up to 8 server messages (FuzzedDataProvider).
// Properties: a failure always says why; responses stay bounded; the password never appears in
// what a non-plaintext mechanism sends nor in a failure reason (unless the server sent it
// first); and where success depends on verifying the server (SCRAM v=, DIGEST-MD5 rspauth), the
// same messages never succeed with another password: a client that reports done regardless of
// the password accepts a forged server.
#include <vector>

#include "fuzz/fuzz_common.h"
#include "fuzz/fuzzed_data_provider.h"
#include "harness/base/random.h"
#include "harness/sasl/registry.h"
#include "harness/sasl/scram_messages.h"

namespace {

using sah::fuzz::require;
namespace sasl = sah::sasl;

constexpr std::string_view kPassword = "pencil";
constexpr unsigned long kMaxFuzzIterations = 100000;  // PBKDF2 above this is just slow, not new

struct Run {
  std::vector<sasl::Step> steps;
};

Run run(const sasl::MechanismInfo& m, std::uint8_t opt, std::string_view password,
        const std::vector<std::string>& messages) {
  sah::SeededRandom random(7);
  sasl::ClientOptions o;
  o.authcid = "user";
  o.password = std::string(password);
  if (opt & 1) o.authzid = "admin";
  o.token = "vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==";
  o.host = "server.example.com";
  o.port = 587;
  if (opt & 2) o.channel_binding = {"tls-exporter", sah::Bytes(32, '\x5a')};
  o.server_supports_plus = (opt & 4) != 0;
  if (const unsigned k = opt >> 3; k > 0 && !m.corruptions.empty()) {
    o.corruption = std::string(m.corruptions[(k - 1) % m.corruptions.size()].name);
  }
  o.random = &random;
  auto client = m.make_client(o);
  require(client != nullptr, "make_client returned nothing");
  Run r;
  if (auto ir = client->initial_response()) r.steps.push_back(sasl::Step::respond(*ir));
  for (const std::string& msg : messages) {
    r.steps.push_back(client->step(msg));
    if (r.steps.back().kind != sasl::Step::Kind::respond) break;
  }
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto mechs = sasl::mechanisms();
  if (size < 2 || mechs.empty()) return 0;
  const sasl::MechanismInfo& m = mechs[data[0] % mechs.size()];
  const std::uint8_t opt = data[1];
  FuzzedDataProvider in(data + 2, size - 2);
  std::vector<std::string> messages;
  while (in.remaining_bytes() > 0 && messages.size() < 8) messages.push_back(in.ConsumeRandomLengthString(4096));
  bool server_sent_password = false;
  for (const std::string& msg : messages) {
    if (auto sf = sasl::scram::parse_server_first(msg); sf && sf->iterations > kMaxFuzzIterations) return -1;
    server_sent_password = server_sent_password || sah::fuzz::contains(msg, kPassword);
  }

  const Run honest = run(m, opt, kPassword, messages);
  bool done = false;
  for (const sasl::Step& s : honest.steps) {
    require(s.out.size() <= 64 * 1024, "a client response larger than 64 KiB");
    if (s.kind == sasl::Step::Kind::fail) require(s.why != sasl::Why::none && !s.reason.empty(), "a failure without a reason");
    if (!server_sent_password) {
      require(!sah::fuzz::contains(s.reason, kPassword), "the password appears in a failure reason");
      if (!m.plaintext_password) require(!sah::fuzz::contains(s.out, kPassword), "a hashing mechanism sent the password");
    }
    done = done || s.kind == sasl::Step::Kind::done;
  }
  const bool verifies_server = m.name.starts_with("SCRAM-") || m.name == "DIGEST-MD5";
  if (done && verifies_server) {
    const Run other = run(m, opt, "not-the-password", messages);
    for (const sasl::Step& s : other.steps)
      require(s.kind != sasl::Step::Kind::done, "CRITICAL: client accepts the server's proof under any password");
  }
  return 0;
}
