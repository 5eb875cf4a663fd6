// The `auth` step and MS-SMTPNTLM §2.2.1: a server may answer "AUTH NTLM" with the text prompt
// "334 NTLM supported" (not Base64) and then expect the NEGOTIATE_MESSAGE. The harness takes
// that prompt as an empty challenge, and only there: anywhere else undecodable 334 text is a
// B64-10 failure the client must cancel with "*" (B64-12).
#include <gtest/gtest.h>

#include <memory>

#include "harness/codec/base64.h"
#include "harness/scenario/interpreter.h"
#include "tests/scenario/case_builder.h"
#include "tests/scenario/scripted_case_test.h"

namespace sah::scenario {
namespace {

using namespace sah::scenario::testing;
using K = Step::Kind;

class NtlmPromptTest : public ScriptedCaseTest {
 protected:
  // `auth MECH no-ir`, judged 535 => pass: what the client sends is what these tests look at.
  static Step auth_without_ir(const std::string& mech) {
    Step a = auth(mech, {reply_alt("535", Verdict::pass), reply_alt("*", Verdict::fail)});
    a.auth.initial_response = false;
    return a;
  }
};

// The NEGOTIATE_MESSAGE: signature "NTLMSSP\0" and MessageType 1 (MS-NLMP §2.2.1.1).
bool is_negotiate_message(const Bytes& line) {
  if (line.size() < 2 || line.compare(line.size() - 2, 2, "\r\n") != 0) return false;
  const auto decoded = codec::base64_decode(BytesView(line).substr(0, line.size() - 2));
  if (!decoded.ok()) return false;
  const Bytes& m = decoded.value();
  return m.size() >= 12 && m.compare(0, 8, std::string("NTLMSSP\0", 8)) == 0 && m[8] == 1 && m[9] == 0 &&
         m[10] == 0 && m[11] == 0;
}

TEST_F(NtlmPromptTest, NtlmSupportedPromptIsAnsweredWithTheNegotiateMessage) {
  answer("334 NTLM supported\r\n");
  answer("535 5.7.8 no\r\n");
  CaseResult r = run(make_case({step(K::connect), auth_without_ir("NTLM")}));
  EXPECT_EQ(r.verdict, Verdict::pass) << r.reason;
  ASSERT_EQ(script->sent.size(), 2u);
  EXPECT_EQ(script->sent[0], "AUTH NTLM\r\n");
  EXPECT_TRUE(is_negotiate_message(script->sent[1])) << script->sent[1];
}

TEST_F(NtlmPromptTest, AnEmptyChallengeWorksTheSameWay) {
  // The RFC 4954 form of the same prompt, for comparison: the two must lead to the same message.
  answer("334 \r\n");
  answer("535 5.7.8 no\r\n");
  CaseResult r = run(make_case({step(K::connect), auth_without_ir("NTLM")}));
  EXPECT_EQ(r.verdict, Verdict::pass) << r.reason;
  ASSERT_EQ(script->sent.size(), 2u);
  EXPECT_TRUE(is_negotiate_message(script->sent[1])) << script->sent[1];
}

TEST_F(NtlmPromptTest, ThePromptFromAnotherMechanismIsCancelled) {
  // LOGIN's first challenge must be Base64; the NTLM prompt text there is undecodable (B64-10).
  answer("334 NTLM supported\r\n");
  answer("501 5.7.0 cancelled\r\n");
  CaseResult r = run(make_case({step(K::connect), auth_without_ir("LOGIN")}));
  ASSERT_EQ(script->sent.size(), 2u);
  EXPECT_EQ(script->sent[1], "*\r\n");
}

TEST_F(NtlmPromptTest, ThePromptAfterTheFirstRoundIsCancelled) {
  // Only the first 334 of an NTLM exchange may be the prompt; in place of the CHALLENGE_MESSAGE
  // it is undecodable, and the client cancels.
  answer("334 NTLM supported\r\n");
  answer("334 NTLM supported\r\n");
  answer("501 5.7.0 cancelled\r\n");
  CaseResult r = run(make_case({step(K::connect), auth_without_ir("NTLM")}));
  ASSERT_EQ(script->sent.size(), 3u);
  EXPECT_TRUE(is_negotiate_message(script->sent[1]));
  EXPECT_EQ(script->sent[2], "*\r\n");
}

TEST_F(NtlmPromptTest, WithAnInitialResponseThePromptIsNotExpected) {
  // "AUTH NTLM <negotiate>": the server's first 334 must carry the CHALLENGE_MESSAGE.
  answer("334 NTLM supported\r\n");
  answer("501 5.7.0 cancelled\r\n");
  Step a = auth("NTLM", {reply_alt("501", Verdict::pass)});
  a.auth.initial_response = true;
  CaseResult r = run(make_case({step(K::connect), a}));
  ASSERT_EQ(script->sent.size(), 2u);
  EXPECT_EQ(script->sent[0].rfind("AUTH NTLM ", 0), 0u);
  EXPECT_EQ(script->sent[1], "*\r\n");
}

}  // namespace
}  // namespace sah::scenario
