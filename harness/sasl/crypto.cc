// OpenSSL 3 behind crypto.h. Everything goes through EVP with explicitly fetched algorithms,
// so the providers that supply them are chosen here, once, and nowhere else.
#include "harness/sasl/crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/provider.h>

#include <algorithm>
#include <climits>
#include <memory>
#include <string>

namespace sah::sasl::crypto {
namespace {

// MD4, RC4 and DES (NTLM) live only in OpenSSL 3's "legacy" provider. Loading any provider
// explicitly stops the "default" one from being loaded implicitly, so both are loaded together.
// A function-local static makes this happen once, thread-safely (C++11 magic statics).
struct Providers {
  OSSL_PROVIDER* default_provider = nullptr;
  OSSL_PROVIDER* legacy = nullptr;
  Providers() {
    default_provider = OSSL_PROVIDER_load(nullptr, "default");
    legacy = OSSL_PROVIDER_load(nullptr, "legacy");
  }
  // Never unloaded: algorithms fetched from them may be cached for the life of the process.
};

const Providers& providers() {
  static const Providers p;
  return p;
}

struct MdFree {
  void operator()(EVP_MD* md) const { EVP_MD_free(md); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
struct MacFree {
  void operator()(EVP_MAC* m) const { EVP_MAC_free(m); }
};
struct MacCtxFree {
  void operator()(EVP_MAC_CTX* c) const { EVP_MAC_CTX_free(c); }
};
struct CipherFree {
  void operator()(EVP_CIPHER* c) const { EVP_CIPHER_free(c); }
};
struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};

const char* md_name(Digest d) {
  switch (d) {
    case Digest::md4: return "MD4";
    case Digest::md5: return "MD5";
    case Digest::sha1: return "SHA1";
    case Digest::sha256: return "SHA256";
  }
  return "SHA256";
}

const unsigned char* uc(BytesView v) { return reinterpret_cast<const unsigned char*>(v.data()); }
unsigned char* uc(Bytes& b) { return reinterpret_cast<unsigned char*>(b.data()); }

std::unique_ptr<EVP_MD, MdFree> fetch_md(Digest d) {
  (void)providers();
  return std::unique_ptr<EVP_MD, MdFree>(EVP_MD_fetch(nullptr, md_name(d), nullptr));
}

// OpenSSL takes int lengths for ciphers; every caller here passes small protocol fields, but
// the bound is checked rather than assumed.
bool fits_int(std::size_t n) { return n <= static_cast<std::size_t>(INT_MAX); }

}  // namespace

std::size_t digest_size(Digest d) {
  switch (d) {
    case Digest::md4: return 16;
    case Digest::md5: return 16;
    case Digest::sha1: return 20;
    case Digest::sha256: return 32;
  }
  return 0;
}

bool md4_available() {
  auto md = fetch_md(Digest::md4);
  return md != nullptr && providers().legacy != nullptr;
}

// On an internal OpenSSL failure (an algorithm that cannot be fetched) the functions return an
// empty string: no caller can mistake it for a digest, whose size is fixed and non-zero.
Bytes hash(Digest d, BytesView data) {
  auto md = fetch_md(d);
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  if (!md || !ctx) return {};
  Bytes out(digest_size(d), '\0');
  unsigned int len = 0;
  if (EVP_DigestInit_ex2(ctx.get(), md.get(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), uc(out), &len) != 1 || len != out.size()) {
    return {};
  }
  return out;
}

Bytes hmac(Digest d, BytesView key, BytesView data) {
  (void)providers();
  std::unique_ptr<EVP_MAC, MacFree> mac(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
  if (!mac) return {};
  std::unique_ptr<EVP_MAC_CTX, MacCtxFree> ctx(EVP_MAC_CTX_new(mac.get()));
  if (!ctx) return {};
  std::string name = md_name(d);
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string("digest", name.data(), 0),
      OSSL_PARAM_construct_end(),
  };
  // An empty key is legal HMAC (RFC 2104 pads it with zeros); give OpenSSL a valid pointer.
  static const unsigned char kEmpty[1] = {0};
  const unsigned char* k = key.empty() ? kEmpty : uc(key);
  Bytes out(digest_size(d), '\0');
  std::size_t len = 0;
  if (EVP_MAC_init(ctx.get(), k, key.size(), params) != 1 ||
      EVP_MAC_update(ctx.get(), uc(data), data.size()) != 1 ||
      EVP_MAC_final(ctx.get(), uc(out), &len, out.size()) != 1 || len != out.size()) {
    return {};
  }
  return out;
}

Bytes pbkdf2(Digest d, BytesView password, BytesView salt, unsigned iterations,
             std::size_t out_len) {
  auto md = fetch_md(d);
  if (!md || iterations == 0 || iterations > static_cast<unsigned>(INT_MAX) ||
      !fits_int(password.size()) || !fits_int(salt.size()) || !fits_int(out_len) ||
      out_len == 0) {
    return {};
  }
  Bytes out(out_len, '\0');
  if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), uc(salt),
                        static_cast<int>(salt.size()), static_cast<int>(iterations), md.get(),
                        static_cast<int>(out_len), uc(out)) != 1) {
    return {};
  }
  return out;
}

bool equal_secret(BytesView a, BytesView b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

Bytes xor_bytes(BytesView a, BytesView b) {
  Bytes out(std::min(a.size(), b.size()), '\0');
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i] = static_cast<char>(static_cast<unsigned char>(a[i]) ^ static_cast<unsigned char>(b[i]));
  }
  return out;
}

namespace {

Bytes run_cipher(const char* name, BytesView key, BytesView data, bool pad) {
  (void)providers();
  std::unique_ptr<EVP_CIPHER, CipherFree> cipher(EVP_CIPHER_fetch(nullptr, name, nullptr));
  std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree> ctx(EVP_CIPHER_CTX_new());
  if (!cipher || !ctx || !fits_int(key.size()) || !fits_int(data.size() + 64)) return {};
  // Key length first (RC4 takes any length), then the key itself.
  if (EVP_EncryptInit_ex2(ctx.get(), cipher.get(), nullptr, nullptr, nullptr) != 1) return {};
  if (static_cast<std::size_t>(EVP_CIPHER_CTX_get_key_length(ctx.get())) != key.size() &&
      EVP_CIPHER_CTX_set_key_length(ctx.get(), static_cast<int>(key.size())) != 1) {
    return {};
  }
  if (EVP_EncryptInit_ex2(ctx.get(), nullptr, uc(key), nullptr, nullptr) != 1) return {};
  EVP_CIPHER_CTX_set_padding(ctx.get(), pad ? 1 : 0);
  Bytes out(data.size() + 32, '\0');
  int len = 0;
  int fin = 0;
  if (EVP_EncryptUpdate(ctx.get(), uc(out), &len, uc(data), static_cast<int>(data.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), uc(out) + len, &fin) != 1) {
    return {};
  }
  out.resize(static_cast<std::size_t>(len) + static_cast<std::size_t>(fin));
  return out;
}

}  // namespace

Bytes rc4(BytesView key, BytesView data) {
  if (key.empty()) return {};
  return run_cipher("RC4", key, data, false);
}

Bytes des_ecb_encrypt(BytesView key7, BytesView block8) {
  if (key7.size() != 7 || block8.size() != 8) return {};
  // MS-NLMP §6 / the classic LM construction: spread 56 key bits over 8 octets, 7 bits each,
  // with the low bit of every octet as (odd) parity, which DES ignores but sets here anyway.
  const auto* k = uc(key7);
  unsigned char raw[8] = {
      static_cast<unsigned char>(k[0]),
      static_cast<unsigned char>((k[0] << 7) | (k[1] >> 1)),
      static_cast<unsigned char>((k[1] << 6) | (k[2] >> 2)),
      static_cast<unsigned char>((k[2] << 5) | (k[3] >> 3)),
      static_cast<unsigned char>((k[3] << 4) | (k[4] >> 4)),
      static_cast<unsigned char>((k[4] << 3) | (k[5] >> 5)),
      static_cast<unsigned char>((k[5] << 2) | (k[6] >> 6)),
      static_cast<unsigned char>(k[6] << 1),
  };
  Bytes key8(8, '\0');
  for (int i = 0; i < 8; ++i) {
    unsigned char b = static_cast<unsigned char>(raw[i] & 0xFE);
    int ones = 0;
    for (int bit = 1; bit < 8; ++bit) ones += (b >> bit) & 1;
    if (ones % 2 == 0) b = static_cast<unsigned char>(b | 1);  // odd parity
    key8[static_cast<std::size_t>(i)] = static_cast<char>(b);
  }
  return run_cipher("DES-ECB", key8, block8, false);
}

}  // namespace sah::sasl::crypto
