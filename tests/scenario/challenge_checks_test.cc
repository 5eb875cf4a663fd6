// The challenge-form conditions (cram-challenge:, printable:, digest-challenge:, ntlm-challenge:,
// scram-iterations:) and the CAP-02 name conditions, each shown to hold and to fail.
#include "harness/scenario/challenge_checks.h"

#include <gtest/gtest.h>

#include "harness/codec/base64.h"
#include "harness/sasl/ntlm_messages.h"
#include "harness/scenario/conditions.h"
#include "harness/smtp/ehlo.h"

namespace sah::scenario {
namespace {

std::string b64(std::string_view s) { return codec::base64_encode(s); }

TEST(ChallengeChecks, CramChallengeIsAMsgId) {
  // RFC 2195 §2's example challenge.
  EXPECT_TRUE(cram_challenge_form(b64("<1896.697170952@postoffice.reston.mci.net>")));
  struct Row {
    std::string decoded;
    const char* why;
  };
  for (const Row& r : {Row{"1896.697170952@postoffice", "no angle brackets"}, Row{"<1896.697170952>", "no @"},
                       Row{"<@host>", "empty local part"}, Row{"<a@>", "empty domain"},
                       Row{"<a b@host>", "a space inside"}, Row{"<a@b@c>", "two @"}, Row{"", "empty"}}) {
    EXPECT_FALSE(cram_challenge_form(b64(r.decoded))) << r.why;
  }
  EXPECT_FALSE(cram_challenge_form("<1896.697170952@postoffice.reston.mci.net>")) << "not Base64";
  EXPECT_FALSE(cram_challenge_form(b64("<1@h>").substr(0, 6))) << "truncated Base64";
}

TEST(ChallengeChecks, PrintableChallenge) {
  EXPECT_TRUE(printable_challenge(b64("random text 123")));
  EXPECT_FALSE(printable_challenge(b64(""))) << "empty";
  EXPECT_FALSE(printable_challenge(b64(std::string("a\0b", 3)))) << "NUL";
  EXPECT_FALSE(printable_challenge(b64("caf\xc3\xa9"))) << "8-bit";
  EXPECT_FALSE(printable_challenge("not base64!")) << "undecodable";
}

TEST(ChallengeChecks, DigestChallengeDirectives) {
  const std::string good = "realm=\"h\",nonce=\"abc\",qop=\"auth\",algorithm=md5-sess,charset=utf-8";
  EXPECT_TRUE(digest_initial_challenge_form(b64(good)));
  EXPECT_TRUE(digest_initial_challenge_form(b64("nonce=\"abc\",algorithm=md5-sess"))) << "the two required only";
  struct Row {
    std::string decoded;
    const char* why;
  };
  for (const Row& r : {
           Row{"realm=\"h\",qop=\"auth\",algorithm=md5-sess", "no nonce"},
           Row{"nonce=\"a\",nonce=\"b\",algorithm=md5-sess", "two nonces"},
           Row{"nonce=\"a\"", "no algorithm"},
           Row{"nonce=\"a\",algorithm=md5", "algorithm not md5-sess"},
           Row{"nonce=\"a\",algorithm=md5-sess,algorithm=md5-sess", "algorithm twice"},
           Row{"nonce=\"a\",algorithm=md5-sess,charset=iso-8859-1", "charset other than utf-8"},
           Row{"nonce=\"a\",algorithm=md5-sess,charset=utf-8,charset=utf-8", "charset twice"},
           Row{"nonce=\"a\",algorithm=md5-sess,maxbuf=1,maxbuf=2", "maxbuf twice"},
           Row{"nonce=\"a\",algorithm=md5-sess,stale=true", "stale in an initial challenge"},
           Row{"nonce=\"a\",algorithm=md5-sess,opaque=\"x\"", "opaque"},
           Row{"nonce=\"a\",algorithm=md5-sess,domain=\"x\"", "domain"},
           Row{"nonce=\"a\",algorithm=md5-sess,qop=\"auth,auth-conf\"", "auth-conf without cipher"},
           Row{"nonce=\"a\",algorithm=md5-sess,x=\"" + std::string(2100, 'x') + "\"", "2048 octets or more"},
           Row{"nonce=\"a", "unterminated quote"},
       }) {
    EXPECT_FALSE(digest_initial_challenge_form(b64(r.decoded))) << r.why;
  }
  EXPECT_TRUE(digest_initial_challenge_form(b64("nonce=\"a\",algorithm=md5-sess,qop=\"auth-conf\",cipher=\"rc4\"")));
}

std::string ntlm_challenge(bool with_eol_in_len) {
  sasl::ntlm::Challenge c;
  c.flags = sasl::ntlm::kUnicode | sasl::ntlm::kTargetInfo;
  c.target_name = sasl::ntlm::utf16le("H");
  c.server_challenge = "12345678";
  c.target_info = sasl::ntlm::build_av_pairs({{sasl::ntlm::kAvNbComputerName, sasl::ntlm::utf16le("H")}});
  std::string m = sasl::ntlm::build_challenge(c);
  if (!with_eol_in_len) {
    sasl::ntlm::put16(m, 40, static_cast<std::uint16_t>(sasl::ntlm::read16(m, 40) - 4));
  }
  return m;
}

TEST(ChallengeChecks, NtlmChallengeStructure) {
  EXPECT_TRUE(ntlm_challenge_form(b64(ntlm_challenge(true))));
  EXPECT_FALSE(ntlm_challenge_form(b64(ntlm_challenge(false)))) << "TargetInfo without MsvAvEOL";
  std::string wrong_type = ntlm_challenge(true);
  wrong_type[8] = 3;
  EXPECT_FALSE(ntlm_challenge_form(b64(wrong_type))) << "MessageType 3";
  std::string bad_sig = ntlm_challenge(true);
  bad_sig[6] = 'Q';
  EXPECT_FALSE(ntlm_challenge_form(b64(bad_sig))) << "signature";
  EXPECT_FALSE(ntlm_challenge_form(b64(ntlm_challenge(true).substr(0, 40)))) << "shorter than the fixed part";
  std::string past_end = ntlm_challenge(true);
  sasl::ntlm::put32(past_end, 44, static_cast<std::uint32_t>(past_end.size()));
  EXPECT_FALSE(ntlm_challenge_form(b64(past_end))) << "TargetInfo offset at the end of the message";
  sasl::ntlm::Challenge none;
  none.server_challenge = "12345678";
  EXPECT_FALSE(ntlm_challenge_form(b64(sasl::ntlm::build_challenge(none)))) << "no TargetInfo";
}

TEST(ChallengeChecks, ScramIterations) {
  EXPECT_TRUE(scram_iterations_sufficient(b64("r=abcdef,s=c2FsdA==,i=4096")));
  EXPECT_TRUE(scram_iterations_sufficient(b64("r=abcdef,s=c2FsdA==,i=100000")));
  EXPECT_FALSE(scram_iterations_sufficient(b64("r=abcdef,s=c2FsdA==,i=4095")));
  EXPECT_FALSE(scram_iterations_sufficient(b64("r=abcdef,s=c2FsdA==")));
  EXPECT_FALSE(scram_iterations_sufficient(b64("e=other-error")));
}

std::optional<smtp::Capabilities> caps(std::string mechs) {
  smtp::Reply r;
  r.code = 250;
  r.lines = {"host", "AUTH " + mechs};
  auto c = smtp::Capabilities::parse(r);
  if (!c.ok()) return std::nullopt;
  return std::move(c.value());
}

TEST(ChallengeChecks, MechanismNameConditionsTolerateLowerCaseOnlyInMechsValid) {
  struct Row {
    std::string list;
    bool valid, upper;
    const char* why;
  };
  for (const Row& r : {Row{"PLAIN SCRAM-SHA-256 X_Y", true, true, "valid"}, Row{"plain LOGIN", true, false, "lower case"},
                       Row{"PLAIN X.OLD", false, false, "'.'"},
                       Row{"PLAIN ABCDEFGHIJKLMNOPQRSTU", false, false, "21 characters"},
                       Row{"PLAIN  LOGIN", false, false, "empty name"}}) {
    auto c = caps(r.list);
    ASSERT_TRUE(c) << r.why;
    ConditionContext ctx;
    ctx.capabilities = &*c;
    EXPECT_EQ(evaluate_condition("mechs-valid", ctx).value(), r.valid) << r.why;
    EXPECT_EQ(evaluate_condition("mechs-upper", ctx).value(), r.upper) << r.why;
  }
}

TEST(ChallengeChecks, ConditionsExpandTheirOperand) {
  ConditionContext ctx;
  ctx.expand = [](std::string_view s) -> Result<std::string, std::string> {
    if (s == "$c") return b64("<1@host>");
    return unexpected(std::string("unknown ") + std::string(s));
  };
  EXPECT_TRUE(evaluate_condition("cram-challenge:$c", ctx).value());
  EXPECT_FALSE(evaluate_condition("!cram-challenge:$c", ctx).value());
  EXPECT_TRUE(evaluate_condition("printable:$c", ctx).value());
  EXPECT_FALSE(evaluate_condition("digest-challenge:$c", ctx).value());
  EXPECT_FALSE(evaluate_condition("ntlm-challenge:$c", ctx).value());
  EXPECT_FALSE(evaluate_condition("scram-iterations:$c", ctx).value());
  EXPECT_FALSE(evaluate_condition("cram-challenge:$nope", ctx).ok()) << "an expansion error is an error";
}

}  // namespace
}  // namespace sah::scenario
