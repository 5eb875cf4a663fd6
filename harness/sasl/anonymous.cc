// ANONYMOUS (RFC 4505): one optional trace message (an email address or a token of at most 255
// UTF-8 characters). The client's trace is taken from ClientOptions::authcid.
#include <array>
#include <memory>

#include "harness/base/utf8.h"
#include "harness/sasl/mech_util.h"
#include "harness/sasl/mechanisms.h"

namespace sah::sasl {
namespace {

constexpr std::size_t kMaxTraceChars = 255;   // RFC 4505 §2: 1*255TCHAR
constexpr std::size_t kMaxTraceOctets = 1020;  // 255 characters of at most 4 octets

constexpr std::array kCorruptions = {
    CorruptionInfo{"overlong-trace", "trace of 256 characters (AN-02)", Why::malformed},
    CorruptionInfo{"invalid-utf8", "trace ending in the octet 0xFF", Why::malformed},
    CorruptionInfo{"nul-in-trace", "trace with an embedded NUL", Why::malformed},
};

class AnonymousClient final : public detail::ClientFirstMechanism {
 public:
  explicit AnonymousClient(const ClientOptions& o) : o_(o) {}

 private:
  Bytes first_message() override {
    Bytes trace = o_.authcid;
    const std::string& c = o_.corruption;
    if (c == "overlong-trace") trace.assign(kMaxTraceChars + 1, 't');
    if (c == "invalid-utf8") trace += '\xFF';
    if (c == "nul-in-trace") trace += std::string("\0x", 2);
    return trace;
  }
  Step next(BytesView) override {
    return Step::fail(Why::bad_server, "ANONYMOUS has a single message; the server sent another challenge");
  }
  ClientOptions o_;
};

class AnonymousServer final : public ServerMechanism {
 public:
  explicit AnonymousServer(const ServerOptions&) {}

  Step start(const std::optional<Bytes>& initial) override {
    if (!initial) {
      waiting_ = true;
      return Step::respond({});
    }
    return evaluate(*initial);
  }
  Step step(BytesView response) override {
    if (!waiting_) return Step::fail(Why::malformed, "ANONYMOUS exchange already finished");
    waiting_ = false;
    return evaluate(response);
  }
  std::string authorized_identity() const override { return identity_; }

 private:
  Step evaluate(BytesView trace) {
    // An empty trace is allowed (RFC 4505 §3: `message = [ email / token ]`).
    if (trace.size() > kMaxTraceOctets || !utf8::valid(trace)) {
      return Step::fail(Why::malformed, "ANONYMOUS trace is not UTF-8 of at most 255 characters");
    }
    std::size_t chars = 0;
    for (char c : trace) {
      if (c == '\0') return Step::fail(Why::malformed, "ANONYMOUS trace contains NUL");
      if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++chars;
    }
    if (chars > kMaxTraceChars) {
      return Step::fail(Why::malformed, "ANONYMOUS trace is not UTF-8 of at most 255 characters");
    }
    identity_ = "anonymous";  // the trace is information only, never an identity (RFC 4505 §2)
    return Step::done();
  }
  bool waiting_ = false;
  std::string identity_;
};

std::unique_ptr<ClientMechanism> make_client(const ClientOptions& o) {
  return std::make_unique<AnonymousClient>(o);
}
std::unique_ptr<ServerMechanism> make_server(const ServerOptions& o) {
  return std::make_unique<AnonymousServer>(o);
}

}  // namespace

const MechanismInfo& anonymous_mechanism() {
  static const MechanismInfo info{"ANONYMOUS", true, false, false, kCorruptions, &make_client, &make_server};
  return info;
}

}  // namespace sah::sasl
