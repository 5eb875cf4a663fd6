// XOAUTH2 (Google and Microsoft documentation): `user=U ^A auth=Bearer T ^A ^A`. On a bad token
// the server sends a Base64 JSON error in a 334, the client answers with an empty line, and the
// exchange fails.
#include <array>
#include <memory>

#include "harness/sasl/mech_util.h"
#include "harness/sasl/mechanisms.h"
#include "harness/sasl/oauth_common.h"

namespace sah::sasl {
namespace {

using oauth::kMaxMessage;
using oauth::kSep;

// The documented answer to the error is an empty line; anything else is junk (XO-03).
constexpr oauth::ErrorRound kErrorRound{
    "XOAUTH2", R"({"status":"401","schemes":"bearer","scope":"https://mail.example.com/"})", BytesView(),
    "XOAUTH2 response to the error challenge must be empty"};

constexpr std::array kCorruptions = {
    CorruptionInfo{"bad-token", "a token the server does not know (XO-02)", Why::bad_credentials},
    CorruptionInfo{"other-user", "user= names another account (XO-04 d)", Why::bad_credentials},
    CorruptionInfo{"missing-auth", "no auth= pair", Why::malformed},
    CorruptionInfo{"missing-user", "no user= pair (XO-04 c)", Why::malformed},
    CorruptionInfo{"basic-scheme", "auth=Basic instead of Bearer (XO-04 b)", Why::malformed},
    CorruptionInfo{"missing-final-separator", "no final ^A^A (XO-04 a)", Why::malformed},
    CorruptionInfo{"comma-separators", "',' instead of ^A (XO-04 e)", Why::malformed},
};

class Xoauth2Client final : public oauth::BearerClient {
 public:
  explicit Xoauth2Client(const ClientOptions& o) : BearerClient(kErrorRound), o_(o) {}

 private:
  Bytes first_message() override {
    const std::string& c = o_.corruption;
    std::string user = o_.authcid;
    std::string token = o_.token;
    std::string scheme = "Bearer ";
    if (c == "bad-token") token += "x";
    if (c == "other-user") user += ".other";
    if (c == "basic-scheme") scheme = "Basic ";
    const char sep = c == "comma-separators" ? ',' : kSep;
    Bytes m;
    if (c != "missing-user") m += "user=" + user + sep;
    if (c != "missing-auth") m += "auth=" + scheme + token + sep;
    if (c != "missing-final-separator") m += sep;
    if (c == "missing-final-separator" && !m.empty()) m.pop_back();
    return m;
  }
  ClientOptions o_;
};

class Xoauth2Server final : public oauth::BearerServer {
 public:
  explicit Xoauth2Server(const ServerOptions& o) : BearerServer(kErrorRound), o_(o) {}

 private:
  Step evaluate(BytesView msg) override {
    if (msg.size() > kMaxMessage) return Step::fail(Why::malformed, "XOAUTH2 message too long");
    if (msg.size() < 2 || msg.substr(msg.size() - 2) != "\x01\x01") {
      return Step::fail(Why::malformed, "XOAUTH2 message does not end with ^A^A");
    }
    // Unknown keys are skipped.
    constexpr std::array<std::string_view, 2> kKeys = {"user", "auth"};
    std::array<std::optional<BytesView>, 2> values;
    const BytesView pairs = msg.substr(0, msg.size() - 1);  // keep one ^A to end the last pair
    if (const auto e = oauth::read_pairs(pairs, oauth::KeySyntax::any, kKeys, values)) {
      return Step::fail(Why::malformed, oauth::describe("XOAUTH2", *e));
    }
    const auto& [user, auth] = values;
    if (!user || user->empty()) return Step::fail(Why::malformed, "XOAUTH2 message has no user=");
    if (!auth) return Step::fail(Why::malformed, "XOAUTH2 message has no auth=");
    const std::optional<BytesView> token = oauth::bearer_token(*auth);
    if (!token) return Step::fail(Why::malformed, "XOAUTH2 auth= is not a bearer token");
    const Account* account = detail::find_account(o_, *user);
    // Unknown user and bad token take this same path (SEC-01).
    if (!detail::token_matches(account, *token)) return refuse();
    return accept(std::string(*user));
  }

  ServerOptions o_;
};

std::unique_ptr<ClientMechanism> make_client(const ClientOptions& o) {
  return std::make_unique<Xoauth2Client>(o);
}
std::unique_ptr<ServerMechanism> make_server(const ServerOptions& o) {
  return std::make_unique<Xoauth2Server>(o);
}

}  // namespace

const MechanismInfo& xoauth2_mechanism() {
  static const MechanismInfo info{"XOAUTH2", true, true, false, kCorruptions, &make_client, &make_server};
  return info;
}

}  // namespace sah::sasl
