#include "harness/report/csp.h"

#include <string>

#include <gtest/gtest.h>

namespace sah::report {
namespace {

std::string hex(const std::array<std::uint8_t, 32>& d) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  for (auto b : d) {
    s += kHex[b >> 4];
    s += kHex[b & 15];
  }
  return s;
}

// FIPS 180-4 examples (NIST CSRC "SHA256.pdf") and the padding edge cases around 55/56/64 octets.
TEST(Sha256, PublishedVectors) {
  EXPECT_EQ(hex(sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(hex(sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hex(sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(hex(sha256(std::string(1000000, 'a'))),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, PaddingBoundaries) {
  // 55 octets: the length fits in the same block; 56: it needs a second one; 64: a full block.
  EXPECT_EQ(hex(sha256(std::string(55, 'a'))), "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
  EXPECT_EQ(hex(sha256(std::string(56, 'a'))), "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
  EXPECT_EQ(hex(sha256(std::string(64, 'a'))), "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
}

TEST(Base64, Rfc4648Section10Vectors) {
  EXPECT_EQ(base64(""), "");
  EXPECT_EQ(base64("f"), "Zg==");
  EXPECT_EQ(base64("fo"), "Zm8=");
  EXPECT_EQ(base64("foo"), "Zm9v");
  EXPECT_EQ(base64("foob"), "Zm9vYg==");
  EXPECT_EQ(base64("fooba"), "Zm9vYmE=");
  EXPECT_EQ(base64("foobar"), "Zm9vYmFy");
}

TEST(Csp, PolicyAllowsOnlyTheHashedBlocksAndNoNetwork) {
  const std::string p = content_security_policy("body{}", "1;");
  EXPECT_NE(p.find("default-src 'none'"), std::string::npos);
  EXPECT_NE(p.find("style-src " + csp_hash_source("body{}")), std::string::npos);
  EXPECT_NE(p.find("script-src " + csp_hash_source("1;")), std::string::npos);
  EXPECT_EQ(p.find("unsafe-inline"), std::string::npos);
  EXPECT_EQ(p.find("http"), std::string::npos);
  EXPECT_EQ(p.find('*'), std::string::npos);
}

}  // namespace
}  // namespace sah::report
