// Secrets must not survive into any output, in any encoding (issue: "Secrets stay secret").
#include "harness/codec/secret_mask.h"

#include <gtest/gtest.h>

#include "harness/codec/base64.h"

namespace sah::codec {
namespace {

TEST(SecretMask, MasksRawSecret) {
  SecretMasker m;
  ASSERT_TRUE(m.add("s3cret-pass"));
  EXPECT_EQ(m.mask("535 bad password s3cret-pass here"), "535 bad password ******** here");
}

TEST(SecretMask, MasksBase64OfAPlainMessageAtEveryAlignment) {
  const std::string secret = "correct horse battery";
  SecretMasker m;
  ASSERT_TRUE(m.add(secret));
  // The secret at every offset mod 3 inside a PLAIN message: "\0user\0" prefixes of 0..5 octets.
  for (std::string prefix : {"", "a", "ab", "abc", "\0u\0", "\0user\0"}) {
    const std::string wire = base64_encode(prefix + secret + "\x01tail");
    EXPECT_TRUE(m.leaks(wire)) << "prefix length " << prefix.size();
    EXPECT_FALSE(m.leaks(m.mask(wire))) << "prefix length " << prefix.size();
  }
}

TEST(SecretMask, MasksHexInBothCases) {
  SecretMasker m;
  ASSERT_TRUE(m.add("tok"));
  EXPECT_EQ(m.mask("x 746f6b y 746F6B"), "x ******** y ********");
}

TEST(SecretMask, RefusesTooShortSecrets) {
  SecretMasker m;
  EXPECT_FALSE(m.add("ab"));
  EXPECT_TRUE(m.empty());
  EXPECT_EQ(m.mask("ab"), "ab");
}

TEST(SecretMask, LeavesOtherTextAlone) {
  SecretMasker m;
  ASSERT_TRUE(m.add("hunter22"));
  EXPECT_EQ(m.mask("250-AUTH PLAIN LOGIN\r\n"), "250-AUTH PLAIN LOGIN\r\n");
}

TEST(SecretMask, Base64FormsCoverThreeAlignments) {
  EXPECT_EQ(base64_forms("password").size(), 3u);
}

}  // namespace
}  // namespace sah::codec
