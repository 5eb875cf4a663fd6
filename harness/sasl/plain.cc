// PLAIN (RFC 4616): one client message, `[authzid] NUL authcid NUL passwd`, UTF-8.
#include <algorithm>
#include <array>
#include <memory>

#include "harness/base/utf8.h"
#include "harness/sasl/mech_util.h"
#include "harness/sasl/mechanisms.h"

namespace sah::sasl {
namespace {

// RFC 4616 §2: servers MUST accept fields up to 255 octets and MAY refuse longer ones.
constexpr std::size_t kMaxField = 255;

constexpr std::array kCorruptions = {
    CorruptionInfo{"wrong-password", "password with one extra character", Why::bad_credentials},
    CorruptionInfo{"wrong-user", "authcid of a user that does not exist", Why::bad_credentials},
    CorruptionInfo{"no-nul", "authcid and password joined without their NUL", Why::malformed},
    CorruptionInfo{"extra-nul", "a third NUL and junk after the password", Why::malformed},
    CorruptionInfo{"authzid-other-user", "authzid names another user", Why::not_authorized},
    CorruptionInfo{"empty-authcid", "authcid left empty", Why::malformed},
    CorruptionInfo{"empty-password", "password left empty", Why::malformed},
    CorruptionInfo{"overlong-field", "password padded to 256 octets", Why::malformed},
    CorruptionInfo{"invalid-utf8", "authcid followed by the octet 0xC0", Why::malformed},
};

class PlainClient final : public detail::ClientFirstMechanism {
 public:
  explicit PlainClient(const ClientOptions& o) : o_(o) {}

 private:
  Bytes first_message() override {
    std::string authzid = o_.authzid;
    std::string authcid = o_.authcid;
    std::string password = o_.password;
    std::string_view sep2 = std::string_view("\0", 1);
    std::string tail;
    const std::string& c = o_.corruption;
    if (c == "wrong-password") password += 'x';
    if (c == "wrong-user") authcid += ".nosuchuser";
    if (c == "no-nul") sep2 = {};
    if (c == "extra-nul") tail = std::string("\0junk", 5);
    if (c == "authzid-other-user") authzid = authcid + ".other";
    if (c == "empty-authcid") authcid.clear();
    if (c == "empty-password") password.clear();
    if (c == "overlong-field") password.resize(std::max<std::size_t>(password.size(), kMaxField + 1), 'x');
    if (c == "invalid-utf8") authcid += '\xC0';
    Bytes m = authzid;
    m += '\0';
    m += authcid;
    m += sep2;
    m += password;
    m += tail;
    return m;
  }
  Step next(BytesView) override {
    return Step::fail(Why::bad_server, "PLAIN has a single message; the server sent another challenge");
  }
  ClientOptions o_;
};

class PlainServer final : public ServerMechanism {
 public:
  explicit PlainServer(const ServerOptions& o) : o_(o) {}

  Step start(const std::optional<Bytes>& initial) override {
    if (!initial) {
      waiting_ = true;
      return Step::respond({});  // RFC 4422 §5 2a: empty challenge, then the message
    }
    return evaluate(*initial);
  }

  Step step(BytesView response) override {
    if (!waiting_) return Step::fail(Why::malformed, "PLAIN exchange already finished");
    waiting_ = false;
    return evaluate(response);
  }

  std::string authorized_identity() const override { return identity_; }

 private:
  Step evaluate(BytesView msg) {
    // RFC 4616 §2: exactly two NULs; a third one is not a terminator (PLAIN-06).
    if (std::count(msg.begin(), msg.end(), '\0') != 2) {
      return Step::fail(Why::malformed, "PLAIN message needs exactly two NUL separators");
    }
    const std::size_t n1 = msg.find('\0');
    const std::size_t n2 = msg.find('\0', n1 + 1);
    const BytesView authzid = msg.substr(0, n1);
    const BytesView authcid = msg.substr(n1 + 1, n2 - n1 - 1);
    const BytesView password = msg.substr(n2 + 1);
    if (authzid.size() > kMaxField || authcid.size() > kMaxField || password.size() > kMaxField) {
      return Step::fail(Why::malformed, "PLAIN field longer than 255 octets");
    }
    // authcid and passwd are 1*SAFE (PLAIN-07); authzid may be absent.
    if (authcid.empty()) return Step::fail(Why::malformed, "PLAIN authcid is empty");
    if (password.empty()) return Step::fail(Why::malformed, "PLAIN password is empty");
    if (!utf8::valid(authzid) || !utf8::valid(authcid) || !utf8::valid(password)) {
      return Step::fail(Why::malformed, "PLAIN field is not valid UTF-8");
    }
    const Account* account = detail::find_account(o_, authcid);
    if (!detail::password_matches(account, password)) return detail::credentials_rejected();
    // RFC 4616 §2: the server checks the credentials may act as authzid. No proxy rights are
    // configured, so only "act as myself" is allowed (PLAIN-02 / PLAIN-03).
    if (!authzid.empty() && authzid != authcid) {
      return Step::fail(Why::not_authorized, "authenticated user may not act as the requested authzid");
    }
    identity_ = std::string(authcid);
    return Step::done();
  }

  ServerOptions o_;
  bool waiting_ = false;
  std::string identity_;
};

std::unique_ptr<ClientMechanism> make_client(const ClientOptions& o) {
  return std::make_unique<PlainClient>(o);
}
std::unique_ptr<ServerMechanism> make_server(const ServerOptions& o) {
  return std::make_unique<PlainServer>(o);
}

}  // namespace

const MechanismInfo& plain_mechanism() {
  static const MechanismInfo info{"PLAIN", true, true, false, kCorruptions, &make_client, &make_server};
  return info;
}

}  // namespace sah::sasl
