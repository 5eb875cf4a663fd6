#include "harness/scenario/probe.h"

#include "harness/codec/secret_mask.h"
#include "harness/net/transcript.h"
#include "harness/scenario/connection.h"

namespace sah::scenario {

namespace {

Observation ehlo(Connection& conn, const std::string& domain, std::chrono::milliseconds timeout) {
  if (auto failed = conn.send("EHLO " + domain + "\r\n", timeout)) return *failed;
  return conn.read_reply(timeout);
}

std::optional<smtp::Capabilities> capabilities_of(const Observation& o) {
  if (o.kind != Observation::Kind::reply || o.reply.code != 250) return std::nullopt;
  auto c = smtp::Capabilities::parse(o.reply);
  if (!c.ok()) return std::nullopt;
  return std::move(c.value());
}

}  // namespace

ProbeResult probe_target(net::Connector& connector, net::TlsMode tls, const std::string& domain,
                         std::chrono::milliseconds timeout) {
  ProbeResult p;
  codec::SecretMasker masker;
  net::Transcript transcript(masker);
  Connection conn(transcript);
  if (!conn.open(connector, timeout, p.error)) return p;
  p.reached = true;
  const Observation greeting = conn.read_reply(timeout);
  if (greeting.kind != Observation::Kind::reply) {
    p.note = "no greeting: " + describe(greeting);
    return p;
  }
  p.greeting = wire_text(greeting.reply);
  Observation reply = ehlo(conn, domain, timeout);
  p.capabilities = capabilities_of(reply);
  if (!p.capabilities) {
    p.note = "EHLO failed: " + describe(reply);
    return p;
  }
  if (tls == net::TlsMode::starttls && !conn.is_tls()) {
    if (!p.capabilities->starttls()) {
      p.note = "STARTTLS is not advertised";
      p.capabilities.reset();
      return p;
    }
    p.capabilities.reset();
    if (auto failed = conn.send("STARTTLS\r\n", timeout)) {
      p.note = "STARTTLS failed: " + describe(*failed);
      return p;
    }
    const Observation r = conn.read_reply(timeout);
    if (r.kind != Observation::Kind::reply || r.reply.code != 220) {
      p.note = "STARTTLS refused: " + describe(r);
      return p;
    }
    const net::Event e = conn.start_tls(timeout);
    if (!e.is_ok()) {
      p.note = "TLS handshake failed: " + (e.what.empty() ? std::string(net::to_string(e.kind)) : e.what);
      return p;
    }
    reply = ehlo(conn, domain, timeout);
    p.capabilities = capabilities_of(reply);
    if (!p.capabilities) p.note = "EHLO after STARTTLS failed: " + describe(reply);
  }
  p.tls = conn.is_tls();
  if (auto failed = conn.send("QUIT\r\n", timeout); !failed) (void)conn.read_reply(timeout);
  conn.close();
  return p;
}

}  // namespace sah::scenario
