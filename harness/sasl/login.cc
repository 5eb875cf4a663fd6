// LOGIN (draft-murchison-sasl-login-00; no RFC): the server prompts for the user name, then the
// password; each answer is one response. No authorization identity, no security layer.
#include <array>
#include <memory>

#include "harness/sasl/mech_util.h"
#include "harness/sasl/mechanisms.h"

namespace sah::sasl {
namespace {

// The prompts deployed servers send (requirements §4.3: "Username:" / "Password:"); the draft's
// own example uses "User Name\0" / "Password\0". Clients ignore the text (LOGIN-01).
constexpr std::string_view kUserPrompt = "Username:";
constexpr std::string_view kPasswordPrompt = "Password:";
// Draft §2: user names are under 64 characters; anything past 255 octets is refused outright
// (LOGIN-05 allows 535 or 501 at either step).
constexpr std::size_t kMaxUser = 255;
constexpr std::size_t kMaxPassword = 255;

constexpr std::array kCorruptions = {
    CorruptionInfo{"wrong-password", "password with one extra character", Why::bad_credentials},
    CorruptionInfo{"wrong-user", "user name that does not exist", Why::bad_credentials},
    CorruptionInfo{"empty-password", "empty password response", Why::bad_credentials},
    CorruptionInfo{"nul-in-password", "password followed by NUL and junk (LOGIN-04)", Why::malformed},
    CorruptionInfo{"overlong-user", "300-octet user name (LOGIN-05)", Why::malformed},
};

class LoginClient final : public ClientMechanism {
 public:
  explicit LoginClient(const ClientOptions& o) : o_(o) {}
  std::optional<Bytes> initial_response() override { return std::nullopt; }  // server-first
  Step step(BytesView) override {
    // The prompt text is not significant (draft §2); only the order is.
    const std::string& c = o_.corruption;
    switch (++steps_) {
      case 1: {
        std::string user = o_.authcid;
        if (c == "wrong-user") user += ".nosuchuser";
        if (c == "overlong-user") user.resize(300, 'u');
        return Step::respond(user);
      }
      case 2: {
        std::string password = o_.password;
        if (c == "wrong-password") password += 'x';
        if (c == "empty-password") password.clear();
        if (c == "nul-in-password") password += std::string("\0junk", 5);
        return Step::respond(password);
      }
      default:
        return Step::fail(Why::bad_server, "LOGIN server sent a third challenge (LOGIN-06)");
    }
  }

 private:
  ClientOptions o_;
  int steps_ = 0;
};

class LoginServer final : public ServerMechanism {
 public:
  explicit LoginServer(const ServerOptions& o) : o_(o) {}

  Step start(const std::optional<Bytes>& initial) override {
    // Practice (SYN-12): an initial response is taken as the user name.
    if (initial) return take_user(*initial);
    state_ = State::want_user;
    return Step::respond(Bytes(kUserPrompt));
  }

  Step step(BytesView response) override {
    switch (state_) {
      case State::want_user: return take_user(response);
      case State::want_password: return take_password(response);
      case State::finished: break;
    }
    return Step::fail(Why::malformed, "LOGIN exchange already finished");
  }

  std::string authorized_identity() const override { return identity_; }

 private:
  enum class State { want_user, want_password, finished };

  Step take_user(BytesView user) {
    if (user.size() > kMaxUser) return finish(Step::fail(Why::malformed, "LOGIN user name too long"));
    if (user.find('\0') != BytesView::npos) {
      return finish(Step::fail(Why::malformed, "LOGIN user name contains NUL"));
    }
    // An unknown user still gets the password prompt (LOGIN-02): no account lookup here.
    user_ = std::string(user);
    state_ = State::want_password;
    return Step::respond(Bytes(kPasswordPrompt));
  }

  Step take_password(BytesView password) {
    if (password.size() > kMaxPassword) {
      return finish(Step::fail(Why::malformed, "LOGIN password too long"));
    }
    // Draft §2: a password never contains NUL; it is not a terminator (LOGIN-04).
    if (password.find('\0') != BytesView::npos) {
      return finish(Step::fail(Why::malformed, "LOGIN password contains NUL"));
    }
    const Account* account = detail::find_account(o_, user_);
    if (password.empty() || !detail::password_matches(account, password)) {
      return finish(detail::credentials_rejected());
    }
    identity_ = user_;
    return finish(Step::done());
  }

  Step finish(Step s) {
    state_ = State::finished;
    return s;
  }

  ServerOptions o_;
  State state_ = State::want_user;
  std::string user_;
  std::string identity_;
};

std::unique_ptr<ClientMechanism> make_client(const ClientOptions& o) {
  return std::make_unique<LoginClient>(o);
}
std::unique_ptr<ServerMechanism> make_server(const ServerOptions& o) {
  return std::make_unique<LoginServer>(o);
}

}  // namespace

const MechanismInfo& login_mechanism() {
  static const MechanismInfo info{"LOGIN", false, true, false, kCorruptions, &make_client, &make_server};
  return info;
}

}  // namespace sah::sasl
