// EXTERNAL (RFC 4422 Appendix A): the identity comes from outside SASL (a TLS client
// certificate); the single message is the requested authorization identity, possibly empty.
#include <array>
#include <memory>

#include "harness/base/utf8.h"
#include "harness/sasl/mech_util.h"
#include "harness/sasl/mechanisms.h"

namespace sah::sasl {
namespace {

constexpr std::size_t kMaxAuthzid = 1024;

constexpr std::array kCorruptions = {
    CorruptionInfo{"other-authzid", "authzid of another identity (EX-04)", Why::not_authorized},
    CorruptionInfo{"nul-in-authzid", "authzid with an embedded NUL (EX-05)", Why::malformed},
    CorruptionInfo{"invalid-utf8", "authzid ending in the octet 0xFF", Why::malformed},
};

class ExternalClient final : public detail::ClientFirstMechanism {
 public:
  explicit ExternalClient(const ClientOptions& o) : o_(o) {}

 private:
  Bytes first_message() override {
    Bytes authzid = o_.authzid;
    const std::string& c = o_.corruption;
    if (c == "other-authzid") authzid += ".other";
    if (c == "nul-in-authzid") authzid += std::string("\0x", 2);
    if (c == "invalid-utf8") authzid += '\xFF';
    return authzid;
  }
  Step next(BytesView) override {
    return Step::fail(Why::bad_server, "EXTERNAL has a single message; the server sent another challenge (EX-06)");
  }
  ClientOptions o_;
};

class ExternalServer final : public ServerMechanism {
 public:
  explicit ExternalServer(const ServerOptions& o) : o_(o) {}

  Step start(const std::optional<Bytes>& initial) override {
    if (!initial) {
      waiting_ = true;
      return Step::respond({});  // App. A.1: an empty challenge (EX-01)
    }
    return evaluate(*initial);
  }
  Step step(BytesView response) override {
    if (!waiting_) return Step::fail(Why::malformed, "EXTERNAL exchange already finished");
    waiting_ = false;
    return evaluate(response);
  }
  std::string authorized_identity() const override { return identity_; }

 private:
  Step evaluate(BytesView authzid) {
    if (authzid.size() > kMaxAuthzid) return Step::fail(Why::malformed, "EXTERNAL authzid too long");
    // App. A.1: authz-id-string is UTF-8 without NUL (EX-05).
    if (authzid.find('\0') != BytesView::npos || !utf8::valid(authzid)) {
      return Step::fail(Why::malformed, "EXTERNAL authzid is not UTF-8 without NUL");
    }
    if (!o_.external_identity_present) {
      return Step::fail(Why::bad_credentials, "no external credentials (EX-03)");
    }
    if (!authzid.empty() && authzid != o_.external_identity) {
      return Step::fail(Why::not_authorized, "external identity may not act as the requested authzid");
    }
    identity_ = o_.external_identity;
    return Step::done();
  }
  ServerOptions o_;
  bool waiting_ = false;
  std::string identity_;
};

std::unique_ptr<ClientMechanism> make_client(const ClientOptions& o) {
  return std::make_unique<ExternalClient>(o);
}
std::unique_ptr<ServerMechanism> make_server(const ServerOptions& o) {
  return std::make_unique<ExternalServer>(o);
}

}  // namespace

const MechanismInfo& external_mechanism() {
  static const MechanismInfo info{"EXTERNAL", true, false, false, kCorruptions, &make_client, &make_server};
  return info;
}

}  // namespace sah::sasl
