#include "harness/scenario/credential_shape.h"

#include <gtest/gtest.h>

namespace sah::scenario {
namespace {

TEST(CredentialShape, NeedsPaddingAndUrlUnsafeCharacters) {
  EXPECT_FALSE(plain_response_has_every_shape("user", "password-for-negative-controls"));  // no padding
  EXPECT_FALSE(plain_response_has_every_shape("user", "password-for-negative-controlsx"));  // no + or /
  EXPECT_FALSE(plain_response_has_every_shape("user", "password-for-negative-controls?x>"));  // no "=="
  EXPECT_TRUE(plain_response_has_every_shape("user", "password-for-negative-controlsaa?a"));
}

TEST(CredentialShape, DrawsUntilTheShapeHolds) {
  int calls = 0;
  const char* candidates[] = {"password-for-negative-controls", "password-for-negative-controlsaa?a"};
  auto pw = shaped_password("user", [&] { return std::string(candidates[calls++ % 2]); });
  EXPECT_EQ(pw, "password-for-negative-controlsaa?a");
  EXPECT_EQ(calls, 2);
}

TEST(CredentialShape, GivesUpOnAnEmptyDraw) {
  EXPECT_EQ(shaped_password("user", [] { return std::string(); }), "");
}

}  // namespace
}  // namespace sah::scenario
