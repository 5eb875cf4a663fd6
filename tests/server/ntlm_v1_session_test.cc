// Config::ntlm_accept_v1 reaches the NTLM mechanism through the session: an NTLMv1
// AUTHENTICATE (MS-NLMP §3.3.1) gets 535 from the default server (NTLM-14) and 235 only with
// the legacy switch on; a wrong password stays 535 with it.
#include <gtest/gtest.h>

#include "harness/codec/base64.h"
#include "harness/sasl/ntlm_messages.h"
#include "tests/server/session_test_helpers.h"

namespace sah::server {
namespace {

using namespace testing;    // NOLINT(google-build-using-namespace)
using namespace sasl::ntlm;  // NOLINT(google-build-using-namespace)

// EHLO, AUTH NTLM with a NEGOTIATE, then an NTLMv1 AUTHENTICATE for `password`; the final reply.
std::string ntlmv1_auth(bool accept_v1, std::string_view password) {
  Config c = base_config();
  c.ntlm_accept_v1 = accept_v1;
  Rig rig(c);
  rig.start();
  rig.lines({"EHLO client.example"});
  Negotiate n;
  n.flags = kUnicode | kNtlm | kRequestTarget;
  const std::string challenge_line = last_line(rig.lines({"AUTH NTLM " + b64(build_negotiate(n))}));
  if (challenge_line.rfind("334 ", 0) != 0) return "no challenge: " + challenge_line;
  const auto challenge = codec::base64_decode(challenge_line.substr(4));
  if (!challenge) return "challenge not Base64";
  const auto parsed = parse_challenge(*challenge);
  if (!parsed) return "challenge does not parse";
  Authenticate a;
  a.flags = kUnicode | kNtlm;
  a.user = utf16le(kUser);
  a.nt_response = ntlmv1_response(ntowf_v1(password), parsed->server_challenge);
  a.lm_response = Bytes(24, '\0');
  return last_line(rig.lines({b64(build_authenticate(a))}));
}

TEST(SessionNtlmV1, RefusedByDefault) {
  EXPECT_EQ(ntlmv1_auth(false, kPassword).substr(0, 4), "535 ");
}

TEST(SessionNtlmV1, AcceptedWithTheLegacySwitch) {
  EXPECT_EQ(ntlmv1_auth(true, kPassword).substr(0, 4), "235 ");
}

TEST(SessionNtlmV1, WrongPasswordRefusedWithTheLegacySwitch) {
  EXPECT_EQ(ntlmv1_auth(true, std::string(kPassword) + "x").substr(0, 4), "535 ");
}

}  // namespace
}  // namespace sah::server
