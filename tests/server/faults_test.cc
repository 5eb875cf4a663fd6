// Every fault switch, shown to change the session's output exactly in the documented way: the
// same conversation runs against the correct server and against the server with one fault, and
// each side must show its own marker and not the other's. A fault without a row fails
// EveryFaultHasARow, so a new switch cannot land untested.
#include "harness/server/faults.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <regex>
#include <set>

#include "harness/sasl/ntlm_messages.h"
#include "tests/server/session_test_helpers.h"
#include "tests/server/tls_fault_drives.h"

namespace sah::server {
namespace {

using namespace testing;

using Drive = std::function<std::string(Rig&)>;
using Setup = std::function<void(Config&)>;

struct FaultRow {
  std::string_view fault;
  Setup setup;           // config changes for both servers (may be empty)
  Drive drive;           // the conversation; returns what the client saw
  std::string correct;   // regex only the correct server's transcript matches
  std::string faulty;    // regex only the faulty server's transcript matches
  std::string_view needs = {};  // a mechanism that must be registered, else the row is skipped
};

const std::string E = "EHLO x\r\n";

Drive script(std::string input) {
  return [input = std::move(input)](Rig& rig) { return transcript(rig, input); };
}

Setup mechs(std::vector<std::string> names) {
  return [names = std::move(names)](Config& c) { c.mechanisms = names; };
}

// DIGEST-MD5 is off by default (RFC 6331; CAP-10): the operator turns it on.
Setup digest_on() {
  return [](Config& c) { c.extra_mechanisms = {"DIGEST-MD5"}; };
}

Setup with_tls() {
  return [](Config& c) { c.tls_available = true; };
}

Setup auth_required() {
  return [](Config& c) { c.require_auth_for_mail = true; };
}

// Greets, EHLO, STARTTLS, handshake, then sends `after`; "|TLS|" marks the handshake.
Drive through_tls(std::string before, std::string after) {
  return [before = std::move(before), after = std::move(after)](Rig& rig) {
    std::string out = transcript(rig, E + before + "STARTTLS\r\n");
    rig.tls();
    out += "|TLS|" + rig.session->take_output();
    out += rig.send(after);
    return out;
  };
}

// A real exchange through the registry's client side, with the right or a wrong secret.
Drive login(std::string mech, bool wrong_secret, std::function<void(sasl::ClientOptions&)> tweak = {}) {
  return [mech = std::move(mech), wrong_secret, tweak = std::move(tweak)](Rig& rig) {
    std::string out = transcript(rig, E);
    const sasl::MechanismInfo* info = sasl::find_mechanism(mech);
    if (info != nullptr && (info->needs_channel_binding || mech == "OAUTHBEARER" || mech.rfind("SCRAM", 0) == 0)) {
      rig.lines({"STARTTLS"});
      rig.tls();
      out += "|TLS|" + rig.lines({"EHLO x"});
    }
    SeededRandom client_random(5);
    sasl::ClientOptions o = alice(rig.config);
    if (info != nullptr && info->needs_channel_binding) o.channel_binding = {"tls-exporter", std::string(32, '\x22')};
    if (wrong_secret) {
      o.password += "x";
      o.token += "x";
    }
    if (tweak) tweak(o);
    out += authenticate(*rig.session, mech, o, client_random);
    const Action a = rig.session->action();
    if (a != Action::none) out += "[" + std::string(action_name(a)) + "]";
    return out;
  };
}

// Two connections with different randomness: are the first challenges of `mech` the same?
Drive challenge_reuse(std::string mech) {
  return [mech = std::move(mech)](Rig& rig) {
    std::string first[2];
    for (int i = 0; i < 2; ++i) {
      Rig r(rig.config, 100 + static_cast<std::uint64_t>(i));
      r.start();
      r.lines({"EHLO x"});
      first[i] = r.lines({"AUTH " + mech});
    }
    if (first[0].rfind("334 ", 0) != 0) return "no challenge: " + first[0];
    return std::string(first[0] == first[1] ? "same" : "different");
  };
}

std::string with_at(std::string s, std::size_t pos, std::string_view insert) { return s.insert(pos, insert); }

std::string url_safe_password() {
  // A password whose PLAIN message encodes with '+' or '/', for B64-08.
  for (int n = 1; n < 40; ++n) {
    const std::string pw = "pw" + std::string(static_cast<std::size_t>(n), '~');
    const std::string ir = plain_ir("", "carol", pw);
    if (ir.find_first_of("+/") != std::string::npos) return pw;
  }
  return "pw";
}

std::string url_safe_ir() {
  std::string ir = plain_ir("", "carol", url_safe_password());
  for (char& c : ir) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return ir;
}

std::string pad_in_middle_ir() {
  // "\0a" (one '=') then "lice\0wonderland" (a full last quantum): per-quantum decoding
  // recovers valid credentials.
  return b64(std::string("\0a", 2)) + b64(std::string("lice\0wonderland", 15));
}

std::string pad_bits_ir() {
  std::string ir = ir_valid();  // "...bmQ=": 'Q' has zero pad bits, 'R' sets one
  ir[ir.size() - 2] = 'R';
  return ir;
}

// LIM-04: AUTH LOGIN, then the I/O layer's idle timer for a minute of silence (it fires when
// the session's idle limit is within the minute), then the client's "*".
Drive idle_in_exchange() {
  return [](Rig& rig) {
    std::string out = transcript(rig, E + "AUTH LOGIN\r\n");
    if (rig.session->idle_limit() <= std::chrono::seconds(60)) rig.session->idle_timeout();
    out += rig.session->take_output();
    if (const Action a = rig.session->action(); a != Action::none) return out + "[" + std::string(action_name(a)) + "]";
    return out + rig.send("*\r\n");
  };
}

// LIM-06: nine earlier connections of the same server abandon an AUTH PLAIN exchange at its
// 334 (the I/O layer reports the drop), then a good login on a new one.
Drive after_abandoned_exchanges() {
  return [](Rig& rig) {
    for (unsigned i = 0; i <= kLeakedExchangesTolerated; ++i) {
      Session earlier(rig.config, rig.random);
      earlier.start();
      earlier.receive("EHLO x\r\nAUTH PLAIN\r\n");
      earlier.connection_lost();
    }
    return transcript(rig, E + "AUTH PLAIN " + ir_valid() + "\r\n");
  };
}

Drive unpadded_probe() {
  return [](Rig& rig) {
    std::string out = transcript(rig, E + "STARTTLS\r\n");
    rig.tls();
    rig.lines({"EHLO x"});
    const std::string bad = b64(std::string("n,a=alice,\x01") + "auth=Bearer nope\x01\x01");
    const std::string line = last_line(rig.lines({"AUTH OAUTHBEARER " + bad}));
    return "payload=" + (line.size() > 4 ? line.substr(4) : line);
  };
}

// Sends `line` after EHLO and shows the decoded payload of the 334 it gets ("challenge=…"), or
// the reply when it is no 334.
Drive first_challenge(std::string line) {
  return [line = std::move(line)](Rig& rig) {
    const std::string reply = last_line(transcript(rig, E + line + "\r\n"));
    if (reply.rfind("334 ", 0) != 0) return "no challenge: " + reply;
    auto decoded = codec::base64_decode(std::string_view(reply).substr(4));
    return decoded ? "challenge=" + decoded.value() : "undecodable: " + reply;
  };
}

// AUTH NTLM with a NEGOTIATE as initial response; is the CHALLENGE_MESSAGE well formed?
Drive ntlm_challenge_probe() {
  return [](Rig& rig) {
    sasl::ntlm::Negotiate n;
    n.flags = 0xE20882B7;  // MS-SMTPNTLM §4.2
    const std::string reply =
        last_line(transcript(rig, E + "AUTH NTLM " + b64(sasl::ntlm::build_negotiate(n)) + "\r\n"));
    if (reply.rfind("334 ", 0) != 0) return "no challenge: " + reply;
    auto decoded = codec::base64_decode(std::string_view(reply).substr(4));
    if (!decoded) return "undecodable: " + reply;
    auto parsed = sasl::ntlm::parse_challenge(decoded.value());
    return std::string(parsed ? "challenge valid" : "challenge invalid: " + std::string(parsed.error().what));
  };
}

const std::string OK235 = "235 2\\.7\\.0 Authentication successful";
const std::string FAIL535 = "535 5\\.7\\.8 Authentication credentials invalid";

std::vector<FaultRow> rows() {
  const std::string IRV = ir_valid();
  const std::string IRB = ir_bad();
  return {
      // Base64
      {"b64-skip-illegal", {}, script(E + "AUTH PLAIN " + with_at(IRV, 8, ".") + "\r\n"), "501 5\\.5\\.2", OK235},
      {"b64-accept-whitespace", {}, script(E + "AUTH PLAIN\r\n" + with_at(IRV, 8, " ") + "\r\n"), "501 5\\.5\\.2", OK235},
      {"b64-accept-url-safe", [](Config& c) { c.accounts.push_back({"carol", url_safe_password(), {}}); },
       script(E + "AUTH PLAIN " + url_safe_ir() + "\r\n"), "501 5\\.5\\.2", OK235},
      {"b64-accept-missing-padding", {}, script(E + "AUTH PLAIN " + IRV.substr(0, IRV.size() - 1) + "\r\n"),
       "501 5\\.5\\.2", OK235},
      {"b64-accept-pad-in-middle", {}, script(E + "AUTH PLAIN " + pad_in_middle_ir() + "\r\n"), "501 5\\.5\\.2", OK235},
      {"b64-accept-impossible-length", {}, script(E + "AUTH PLAIN " + IRV + "A\r\n"), "501 5\\.5\\.2", OK235},
      {"b64-pad-bits-misdecoded", {}, script(E + "AUTH PLAIN " + pad_bits_ir() + "\r\n"), "501 5\\.5\\.2", FAIL535},
      {"b64-wrong-code", {}, script(E + "AUTH PLAIN QUFBQ\r\n"), "501 5\\.5\\.2", FAIL535},
      // continuation and cancel
      {"cancel-wrong-code", {}, script(E + "AUTH PLAIN\r\n*\r\n"), "334 \r\n501 5\\.0\\.0", "334 \r\n" + FAIL535},
      {"cancel-ignored", {}, script(E + "AUTH PLAIN\r\n*\r\n"), "334 \r\n501 5\\.0\\.0", "334 \r\n334 \r\n$"},
      {"empty-response-is-command", {}, script(E + "AUTH LOGIN\r\n\r\n"), "334 VXNlcm5hbWU6\r\n334 UGFzc3dvcmQ6",
       "500 5\\.5\\.2 Empty command"},
      {"commands-in-exchange", {}, script(E + "AUTH LOGIN\r\nNOOP\r\n"), "334 VXNlcm5hbWU6\r\n334 UGFzc3dvcmQ6\r\n$",
       "334 VXNlcm5hbWU6\r\n250 2\\.0\\.0 OK"},
      {"success-data-skipped", mechs({"DIGEST-MD5"}), login("DIGEST-MD5", false),
       "334 cnNwYXV0aD[A-Za-z0-9+/=]+\r\n" + OK235, "334 (?!cnNw)[A-Za-z0-9+/=]+\r\n" + OK235},
      {"success-data-in-235", mechs({"DIGEST-MD5"}), login("DIGEST-MD5", false), "334 cnNwYXV0aD",
       "235 2\\.7\\.0 cnNwYXV0aD"},
      {"extra-challenge-after-final", {}, script(E + "AUTH PLAIN " + IRV + "\r\nNOOP\r\n"),
       OK235 + "\r\n250 2\\.0\\.0 OK\r\n$", "334 \r\n" + OK235 + "\r\n$"},
      {"challenge-not-base64", {}, script(E + "AUTH LOGIN\r\n"), "334 VXNlcm5hbWU6", "334 Username:"},
      {"challenge-unpadded", with_tls(), unpadded_probe(), "^payload=eyJ[A-Za-z0-9+/]+=+$",
       "^payload=eyJ[A-Za-z0-9+/]+$"},
      // AUTH syntax
      {"empty-initial-response-misread", {}, script(E + "AUTH PLAIN =\r\n"), "501 5\\.5\\.2", "334 \r\n$"},
      {"initial-response-ignored", {}, script(E + "AUTH PLAIN " + IRV + "\r\n"), OK235, "334 \r\n$"},
      {"ir-with-server-first-accepted", {}, script(E + "AUTH CRAM-MD5 dGVzdA==\r\n"), "501 5\\.7\\.0", "334 PD"},
      {"trailing-args-ignored", {}, script(E + "AUTH PLAIN " + IRV + " extra\r\n"), "501 5\\.5\\.4", OK235},
      {"space-without-ir-is-empty", {}, script(E + "AUTH PLAIN \r\n"), "501 5\\.5\\.4 Syntax", "501 5\\.5\\.2"},
      {"auth-syntax-lax", {}, script(E + "AUTH PL@IN " + IRV + "\r\n"), "501 5\\.5\\.4 Invalid mechanism name", OK235},
      {"verb-case-sensitive", {}, script("ehlo x\r\nnoop\r\n"), "250 2\\.0\\.0 OK", "500 5\\.5\\.1"},
      {"mech-case-sensitive", {}, script(E + "AUTH plain " + IRV + "\r\n"), OK235, "504 5\\.5\\.4"},
      {"unknown-mech-535", {}, script(E + "AUTH X-NO-SUCH-MECH\r\n"), "504 5\\.5\\.4", FAIL535},
      {"auth-line-limit-too-small", {},
       script(E + "AUTH PLAIN " + plain_ir("", std::string(255, 'u'), std::string(100, 'p')) + "\r\n"), FAIL535,
       "500 5\\.5\\.6"},
      {"invalid-octets-stripped", {}, script(E + std::string("AUTH PL\0AIN ", 12) + IRV + "\r\n"), "500 5\\.5\\.2",
       OK235},
      {"bare-lf-line-end", {}, script("NOOP\n"), "ESMTP\r\n$", "250 2\\.0\\.0 OK"},
      // replies
      {"no-enhanced-codes", {}, script("NOOP\r\n"), "250 2\\.0\\.0 OK", "250 OK"},
      {"enhanced-code-malformed", {}, script("NOOP\r\n"), "250 2\\.0\\.0 OK", "250 2\\.00\\.0 OK"},
      {"wrong-enhanced-code", {}, script(E + "AUTH PLAIN " + IRB + "\r\n"), "535 5\\.7\\.8", "535 5\\.1\\.1"},
      {"auth-success-250", {}, script(E + "AUTH PLAIN " + IRV + "\r\n"), OK235, "250 2\\.7\\.0 Authentication successful"},
      {"undefined-auth-code", {}, script(E + "AUTH PLAIN " + IRB + "\r\n"), "535 5\\.7\\.8", "537 5\\.7\\.8"},
      {"multiline-mixed-codes", {}, script(E), "250 AUTH", "252 AUTH"},
      {"auth-trailing-blank-crash", {}, script(E + "AUTH PLAIN " + IRV + " \r\n"), "\\r\\n5\\d\\d [^\r]*\r\n$",
       "\\[crash\\]$"},
      {"early-lines-dropped", {}, script(E + "NOOP\r\n"), "250 AUTH[^\r]*\r\n250 2\\.0\\.0 OK\r\n$",
       "250 AUTH[^\r]*\r\n$"},
      {"reply-bare-lf", {}, script("NOOP\r\n"), "OK\r\n$", "OK\n$"},
      {"reply-line-over-512", {}, script(E + "AUTH PLAIN " + IRB + "\r\n"), "535 [^\r]{1,506}\r\n$",
       "535 [^\r]{589}[.]{5}\r\n$"},
      {"double-reply", {}, script(E + "AUTH PLAIN " + IRV + "\r\nNOOP\r\n"), "successful\r\n250 2\\.0\\.0 OK\r\n$",
       "successful\r\n250 2\\.0\\.0 OK\r\n250 2\\.0\\.0 OK\r\n$"},
      {"no-reply-to-noop-after-auth", {}, script(E + "AUTH PLAIN " + IRV + "\r\nNOOP\r\n"),
       "successful\r\n250 2\\.0\\.0 OK\r\n$", "successful\r\n$"},
      // capabilities
      {"cleartext-mechs-offered", [](Config& c) { c.offer_plaintext_in_clear = false; },
       script(E + "AUTH PLAIN " + IRV + "\r\n"), "504 5\\.5\\.4", OK235},
      {"advertise-unusable-mech", mechs({"PLAIN", "LOGIN"}), script(E), "250 AUTH PLAIN LOGIN\r\n",
       "250 AUTH PLAIN LOGIN GSSAPI\r\n"},
      {"helo-lists-extensions", {}, script("HELO x\r\n"), "ESMTP\r\n250 harness\\.localhost\r\n$", "250-harness"},
      {"anonymous-offered", {}, script(E + "AUTH ANONYMOUS =\r\n"), "504 5\\.5\\.4", OK235},
      {"external-without-cert", {}, script(E + "AUTH EXTERNAL =\r\n"), "504 5\\.5\\.4", OK235},
      {"offers-digest-md5", {}, script(E + "AUTH DIGEST-MD5\r\n"), "504 5\\.5\\.4", "\r\n334 [A-Za-z0-9+/=]+\r\n$"},
      {"auth-legacy-only", mechs({"PLAIN"}), script(E), "250 AUTH PLAIN\r\n", "250 AUTH=PLAIN\r\n"},
      {"mech-name-invalid", mechs({"PLAIN"}), script(E), "250 AUTH PLAIN\r\n", "250 AUTH PLAIN X\\.OLD-AUTH\r\n"},
      {"mech-names-lower-case", mechs({"PLAIN"}), script(E), "250 AUTH PLAIN\r\n", "250 AUTH plain\r\n"},
      {"plus-offered-in-cleartext", mechs({"SCRAM-SHA-256", "SCRAM-SHA-256-PLUS"}), script(E),
       "250 AUTH SCRAM-SHA-256\r\n", "250 AUTH SCRAM-SHA-256 SCRAM-SHA-256-PLUS\r\n", "SCRAM-SHA-256-PLUS"},
      {"auth-keyword-empty", mechs({"PLAIN"}), script(E), "250 AUTH PLAIN\r\n", "250 AUTH\r\n"},
      {"ehlo-refused-after-auth", {}, script(E + "AUTH PLAIN " + IRV + "\r\nEHLO y\r\n"), "successful\r\n250-harness",
       "503 5\\.5\\.1 Already authenticated"},
      {"mechanism-list-varies", mechs({"PLAIN", "LOGIN"}), script(E), "250 AUTH PLAIN LOGIN\r\n",
       "250 AUTH (PLAIN|LOGIN)\r\n"},
      {"submission-extensions-missing", {}, script(E), "250-PIPELINING\r\n[^|]*250-ENHANCEDSTATUSCODES\r\n",
       "localhost\r\n250-8BITMIME\r\n250-SIZE \\d+\r\n250-CHUNKING\r\n250 AUTH"},
      // state machine
      {"auth-before-ehlo-allowed", {}, script("AUTH PLAIN " + IRV + "\r\n"), "503 5\\.5\\.1 Send EHLO first", OK235},
      {"auth-twice-allowed", {}, script(E + "AUTH PLAIN " + IRV + "\r\nAUTH PLAIN " + IRV + "\r\n"),
       "503 5\\.5\\.1 Already authenticated", "successful\r\n" + OK235},
      {"auth-in-transaction-allowed", {}, script(E + "MAIL FROM:<a@example.net>\r\nAUTH PLAIN " + IRV + "\r\n"),
       "503 5\\.5\\.1 AUTH not permitted", OK235},
      {"ehlo-resets-auth", {},
       script(E + "AUTH PLAIN " + IRV + "\r\nEHLO y\r\nAUTH PLAIN " + plain_ir("", "bob", "builder") + "\r\n"),
       "503 5\\.5\\.1 Already authenticated\r\n$", "250 AUTH[^\r]*\r\n" + OK235 + "\r\n$"},
      {"rset-resets-auth", {}, script(E + "AUTH PLAIN " + IRV + "\r\nRSET\r\nAUTH PLAIN " + IRV + "\r\n"),
       "250 2\\.0\\.0 OK\r\n503 5\\.5\\.1", "250 2\\.0\\.0 OK\r\n" + OK235},
      {"mail-after-failed-auth", auth_required(), script(E + "AUTH PLAIN " + IRB + "\r\nMAIL FROM:<a@example.net>\r\n"),
       "530 5\\.7\\.0", "250 2\\.1\\.0"},
      {"mail-without-auth", auth_required(), script(E + "MAIL FROM:<a@example.net>\r\n"), "530 5\\.7\\.0",
       "250 2\\.1\\.0"},
      {"mail-auth-param-rejected", {}, script(E + "MAIL FROM:<> AUTH=<>\r\n"), "250 2\\.1\\.0", "555 5\\.5\\.4"},
      {"auth-after-transaction-refused", {}, script(E + "MAIL FROM:<a@example.net>\r\nRSET\r\nAUTH PLAIN " + IRV + "\r\n"),
       "250 2\\.0\\.0 OK\r\n" + OK235, "250 2\\.0\\.0 OK\r\n503 5\\.5\\.1 AUTH not permitted"},
      {"auth-param-crash", {}, script(E + "MAIL FROM:<a@example.net> AUTH=a+ZZ@example.com\r\n"),
       "501 5\\.5\\.4 Bad AUTH parameter", "\\[crash\\]$"},
      {"auth-param-line-limit", {}, script(E + "MAIL FROM:<a@example.net> AUTH=" + std::string(600, 'x') + "@example.net\r\n"),
       "250 2\\.1\\.0", "500 5\\.5\\.6"},
      {"pipelined-after-auth-discarded", {}, script(E + "AUTH PLAIN " + IRV + "\r\nNOOP\r\n"),
       OK235 + "\r\n250 2\\.0\\.0 OK\r\n$", OK235 + "\r\n$"},
      // STARTTLS
      {"starttls-injection", with_tls(),
       [](Rig& rig) {
         std::string out = transcript(rig, E + "STARTTLS\r\nNOOP\r\n");
         rig.tls();
         return out + "|TLS|" + rig.session->take_output();
       },
       "\\|TLS\\|$", "\\|TLS\\|250 2\\.0\\.0 OK"},
      {"starttls-no-reset", with_tls(), through_tls("AUTH PLAIN " + IRV + "\r\n", "MAIL FROM:<a@example.net>\r\n"),
       "\\|TLS\\|503 5\\.5\\.1 Send EHLO", "\\|TLS\\|250 2\\.1\\.0"},
      {"starttls-advertised-in-tls", with_tls(), through_tls("", "EHLO x\r\n"),
       "\\|TLS\\|250-harness\\.localhost\r\n250-PIPELINING\r\n250-8BITMIME\r\n250-SIZE \\d+\r\n250-CHUNKING\r\n"
       "250-ENHANCEDSTATUSCODES\r\n250 AUTH",
       "\\|TLS\\|[^|]*250-STARTTLS"},
      {"starttls-parameter-accepted", with_tls(), script(E + "STARTTLS now\r\n"), "501 5\\.5\\.4", "220 2\\.0\\.0"},
      {"starttls-extra-line", with_tls(), script(E + "STARTTLS\r\n"), "Ready to start TLS\r\n\\[start_tls\\]$",
       "Ready to start TLS\r\n250 2\\.0\\.0 OK"},
      {"starttls-unavailable-451", with_tls(), script(E + "STARTTLS\r\n"), "220 2\\.0\\.0", "451 4\\.3\\.0"},
      // implicit TLS and versions: switches of the acceptor (the I/O half), over loopback
      {"implicit-tls-cleartext-greeting", [](Config& c) { c.implicit_tls = true; },
       [](Rig& rig) { return tls_drives::implicit_greeting(rig.config); }, "^cleartext: \\(nothing\\)\\|TLS\\|220 ",
       "^cleartext: 220 [^|]*\\|no TLS\\|$"},
      {"tls-accepts-old-versions", [](Config& c) { c.implicit_tls = true; },
       [](Rig& rig) { return tls_drives::old_version_handshake(rig.config); }, "^refused: ", "^accepted TLSv1"},
      {"starttls-twice-accepted", with_tls(), through_tls("", "EHLO x\r\nSTARTTLS\r\n"),
       "\\|TLS\\|[^|]*503 5\\.5\\.1 TLS already active", "\\|TLS\\|[^|]*220 2\\.0\\.0"},
      // limits and robustness
      {"auth-blank-crash", {}, script(E + "AUTH  PLAIN " + IRV + "\r\n"), "501 5\\.5\\.4", "\\[crash\\]$"},
      {"long-line-crash", {}, script(E + "AUTH PLAIN " + std::string(5000, 'A') + "\r\n"), "501 5\\.5\\.2",
       "\\[crash\\]$"},
      {"bare-lf-crash", {}, script(E + "NOOP\nNOOP\r\n"), "50[01] 5\\.5\\.", "\\[crash\\]$"},
      {"long-line-no-reply", {}, script(E + "AUTH PLAIN\r\n" + std::string(13000, 'A') + "\r\nNOOP\r\n"),
       "500 5\\.5\\.6", "334 \r\n250 2\\.0\\.0 OK\r\n$"},
      {"crash-on-binary-response", {}, script(E + "AUTH PLAIN " + b64(std::string(4096, '\0')) + "\r\n"),
       "501 5\\.5\\.2", "\\[crash\\]$"},
      {"hang-on-malformed", {}, script(E + "AUTH PLAIN =\r\n"), "501 5\\.5\\.2 Malformed", "\\[hang\\]$"},
      {"close-without-reply", {}, script(E + "AUTH PLAIN " + IRB + "\r\n"), FAIL535, "250 AUTH[^\r]*\r\n\\[close\\]$"},
      {"no-failure-limit", {}, script(E + "AUTH PLAIN " + IRB + "\r\nAUTH PLAIN " + IRB + "\r\nAUTH PLAIN " + IRB +
                                      "\r\nNOOP\r\n"),
       "421 4\\.7\\.0", "invalid\r\n250 2\\.0\\.0 OK\r\n$"},
      {"early-disconnect", {}, script(E + "AUTH PLAIN " + IRB + "\r\nNOOP\r\n"), "invalid\r\n250 2\\.0\\.0 OK",
       "invalid\r\n421 4\\.7\\.0"},
      {"idle-timeout-short", {}, idle_in_exchange(), "334 VXNlcm5hbWU6\r\n501 ", "334 VXNlcm5hbWU6\r\n\\[close\\]$"},
      {"abandoned-exchange-leak", {}, after_abandoned_exchanges(), OK235, "454 4\\.7\\.0"},
      // security practice
      {"user-enumeration", {}, script(E + "AUTH PLAIN " + plain_ir("", "nosuchuser", "x") + "\r\n"), FAIL535,
       "535 5\\.7\\.1 No such user"},
      {"password-echo", {}, script(E + "AUTH PLAIN " + IRB + "\r\n"), "invalid\r\n$", "wonderlandx"},
      {"vrfy-enumeration", {}, script("VRFY alice\r\n"), "252 2\\.5\\.0", "250 2\\.1\\.5"},
      {"login-unknown-user-early-reject", {}, script(E + "AUTH LOGIN\r\n" + b64("nosuchuser") + "\r\n"),
       "334 UGFzc3dvcmQ6", "535 5\\.7\\.8 No such user"},
      // mechanisms
      {"accept-any-password", {}, script(E + "AUTH PLAIN " + IRB + "\r\n"), FAIL535, OK235},
      {"authzid-impersonation", {}, script(E + "AUTH PLAIN " + plain_ir("bob", kUser, kPassword) + "\r\n"), FAIL535,
       OK235},
      {"accept-wrong-cram-digest", {}, login("CRAM-MD5", true), FAIL535, OK235},
      {"cram-static-challenge", {}, challenge_reuse("CRAM-MD5"), "^different$", "^same$"},
      {"static-server-nonces", digest_on(), challenge_reuse("DIGEST-MD5"), "^different$", "^same$"},
      {"digest-accept-bad-response", digest_on(), login("DIGEST-MD5", true), FAIL535, OK235},
      {"scram-accept-bad-proof", with_tls(), login("SCRAM-SHA-256", true), "(535 5\\.7\\.8|334 ZT1)", OK235, "SCRAM-SHA-256"},
      {"scram-bad-server-signature", with_tls(), login("SCRAM-SHA-256", false), OK235, "501 5\\.0\\.0", "SCRAM-SHA-256"},
      {"scram-no-downgrade-check", with_tls(),
       login("SCRAM-SHA-256", false,
             [](sasl::ClientOptions& o) {
               // A client able to bind that believes the server cannot: gs2 flag "y" (SCR-06).
               o.channel_binding = {"tls-exporter", std::string(32, '\x22')};
               o.server_supports_plus = false;
             }),
       "(535|501|334 ZT1)", OK235, "SCRAM-SHA-256-PLUS"},
      {"ntlm-accept-bad-proof", {}, login("NTLM", true), FAIL535, OK235, "NTLM"},
      {"ntlm-challenge-no-eol", {}, ntlm_challenge_probe(), "^challenge valid$", "^challenge invalid", "NTLM"},
      {"scram-low-iterations", {}, first_challenge("AUTH SCRAM-SHA-256 " + b64("n,,n=alice,r=abcdefgh")), ",i=4096$",
       ",i=1024$", "SCRAM-SHA-256"},
      {"scram-y-flag-refused",
       [](Config& c) {
         c.tls_available = true;
         c.mechanisms = {"SCRAM-SHA-256"};
       },
       login("SCRAM-SHA-256", false,
             [](sasl::ClientOptions& o) {
               // A client able to bind, facing a server without -PLUS: gs2 flag "y" (SCR-07).
               o.channel_binding = {"tls-exporter", std::string(32, '\x22')};
               o.server_supports_plus = false;
             }),
       OK235, "(535|501|334 ZT1)", "SCRAM-SHA-256"},
      {"scram-extensions-ignored", {}, script(E + "AUTH SCRAM-SHA-256 " + b64("n,,m=ext,n=alice,r=abcdefgh") + "\r\n"),
       "(535|501) 5\\.", "334 cj1h", "SCRAM-SHA-256"},
      {"scram-cb-data-wrong", with_tls(), login("SCRAM-SHA-256-PLUS", false), OK235, "(535 5\\.7\\.8|334 ZT1)",
       "SCRAM-SHA-256-PLUS"},
      {"scram-unknown-attribute-refused", {},
       login("SCRAM-SHA-256", false, [](sasl::ClientOptions& o) { o.corruption = "unknown-attribute"; }), OK235,
       "501 5\\.5\\.2", "SCRAM-SHA-256"},
      {"scram-cb-flag-unchecked", {},
       login("SCRAM-SHA-256", false, [](sasl::ClientOptions& o) { o.corruption = "p-flag-on-bare-mechanism"; }),
       "(535|501) 5\\.", OK235, "SCRAM-SHA-256"},
      {"ntlm-maxlen-checked", {}, login("NTLM", false, [](sasl::ClientOptions& o) { o.corruption = "maxlen-ffff"; }),
       OK235, "501 5\\.5\\.2", "NTLM"},
      {"digest-list-strict", digest_on(), login("DIGEST-MD5", false, [](sasl::ClientOptions& o) { o.corruption = "list-blanks"; }),
       OK235, "501 5\\.5\\.2", "DIGEST-MD5"},
      {"external-challenge-data", [](Config& c) { c.external_identity = "alice"; }, script(E + "AUTH EXTERNAL\r\n"),
       "334 \r\n", "334 aWRlbnRpdHk/"},
      {"bdat-chunk-as-commands", {},
       script(E + "MAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.org>\r\nBDAT 21\r\nAUTH PLAIN aGVsbG8=\r\nNOOP\r\n"),
       "received\r\n250 2\\.0\\.0 OK\r\n$", "received\r\n503 "},
      {"digest-challenge-stale-opaque", digest_on(), first_challenge("AUTH DIGEST-MD5"), "algorithm=md5-sess,charset=utf-8$",
       "stale=true,opaque="},
      {"digest-subsequent-auth-trusted", digest_on(),
       script(E + "AUTH DIGEST-MD5 " +
              b64("username=\"alice\",realm=\"x\",nonce=\"n\",cnonce=\"c\",nc=00000001,qop=auth,"
                  "digest-uri=\"smtp/x\",response=00000000000000000000000000000000") +
              "\r\n"),
       "501 5\\.7\\.0", OK235},
      {"authzid-unsupported", {}, script(E + "AUTH PLAIN " + plain_ir(kUser, kUser, kPassword) + "\r\n"), OK235,
       "501 5\\.5\\.4"},
      {"oauthbearer-unknown-key-refused", with_tls(),
       through_tls("", "EHLO x\r\nAUTH OAUTHBEARER " +
                           b64("n,a=alice,\x01xyz=1\x01" "auth=Bearer tok-alice\x01\x01") + "\r\n"),
       OK235, "501 5\\.5\\.2"},
      // OB-07: the client names another host in host=.
      {"oauthbearer-ignores-host-port", with_tls(),
       login("OAUTHBEARER", false, [](sasl::ClientOptions& o) { o.host = "evil.example"; }), FAIL535, OK235},
      {"anonymous-may-submit",
       [](Config& c) {
         c.mechanisms = {"PLAIN", "ANONYMOUS"};
         c.require_auth_for_mail = true;
       },
       script(E + "AUTH ANONYMOUS =\r\nMAIL FROM:<>\r\n"), "530 5\\.7\\.0", "250 2\\.1\\.0"},
      {"oauth-error-not-json", mechs({"XOAUTH2"}), script(E + "AUTH XOAUTH2 " + b64("user=alice\x01" "auth=Bearer nope\x01\x01") + "\r\n"),
       "334 eyJ", "334 aW52YWxpZCB0b2tlbi"},
  };
}

// Row names in failure messages instead of bytes.
void PrintTo(const FaultRow& row, std::ostream* os) { *os << row.fault; }

std::string param_name(const ::testing::TestParamInfo<FaultRow>& info) {
  std::string n(info.param.fault);
  for (char& c : n) {
    if (c == '-') c = '_';
  }
  return n;
}

class FaultSwitch : public ::testing::TestWithParam<FaultRow> {};

TEST_P(FaultSwitch, DeviatesExactlyAsDocumented) {
  const FaultRow& row = GetParam();
  ASSERT_NE(find_fault(row.fault), nullptr) << "row for a fault that is not in the table";
  if (!row.needs.empty() && sasl::find_mechanism(row.needs) == nullptr) {
    GTEST_SKIP() << row.needs << " is not registered yet";
  }
  Config good = base_config();
  if (row.setup) row.setup(good);
  Config bad = good;
  bad.faults.insert(std::string(row.fault));

  std::string correct_out, faulty_out;
  {
    Rig rig(good);
    correct_out = row.drive(rig);
  }
  {
    Rig rig(bad);
    faulty_out = row.drive(rig);
  }
  const std::regex correct_re(row.correct);
  const std::regex faulty_re(row.faulty);
  EXPECT_TRUE(std::regex_search(correct_out, correct_re)) << "correct server:\n" << correct_out;
  EXPECT_FALSE(std::regex_search(correct_out, faulty_re)) << "correct server:\n" << correct_out;
  EXPECT_TRUE(std::regex_search(faulty_out, faulty_re)) << "with " << row.fault << ":\n" << faulty_out;
  EXPECT_FALSE(std::regex_search(faulty_out, correct_re)) << "with " << row.fault << ":\n" << faulty_out;
}

INSTANTIATE_TEST_SUITE_P(Table, FaultSwitch, ::testing::ValuesIn(rows()), param_name);

TEST(Faults, EveryFaultHasARow) {
  std::set<std::string_view> covered;
  for (const FaultRow& r : rows()) {
    EXPECT_TRUE(covered.insert(r.fault).second) << "two rows for " << r.fault;
  }
  for (const FaultInfo& f : faults()) {
    EXPECT_TRUE(covered.count(f.name)) << "fault without a test row: " << f.name;
  }
}

TEST(Faults, TableIsWellFormed) {
  const std::regex kebab("^[a-z0-9]+(-[a-z0-9]+)*$");
  const std::regex cites(R"((RFC \d+|MS-[A-Z]+|practice)[^()]*\([A-Z0-9]+-\d\d|G\d)");
  std::set<std::string_view> names;
  EXPECT_GE(faults().size(), 45u);
  for (const FaultInfo& f : faults()) {
    const std::string name(f.name);
    EXPECT_TRUE(std::regex_match(name, kebab)) << name;
    EXPECT_TRUE(names.insert(f.name).second) << "duplicate " << name;
    EXPECT_FALSE(f.description.empty()) << name;
    EXPECT_TRUE(std::regex_search(std::string(f.breaks), cites)) << name << ": " << f.breaks;
  }
}

// The session asks for faults by literal name; a typo would make a switch that never fires and
// a table entry nobody consults (curl test1477's idea: code and documentation kept in sync).
TEST(Faults, SessionSourcesAndTableNameTheSameSwitches) {
  const std::filesystem::path dir = std::filesystem::path(SAH_SOURCE_DIR) / "harness" / "server";
  // The session's sources, and the acceptor for the switches of TLS itself (implicit TLS,
  // protocol versions), which only the I/O half can break.
  const std::regex asked(R"re((?:fault|faults\.count)\("([a-z0-9-]+)"\))re");
  std::set<std::string> used;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string file = entry.path().filename().string();
    if ((file.rfind("session", 0) != 0 && file != "acceptor.cc") || entry.path().extension() != ".cc") continue;
    std::ifstream in(entry.path());
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    for (std::sregex_iterator it(text.begin(), text.end(), asked), end; it != end; ++it) used.insert((*it)[1]);
  }
  ASSERT_FALSE(used.empty());
  for (const std::string& name : used) EXPECT_NE(find_fault(name), nullptr) << "session asks for unknown " << name;
  for (const FaultInfo& f : faults()) {
    EXPECT_TRUE(used.count(std::string(f.name))) << "no session code consults " << f.name;
  }
}

TEST(Faults, FindFault) {
  ASSERT_NE(find_fault("b64-skip-illegal"), nullptr);
  EXPECT_EQ(find_fault("b64-skip-illegal")->name, "b64-skip-illegal");
  EXPECT_EQ(find_fault("no-such-fault"), nullptr);
  EXPECT_EQ(find_fault(""), nullptr);
}

TEST(Faults, NoFaultMeansIdenticalToDefault) {
  // An empty fault set and a set with an unrelated entry differ in nothing for the same bytes.
  Config a = base_config();
  Config b = base_config();
  b.faults.insert("vrfy-enumeration");
  Rig ra(a), rb(b);
  const std::string input = E + "AUTH PLAIN " + ir_valid() + "\r\nNOOP\r\nQUIT\r\n";
  EXPECT_EQ(transcript(ra, input), transcript(rb, input));
}

}  // namespace
}  // namespace sah::server
