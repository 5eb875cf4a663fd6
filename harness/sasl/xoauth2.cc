// XOAUTH2 (Google and Microsoft documentation): `user=U ^A auth=Bearer T ^A ^A`. On a bad token
// the server sends a Base64 JSON error in a 334, the client answers with an empty line, and the
// exchange fails.
#include <array>
#include <memory>

#include "harness/sasl/mech_util.h"
#include "harness/sasl/mechanisms.h"

namespace sah::sasl {
namespace {

constexpr char kSep = '\x01';
constexpr std::size_t kMaxMessage = 16384;  // LIM-01: 12288-octet lines must be handled
constexpr std::string_view kErrorJson =
    R"({"status":"401","schemes":"bearer","scope":"https://mail.example.com/"})";

constexpr std::array kCorruptions = {
    CorruptionInfo{"bad-token", "a token the server does not know (XO-02)", Why::bad_credentials},
    CorruptionInfo{"other-user", "user= names another account (XO-04 d)", Why::bad_credentials},
    CorruptionInfo{"missing-auth", "no auth= pair", Why::malformed},
    CorruptionInfo{"missing-user", "no user= pair (XO-04 c)", Why::malformed},
    CorruptionInfo{"basic-scheme", "auth=Basic instead of Bearer (XO-04 b)", Why::malformed},
    CorruptionInfo{"missing-final-separator", "no final ^A^A (XO-04 a)", Why::malformed},
    CorruptionInfo{"comma-separators", "',' instead of ^A (XO-04 e)", Why::malformed},
};

class Xoauth2Client final : public detail::ClientFirstMechanism {
 public:
  explicit Xoauth2Client(const ClientOptions& o) : o_(o) {}

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
  Step next(BytesView challenge) override {
    // The only challenge after the message is the error JSON; the answer is an empty response.
    if (++steps_ == 1 && !challenge.empty()) return Step::respond({});
    return Step::fail(Why::bad_server, "XOAUTH2 server sent an unexpected challenge");
  }
  ClientOptions o_;
  int steps_ = 0;
};

class Xoauth2Server final : public ServerMechanism {
 public:
  explicit Xoauth2Server(const ServerOptions& o) : o_(o) {}

  Step start(const std::optional<Bytes>& initial) override {
    if (!initial) {
      state_ = State::want_message;
      return Step::respond({});
    }
    return evaluate(*initial);
  }

  Step step(BytesView response) override {
    switch (state_) {
      case State::want_message: return evaluate(response);
      case State::error_sent:
        state_ = State::finished;
        // The documented answer to the error is an empty line; anything else is junk (XO-03).
        if (!response.empty()) {
          return Step::fail(Why::malformed, "XOAUTH2 response to the error challenge must be empty");
        }
        return detail::credentials_rejected();
      case State::finished: break;
    }
    return Step::fail(Why::malformed, "XOAUTH2 exchange already finished");
  }

  std::string authorized_identity() const override { return identity_; }

 private:
  enum class State { want_message, error_sent, finished };

  Step evaluate(BytesView msg) {
    state_ = State::finished;
    if (msg.size() > kMaxMessage) return Step::fail(Why::malformed, "XOAUTH2 message too long");
    if (msg.size() < 2 || msg.substr(msg.size() - 2) != "\x01\x01") {
      return Step::fail(Why::malformed, "XOAUTH2 message does not end with ^A^A");
    }
    std::optional<BytesView> user;
    std::optional<BytesView> auth;
    std::optional<BytesView> ignored;  // unknown keys are skipped
    BytesView rest = msg.substr(0, msg.size() - 1);  // keep one ^A to end the last pair
    while (!rest.empty()) {
      const std::size_t end = rest.find(kSep);
      const BytesView pair = rest.substr(0, end);
      rest.remove_prefix(end + 1);
      const std::size_t eq = pair.find('=');
      if (eq == BytesView::npos || eq == 0) return Step::fail(Why::malformed, "XOAUTH2 pair is not key=value");
      const BytesView key = pair.substr(0, eq);
      const BytesView value = pair.substr(eq + 1);
      auto& slot = key == "user" ? user : key == "auth" ? auth : ignored;
      if (&slot != &ignored && slot) return Step::fail(Why::malformed, "XOAUTH2 key repeated");
      slot = value;
    }
    if (!user || user->empty()) return Step::fail(Why::malformed, "XOAUTH2 message has no user=");
    if (!auth) return Step::fail(Why::malformed, "XOAUTH2 message has no auth=");
    // RFC 6750 §2.1: "Bearer" SP token (the scheme name is case-insensitive, RFC 7235 §2.1).
    constexpr std::string_view kBearer = "bearer ";
    if (auth->size() <= kBearer.size()) return Step::fail(Why::malformed, "XOAUTH2 auth= is not a bearer token");
    for (std::size_t i = 0; i < kBearer.size(); ++i) {
      char ch = (*auth)[i];
      if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
      if (ch != kBearer[i]) return Step::fail(Why::malformed, "XOAUTH2 auth= is not a bearer token");
    }
    const BytesView token = auth->substr(kBearer.size());
    const Account* account = detail::find_account(o_, *user);
    if (!detail::token_matches(account, token)) {
      // Unknown user and bad token take this same path (SEC-01).
      state_ = State::error_sent;
      return Step::respond(Bytes(kErrorJson));
    }
    identity_ = std::string(*user);
    return Step::done();
  }

  ServerOptions o_;
  State state_ = State::finished;
  std::string identity_;
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
