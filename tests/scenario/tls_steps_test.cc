// The interpreter's TLS steps for TLS-10 and TLS-14: `connect` judging a failed implicit TLS
// handshake (RFC 8314 §3.3) and `handshake min= / max=` pinning the versions of one handshake
// (RFC 8314 §4.1, RFC 8996), with scripted transports, then against the in-process server with
// and without its faults.
#include <memory>
#include <optional>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness/net/memory_transport.h"
#include "harness/net/tls_mode.h"
#include "harness/scenario/interpreter.h"
#include "harness/server/config.h"
#include "harness/server/faults.h"
#include "tests/scenario/case_builder.h"
#include "tests/scenario/scripted_transport.h"

namespace sah::scenario {
namespace {

using namespace sah::scenario::testing;
using ::testing::HasSubstr;
using K = Step::Kind;
using AK = Alternative::Kind;
using V = net::TlsVersion;

constexpr const char* kAlert = "the server refused the TLS handshake: tlsv1 alert protocol version";

// An implicit-TLS connector whose server accepts the TCP connection and then fails the
// handshake with `failure` (a close or alert: Event::closed; anything else: Event::error).
class FailingImplicitConnector final : public net::Connector {
 public:
  explicit FailingImplicitConnector(net::Event failure) : failure_(std::move(failure)) {}
  std::unique_ptr<net::Transport> connect(std::chrono::milliseconds, net::Event& error) override {
    ++attempts;
    error = failure_;
    return nullptr;
  }
  std::string describe() const override { return "scripted (implicit)"; }
  int attempts = 0;

 private:
  net::Event failure_;
};

// The scripted transport with version pinning: it records the range of each handshake, and its
// server speaks TLS 1.2 and 1.3 only, refusing a range below them with a protocol_version alert.
class PinningTransport final : public net::Transport, public net::TlsVersionPinning {
 public:
  PinningTransport(std::unique_ptr<net::Transport> inner, std::shared_ptr<std::vector<net::TlsVersionRange>> pins)
      : inner_(std::move(inner)), pins_(std::move(pins)) {}
  void pin_tls_versions(const net::TlsVersionRange& versions) override { pins_->push_back(versions); }
  net::Event send(BytesView data, std::chrono::milliseconds d) override { return inner_->send(data, d); }
  net::Event receive(std::chrono::milliseconds d, std::size_t n) override { return inner_->receive(d, n); }
  net::Event start_tls(std::chrono::milliseconds) override {
    const net::TlsVersionRange offered = pins_->empty() ? net::TlsVersionRange{} : pins_->back();
    if (offered.highest() < V::tls1_2) {
      net::Event closed = net::Event::closed();
      closed.what = kAlert;
      return closed;
    }
    version_ = offered.highest();
    return net::Event::ok();
  }
  bool is_tls() const override { return version_.has_value(); }
  sasl::ChannelBinding channel_binding(std::string_view) const override { return {}; }
  std::string tls_description() const override {
    return version_ ? std::string(net::to_string(*version_)) + " scripted" : std::string();
  }
  void close() override { inner_->close(); }

 private:
  std::unique_ptr<net::Transport> inner_;
  std::shared_ptr<std::vector<net::TlsVersionRange>> pins_;
  std::optional<V> version_;
};

class PinningConnector final : public net::Connector {
 public:
  explicit PinningConnector(std::shared_ptr<Script> s) : inner_(std::move(s)) {}
  std::unique_ptr<net::Transport> connect(std::chrono::milliseconds d, net::Event& error) override {
    auto t = inner_.connect(d, error);
    if (!t) return nullptr;
    return std::make_unique<PinningTransport>(std::move(t), pins);
  }
  std::string describe() const override { return "scripted (pinning)"; }
  std::shared_ptr<std::vector<net::TlsVersionRange>> pins = std::make_shared<std::vector<net::TlsVersionRange>>();

 private:
  ScriptedConnector inner_;
};

net::TlsVersionRange range(std::optional<V> min, std::optional<V> max) {
  net::TlsVersionRange r;
  r.min = min;
  r.max = max;
  return r;
}

Step pinned_handshake(net::TlsVersionRange versions, std::vector<Alternative> expect = {}) {
  Step s = step(K::handshake, std::move(expect));
  s.tls_versions = versions;
  return s;
}

// Whether an entry of kind `kind` in the transcript contains `text`.
bool transcript_has(const CaseResult& r, TranscriptEntry::Kind kind, const std::string& text) {
  for (const auto& e : r.transcript)
    if (e.kind == kind && e.text.find(text) != std::string::npos) return true;
  return false;
}

// ---- connect: a failed implicit handshake ----------------------------------------------------

class ImplicitConnect : public ::testing::Test {
 protected:
  InterpreterOptions options = [] {
    InterpreterOptions o = testing::test_interpreter_options();
    o.tls = net::TlsMode::implicit;
    return o;
  }();
  SeededRandom random{3};

  CaseResult run(net::Event failure, std::vector<Alternative> expect, Severity level = Severity::must) {
    FailingImplicitConnector connector(std::move(failure));
    Case c = make_case({step(K::connect, std::move(expect))});
    c.level = level;
    CaseResult r = run_case(c, connector, options, random);
    attempts = connector.attempts;
    return r;
  }
  static net::Event alert() {
    net::Event e = net::Event::closed();
    e.what = kAlert;
    return e;
  }
  int attempts = 0;
};

TEST_F(ImplicitConnect, HandshakeErrorFailsTheCase) {
  const CaseResult r = run(net::Event::error("TLS handshake failed: wrong version number"),
                           {reply_alt("220", Verdict::pass)});
  EXPECT_EQ(attempts, 1);
  EXPECT_EQ(r.verdict, Verdict::fail) << r.reason;
  EXPECT_EQ(r.severity, Severity::must) << "the case's level";
  EXPECT_THAT(r.reason, HasSubstr("implicit TLS handshake failed (RFC 8314 §3.3)"));
  EXPECT_THAT(r.reason, HasSubstr("wrong version number"));
  EXPECT_TRUE(transcript_has(r, TranscriptEntry::Kind::error,
                             "implicit TLS with scripted (implicit): TLS handshake failed: wrong version number"));
}

TEST_F(ImplicitConnect, FailureTakesTheCaseLevel) {
  const CaseResult r = run(net::Event::error("TLS handshake failed: x"), {reply_alt("220", Verdict::pass)},
                           Severity::should);
  EXPECT_EQ(r.verdict, Verdict::fail);
  EXPECT_EQ(r.severity, Severity::should);
}

TEST_F(ImplicitConnect, ExpectClosedDoesNotExcuseAHandshakeError) {
  // A garbled handshake is not the server ending it: `expect closed` judges only a close/alert.
  const CaseResult r = run(net::Event::error("TLS handshake failed: wrong version number"),
                           {reply_alt("220", Verdict::pass), event_alt(AK::closed, Verdict::pass)});
  EXPECT_EQ(r.verdict, Verdict::fail) << r.reason;
  EXPECT_THAT(r.reason, HasSubstr("wrong version number"));
}

TEST_F(ImplicitConnect, ServerEndingTheHandshakeFailsByDefault) {
  const CaseResult r = run(alert(), {reply_alt("220", Verdict::pass)});
  EXPECT_EQ(r.verdict, Verdict::fail) << r.reason;
  EXPECT_EQ(r.severity, Severity::must);
  EXPECT_THAT(r.reason, HasSubstr("implicit TLS handshake failed (RFC 8314 §3.3): the server ended it: "));
  EXPECT_THAT(r.reason, HasSubstr("protocol version"));
  EXPECT_TRUE(transcript_has(r, TranscriptEntry::Kind::error, "TLS handshake failed: the server ended it (" +
                                                                    std::string(kAlert) + ")"));
}

TEST_F(ImplicitConnect, ServerClosingWithoutAlertFailsByDefault) {
  const CaseResult r = run(net::Event::closed(), {reply_alt("220", Verdict::pass)});
  EXPECT_EQ(r.verdict, Verdict::fail) << r.reason;
  EXPECT_THAT(r.reason, HasSubstr("the server ended it"));
  EXPECT_THAT(r.reason, ::testing::Not(HasSubstr("the server ended it:"))) << "no alert to name";
}

TEST_F(ImplicitConnect, ExpectClosedJudgesAServerThatEndedIt) {
  const struct {
    net::Event failure;
    Alternative closed;
    Verdict want;
    Severity severity;
    const char* why;
  } rows[] = {
      {alert(), event_alt(AK::closed, Verdict::pass), Verdict::pass, Severity::none, "an alert, a close expected"},
      {net::Event::closed(), event_alt(AK::closed, Verdict::pass), Verdict::pass, Severity::none,
       "a bare close, a close expected"},
      {alert(), event_alt(AK::closed, Verdict::fail, Severity::should), Verdict::fail, Severity::should,
       "the expect line's verdict and severity apply"},
      {alert(), event_alt(AK::closed, Verdict::inconclusive), Verdict::inconclusive, Severity::none,
       "inconclusive, as the line says"},
  };
  for (const auto& row : rows) {
    const CaseResult r = run(row.failure, {reply_alt("220", Verdict::pass), row.closed});
    EXPECT_EQ(r.verdict, row.want) << row.why << ": " << r.reason;
    EXPECT_EQ(r.severity, row.severity) << row.why;
    EXPECT_EQ(r.observed, "connection closed") << row.why;
  }
}

TEST_F(ImplicitConnect, RefusedConnectionIsASetUpError) {
  // Not reached at all: no finding about the server, whatever the expect lines say.
  const CaseResult r = run(net::Event::error("cannot connect to 127.0.0.1:465: Connection refused"),
                           {reply_alt("220", Verdict::pass), event_alt(AK::closed, Verdict::pass)});
  EXPECT_EQ(r.verdict, Verdict::error) << r.reason;
  EXPECT_THAT(r.reason, HasSubstr("cannot connect"));
}

TEST_F(ImplicitConnect, StepsAfterAFailedHandshakeSeeTheClose) {
  // The connection is "dead" but open: a later step reads the close, it is not a set-up error.
  FailingImplicitConnector connector(alert());
  const Case c = make_case({step(K::connect, {event_alt(AK::closed, Verdict::pass)}),
                            step(K::closed, {event_alt(AK::closed, Verdict::pass)})});
  const CaseResult r = run_case(c, connector, options, random);
  EXPECT_EQ(r.verdict, Verdict::pass) << r.reason;
  EXPECT_EQ(connector.attempts, 1);
}

// ---- handshake min= / max= ---------------------------------------------------------------

class PinnedHandshake : public ::testing::Test {
 protected:
  std::shared_ptr<Script> script = std::make_shared<Script>();
  InterpreterOptions options = testing::test_interpreter_options();
  SeededRandom random{5};

  // connect, `send-raw STARTTLS` answered by 220, then `handshake`, then `check tls`.
  CaseResult run(net::Connector& connector, Step handshake) {
    script->on_send.push_back(says("220 go ahead\r\n"));
    const Case c = make_case({step(K::connect),
                              send("STARTTLS\\r\\n", {reply_alt("220", Verdict::pass)}, K::send_raw),
                              std::move(handshake),
                              step(K::check, {cond_alt("tls", Verdict::fail), cond_alt("*", Verdict::pass)})});
    return run_case(c, connector, options, random);
  }
};

TEST_F(PinnedHandshake, TheRangeReachesTheTransport) {
  PinningConnector connector(script);
  run(connector, pinned_handshake(range(V::tls1_0, V::tls1_1), {event_alt(AK::closed, Verdict::pass)}));
  ASSERT_EQ(connector.pins->size(), 1u);
  EXPECT_EQ(connector.pins->at(0).min, V::tls1_0);
  EXPECT_EQ(connector.pins->at(0).max, V::tls1_1);
}

TEST_F(PinnedHandshake, UnpinnedHandshakeOffersTheDefault) {
  PinningConnector connector(script);
  script->on_send.push_back(says("220 go ahead\r\n"));
  const Case c = make_case({step(K::connect), send("STARTTLS\\r\\n", {reply_alt("220", Verdict::pass)}, K::send_raw),
                            step(K::handshake)});
  const CaseResult r = run_case(c, connector, options, random);
  EXPECT_EQ(r.verdict, Verdict::pass) << r.reason;
  ASSERT_EQ(connector.pins->size(), 1u);
  EXPECT_FALSE(connector.pins->at(0).pinned());
  EXPECT_TRUE(transcript_has(r, TranscriptEntry::Kind::tls, "TLS established: TLSv1.3 scripted"))
      << "the transcript names the negotiated version";
}

TEST_F(PinnedHandshake, RefusalWithExpectClosedPasses) {
  PinningConnector connector(script);
  const CaseResult r =
      run(connector, pinned_handshake(range({}, V::tls1_1), {event_alt(AK::closed, Verdict::pass)}));
  EXPECT_EQ(r.verdict, Verdict::pass) << r.reason;
  // The transcript names the alert, not only "closed".
  EXPECT_TRUE(transcript_has(r, TranscriptEntry::Kind::tls, kAlert));
}

TEST_F(PinnedHandshake, RefusalWithoutExpectClosedFails) {
  PinningConnector connector(script);
  const CaseResult r = run(connector, pinned_handshake(range({}, V::tls1_1)));
  EXPECT_EQ(r.verdict, Verdict::fail) << r.reason;
  EXPECT_EQ(r.severity, Severity::must);
  EXPECT_THAT(r.reason, HasSubstr(std::string("TLS handshake failed: ") + kAlert));
}

TEST_F(PinnedHandshake, AcceptedVersionIsWhatTheCheckSees) {
  // The pinning server accepts 1.2: the case's `check tls => fail` then decides.
  PinningConnector connector(script);
  const CaseResult r =
      run(connector, pinned_handshake(range(V::tls1_2, V::tls1_2), {event_alt(AK::closed, Verdict::pass)}));
  EXPECT_EQ(r.verdict, Verdict::fail) << r.reason;
  EXPECT_TRUE(transcript_has(r, TranscriptEntry::Kind::tls, "TLS established: TLSv1.2 scripted"));
}

TEST_F(PinnedHandshake, TransportThatCannotPinIsAnError) {
  ScriptedConnector connector(script);  // no TlsVersionPinning
  const CaseResult r =
      run(connector, pinned_handshake(range({}, V::tls1_1), {event_alt(AK::closed, Verdict::pass)}));
  EXPECT_EQ(r.verdict, Verdict::error) << r.reason;
  EXPECT_THAT(r.reason, HasSubstr("cannot pin TLS versions"));
  EXPECT_EQ(script->handshakes, 0) << "no handshake with the wrong versions";
}

// ---- against the in-process server --------------------------------------------------------

server::Config memory_config(std::initializer_list<const char*> faults, bool implicit) {
  server::Config c;
  c.accounts.push_back({"alice", "wonderland", {}});
  c.tls_available = !implicit;
  c.implicit_tls = implicit;
  for (const char* f : faults) c.faults.insert(f);
  return c;
}

void require_fault(const char* name) { ASSERT_NE(server::find_fault(name), nullptr) << "no server fault " << name; }

// scenarios/tls/versions.scn's case, built in C++: a handshake offering only TLS 1.1.
Case tls11_probe() {
  return make_case({step(K::connect), step(K::ehlo_clear),
                    send("STARTTLS", {reply_alt("220", Verdict::pass), reply_alt("*", Verdict::inconclusive)}),
                    pinned_handshake(range(V::tls1_1, V::tls1_1), {event_alt(AK::closed, Verdict::pass)}),
                    step(K::check, {cond_alt("tls", Verdict::fail), cond_alt("*", Verdict::pass)})});
}

TEST(TlsStepsInProcess, Tls11ProbePassesAgainstTheCorrectServer) {
  net::MemoryConnector connector(memory_config({}, false));
  SeededRandom random(1);
  const CaseResult r = run_case(tls11_probe(), connector, testing::test_interpreter_options(), random);
  EXPECT_EQ(r.verdict, Verdict::pass) << r.reason;
  EXPECT_TRUE(transcript_has(r, TranscriptEntry::Kind::tls, "protocol_version")) << "the refusal is in the transcript";
}

TEST(TlsStepsInProcess, Tls11ProbeFailsUnderTheOldVersionsFault) {
  require_fault("tls-accepts-old-versions");
  net::MemoryConnector connector(memory_config({"tls-accepts-old-versions"}, false));
  SeededRandom random(1);
  const CaseResult r = run_case(tls11_probe(), connector, testing::test_interpreter_options(), random);
  EXPECT_EQ(r.verdict, Verdict::fail) << r.reason;
  EXPECT_TRUE(transcript_has(r, TranscriptEntry::Kind::tls, "TLS established: TLSv1.1 (in-process, simulated)"))
      << "the transcript names the negotiated version";
}

// scenarios/tls/implicit.scn's case: the 220 must come inside TLS.
Case implicit_probe() {
  return make_case({step(K::connect, {reply_alt("220", Verdict::pass), reply_alt("*", Verdict::fail)}),
                    step(K::check, {cond_alt("tls", Verdict::pass), cond_alt("*", Verdict::fail)})});
}

TEST(TlsStepsInProcess, ImplicitProbePassesAgainstTheCorrectServer) {
  net::MemoryConnector connector(memory_config({}, true));
  InterpreterOptions options = testing::test_interpreter_options();
  options.tls = net::TlsMode::implicit;
  SeededRandom random(1);
  const CaseResult r = run_case(implicit_probe(), connector, options, random);
  EXPECT_EQ(r.verdict, Verdict::pass) << r.reason;
  EXPECT_TRUE(transcript_has(r, TranscriptEntry::Kind::tls, "TLS established (implicit): TLSv1.3"));
}

TEST(TlsStepsInProcess, ImplicitProbeFailsUnderTheCleartextGreetingFault) {
  require_fault("implicit-tls-cleartext-greeting");
  net::MemoryConnector connector(memory_config({"implicit-tls-cleartext-greeting"}, true));
  InterpreterOptions options = testing::test_interpreter_options();
  options.tls = net::TlsMode::implicit;
  SeededRandom random(1);
  const CaseResult r = run_case(implicit_probe(), connector, options, random);
  EXPECT_EQ(r.verdict, Verdict::fail) << r.reason;
  EXPECT_THAT(r.reason, HasSubstr("implicit TLS handshake failed (RFC 8314 §3.3)"));
  EXPECT_THAT(r.reason, HasSubstr("cleartext"));
}

}  // namespace
}  // namespace sah::scenario
