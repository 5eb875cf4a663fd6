// The only door to OpenSSL's primitives for the SASL layer: digests, HMAC, PBKDF2, MD4 (NTLM),
// constant-time comparison. Pure functions of their inputs; randomness is sah::Random.
#pragma once

#include <string_view>

#include "harness/base/bytes.h"

namespace sah::sasl::crypto {

enum class Digest { md4, md5, sha1, sha256 };

std::size_t digest_size(Digest d);
Bytes hash(Digest d, BytesView data);
Bytes hmac(Digest d, BytesView key, BytesView data);
// PBKDF2 with HMAC of `d` (SCRAM's Hi()).
Bytes pbkdf2(Digest d, BytesView password, BytesView salt, unsigned iterations, std::size_t out_len);
// MD4 lives in OpenSSL 3's legacy provider; this loads it once. False when it cannot be had
// (then NTLM cannot work, and says so rather than silently computing garbage).
bool md4_available();
// Constant-time equality for secrets (CRYPTO_memcmp); false when the sizes differ.
bool equal_secret(BytesView a, BytesView b);
// XOR of two equal-length strings (SCRAM ClientProof).
Bytes xor_bytes(BytesView a, BytesView b);
// RC4 and DES-ECB for NTLM (key exchange, LM/NTLMv1 responses).
Bytes rc4(BytesView key, BytesView data);
Bytes des_ecb_encrypt(BytesView key7, BytesView block8);  // 7-octet key expanded with parity

}  // namespace sah::sasl::crypto
