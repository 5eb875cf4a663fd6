// RFC 4954 §4 / §8 framing: "=" for an empty initial response, "*" to cancel, strict Base64,
// and the 512-octet AUTH line rule.
#include "harness/sasl/smtp_binding.h"

#include <gtest/gtest.h>

namespace sah::sasl::smtp_binding {
namespace {

TEST(SmtpBinding, Constants) {
  EXPECT_EQ(kContinueCode, 334);
  EXPECT_EQ(kSuccessCode, 235);
  EXPECT_EQ(kCancel, "*");
  EXPECT_EQ(kEmptyInitialResponse, "=");
  EXPECT_EQ(kMaxCommandLine, 512u);
}

TEST(SmtpBinding, EncodesInitialResponse) {
  EXPECT_EQ(encode_initial_response(""), "=");
  // RFC 4954 §4.1 PLAIN example.
  EXPECT_EQ(encode_initial_response(Bytes("test\0test\0" "1234", 14)), "dGVzdAB0ZXN0ADEyMzQ=");
}

TEST(SmtpBinding, EncodesLaterResponseWithoutEqualsSign) {
  EXPECT_EQ(encode_response(""), "");  // the empty line, never "=" (RFC 4954 §8)
  EXPECT_EQ(encode_response("\x01"), "AQ==");
}

TEST(SmtpBinding, FitsInlineAtExactly512OctetsWithCrlf) {
  // "AUTH PLAIN " (11) + encoded + CRLF (2) <= 512  ->  encoded <= 499.
  EXPECT_TRUE(fits_inline("PLAIN", std::string(499, 'A')));
  EXPECT_FALSE(fits_inline("PLAIN", std::string(500, 'A')));
  EXPECT_EQ(auth_line_size("PLAIN", std::string(499, 'A')), 512u);
}

TEST(SmtpBinding, AuthCommandDropsAnInitialResponseThatDoesNotFit) {
  EXPECT_EQ(auth_command("PLAIN", Bytes("\0u\0p", 4)), "AUTH PLAIN AHUAcA==");
  EXPECT_EQ(auth_command("ANONYMOUS", Bytes()), "AUTH ANONYMOUS =");
  EXPECT_EQ(auth_command("CRAM-MD5", std::nullopt), "AUTH CRAM-MD5");
  // 372 raw octets encode to 496 characters: "AUTH PLAIN " + 496 + CRLF = 509 (SYN-13) fits.
  const Bytes fits(372, 'a');
  EXPECT_TRUE(initial_response_inline("PLAIN", fits));
  EXPECT_EQ(auth_command("PLAIN", fits).size(), 11u + 496u);
  // 375 raw octets -> 500 characters: 513 octets with CRLF, must go after the 334.
  const Bytes too_long(375, 'a');
  EXPECT_FALSE(initial_response_inline("PLAIN", too_long));
  EXPECT_EQ(auth_command("PLAIN", too_long), "AUTH PLAIN");
  EXPECT_FALSE(initial_response_inline("PLAIN", std::nullopt));
}

TEST(SmtpBinding, DecodesChallengeStrictly) {
  auto ok = decode_challenge("PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, "<1896.697170952@postoffice.reston.mci.net>");
  auto empty = decode_challenge("");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(*empty, "");
  // CONT-01: human text after the Base64 is not a challenge.
  auto bad = decode_challenge("VXNlcm5hbWU6 Username");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().kind, codec::B64Error::illegal_char);
  EXPECT_EQ(bad.error().offset, 12u);
}

TEST(SmtpBinding, InitialResponseEqualsIsEmptyStarIsNotCancel) {
  auto eq = decode_initial_response("=");
  ASSERT_TRUE(eq.ok());
  EXPECT_EQ(*eq, "");
  EXPECT_FALSE(decode_initial_response("*").ok());  // CONT-04
  EXPECT_FALSE(decode_initial_response("").ok());   // SYN-17
  auto v = decode_initial_response("dGVzdA==");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, "test");
}

TEST(SmtpBinding, ResponseLines) {
  auto cancel = decode_response("*");
  ASSERT_TRUE(cancel.ok());
  EXPECT_TRUE(cancel->cancel);
  auto empty = decode_response("");  // CONT-05: an empty line is data
  ASSERT_TRUE(empty.ok());
  EXPECT_FALSE(empty->cancel);
  EXPECT_EQ(empty->data, "");
  EXPECT_FALSE(decode_response("=").ok());  // CONT-06
  EXPECT_FALSE(decode_response("QUIT ").ok());
  auto quit = decode_response("QUIT");  // CONT-07: valid Base64, so it is data
  ASSERT_TRUE(quit.ok());
  EXPECT_FALSE(quit->cancel);
  EXPECT_EQ(quit->data.size(), 3u);
}

}  // namespace
}  // namespace sah::sasl::smtp_binding
