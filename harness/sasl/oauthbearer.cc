// OAUTHBEARER (RFC 7628): gs2-header ^A *(key "=" value ^A) ^A, e.g.
// `n,a=user@example.com,^Ahost=server.example.com^Aport=587^Aauth=Bearer T^A^A`.
// On failure the server sends a JSON error (§3.2.2); the client answers ^A (§3.2.3), then fails.
#include <array>
#include <memory>

#include "harness/sasl/mech_util.h"
#include "harness/sasl/mechanisms.h"

namespace sah::sasl {
namespace {

constexpr char kSep = '\x01';
constexpr std::size_t kMaxMessage = 16384;
constexpr std::string_view kErrorJson =
    R"({"status":"invalid_token","scope":"https://mail.example.com/"})";

constexpr std::array kCorruptions = {
    CorruptionInfo{"bad-token", "a token the server does not know (OB-03)", Why::bad_credentials},
    CorruptionInfo{"other-user", "a= names another account (OB-06)", Why::bad_credentials},
    CorruptionInfo{"missing-auth", "no auth= pair", Why::malformed},
    CorruptionInfo{"bad-gs2-header", "gs2 header `n,user=U,` as in RFC 7628 §4.4 (anomaly 5.6)", Why::malformed},
    CorruptionInfo{"channel-binding-p", "gs2 flag p=tls-unique, which OAUTHBEARER does not support", Why::malformed},
    CorruptionInfo{"lone-kvsep", "the message is a single ^A (OB-05)", Why::malformed},
    CorruptionInfo{"missing-final-kvsep", "the closing ^A is left off", Why::malformed},
    CorruptionInfo{"basic-scheme", "auth=Basic instead of Bearer", Why::malformed},
};

// RFC 5801 §4 saslname: "," and "=" are escaped as "=2C" and "=3D".
std::string escape_saslname(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == ',') {
      out += "=2C";
    } else if (c == '=') {
      out += "=3D";
    } else {
      out += c;
    }
  }
  return out;
}

std::optional<std::string> unescape_saslname(BytesView s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == ',') return std::nullopt;
    if (s[i] != '=') {
      out += s[i];
      continue;
    }
    const BytesView esc = s.substr(i + 1, 2);
    if (esc == "2C") {
      out += ',';
    } else if (esc == "3D") {
      out += '=';
    } else {
      return std::nullopt;
    }
    i += 2;
  }
  return out;
}

class OauthBearerClient final : public detail::ClientFirstMechanism {
 public:
  explicit OauthBearerClient(const ClientOptions& o) : o_(o) {}

 private:
  Bytes first_message() override {
    const std::string& c = o_.corruption;
    if (c == "lone-kvsep") return Bytes(1, kSep);
    std::string user = o_.authzid.empty() ? o_.authcid : o_.authzid;
    std::string token = o_.token;
    std::string scheme = "Bearer ";
    if (c == "bad-token") token += "x";
    if (c == "other-user") user += ".other";
    if (c == "basic-scheme") scheme = "Basic ";
    Bytes m;
    if (c == "bad-gs2-header") {
      m = "n,user=" + user + ",";
    } else if (c == "channel-binding-p") {
      m = "p=tls-unique,a=" + escape_saslname(user) + ",";
    } else {
      m = "n,a=" + escape_saslname(user) + ",";
    }
    m += kSep;
    m += "host=" + o_.host + kSep;
    if (o_.port != 0) m += "port=" + std::to_string(o_.port) + kSep;
    if (c != "missing-auth") m += "auth=" + scheme + token + kSep;
    if (c != "missing-final-kvsep") m += kSep;
    return m;
  }
  Step next(BytesView challenge) override {
    // §3.2.3: the client answers the error with a single ^A (it may also abort).
    if (++steps_ == 1 && !challenge.empty()) return Step::respond(Bytes(1, kSep));
    return Step::fail(Why::bad_server, "OAUTHBEARER server sent an unexpected challenge");
  }
  ClientOptions o_;
  int steps_ = 0;
};

class OauthBearerServer final : public ServerMechanism {
 public:
  explicit OauthBearerServer(const ServerOptions& o) : o_(o) {}

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
        if (response != BytesView("\x01", 1)) {
          return Step::fail(Why::malformed, "OAUTHBEARER response to the error must be ^A (RFC 7628 §3.2.3)");
        }
        return detail::credentials_rejected();
      case State::finished: break;
    }
    return Step::fail(Why::malformed, "OAUTHBEARER exchange already finished");
  }

  std::string authorized_identity() const override { return identity_; }

 private:
  enum class State { want_message, error_sent, finished };

  static bool is_key(BytesView k) {
    if (k.empty()) return false;
    for (char c : k) {
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) return false;  // 1*(ALPHA)
    }
    return true;
  }

  Step evaluate(BytesView msg) {
    state_ = State::finished;
    if (msg.size() > kMaxMessage) return Step::fail(Why::malformed, "OAUTHBEARER message too long");
    // gs2-header (RFC 5801 §4, as restricted by RFC 7628 §3.1): ("n" / "y") "," ["a=" saslname] ","
    if (msg.size() < 2 || (msg[0] != 'n' && msg[0] != 'y') || msg[1] != ',') {
      return Step::fail(Why::malformed, "OAUTHBEARER gs2 header must start with n, or y,");
    }
    BytesView rest = msg.substr(2);
    const std::size_t comma = rest.find(',');
    if (comma == BytesView::npos) return Step::fail(Why::malformed, "OAUTHBEARER gs2 header is not closed");
    const BytesView authz_field = rest.substr(0, comma);
    std::optional<std::string> authzid;
    if (!authz_field.empty()) {
      if (authz_field.substr(0, 2) != "a=") return Step::fail(Why::malformed, "OAUTHBEARER gs2 header field is not a=");
      authzid = unescape_saslname(authz_field.substr(2));
      if (!authzid || authzid->empty()) return Step::fail(Why::malformed, "OAUTHBEARER a= is not a valid saslname");
    }
    rest.remove_prefix(comma + 1);
    // kvsep, then pairs each closed by kvsep, then a final kvsep.
    if (rest.size() < 2 || rest[0] != kSep || rest.back() != kSep) {
      return Step::fail(Why::malformed, "OAUTHBEARER message is not framed by ^A");
    }
    rest = rest.substr(1, rest.size() - 2);  // the pairs, each ending with ^A
    std::optional<BytesView> auth;
    std::optional<BytesView> host;
    std::optional<BytesView> port;
    while (!rest.empty()) {
      const std::size_t end = rest.find(kSep);
      if (end == BytesView::npos) return Step::fail(Why::malformed, "OAUTHBEARER pair not closed by ^A");
      const BytesView pair = rest.substr(0, end);
      rest.remove_prefix(end + 1);
      const std::size_t eq = pair.find('=');
      if (eq == BytesView::npos || !is_key(pair.substr(0, eq))) {
        return Step::fail(Why::malformed, "OAUTHBEARER pair is not key=value");
      }
      const BytesView key = pair.substr(0, eq);
      std::optional<BytesView>* slot = key == "auth" ? &auth : key == "host" ? &host : key == "port" ? &port : nullptr;
      if (slot == nullptr) continue;  // §3.1: unknown keys are ignored (OB-02)
      if (*slot) return Step::fail(Why::malformed, "OAUTHBEARER key repeated");
      *slot = pair.substr(eq + 1);
    }
    if (!auth) return Step::fail(Why::malformed, "OAUTHBEARER message has no auth=");
    constexpr std::string_view kBearer = "bearer ";
    if (auth->size() <= kBearer.size()) return Step::fail(Why::malformed, "OAUTHBEARER auth= is not a bearer token");
    for (std::size_t i = 0; i < kBearer.size(); ++i) {
      char ch = (*auth)[i];
      if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
      if (ch != kBearer[i]) return Step::fail(Why::malformed, "OAUTHBEARER auth= is not a bearer token");
    }
    // The token is looked up for the authzid; without one there is nobody to check it for.
    // host/port are not compared: the built-in server has no fixed public name (OB-07 LENIENT).
    const Account* account = authzid ? detail::find_account(o_, *authzid) : nullptr;
    if (!detail::token_matches(account, auth->substr(kBearer.size()))) {
      state_ = State::error_sent;  // same path for unknown user and bad token (SEC-01)
      return Step::respond(Bytes(kErrorJson));
    }
    identity_ = *authzid;
    return Step::done();
  }

  ServerOptions o_;
  State state_ = State::finished;
  std::string identity_;
};

std::unique_ptr<ClientMechanism> make_client(const ClientOptions& o) {
  return std::make_unique<OauthBearerClient>(o);
}
std::unique_ptr<ServerMechanism> make_server(const ServerOptions& o) {
  return std::make_unique<OauthBearerServer>(o);
}

}  // namespace

const MechanismInfo& oauthbearer_mechanism() {
  static const MechanismInfo info{"OAUTHBEARER", true, true, false, kCorruptions, &make_client, &make_server};
  return info;
}

}  // namespace sah::sasl
