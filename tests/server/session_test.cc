// The built-in server session, driven with byte strings: every command path, every reply code
// of the AUTH table (catalogue §6.1), pipelining, limits, and the state machine.
#include "harness/server/session.h"

#include <gtest/gtest.h>

#include <regex>

#include "harness/server/faults.h"
#include "tests/server/session_test_helpers.h"

namespace sah::server {
namespace {

using namespace testing;

Config three_mechs() {
  Config c = base_config();
  c.mechanisms = {"PLAIN", "LOGIN", "CRAM-MD5"};
  return c;
}

TEST(Session, GreetingNamesHostAndEsmtp) {
  Rig rig;
  EXPECT_EQ(rig.start(), "220 harness.localhost ESMTP\r\n");
  EXPECT_EQ(rig.session->action(), Action::none);
}

TEST(Session, EhloListsExtensionsInCleartext) {
  Rig rig(three_mechs());
  rig.start();
  converse(*rig.session, R"(
    C: EHLO client.example
    S: 250-harness.localhost
    S: 250-PIPELINING
    S: 250-8BITMIME
    S: 250-SIZE 10485760
    S: 250-CHUNKING
    S: 250-ENHANCEDSTATUSCODES
    S: 250 AUTH PLAIN LOGIN CRAM-MD5
  )");
}

TEST(Session, EhloAdvertisesStarttlsWhenAvailable) {
  Config c = three_mechs();
  c.tls_available = true;
  Rig rig(c);
  rig.start();
  const std::string out = rig.lines({"EHLO x"});
  EXPECT_NE(out.find("250-STARTTLS\r\n"), std::string::npos) << out;
}

TEST(Session, HeloHasNoExtensionList) {
  Rig rig;
  rig.start();
  converse(*rig.session, R"(
    C: HELO client.example
    S: 250 harness.localhost
  )");
}

TEST(Session, EhloAndHeloNeedAnArgument) {
  Rig rig;
  rig.start();
  converse(*rig.session, R"(
    C: EHLO
    S: 501 5.5.4 Syntax: EHLO hostname
    C: HELO
    S: 501 5.5.4 Syntax: HELO hostname
  )");
}

TEST(Session, NoopRsetVrfyHelpExpn) {
  Rig rig;
  rig.start();
  converse(*rig.session, R"(
    C: NOOP
    S: 250 2.0.0 OK
    C: NOOP anything
    S: 250 2.0.0 OK
    C: RSET
    S: 250 2.0.0 OK
    C: RSET now
    S: 501 5.5.4 RSET takes no parameters
    C: VRFY alice
    S: 252 2.5.0 Cannot VRFY user, but will accept message and attempt delivery
    C: VRFY nosuchuser
    S: 252 2.5.0 Cannot VRFY user, but will accept message and attempt delivery
    C: VRFY
    S: 501 5.5.4 Syntax: VRFY address
    C: EXPN list
    S: 502 5.5.1 EXPN not implemented
    C: HELP
    S: 214 2.0.0 See RFC 5321 and RFC 4954
  )");
}

TEST(Session, QuitReplies221AndCloses) {
  Rig rig;
  rig.start();
  EXPECT_EQ(rig.lines({"QUIT", "NOOP"}), "221 2.0.0 harness.localhost closing connection\r\n");
  EXPECT_EQ(rig.session->action(), Action::close);
  EXPECT_EQ(rig.send("NOOP\r\n"), "");
}

TEST(Session, ConnectionLostEndsTheSessionQuietly) {
  // RFC 5321 §4.1.1.5 (LIM-06): a dropped connection is treated like QUIT, with no reply; in
  // the middle of an exchange too, and the session then ignores anything more.
  for (const char* before : {"EHLO x\r\n", "EHLO x\r\nAUTH PLAIN\r\n", "EHLO x\r\nMAIL FROM:<a@example.org>\r\n"}) {
    Rig rig;
    rig.start();
    rig.send(before);
    rig.session->connection_lost();
    EXPECT_EQ(rig.session->take_output(), "") << before;
    EXPECT_EQ(rig.session->action(), Action::close) << before;
    EXPECT_EQ(rig.send("NOOP\r\n"), "") << before;
  }
}

TEST(Session, UnknownCommandIs500) {
  Rig rig;
  rig.start();
  converse(*rig.session, R"(
    C: FROB
    S: 500 5.5.1 Command unrecognized
    C: 123
    S: 500 5.5.1 Command unrecognized
  )");
}

TEST(Session, AuthPlainWithInitialResponse) {
  Rig rig;
  rig.start();
  rig.lines({"EHLO x"});
  EXPECT_EQ(rig.lines({"AUTH PLAIN " + ir_valid()}), "235 2.7.0 Authentication successful\r\n");
  EXPECT_TRUE(rig.session->authenticated());
  EXPECT_EQ(rig.session->authorized_identity(), "alice");
}

TEST(Session, AuthPlainWithoutInitialResponseGetsEmptyChallenge) {
  Rig rig;
  rig.start();
  rig.lines({"EHLO x"});
  EXPECT_EQ(rig.lines({"AUTH PLAIN"}), "334 \r\n");  // SYN-10: "334" SP, no data
  EXPECT_EQ(rig.lines({ir_valid()}), "235 2.7.0 Authentication successful\r\n");
}

TEST(Session, VerbAndMechanismAreCaseInsensitive) {
  Rig rig;
  rig.start();
  rig.lines({"ehlo x"});
  EXPECT_EQ(rig.lines({"auth pLaIn " + ir_valid()}), "235 2.7.0 Authentication successful\r\n");
}

TEST(Session, UnknownUserAndWrongPasswordGetTheSameReply) {
  Rig a, b;
  a.start();
  b.start();
  a.lines({"EHLO x"});
  b.lines({"EHLO x"});
  const std::string wrong_password = a.lines({"AUTH PLAIN " + ir_bad()});
  const std::string unknown_user = b.lines({"AUTH PLAIN " + plain_ir("", "nosuchuser", std::string(kPassword) + "x")});
  EXPECT_EQ(wrong_password, "535 5.7.8 Authentication credentials invalid\r\n");
  EXPECT_EQ(unknown_user, wrong_password);
}

TEST(Session, AuthBeforeEhloOrAfterHeloIs503) {
  Rig rig;
  rig.start();
  EXPECT_EQ(rig.lines({"AUTH PLAIN " + ir_valid()}), "503 5.5.1 Send EHLO first\r\n");
  rig.lines({"HELO x"});
  EXPECT_EQ(rig.lines({"AUTH PLAIN " + ir_valid()}), "503 5.5.1 Send EHLO first\r\n");
  EXPECT_FALSE(rig.session->authenticated());
}

TEST(Session, SecondAuthIs503EvenAfterEhloAndRset) {
  Rig rig;
  rig.start();
  rig.lines({"EHLO x", "AUTH PLAIN " + ir_valid()});
  const std::string bob = plain_ir("", "bob", "builder");
  EXPECT_EQ(rig.lines({"AUTH PLAIN " + bob}), "503 5.5.1 Already authenticated\r\n");
  EXPECT_EQ(rig.lines({"EHLO again"}).substr(0, 4), "250-");
  EXPECT_EQ(rig.lines({"AUTH PLAIN " + bob}), "503 5.5.1 Already authenticated\r\n");
  EXPECT_EQ(rig.lines({"RSET", "AUTH LOGIN"}), "250 2.0.0 OK\r\n503 5.5.1 Already authenticated\r\n");
  EXPECT_EQ(rig.session->authorized_identity(), "alice");
}

TEST(Session, AuthInsideMailTransactionIs503ThenAllowedAfterRset) {
  Rig rig;
  rig.start();
  rig.lines({"EHLO x"});
  converse(*rig.session, R"(
    C: MAIL FROM:<s@example.net>
    S: 250 2.1.0 OK
    C: AUTH PLAIN
    S: 503 5.5.1 AUTH not permitted during a mail transaction
    C: RCPT TO:<r@example.net>
    S: 250 2.1.5 OK
    C: AUTH LOGIN
    S: 503 5.5.1 AUTH not permitted during a mail transaction
    C: RSET
    S: 250 2.0.0 OK
  )");
  EXPECT_EQ(rig.lines({"AUTH PLAIN " + ir_valid()}), "235 2.7.0 Authentication successful\r\n");
}

TEST(Session, AuthSyntaxErrors) {
  Rig rig;
  rig.start();
  rig.lines({"EHLO x"});
  // Rows: SYN-03 (no mechanism), SYN-04 (unknown), SYN-05 (bad names), SYN-06 (extra word),
  // SYN-07 (two spaces, TAB), SYN-08 (trailing space), SYN-17 (space, nothing after).
  converse(*rig.session, R"(
    C: AUTH
    S: 501 5.5.4 Syntax: AUTH mechanism [initial-response]
    C: AUTH X-NO-SUCH-MECH
    S: 504 5.5.4 Unrecognized authentication type
    C: AUTH PL@IN
    S: 501 5.5.4 Invalid mechanism name
    C: AUTH AAAAAAAAAAAAAAAAAAAAA
    S: 501 5.5.4 Invalid mechanism name
    C: AUTH PLAIN dGVzdA== extra
    S: 501 5.5.4 Syntax: AUTH mechanism [initial-response]
    C: AUTH  PLAIN dGVzdA==
    S: 501 5.5.4 Syntax: AUTH mechanism [initial-response]
    C: AUTH	PLAIN
    S: 501 5.5.4 Syntax error in parameters
    C: AUTH PLAIN dGVzdA== 
    S: 501 5.5.4 Syntax: AUTH mechanism [initial-response]
    C: AUTH PLAIN 
    S: 501 5.5.4 Syntax: AUTH mechanism [initial-response]
  )");
  EXPECT_FALSE(rig.session->authenticated());
}

TEST(Session, EqualsIsAnEmptyInitialResponseAndStarIsBadBase64) {
  Rig rig;
  rig.start();
  rig.lines({"EHLO x"});
  // SYN-09: "=" is present-but-empty, and PLAIN cannot be empty; CONT-04: "*" is not a cancel.
  EXPECT_EQ(rig.lines({"AUTH PLAIN ="}), "501 5.5.2 Malformed authentication data\r\n");
  EXPECT_EQ(rig.lines({"AUTH PLAIN *"}), "501 5.5.2 Invalid Base64 data\r\n");
}

struct BadBase64 {
  const char* text;
  const char* reason;
};

class SessionBase64 : public ::testing::TestWithParam<BadBase64> {};

TEST_P(SessionBase64, InitialAndLaterResponsesAre501_552) {
  const std::string text = GetParam().text;
  Rig rig;
  rig.start();
  rig.lines({"EHLO x"});
  // On the AUTH line a SP splits the argument (then 501 5.5.4 for the extra word); either way 501.
  const std::string ir_reply = rig.lines({"AUTH PLAIN " + text});
  if (text.find(' ') == std::string::npos) {
    EXPECT_EQ(ir_reply, "501 5.5.2 Invalid Base64 data\r\n") << GetParam().reason;
  } else {
    EXPECT_EQ(ir_reply.substr(0, 4), "501 ") << GetParam().reason;
  }
  EXPECT_EQ(rig.lines({"AUTH PLAIN", text}), "334 \r\n501 5.5.2 Invalid Base64 data\r\n") << GetParam().reason;
  EXPECT_EQ(rig.lines({"NOOP"}), "250 2.0.0 OK\r\n");
}

INSTANTIATE_TEST_SUITE_P(
    Rows, SessionBase64,
    ::testing::Values(BadBase64{"AGFsaWNl.AHdvbmRlcmxhbmQ=", "B64-02 '.' at a quantum boundary"},
                      BadBase64{"AGFsaWNl AHdvbmRlcmxhbmQ=", "B64-02 SP inside (the line splits into 3 words)"},
                      BadBase64{"=AAA", "B64-04 pad first"},
                      BadBase64{"AAA=BBBB", "B64-04 pad in the middle"},
                      BadBase64{"AGFsaWNlAHdvbmRlcmxhbmQ", "B64-05 missing padding"},
                      BadBase64{"AGFsaWNlAHdvbmRlcmxhbmQ==", "B64-06 excess padding"},
                      BadBase64{"QUFBQ", "B64-07 length 4n+1"},
                      BadBase64{"AGFsaWNl-Hdvbm_lcmxhbmQ=", "B64-08 URL-safe alphabet"},
                      BadBase64{"QR==", "B64-09 non-zero pad bits (a strict server may refuse)"}),
    [](const auto& info) { return "row" + std::to_string(info.index); });

TEST(Session, CancelIs501AndTheSessionGoesOn) {
  Rig rig;
  rig.start();
  rig.lines({"EHLO x"});
  converse(*rig.session, R"(
    C: AUTH LOGIN
    S: 334 VXNlcm5hbWU6
    C: *
    S: 501 5.0.0 Authentication cancelled
    C: NOOP
    S: 250 2.0.0 OK
  )");
  EXPECT_EQ(rig.lines({"AUTH PLAIN " + ir_valid()}), "235 2.7.0 Authentication successful\r\n");
}

TEST(Session, InitialResponseWithServerFirstMechanismIs501_570) {
  Rig rig;
  rig.start();
  rig.lines({"EHLO x"});
  EXPECT_EQ(rig.lines({"AUTH CRAM-MD5 dGVzdA=="}), "501 5.7.0 Initial response not allowed for this mechanism\r\n");
}

TEST(Session, LoginFullExchange) {
  Rig rig;
  rig.start();
  rig.lines({"EHLO x"});
  converse(*rig.session, R"(
    C: AUTH LOGIN
    S: 334 VXNlcm5hbWU6
    C: YWxpY2U=
    S: 334 UGFzc3dvcmQ6
    C: d29uZGVybGFuZA==
    S: 235 2.7.0 Authentication successful
  )");
}

TEST(Session, LinesInsideAnExchangeAreDataNotCommands) {
  Rig rig;
  rig.start();
  rig.lines({"EHLO x"});
  // CONT-07 / ST-17: "QUIT" is valid Base64 and is the user name here; CONT-05: the empty line
  // is an empty response; CONT-06: "=" is not valid later.
  EXPECT_EQ(rig.lines({"AUTH LOGIN", "QUIT"}), "334 VXNlcm5hbWU6\r\n334 UGFzc3dvcmQ6\r\n");
  EXPECT_EQ(rig.session->action(), Action::none);
  EXPECT_EQ(rig.lines({"="}), "501 5.5.2 Invalid Base64 data\r\n");
  const std::string empty = rig.lines({"AUTH LOGIN", ""});
  EXPECT_EQ(empty.find("500"), std::string::npos) << empty;
  EXPECT_EQ(empty.substr(0, 18), "334 VXNlcm5hbWU6\r\n");
}

TEST(Session, CommandLineLimitIs512WithCrlf) {
  Rig rig;
  rig.start();
  EXPECT_EQ(rig.send("NOOP " + std::string(505, 'a') + "\r\n"), "250 2.0.0 OK\r\n");  // 512 with CRLF
  EXPECT_EQ(rig.send("NOOP " + std::string(506, 'a') + "\r\n"), "500 5.5.6 Line too long\r\n");
}

TEST(Session, AuthLineUpTo12288OctetsIsProcessed) {
  Rig rig;
  rig.start();
  rig.lines({"EHLO x"});
  // SYN-13 / PLAIN-08: a long AUTH line is processed (here: 535 for an unknown user)...
  const std::string ir = plain_ir("", std::string(255, 'u'), std::string(255, 'p'));
  EXPECT_EQ(rig.lines({"AUTH PLAIN " + ir}), "535 5.7.8 Authentication credentials invalid\r\n");
  // ...up to 12288 octets; beyond that 500 5.5.6 (RFC 4954 §4, §6).
  const std::string at_limit = "AUTH PLAIN " + std::string(12288 - 11, 'A');
  EXPECT_NE(rig.lines({at_limit}).substr(0, 3), "500");
  const std::string over = "AUTH PLAIN " + std::string(12288 - 11 + 4, 'A');
  EXPECT_EQ(rig.lines({over}), "500 5.5.6 Line too long\r\n");
  EXPECT_EQ(rig.lines({"AUTH " + std::string(100000, 'A')}), "500 5.5.6 Line too long\r\n");  // LIM-03
  EXPECT_EQ(rig.lines({"NOOP"}), "250 2.0.0 OK\r\n");
}

TEST(Session, OverlongResponseLineIs500_556WithoutDesync) {
  Rig rig;
  rig.start();
  rig.lines({"EHLO x", "AUTH PLAIN"});
  // LIM-02: 1 MiB of 'A' fed in 16 KiB chunks, then CRLF and a NOOP.
  std::string out;
  for (int i = 0; i < 64; ++i) out += rig.send(std::string(16384, 'A'));
  EXPECT_EQ(out, "");
  EXPECT_EQ(rig.send("\r\nNOOP\r\n"), "500 5.5.6 Authentication exchange line is too long\r\n250 2.0.0 OK\r\n");
}

TEST(Session, A12288OctetResponseLineIsProcessed) {
  Rig rig;
  rig.start();
  rig.lines({"EHLO x", "AUTH PLAIN"});
  // LIM-01: 12288 Base64 characters decoding to NUL NOUSER NUL junk.
  std::string raw = std::string("\0nouser\0", 8);
  raw += std::string(12288 / 4 * 3 - raw.size(), 'j');
  const std::string line = b64(raw);
  ASSERT_EQ(line.size(), 12288u);
  const std::string reply = rig.lines({line});
  EXPECT_TRUE(reply.rfind("535 ", 0) == 0 || reply.rfind("501 ", 0) == 0) << reply;
}

TEST(Session, ThreeFailuresThen421AndClose) {
  Rig rig;
  rig.start();
  rig.lines({"EHLO x"});
  const std::string fail = "535 5.7.8 Authentication credentials invalid\r\n";
  EXPECT_EQ(rig.lines({"AUTH PLAIN " + ir_bad()}), fail);
  EXPECT_EQ(rig.lines({"AUTH PLAIN " + ir_bad()}), fail);
  EXPECT_EQ(rig.session->action(), Action::none);  // SEC-04: open after two failures
  EXPECT_EQ(rig.lines({"AUTH PLAIN " + ir_bad(), "NOOP"}),
            fail + "421 4.7.0 harness.localhost Too many authentication failures\r\n");
  EXPECT_EQ(rig.session->action(), Action::close);
}

TEST(Session, CancelsDoNotCountAsFailures) {
  Rig rig;
  rig.start();
  rig.lines({"EHLO x"});
  for (int i = 0; i < 5; ++i) EXPECT_EQ(rig.lines({"AUTH CRAM-MD5", "*"}).substr(0 + 0, 3), "334");
  EXPECT_EQ(rig.session->action(), Action::none);
}

TEST(Session, TooManyBadCommandsThen421) {
  Rig rig;
  rig.start();
  std::string out;
  for (int i = 0; i < 20; ++i) out += rig.lines({"FROB"});
  EXPECT_NE(out.find("421 4.7.0 harness.localhost Too many errors, closing connection\r\n"), std::string::npos);
  EXPECT_EQ(rig.session->action(), Action::close);
}

TEST(Session, RequireAuthForMailGives530Until235) {
  Config c = base_config();
  c.require_auth_for_mail = true;
  Rig rig(c);
  rig.start();
  rig.lines({"EHLO x"});
  EXPECT_EQ(rig.lines({"MAIL FROM:<alice@example.net>"}), "530 5.7.0 Authentication required\r\n");
  EXPECT_EQ(rig.lines({"AUTH PLAIN " + ir_bad(), "MAIL FROM:<alice@example.net>"}),
            "535 5.7.8 Authentication credentials invalid\r\n530 5.7.0 Authentication required\r\n");  // ST-09
  EXPECT_EQ(rig.lines({"AUTH PLAIN " + ir_valid(), "MAIL FROM:<alice@example.net>", "RCPT TO:<r@example.org>"}),
            "235 2.7.0 Authentication successful\r\n250 2.1.0 OK\r\n250 2.1.5 OK\r\n");  // ST-16 order
}

TEST(Session, PlaintextMechanismsNeedTlsWhenRequired) {
  Config c = three_mechs();
  c.require_tls_for_plaintext = true;
  c.tls_available = true;
  Rig rig(c);
  rig.start();
  const std::string ehlo = rig.lines({"EHLO x"});
  EXPECT_NE(ehlo.find("250 AUTH CRAM-MD5\r\n"), std::string::npos) << ehlo;
  EXPECT_EQ(rig.lines({"AUTH PLAIN " + ir_valid()}),
            "538 5.7.11 Encryption required for requested authentication mechanism\r\n");
  EXPECT_EQ(rig.lines({"AUTH LOGIN"}), "538 5.7.11 Encryption required for requested authentication mechanism\r\n");
  rig.lines({"STARTTLS"});
  rig.tls();
  EXPECT_NE(rig.lines({"EHLO x"}).find("250 AUTH PLAIN LOGIN CRAM-MD5\r\n"), std::string::npos);
  EXPECT_EQ(rig.lines({"AUTH PLAIN " + ir_valid()}), "235 2.7.0 Authentication successful\r\n");
}

TEST(Session, PlaintextNotOfferedIsNotAccepted) {
  Config c = three_mechs();
  c.offer_plaintext_in_clear = false;
  Rig rig(c);
  rig.start();
  EXPECT_NE(rig.lines({"EHLO x"}).find("250 AUTH CRAM-MD5\r\n"), std::string::npos);
  EXPECT_EQ(rig.lines({"AUTH PLAIN " + ir_valid()}), "504 5.5.4 Unrecognized authentication type\r\n");  // TLS-07
}

TEST(Session, OauthbearerOnlyUnderTls) {
  Config c = base_config();
  c.mechanisms = {"PLAIN", "OAUTHBEARER"};
  c.tls_available = true;
  Rig rig(c);
  rig.start();
  EXPECT_NE(rig.lines({"EHLO x"}).find("250 AUTH PLAIN\r\n"), std::string::npos);
  EXPECT_EQ(rig.lines({"AUTH OAUTHBEARER AQ=="}), "504 5.5.4 Unrecognized authentication type\r\n");  // OB-08
  rig.lines({"STARTTLS"});
  rig.tls();
  EXPECT_NE(rig.lines({"EHLO x"}).find("250 AUTH PLAIN OAUTHBEARER\r\n"), std::string::npos);
}

TEST(Session, StarttlsDiscardsPipelinedCleartext) {
  Config c = three_mechs();
  c.tls_available = true;
  Rig rig(c);
  rig.start();
  rig.lines({"EHLO x"});
  // TLS-05 (CVE-2011-0411): the NOOP and AUTH behind STARTTLS are never answered.
  EXPECT_EQ(rig.lines({"STARTTLS", "NOOP", "AUTH PLAIN " + ir_valid()}), "220 2.0.0 Ready to start TLS\r\n");
  EXPECT_EQ(rig.session->action(), Action::start_tls);
  EXPECT_EQ(rig.session->action(), Action::none);  // start_tls is read once
  EXPECT_EQ(rig.send("NOOP\r\n"), "");              // still before the handshake
  rig.tls();
  EXPECT_EQ(rig.session->take_output(), "");
  EXPECT_TRUE(rig.session->tls_active());
  EXPECT_FALSE(rig.session->authenticated());
  // TLS-04: EHLO is needed again; TLS-01: no STARTTLS inside TLS.
  EXPECT_EQ(rig.lines({"MAIL FROM:<s@example.net>"}), "503 5.5.1 Send EHLO/HELO first\r\n");
  EXPECT_EQ(rig.lines({"EHLO x"}).find("STARTTLS"), std::string::npos);
  EXPECT_EQ(rig.lines({"STARTTLS"}), "503 5.5.1 TLS already active\r\n");  // TLS-03
}

TEST(Session, StarttlsErrors) {
  Config c = three_mechs();
  Rig plain(c);
  plain.start();
  EXPECT_EQ(plain.lines({"STARTTLS"}), "502 5.5.1 STARTTLS not available\r\n");
  c.tls_available = true;
  Rig rig(c);
  rig.start();
  EXPECT_EQ(rig.lines({"STARTTLS now"}), "501 5.5.4 Syntax error (no parameters allowed)\r\n");  // TLS-02
}

TEST(Session, AuthenticationFromBeforeStarttlsIsForgotten) {
  Config c = three_mechs();
  c.tls_available = true;
  Rig rig(c);
  rig.start();
  rig.lines({"EHLO x", "AUTH PLAIN " + ir_valid()});
  ASSERT_TRUE(rig.session->authenticated());
  rig.lines({"STARTTLS"});
  rig.tls();
  EXPECT_FALSE(rig.session->authenticated());  // TLS-17
  EXPECT_EQ(rig.lines({"EHLO x", "AUTH PLAIN " + ir_valid()}).substr(0, 4), "250-");
  EXPECT_TRUE(rig.session->authenticated());
}

TEST(Session, ImplicitTlsGreetsAfterHandshake) {
  Config c = three_mechs();
  c.implicit_tls = true;
  c.tls_available = true;
  Rig rig(c);
  rig.tls();
  EXPECT_EQ(rig.start(), "220 harness.localhost ESMTP\r\n");
  EXPECT_EQ(rig.lines({"EHLO x"}).find("STARTTLS"), std::string::npos);  // TLS-11
}

TEST(Session, ChannelBindingMechanismsOnlyUnderTls) {
  const sasl::MechanismInfo* plus = nullptr;
  for (const auto& m : sasl::mechanisms()) {
    if (m.needs_channel_binding) plus = &m;
  }
  if (plus == nullptr) GTEST_SKIP() << "no -PLUS mechanism registered yet";
  Config c = base_config();
  c.tls_available = true;
  Rig rig(c);
  rig.start();
  const std::string name(plus->name);
  EXPECT_EQ(rig.lines({"EHLO x"}).find(name), std::string::npos);
  rig.lines({"STARTTLS"});
  rig.tls();
  EXPECT_NE(rig.lines({"EHLO x"}).find(name), std::string::npos);
}

TEST(Session, ExternalNeedsAClientIdentity) {
  Config c = base_config();
  c.tls_available = true;
  Rig rig(c);
  rig.start();
  EXPECT_EQ(rig.lines({"EHLO x"}).find("EXTERNAL"), std::string::npos);  // CAP-12
  rig.lines({"STARTTLS"});
  rig.tls("alice");
  EXPECT_NE(rig.lines({"EHLO x"}).find("EXTERNAL"), std::string::npos);
  EXPECT_EQ(rig.lines({"AUTH EXTERNAL ="}), "235 2.7.0 Authentication successful\r\n");  // EX-02
  EXPECT_EQ(rig.session->authorized_identity(), "alice");
}

TEST(Session, AnonymousOnlyWhenConfigured) {
  Rig def;
  def.start();
  EXPECT_EQ(def.lines({"EHLO x"}).find("ANONYMOUS"), std::string::npos);  // CAP-11
  EXPECT_EQ(def.lines({"AUTH ANONYMOUS ="}), "504 5.5.4 Unrecognized authentication type\r\n");
  Config c = base_config();
  c.mechanisms = {"PLAIN", "ANONYMOUS"};
  Rig rig(c);
  rig.start();
  EXPECT_NE(rig.lines({"EHLO x"}).find("250 AUTH PLAIN ANONYMOUS\r\n"), std::string::npos);
  EXPECT_EQ(rig.lines({"AUTH ANONYMOUS ="}), "235 2.7.0 Authentication successful\r\n");  // AN-01 (a)
}

TEST(Session, AnonymousLoginGrantsNoSubmission) {
  Config c = base_config();
  c.mechanisms = {"PLAIN", "ANONYMOUS"};
  c.require_auth_for_mail = true;
  Rig rig(c);
  rig.start();
  rig.lines({"EHLO x", "AUTH ANONYMOUS " + b64("harness@example.net")});
  ASSERT_TRUE(rig.session->authenticated());
  // AN-04 (RFC 4505 §5): still 530 for MAIL, so no relaying as "anonymous".
  EXPECT_EQ(rig.lines({"MAIL FROM:<>", "RCPT TO:<someone@external.example>"}),
            "530 5.7.0 Authentication required\r\n503 5.5.1 Need MAIL command first\r\n");
}

struct AuthParam {
  const char* value;
  const char* reply;
  const char* reason;
};

class SessionMailAuthParam : public ::testing::TestWithParam<AuthParam> {};

TEST_P(SessionMailAuthParam, IsCheckedAsXtextMailbox) {
  Rig rig;
  rig.start();
  rig.lines({"EHLO x"});
  EXPECT_EQ(rig.lines({std::string("MAIL FROM:<s@example.net> AUTH=") + GetParam().value}),
            std::string(GetParam().reply) + "\r\n")
      << GetParam().reason;
}

INSTANTIATE_TEST_SUITE_P(
    Rows, SessionMailAuthParam,
    ::testing::Values(AuthParam{"<>", "250 2.1.0 OK", "ST-11 the empty identity"},
                      AuthParam{"e+3Dmc2@example.com", "250 2.1.0 OK", "ST-11 RFC 4954 §5 example"},
                      AuthParam{"a+ZZ@example.com", "501 5.5.4 Bad AUTH parameter", "ST-12 bad hexchar"},
                      AuthParam{"a+3d@example.com", "501 5.5.4 Bad AUTH parameter", "ST-12 lower-case hexchar"},
                      AuthParam{"a=b@example.com", "501 5.5.4 Bad AUTH parameter", "ST-12 raw '='"},
                      AuthParam{"", "501 5.5.4 Bad AUTH parameter", "ST-12 empty"},
                      AuthParam{"not-a-mailbox", "501 5.5.4 Bad AUTH parameter", "ST-12 no '@'"},
                      AuthParam{"a+40", "501 5.5.4 Bad AUTH parameter", "ST-12 '@' without a domain"}),
    [](const auto& info) { return "row" + std::to_string(info.index); });

TEST(Session, PipelinedCommandsAreAnsweredInOrder) {
  Rig rig;
  const std::string out = transcript(rig, "EHLO x\r\nNOOP\r\nAUTH PLAIN " + ir_valid() +
                                              "\r\nMAIL FROM:<a@example.net>\r\nRCPT TO:<b@example.net>\r\n"
                                              "DATA\r\nSubject: hi\r\n\r\n..dot\r\n.\r\nQUIT\r\n");
  const std::size_t ehlo_end = out.find("250 AUTH");
  ASSERT_NE(ehlo_end, std::string::npos);
  EXPECT_EQ(out.substr(out.find("\r\n", ehlo_end) + 2),
            "250 2.0.0 OK\r\n235 2.7.0 Authentication successful\r\n250 2.1.0 OK\r\n250 2.1.5 OK\r\n"
            "354 End data with <CR><LF>.<CR><LF>\r\n250 2.0.0 OK: message accepted and discarded\r\n"
            "221 2.0.0 harness.localhost closing connection\r\n[close]");
}

std::string scripted_session_bytes() {
  return "EHLO x\r\nAUTH LOGIN\r\nYWxpY2U=\r\nd29uZGVybGFuZHg=\r\nAUTH PLAIN\r\n*\r\nAUTH PLAIN " + ir_valid() +
         "\r\nMAIL FROM:<a@example.net> AUTH=<>\r\nRCPT TO:<b@example.net>\r\nDATA\r\nline\r\n.\r\nNOOP\r\nQUIT\r\n";
}

TEST(Session, ByteByByteFeedingGivesIdenticalOutput) {
  const std::string input = scripted_session_bytes();
  Rig whole;
  const std::string expected = transcript(whole, input);
  Rig drip;
  std::string out = drip.start();
  for (char ch : input) out += drip.send(std::string_view(&ch, 1));
  EXPECT_EQ(out + "[" + std::string(action_name(drip.session->action())) + "]", expected);
  EXPECT_NE(expected.find("235 2.7.0"), std::string::npos);
}

TEST(Session, EverySplitPointGivesIdenticalOutput) {
  const std::string input = scripted_session_bytes();
  Rig whole;
  const std::string expected = transcript(whole, input);
  for (std::size_t cut = 0; cut <= input.size(); ++cut) {
    Rig rig;
    std::string out = rig.start();
    out += rig.send(std::string_view(input).substr(0, cut));
    out += rig.send(std::string_view(input).substr(cut));
    out += "[" + std::string(action_name(rig.session->action())) + "]";
    ASSERT_EQ(out, expected) << "split at " << cut;
  }
}

TEST(Session, EarlyTalkerIsAnsweredAfterTheGreeting) {
  Rig rig;
  rig.session->receive("EHLO x\r\nNOOP\r\n");
  EXPECT_EQ(rig.session->take_output(), "");
  const std::string out = rig.start();
  EXPECT_EQ(out.substr(0, 29), "220 harness.localhost ESMTP\r\n");
  EXPECT_EQ(last_line(out), "250 2.0.0 OK");
}

TEST(Session, IdleTimeoutSends421AndCloses) {
  Rig rig;
  rig.start();
  rig.lines({"EHLO x", "AUTH LOGIN"});
  rig.session->idle_timeout();
  EXPECT_EQ(rig.session->take_output(), "421 4.4.2 harness.localhost Timeout, closing connection\r\n");
  EXPECT_EQ(rig.session->action(), Action::close);
}

TEST(Session, MailTransactionPaths) {
  Rig rig;
  rig.start();
  converse(*rig.session, R"(
    C: MAIL FROM:<a@example.net>
    S: 503 5.5.1 Send EHLO/HELO first
    C: EHLO x
    S: 250-*
    S: 250-*
    S: 250-*
    S: 250-*
    S: 250-*
    S: 250-*
    S: 250 AUTH*
    C: RCPT TO:<b@example.net>
    S: 503 5.5.1 Need MAIL command first
    C: DATA
    S: 503 5.5.1 Need RCPT command first
    C: MAIL TO:<a@example.net>
    S: 501 5.5.4 Syntax: MAIL FROM:<address>
    C: MAIL FROM:<a@example.net> AUTH=a+ZZ@example.com
    S: 501 5.5.4 Bad AUTH parameter
    C: MAIL FROM:<a@example.net> SIZE=99999999999
    S: 552 5.3.4 Message size exceeds fixed limit
    C: MAIL FROM:<a@example.net> XFOO=1
    S: 555 5.5.4 Unsupported MAIL parameter
    C: MAIL FROM:<> AUTH=e+3Dmc2@example.com BODY=8BITMIME
    S: 250 2.1.0 OK
    C: MAIL FROM:<a@example.net>
    S: 503 5.5.1 Nested MAIL command
    C: RCPT TO:<>
    S: 501 5.5.4 Syntax: RCPT TO:<address>
    C: RCPT TO:<b@example.net>
    S: 250 2.1.5 OK
    C: DATA now
    S: 501 5.5.4 DATA takes no parameters
    C: DATA
    S: 354 End data with <CR><LF>.<CR><LF>
    C: ..
    C: .
    S: 250 2.0.0 OK: message accepted and discarded
  )");
}

TEST(Session, MailLineMayGrowBy500WithAuthParameter) {
  Rig rig;
  rig.start();
  rig.lines({"EHLO x"});
  // ST-13: a long but valid xtext mailbox: 64 "+41" then a long domain (931 octets in all).
  std::string value;
  for (int i = 0; i < 64; ++i) value += "+41";
  value += "@";
  for (int i = 0; i < 11; ++i) value += std::string(63, 'd') + ".";
  value += "com";
  const std::string mail = "MAIL FROM:<a@example.net> AUTH=" + value;
  ASSERT_GT(mail.size(), 510u);
  EXPECT_EQ(rig.lines({mail}), "250 2.1.0 OK\r\n");  // ST-13
  rig.lines({"RSET"});
  EXPECT_EQ(rig.lines({"MAIL FROM:<a" + std::string(600, 'b') + "@example.net>"}), "500 5.5.6 Line too long\r\n");
}

TEST(Session, MessageOverSizeLimitIs552) {
  Config c = base_config();
  c.limits.max_message = 100;
  Rig rig(c);
  rig.start();
  rig.lines({"EHLO x", "MAIL FROM:<a@example.net>", "RCPT TO:<b@example.net>", "DATA"});
  std::string body;
  for (int i = 0; i < 10; ++i) body += std::string(20, 'x') + "\r\n";
  EXPECT_EQ(rig.send(body + ".\r\n"), "552 5.3.4 Message size exceeds fixed limit\r\n");
  EXPECT_EQ(rig.lines({"AUTH PLAIN " + ir_valid()}), "235 2.7.0 Authentication successful\r\n");  // ST-07
}

TEST(Session, BareLfIsNotALineEnd) {
  Rig rig;
  rig.start();
  EXPECT_EQ(rig.send("NOOP\n"), "");  // SYN-16: no reply before CRLF
  EXPECT_EQ(rig.send("\r\n"), "500 5.5.2 Invalid characters in command\r\n");
}

TEST(Session, InvalidOctetsInCommandsAre500) {
  Rig rig;
  rig.start();
  rig.lines({"EHLO x"});
  EXPECT_EQ(rig.send(std::string("AUTH PL\0AIN\r\n", 13)), "500 5.5.2 Invalid characters in command\r\n");
  EXPECT_EQ(rig.send("AUTH PLAIN \xE9GFsaWNl\r\n"), "500 5.5.2 Invalid characters in command\r\n");
}

TEST(Session, EveryReplyCarriesAnEnhancedCode) {
  Rig rig;
  const std::string out = transcript(rig, scripted_session_bytes() + "FROB\r\n");
  const std::regex enhanced(R"(^[245]\d\d [245]\.\d{1,3}\.\d{1,3} .*$)");
  std::size_t pos = 0;
  int checked = 0;
  while (true) {
    const std::size_t end = out.find("\r\n", pos);
    if (end == std::string::npos) break;
    const std::string line = out.substr(pos, end - pos);
    pos = end + 2;
    // RFC 2034 §4: not the greeting, EHLO lines, 3xx.
    if (line.rfind("220 harness", 0) == 0 || line.rfind("250-", 0) == 0 || line.rfind("250 AUTH", 0) == 0 ||
        line[0] == '3') {
      continue;
    }
    EXPECT_TRUE(std::regex_match(line, enhanced)) << line;
    EXPECT_EQ(line[0], line[4]) << "class must match the basic code: " << line;
    ++checked;
  }
  EXPECT_GE(checked, 8);
}

TEST(Session, CramChallengesDifferBetweenExchangesAndConnections) {
  Rig a(base_config(), 1), b(base_config(), 2);
  a.start();
  b.start();
  a.lines({"EHLO x"});
  b.lines({"EHLO x"});
  const std::string a1 = a.lines({"AUTH CRAM-MD5"});
  a.lines({"*"});
  const std::string a2 = a.lines({"AUTH CRAM-MD5"});
  const std::string b1 = b.lines({"AUTH CRAM-MD5"});
  EXPECT_EQ(a1.substr(0, 4), "334 ");
  EXPECT_NE(a1, a2);
  EXPECT_NE(a1, b1);
}

TEST(Session, SuccessDataNeedsAnEmptyAnswer) {
  Config config = base_config();
  config.extra_mechanisms = {"DIGEST-MD5"};  // off by default (RFC 6331, CAP-10)
  Rig rig(config);
  rig.start();
  rig.lines({"EHLO x"});
  // Drive DIGEST-MD5 up to its rspauth 334 and answer with data (CONT-09).
  const sasl::MechanismInfo* info = sasl::find_mechanism("DIGEST-MD5");
  ASSERT_NE(info, nullptr);
  SeededRandom cr(7);
  auto opts = alice(rig.config);
  opts.random = &cr;
  auto client = info->make_client(opts);
  std::string out = rig.lines({"AUTH DIGEST-MD5"});
  ASSERT_EQ(out.substr(0, 4), "334 ");
  auto challenge = codec::base64_decode(last_line(out).substr(4));
  ASSERT_TRUE(challenge.ok());
  sasl::Step step = client->step(*challenge);
  ASSERT_EQ(step.kind, sasl::Step::Kind::respond);
  out = rig.lines({b64(step.out)});
  ASSERT_EQ(out.substr(0, 4), "334 ") << out;  // rspauth travels in a 334 (CONT-08)
  EXPECT_EQ(rig.lines({b64("x")}), "501 5.5.2 Expected an empty response\r\n");
  EXPECT_FALSE(rig.session->authenticated());
}

// Every mechanism of the registry logs in through its own client side, in the state where the
// session offers it.
class SessionMechanisms : public ::testing::TestWithParam<std::string> {};

std::unique_ptr<Rig> rig_for(const std::string& mech, std::uint64_t seed) {
  Config c = base_config();
  c.tls_available = true;
  c.mechanisms = {mech};
  auto owned = std::make_unique<Rig>(c, seed);
  Rig& rig = *owned;
  rig.start();
  const sasl::MechanismInfo* info = sasl::find_mechanism(mech);
  if (info != nullptr && (info->needs_channel_binding || mech == "OAUTHBEARER" || mech == "EXTERNAL")) {
    rig.lines({"EHLO x", "STARTTLS"});
    rig.tls(mech == "EXTERNAL" ? "alice" : "");
  }
  rig.lines({"EHLO x"});
  return owned;
}

sasl::ClientOptions options_for(const Rig& rig, const std::string& mech) {
  sasl::ClientOptions o = alice(rig.config);
  const sasl::MechanismInfo* info = sasl::find_mechanism(mech);
  if (info != nullptr && info->needs_channel_binding) o.channel_binding = {"tls-exporter", std::string(32, '\x22')};
  if (mech == "EXTERNAL") o.authzid = "";
  return o;
}

TEST_P(SessionMechanisms, LogsInThroughTheClientSide) {
  const std::string mech = GetParam();
  auto owned = rig_for(mech, 11);
  Rig& rig = *owned;
  SeededRandom client_random(99);
  const std::string out = authenticate(*rig.session, mech, options_for(rig, mech), client_random);
  EXPECT_EQ(last_line(out), "235 2.7.0 Authentication successful") << out;
  EXPECT_TRUE(rig.session->authenticated());
  EXPECT_EQ(rig.lines({"NOOP"}), "250 2.0.0 OK\r\n");  // G5
}

TEST_P(SessionMechanisms, WrongSecretIsRefusedWithoutDesync) {
  const std::string mech = GetParam();
  if (mech == "ANONYMOUS" || mech == "EXTERNAL") GTEST_SKIP() << mech << " has no secret";
  auto owned = rig_for(mech, 12);
  Rig& rig = *owned;
  SeededRandom client_random(98);
  sasl::ClientOptions o = options_for(rig, mech);
  o.password += "x";
  o.token += "x";
  const std::string out = authenticate(*rig.session, mech, o, client_random);
  // 535, or for SCRAM the RFC 5802 §7 server-error in a 334 ("e=…", Base64 "ZT1") that the
  // client cancels, then 501 (SCR-04).
  const bool scram_error_cancelled = out.find("334 ZT1") != std::string::npos && last_line(out).rfind("501 ", 0) == 0;
  EXPECT_TRUE(last_line(out).rfind("535 ", 0) == 0 || scram_error_cancelled) << out;
  EXPECT_FALSE(rig.session->authenticated());
  EXPECT_EQ(rig.lines({"NOOP"}), "250 2.0.0 OK\r\n");
}

std::vector<std::string> registry_names() {
  std::vector<std::string> v;
  for (const auto& m : sasl::mechanisms()) v.emplace_back(m.name);
  return v;
}

INSTANTIATE_TEST_SUITE_P(Registry, SessionMechanisms, ::testing::ValuesIn(registry_names()),
                         [](const auto& info) {
                           std::string n = info.param;
                           for (char& c : n) {
                             if (c == '-') c = '_';
                           }
                           return n;
                         });

}  // namespace
}  // namespace sah::server

namespace sah::server {
namespace {

using namespace testing;

// Bytes made of protocol fragments, for the robustness properties below.
std::string soup(SeededRandom& r, std::size_t pieces) {
  static const std::vector<std::string> kPieces = {
      "EHLO x\r\n", "HELO x\r\n", "AUTH ", "PLAIN", "LOGIN", "CRAM-MD5", "DIGEST-MD5", "XOAUTH2", " ", "=", "*",
      "\r\n", "\n", "\r", "AGFsaWNlAHdvbmRlcmxhbmQ=", "QUFBQ", "MAIL FROM:<a@b.c>\r\n", "RCPT TO:<d@e.f>\r\n",
      "DATA\r\n", ".\r\n", "RSET\r\n", "NOOP\r\n", "STARTTLS\r\n", "QUIT\r\n", std::string(1, '\0'), "\xff",
      std::string(600, 'A'), std::string(13000, 'B'), "auth plain ", "AUTH=<>", "VRFY alice\r\n"};
  std::string out;
  std::string pick;
  for (std::size_t i = 0; i < pieces; ++i) {
    r.fill(pick, 1);
    out += kPieces[static_cast<unsigned char>(pick[0]) % kPieces.size()];
  }
  return out;
}

TEST(SessionRobustness, RandomInputKeepsReplyShapeUnderEveryFault) {
  // Every reply line is CRLF-terminated and starts with a 3-digit code 2xx-5xx (RPL-01, RPL-03),
  // whatever arrives, for the correct server and for each fault (except the ones whose very
  // deviation is the reply shape).
  std::vector<std::string> configs = {""};
  for (const FaultInfo& f : faults()) configs.emplace_back(f.name);
  SeededRandom r(2024);
  const std::regex line_shape(R"(^[2-5][0-5]\d[ -].*$)");
  for (const std::string& fault : configs) {
    for (int round = 0; round < 8; ++round) {
      Config c = base_config();
      c.tls_available = true;
      if (!fault.empty()) c.faults.insert(fault);
      Rig rig(c, static_cast<std::uint64_t>(round));
      const std::string input = soup(r, 40);
      std::string out = rig.start();
      // Feed in uneven chunks.
      for (std::size_t pos = 0; pos < input.size(); pos += 7 + static_cast<std::size_t>(round)) {
        out += rig.send(std::string_view(input).substr(pos, 7 + static_cast<std::size_t>(round)));
        if (rig.session->action() == Action::start_tls) rig.tls();
      }
      if (fault == "reply-bare-lf" || fault == "multiline-mixed-codes" || fault == "challenge-not-base64" ||
          fault == "password-echo") {
        continue;
      }
      std::size_t pos = 0;
      while (pos < out.size()) {
        const std::size_t end = out.find("\r\n", pos);
        ASSERT_NE(end, std::string::npos) << fault << ": unterminated reply in\n" << out;
        const std::string line = out.substr(pos, end - pos);
        ASSERT_TRUE(std::regex_match(line, line_shape)) << fault << ": " << line;
        pos = end + 2;
      }
    }
  }
}

}  // namespace
}  // namespace sah::server
