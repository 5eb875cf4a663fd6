// Known-answer tests for the OpenSSL wrapper: RFC 1320 (MD4), RFC 1321 (MD5), RFC 2202
// (HMAC-MD5, HMAC-SHA1), RFC 4231 (HMAC-SHA256), RFC 6070 (PBKDF2-HMAC-SHA1), and the
// classic RC4 / LM (DES) values NTLM relies on.
#include "harness/sasl/crypto.h"

#include <gtest/gtest.h>

#include "harness/codec/base64.h"

namespace sah::sasl::crypto {
namespace {

std::string hex(BytesView b) { return codec::hex_encode(b); }
Bytes unhex(std::string_view h) { return codec::hex_decode(h).value(); }

TEST(Crypto, DigestSizes) {
  EXPECT_EQ(digest_size(Digest::md4), 16u);
  EXPECT_EQ(digest_size(Digest::md5), 16u);
  EXPECT_EQ(digest_size(Digest::sha1), 20u);
  EXPECT_EQ(digest_size(Digest::sha256), 32u);
}

TEST(Crypto, Md4IsAvailableThroughTheLegacyProvider) { EXPECT_TRUE(md4_available()); }

struct HashCase {
  std::string_view input;
  std::string_view md4;  // RFC 1320 §A.5
  std::string_view md5;  // RFC 1321 §A.5
};

TEST(Crypto, Md4AndMd5TestSuites) {
  const HashCase cases[] = {
      {"", "31d6cfe0d16ae931b73c59d7e0c089c0", "d41d8cd98f00b204e9800998ecf8427e"},
      {"a", "bde52cb31de33e46245e05fbdbd6fb24", "0cc175b9c0f1b6a831c399e269772661"},
      {"abc", "a448017aaf21d8525fc10ae87aa6729d", "900150983cd24fb0d6963f7d28e17f72"},
      {"message digest", "d9130a8164549fe818874806e1c7014b", "f96b697d7cb7938d525a2f31aaf161d0"},
      {"abcdefghijklmnopqrstuvwxyz", "d79e1c308aa5bbcdeea8ed63df412da9",
       "c3fcd3d76192e4007dfb496cca67e13b"},
      {"12345678901234567890123456789012345678901234567890123456789012345678901234567890",
       "e33b4ddc9c38f2199c3e7b164fcc0536", "57edf4a22be3c955ac49da2e2107b67a"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(hex(hash(Digest::md4, c.input)), c.md4) << "MD4 of \"" << c.input << "\"";
    EXPECT_EQ(hex(hash(Digest::md5, c.input)), c.md5) << "MD5 of \"" << c.input << "\"";
  }
}

TEST(Crypto, ShaDigests) {
  EXPECT_EQ(hex(hash(Digest::sha1, "abc")), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(hex(hash(Digest::sha256, "abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

struct HmacCase {
  const char* why;
  Bytes key;
  Bytes data;
  std::string_view md5;   // RFC 2202 §2
  std::string_view sha1;  // RFC 2202 §3
};

TEST(Crypto, HmacRfc2202) {
  const HmacCase cases[] = {
      {"case 1", Bytes(16, '\x0b'), "Hi There", "9294727a3638bb1c13f48ef8158bfc9d", ""},
      {"case 1 sha1", Bytes(20, '\x0b'), "Hi There", "", "b617318655057264e28bc0b6fb378c8ef146be00"},
      {"case 2", "Jefe", "what do ya want for nothing?", "750c783e6ab0b503eaa86e310a5db738",
       "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"},
      {"case 3", Bytes(16, '\xaa'), Bytes(50, '\xdd'), "56be34521d144c88dbb8c733f0e8b3f6", ""},
      {"case 6 (key longer than block)", Bytes(80, '\xaa'),
       "Test Using Larger Than Block-Size Key - Hash Key First", "6b1ab7fe4bd7bf8f0b62e6ce61b9d0cd",
       "aa4ae5e15272d00e95705637ce8a3b55ed402112"},
  };
  for (const auto& c : cases) {
    if (!c.md5.empty()) EXPECT_EQ(hex(hmac(Digest::md5, c.key, c.data)), c.md5) << c.why;
    if (!c.sha1.empty()) EXPECT_EQ(hex(hmac(Digest::sha1, c.key, c.data)), c.sha1) << c.why;
  }
}

TEST(Crypto, HmacSha256Rfc4231) {
  // Test case 1 and 2 of RFC 4231 §4.
  EXPECT_EQ(hex(hmac(Digest::sha256, Bytes(20, '\x0b'), "Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(hex(hmac(Digest::sha256, "Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Crypto, HmacWithEmptyKeyIsDefined) {
  // RFC 2104 pads the key with zeros; an empty key is legal and must not crash.
  EXPECT_EQ(hex(hmac(Digest::md5, "", "")), "74e6f7298a9c2d168935f58c001bad88");
}

TEST(Crypto, Pbkdf2Rfc6070) {
  EXPECT_EQ(hex(pbkdf2(Digest::sha1, "password", "salt", 1, 20)),
            "0c60c80f961f0e71f3a9b524af6012062fe037a6");
  EXPECT_EQ(hex(pbkdf2(Digest::sha1, "password", "salt", 2, 20)),
            "ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957");
  EXPECT_EQ(hex(pbkdf2(Digest::sha1, "password", "salt", 4096, 20)),
            "4b007901b765489abead49d926f721d065a429c1");
  EXPECT_EQ(hex(pbkdf2(Digest::sha1, "passwordPASSWORDpassword",
                       "saltSALTsaltSALTsaltSALTsaltSALTsalt", 4096, 25)),
            "3d2eec4fe41c849b80c8d83662c0e44a8b291a964cf2f07038");
  EXPECT_EQ(hex(pbkdf2(Digest::sha1, Bytes("pass\0word", 9), Bytes("sa\0lt", 5), 4096, 16)),
            "56fa6aa75548099dcc37d7f03425e0c3");
}

TEST(Crypto, Pbkdf2RejectsZeroIterations) {
  EXPECT_TRUE(pbkdf2(Digest::sha1, "p", "s", 0, 20).empty());
  EXPECT_TRUE(pbkdf2(Digest::sha1, "p", "s", 1, 0).empty());
}

TEST(Crypto, EqualSecret) {
  EXPECT_TRUE(equal_secret("", ""));
  EXPECT_TRUE(equal_secret("abc", "abc"));
  EXPECT_FALSE(equal_secret("abc", "abd"));
  EXPECT_FALSE(equal_secret("abc", "ab"));
  EXPECT_FALSE(equal_secret("", "a"));
}

TEST(Crypto, XorBytes) {
  EXPECT_EQ(xor_bytes(unhex("0f0f"), unhex("ff00")), unhex("f00f"));
  EXPECT_EQ(xor_bytes("", ""), "");
}

TEST(Crypto, Rc4KnownAnswers) {
  // The widely published RC4 test values ("Key"/"Plaintext", "Wiki"/"pedia").
  EXPECT_EQ(hex(rc4("Key", "Plaintext")), "bbf316e8d940af0ad3");
  EXPECT_EQ(hex(rc4("Wiki", "pedia")), "1021bf0420");
  EXPECT_TRUE(rc4("", "x").empty());
}

TEST(Crypto, DesEcbGivesTheLmHashes) {
  // LM hash halves: DES of "KGS!@#$%" under 7-octet keys (MS-NLMP §3.3.1 LMOWFv1).
  EXPECT_EQ(hex(des_ecb_encrypt(Bytes(7, '\0'), "KGS!@#$%")), "aad3b435b51404ee");
  // LMOWFv1("Password") = e52cac67419a9a224a3b108f3fa6cb6d (MS-NLMP §4.2.2.1.1).
  EXPECT_EQ(hex(des_ecb_encrypt("PASSWOR", "KGS!@#$%")), "e52cac67419a9a22");
  EXPECT_EQ(hex(des_ecb_encrypt(Bytes("D\0\0\0\0\0\0", 7), "KGS!@#$%")), "4a3b108f3fa6cb6d");
  EXPECT_TRUE(des_ecb_encrypt("short", "KGS!@#$%").empty());
  EXPECT_TRUE(des_ecb_encrypt("PASSWOR", "short").empty());
}

}  // namespace
}  // namespace sah::sasl::crypto
