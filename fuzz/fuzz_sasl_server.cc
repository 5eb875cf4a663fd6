// Server side of every registered SASL mechanism (harness/sasl/registry.h) fed a sequence of
// client messages. Byte 0 picks the mechanism, byte 1 the options, the rest is the messages
// (FuzzedDataProvider: an optional initial response, then up to 8 responses).
// Properties: a failure always says why; nothing the server sends or reports contains the
// account's password; and no step returns done, because no input can come from an honest client
// with the right password: the account lookup knows no user at all (bit 0 clear) or only "user"
// with a password and a token drawn afresh for every run (bit 0 set), which the fuzzer cannot
// learn. ANONYMOUS and EXTERNAL (with an external identity) succeed without secrets by design.
// A done anywhere else is a critical bug: authentication without credentials.
#include <random>

#include "fuzz/fuzz_common.h"
#include "fuzz/fuzzed_data_provider.h"
#include "harness/base/random.h"
#include "harness/sasl/registry.h"

namespace {

using sah::fuzz::require;
namespace sasl = sah::sasl;

// A secret nobody can guess: 32 printable octets from a process-seeded source, new every run.
std::string fresh_secret() {
  static sah::SeededRandom source(std::random_device{}());
  std::string raw;
  source.fill(raw, 32);
  static constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (char& c : raw) c = kAlphabet[static_cast<unsigned char>(c) % kAlphabet.size()];
  return raw;
}

void check_step(const sasl::Step& s, const sasl::MechanismInfo& m, const sasl::ServerOptions& o,
                const sasl::Account& account) {
  if (s.kind == sasl::Step::Kind::fail) {
    require(s.why != sasl::Why::none && !s.reason.empty(), "a failure without a reason");
  }
  require(s.out.size() <= 64 * 1024, "a challenge larger than 64 KiB");
  require(!sah::fuzz::contains(s.out, account.password) && !sah::fuzz::contains(s.reason, account.password),
          "the password appears in a challenge or a failure reason");
  if (s.kind == sasl::Step::Kind::done) {
    const bool by_design = m.name == "ANONYMOUS" || (m.name == "EXTERNAL" && o.external_identity_present);
    require(by_design, "CRITICAL: server side returned done without the account's credentials");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto mechs = sasl::mechanisms();
  if (size < 2 || mechs.empty()) return 0;
  const sasl::MechanismInfo& m = mechs[data[0] % mechs.size()];
  const std::uint8_t opt = data[1];
  FuzzedDataProvider in(data + 2, size - 2);

  const sasl::Account account{"user", fresh_secret(), {fresh_secret()}};
  sah::SeededRandom random(1);
  sasl::ServerOptions o;
  if (opt & 1) o.lookup = [&account](std::string_view u) { return u == account.user ? &account : nullptr; };
  else o.lookup = [](std::string_view) -> const sasl::Account* { return nullptr; };
  o.realm = o.host = "server.example.com";
  if (opt & 2) o.channel_binding = {"tls-exporter", sah::Bytes(32, '\x5a')};
  o.advertised_plus = (opt & 4) != 0;
  o.external_identity_present = (opt & 8) != 0;
  o.external_identity = "user";
  o.scram_iterations = 2;  // the key derivation is OpenSSL's; fuzz the protocol, fast
  o.random = &random;

  auto server = m.make_server(o);
  require(server != nullptr, "make_server returned nothing");
  std::optional<sah::Bytes> initial;
  if (in.ConsumeBool()) initial = in.ConsumeRandomLengthString(4096);
  sasl::Step s = server->start(initial);
  check_step(s, m, o, account);
  for (int i = 0; i < 8 && s.kind == sasl::Step::Kind::respond; ++i) {
    const std::string msg = in.ConsumeRandomLengthString(4096);
    s = server->step(msg);
    check_step(s, m, o, account);
  }
  return 0;
}
