// OAUTHBEARER (RFC 7628): gs2-header ^A *(key "=" value ^A) ^A, e.g.
// `n,a=user@example.com,^Ahost=server.example.com^Aport=587^Aauth=Bearer T^A^A`.
// On failure the server sends a JSON error (§3.2.2); the client answers ^A (§3.2.3), then fails.
#include <array>
#include <memory>

#include "harness/sasl/mech_util.h"
#include "harness/sasl/mechanisms.h"
#include "harness/sasl/oauth_common.h"
#include "harness/sasl/saslname.h"

namespace sah::sasl {
namespace {

using oauth::kMaxMessage;
using oauth::kSep;

// §3.2.2: the server's error is a JSON object; §3.2.3: the client answers it with a single ^A.
constexpr oauth::ErrorRound kErrorRound{
    "OAUTHBEARER", R"({"status":"invalid_token","scope":"https://mail.example.com/"})", BytesView("\x01", 1),
    "OAUTHBEARER response to the error must be ^A (RFC 7628 §3.2.3)"};

constexpr std::array kCorruptions = {
    CorruptionInfo{"bad-token", "a token the server does not know (OB-03)", Why::bad_credentials},
    CorruptionInfo{"other-user", "a= names another account (OB-06)", Why::bad_credentials},
    CorruptionInfo{"missing-auth", "no auth= pair", Why::malformed},
    CorruptionInfo{"bad-gs2-header", "gs2 header `n,user=U,` as in RFC 7628 §4.4 (anomaly 5.6)", Why::malformed},
    CorruptionInfo{"channel-binding-p", "gs2 flag p=tls-unique, which OAUTHBEARER does not support", Why::malformed},
    CorruptionInfo{"lone-kvsep", "the message is a single ^A (OB-05)", Why::malformed},
    CorruptionInfo{"missing-final-kvsep", "the closing ^A is left off", Why::malformed},
    CorruptionInfo{"basic-scheme", "auth=Basic instead of Bearer", Why::malformed},
    CorruptionInfo{"wrong-host", "host=evil.example, not the server the client connected to (OB-07)",
                   Why::bad_credentials},
    CorruptionInfo{"wrong-port", "port=9, not the port the client connected to (OB-07)", Why::bad_credentials},
};

// What the wrong-host and wrong-port corruptions name instead of the server (OB-07): a name
// under the reserved .example TLD (RFC 2606 §2) and the discard port.
constexpr std::string_view kWrongHost = "evil.example";
constexpr unsigned kWrongPort = 9;

bool iequals_ascii(BytesView a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lo = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lo(a[i]) != lo(b[i])) return false;
  }
  return true;
}

class OauthBearerClient final : public oauth::BearerClient {
 public:
  explicit OauthBearerClient(const ClientOptions& o) : BearerClient(kErrorRound), o_(o) {}

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
      m = "p=tls-unique,a=" + saslname::escape(user) + ",";
    } else {
      m = "n,a=" + saslname::escape(user) + ",";
    }
    m += kSep;
    m += "host=" + (c == "wrong-host" ? std::string(kWrongHost) : o_.host) + kSep;
    if (c == "wrong-port") m += "port=" + std::to_string(kWrongPort) + kSep;
    else if (o_.port != 0) m += "port=" + std::to_string(o_.port) + kSep;
    if (c != "missing-auth") m += "auth=" + scheme + token + kSep;
    if (c != "missing-final-kvsep") m += kSep;
    return m;
  }
  ClientOptions o_;
};

class OauthBearerServer final : public oauth::BearerServer {
 public:
  explicit OauthBearerServer(const ServerOptions& o) : BearerServer(kErrorRound), o_(o) {}

 private:
  Step evaluate(BytesView msg) override {
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
      auto name = saslname::unescape(authz_field.substr(2));
      if (!name) return Step::fail(Why::malformed, "OAUTHBEARER a= is not a valid saslname");
      authzid = std::move(name).value();
    }
    rest.remove_prefix(comma + 1);
    // kvsep, then pairs each closed by kvsep, then a final kvsep.
    if (rest.size() < 2 || rest[0] != kSep || rest.back() != kSep) {
      return Step::fail(Why::malformed, "OAUTHBEARER message is not framed by ^A");
    }
    rest = rest.substr(1, rest.size() - 2);  // the pairs, each ending with ^A
    // auth is required; host and port, when sent, must name this server (below).
    constexpr std::array<std::string_view, 3> kKeys = {"auth", "host", "port"};
    std::array<std::optional<BytesView>, 3> values;
    if (const auto e = oauth::read_pairs(rest, oauth::KeySyntax::alpha, kKeys, values)) {
      return Step::fail(Why::malformed, oauth::describe("OAUTHBEARER", *e));
    }
    const std::optional<BytesView>& auth = values[0];
    if (!auth) return Step::fail(Why::malformed, "OAUTHBEARER message has no auth=");
    const std::optional<BytesView> token = oauth::bearer_token(*auth);
    if (!token) return Step::fail(Why::malformed, "OAUTHBEARER auth= is not a bearer token");
    // The token is looked up for the authzid; without one there is nobody to check it for.
    const Account* account = authzid ? detail::find_account(o_, *authzid) : nullptr;
    if (!detail::token_matches(account, *token)) return refuse();  // unknown user or bad token (SEC-01)
    // RFC 7628 §3.2: host and port must match what the server knows of itself (OB-07): a token
    // presented to another server is refused like a bad one. Host names compare without case
    // (RFC 4343 §2); an unknown port (0) is not compared.
    if (!o_.oauth_host_port_unchecked) {
      if (values[1] && !iequals_ascii(*values[1], o_.host)) return refuse();
      if (values[2] && o_.port != 0 && *values[2] != std::to_string(o_.port)) return refuse();
    }
    return accept(*authzid);
  }

  ServerOptions o_;
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
