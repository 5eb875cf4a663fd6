// Runs used by the report tests: a realistic one, and one where the server says the worst
// things it can (every string a server controls carries markup, quotes, NUL, ANSI escapes).
#pragma once

#include <string>

#include "harness/base/results.h"

namespace sah::report::testing {

using namespace std::string_literals;

inline TranscriptEntry entry(TranscriptEntry::Kind k, std::int64_t at_us, std::string text, std::string decoded = {}) {
  TranscriptEntry e;
  e.kind = k;
  e.at_us = at_us;
  e.text = std::move(text);
  e.decoded = std::move(decoded);
  return e;
}

inline CaseResult make_case(std::string id, Verdict v, Severity s = Severity::none, std::string mech = "PLAIN",
                            std::string tag = "auth") {
  CaseResult c;
  c.id = std::move(id);
  c.title = "Case " + c.id;
  c.rfc = {"RFC4954#4"};
  c.requirements = {"B64-02"};
  c.tags = {std::move(tag)};
  c.mechanism = std::move(mech);
  c.verdict = v;
  c.severity = s;
  c.expected = {{"501 5.5.2 *", Verdict::pass, "RFC 4954 section 4: undecodable response"},
                {"535 *", Verdict::non_strict, "rejected, with the wrong code"}};
  c.observed = "501 5.5.2 Cannot decode response";
  c.reason = "matched expectation 1";
  c.duration_ms = 12;
  return c;
}

// A run shaped like a real one against a submission server.
inline RunResult sample_run() {
  using K = TranscriptEntry::Kind;
  RunResult r;
  r.harness_version = "0.1.0";
  r.target = "127.0.0.1:2525 (starttls)";
  r.greeting = "220 mail.example.net ESMTP ready";
  r.mechanisms = {"PLAIN", "LOGIN", "CRAM-MD5", "SCRAM-SHA-256"};
  r.tls = "starttls";
  r.started_at = "2026-11-29T03:40:00Z";
  r.duration_ms = 4210;
  auto pass = make_case("auth.plain.valid", Verdict::pass);
  pass.title = "PLAIN with valid credentials succeeds";
  pass.observed = "235 2.7.0 Authentication successful";
  pass.transcript = {entry(K::server, 0, "220 mail.example.net ESMTP ready\r\n"),
                     entry(K::client, 310, "EHLO harness.example.net\r\n"),
                     entry(K::server, 820, "250-mail.example.net\r\n250-STARTTLS\r\n250 AUTH PLAIN LOGIN\r\n"),
                     entry(K::client, 900, "STARTTLS\r\n"),
                     entry(K::server, 1300, "220 2.0.0 Ready to start TLS\r\n"),
                     entry(K::tls, 9800, "TLSv1.3 TLS_AES_256_GCM_SHA384"),
                     entry(K::client, 10100, "AUTH PLAIN AHVzZXIAKioqKioqKio=\r\n", "\0user\0********"s),
                     entry(K::server, 11900, "235 2.7.0 Authentication successful\r\n")};
  auto critical = make_case("auth.plain.b64.bad-char", Verdict::fail, Severity::critical);
  critical.title = "A non-alphabet character in the initial response is rejected";
  critical.observed = "235 2.7.0 Authentication successful";
  critical.reason = "235 where the response could not be decoded: authentication succeeded where it must not";
  critical.transcript = {
      entry(K::server, 0, "220 mail.example.net ESMTP ready\r\n"), entry(K::client, 250, "EHLO harness.example.net\r\n"),
      entry(K::server, 700, "250-mail.example.net\r\n250-AUTH PLAIN LOGIN CRAM-MD5 SCRAM-SHA-256\r\n250 ENHANCEDSTATUSCODES\r\n"),
      entry(K::note, 800, "initial response with '.' inserted at offset 8 (B64-02)"),
      entry(K::client, 900, "AUTH PLAIN AHVzZXIA.KioqKioqKio=\r\n"),
      entry(K::server, 4100, "235 2.7.0 Authentication successful\r\n"), entry(K::client, 4200, "NOOP\r\n"),
      entry(K::server, 4400, "250 2.0.0 OK\r\n")};
  critical.server_log = {"2026-11-29 03:40:01 auth: PLAIN login user=<user>", "warning: base64 decoder skipped 1 octet"};
  auto must = make_case("auth.cancel.star", Verdict::fail, Severity::must, "LOGIN", "cont");
  must.title = "\"*\" cancels the exchange with 501";
  must.rfc = {"RFC4954#4", "RFC4954#6"};
  must.requirements = {"CONT-02"};
  must.observed = "535 5.7.8 Authentication credentials invalid";
  must.reason = "no expected alternative matched";
  auto ns = make_case("auth.plain.enh-code", Verdict::non_strict, Severity::none, "PLAIN", "rpl");
  ns.title = "Failed PLAIN answers 535 with enhanced code 5.7.8";
  auto skip = make_case("auth.scram.plus", Verdict::skip, Severity::none, "SCRAM-SHA-256-PLUS", "scram");
  skip.title = "SCRAM-SHA-256-PLUS binds the TLS channel";
  skip.reason = "SCRAM-SHA-256-PLUS not advertised";
  auto inc = make_case("auth.login.retry", Verdict::inconclusive, Severity::none, "LOGIN", "cont");
  inc.title = "A new AUTH is accepted after a failed one";
  inc.observed = "454 4.7.0 Temporary authentication failure";
  auto err = make_case("auth.ntlm.type1", Verdict::error, Severity::none, "NTLM", "ntlm");
  err.title = "NTLM negotiate message with out-of-range offsets";
  err.rfc = {"MS-NLMP#3.1.5.1.1"};
  err.reason = "connection refused";
  auto to = make_case("auth.digest.long-realm", Verdict::timeout, Severity::none, "DIGEST-MD5", "digest");
  to.title = "DIGEST-MD5 challenge with a 64 KiB realm";
  auto info = make_case("cap.list", Verdict::info, Severity::none, "", "cap");
  info.title = "AUTH mechanisms advertised after STARTTLS";
  info.rfc = {"draft-murchison-sasl-login#2.1"};
  auto crash = make_case("auth.cram.long-digest", Verdict::crash, Severity::critical, "CRAM-MD5", "cram");
  crash.title = "CRAM-MD5 response with a 4096-octet digest";
  r.cases = {pass, critical, must, ns, skip, inc, err, to, info, crash};
  return r;
}

// Markup a hostile server might send; if any of it ran, it would set the title or add an
// element with this id, which the browser test looks for.
inline constexpr const char* kPwnedId = "pwned-by-server";

inline RunResult hostile_run() {
  using K = TranscriptEntry::Kind;
  RunResult r;
  r.harness_version = "0.1.0";
  r.target = "evil.example:25";
  r.greeting = "220 <script>document.title='PWNED'</script> \"quoted\" 'single'";
  r.mechanisms = {"PLAIN", "<img src=x onerror=\"document.body.appendChild(document.createElement('p')).id='pwned-by-server'\">"};
  r.tls = "none";
  r.started_at = "2026-11-29T03:40:00Z";
  r.duration_ms = 100;
  auto c = make_case("auth.hostile.reply", Verdict::fail, Severity::critical,
                     "<img src=x onerror=\"document.body.appendChild(document.createElement('p')).id='pwned-by-server'\">",
                     "<b>area</b>");
  c.title = "</summary></details><script>document.title='PWNED'</script>";
  c.observed = "535 \"quoted\" 'x' \0 NUL <svg onload=alert(1)>"s;
  c.reason = "reply with \x1b[31mANSI red\x1b[0m and </script><script>alert(1)</script>";
  c.rfc = {"javascript:alert(1)", "RFC4954#4\"><script>alert(1)</script>"};
  c.transcript = {entry(K::server, 0, "220 <script>document.title='PWNED'</script>\r\n"s),
                  entry(K::client, 10, "AUTH PLAIN\r\n"),
                  entry(K::server, 20, "334 \"\0\"<iframe src=javascript:alert(1)>\r\n"s,
                        "<script>alert('decoded')</script>"),
                  entry(K::server, 30, "\xff\xfe bad utf-8 \xc0\x80 \xed\xa0\x80\n")};
  c.server_log = {"\x1b[31mERROR\x1b[0m <script>document.title='PWNED'</script>", "nul\0here"s};
  auto other = make_case("x\"><script>alert(1)</script>", Verdict::pass);
  r.cases = {c, other};
  return r;
}

}  // namespace sah::report::testing
