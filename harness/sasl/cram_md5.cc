// CRAM-MD5 (RFC 2195): the server sends a msg-id-like challenge `<random.timestamp@host>`; the
// client answers `user SP lowercase-hex(HMAC-MD5(password, challenge))`.
#include <array>
#include <cstdint>
#include <memory>

#include "harness/codec/base64.h"
#include "harness/sasl/crypto.h"
#include "harness/sasl/mech_util.h"
#include "harness/sasl/mechanisms.h"

namespace sah::sasl {
namespace {

constexpr std::size_t kDigestHex = 32;
constexpr std::size_t kMaxResponse = 512;  // user (<= 255) + SP + 32 hex, with room to spare

constexpr std::array kCorruptions = {
    CorruptionInfo{"wrong-password", "digest keyed with a wrong password (CRAM-04)", Why::bad_credentials},
    CorruptionInfo{"wrong-user", "user name that does not exist", Why::bad_credentials},
    CorruptionInfo{"digest-flip-bit", "one hex digit of the digest changed", Why::bad_credentials},
    // CRAM-06 makes upper-case tolerance a server's choice with 235 or 535 both passing; our
    // server keeps the RFC 2195 §2 letter (lower case) and answers as for a wrong digest.
    CorruptionInfo{"digest-uppercase-hex", "correct digest in upper-case hex (CRAM-06)", Why::bad_credentials},
    CorruptionInfo{"digest-truncated", "digest of 31 hex digits (CRAM-07)", Why::malformed},
    CorruptionInfo{"digest-overlong", "digest of 33 hex digits (CRAM-07)", Why::malformed},
    CorruptionInfo{"digest-not-hex", "digest made of 'z' characters (CRAM-07)", Why::malformed},
    CorruptionInfo{"no-space", "user name and digest without the space (CRAM-07)", Why::malformed},
};

class CramClient final : public ClientMechanism {
 public:
  explicit CramClient(const ClientOptions& o) : o_(o) {}
  std::optional<Bytes> initial_response() override { return std::nullopt; }  // server-first
  Step step(BytesView challenge) override {
    if (++steps_ > 1) return Step::fail(Why::bad_server, "CRAM-MD5 server sent a second challenge");
    if (challenge.empty()) return Step::fail(Why::bad_server, "CRAM-MD5 challenge is empty (CRAM-01)");
    const std::string& c = o_.corruption;
    std::string password = o_.password;
    std::string user = o_.authcid;
    if (c == "wrong-password") password += 'x';
    if (c == "wrong-user") user += ".nosuchuser";
    Bytes digest = codec::hex_encode(crypto::hmac(crypto::Digest::md5, password, challenge));
    if (c == "digest-flip-bit") digest[0] = digest[0] == '0' ? '1' : '0';
    if (c == "digest-uppercase-hex") {
      for (char& ch : digest) {
        if (ch >= 'a' && ch <= 'f') ch = static_cast<char>(ch - 'a' + 'A');
      }
    }
    if (c == "digest-truncated") digest.pop_back();
    if (c == "digest-overlong") digest += '0';
    if (c == "digest-not-hex") digest.assign(kDigestHex, 'z');
    return Step::respond(user + (c == "no-space" ? "" : " ") + digest);
  }

 private:
  ClientOptions o_;
  int steps_ = 0;
};

class CramServer final : public ServerMechanism {
 public:
  explicit CramServer(const ServerOptions& o) : o_(o) {}

  Step start(const std::optional<Bytes>& initial) override {
    // RFC 4954 §4: an initial response with a server-first mechanism is refused (501 5.7.0).
    if (initial) {
      finished_ = true;
      return Step::fail(Why::malformed, "CRAM-MD5 takes no initial response");
    }
    if (o_.random == nullptr) {
      finished_ = true;
      return Step::fail(Why::unsupported, "no random source configured");
    }
    // RFC 2195 §2: msg-id syntax, random digits and a timestamp. No clock in the pure core,
    // so the "timestamp" is random digits too; CRAM-02 wants unpredictability, not time.
    const Bytes r = detail::random_bytes(o_.random, 12);
    std::uint64_t a = 0;
    std::uint32_t t = 0;
    for (std::size_t i = 0; i < 8; ++i) a = (a << 8) | static_cast<unsigned char>(r[i]);
    for (std::size_t i = 8; i < 12; ++i) t = (t << 8) | static_cast<unsigned char>(r[i]);
    challenge_ = "<" + std::to_string(a) + "." + std::to_string(t) + "@" + o_.host + ">";
    return Step::respond(challenge_);
  }

  Step step(BytesView response) override {
    if (finished_ || challenge_.empty()) return Step::fail(Why::malformed, "CRAM-MD5 exchange already finished");
    finished_ = true;
    if (response.size() > kMaxResponse) return Step::fail(Why::malformed, "CRAM-MD5 response too long");
    // RFC 2195 §2: the digest follows the last space, so user names may contain spaces (CRAM-08).
    const std::size_t sp = response.rfind(' ');
    if (sp == BytesView::npos || sp == 0) {
      return Step::fail(Why::malformed, "CRAM-MD5 response is not `user SP digest`");
    }
    const BytesView user = response.substr(0, sp);
    const BytesView digest = response.substr(sp + 1);
    if (digest.size() != kDigestHex) return Step::fail(Why::malformed, "CRAM-MD5 digest is not 32 hex digits");
    for (char ch : digest) {
      const bool hex = (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
      if (!hex) return Step::fail(Why::malformed, "CRAM-MD5 digest is not 32 hex digits");
    }
    // Same work for unknown and known users (SEC-01/SEC-02): the key is a dummy when unknown.
    const Account* account = detail::find_account(o_, user);
    const Bytes expected = codec::hex_encode(
        crypto::hmac(crypto::Digest::md5, account ? BytesView(account->password) : BytesView(), challenge_));
    // Upper-case hex never equals the lower-case expectation: answered like a wrong digest.
    if (!crypto::equal_secret(expected, digest) || account == nullptr) {
      return detail::credentials_rejected();
    }
    identity_ = std::string(user);
    return Step::done();
  }

  std::string authorized_identity() const override { return identity_; }

 private:
  ServerOptions o_;
  Bytes challenge_;
  bool finished_ = false;
  std::string identity_;
};

std::unique_ptr<ClientMechanism> make_client(const ClientOptions& o) {
  return std::make_unique<CramClient>(o);
}
std::unique_ptr<ServerMechanism> make_server(const ServerOptions& o) {
  return std::make_unique<CramServer>(o);
}

}  // namespace

const MechanismInfo& cram_md5_mechanism() {
  static const MechanismInfo info{"CRAM-MD5", false, false, false, kCorruptions, &make_client, &make_server};
  return info;
}

}  // namespace sah::sasl
