// Strict Base64 decoding: no crash on any input, a round trip on accepted input, and a
// differential check against OpenSSL's decoder: whatever we accept, OpenSSL decodes to the
// same octets (OpenSSL accepts more: it tolerates whitespace and ignores pad bits).
#include <openssl/evp.h>

#include <vector>

#include "fuzz/fuzz_common.h"
#include "harness/codec/base64.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string in = sah::fuzz::input(data, size);
  auto decoded = sah::codec::base64_decode(in);
  if (!decoded.ok()) {
    if (decoded.error().offset > in.size()) sah::fuzz::violated("error offset beyond the input");
    return 0;
  }
  if (sah::codec::base64_encode(*decoded) != in) sah::fuzz::violated("accepted input is not canonical");
  if (in.size() > 0 && in.size() < (1u << 20)) {
    std::vector<unsigned char> out(in.size());
    const int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(in.data()),
                                  static_cast<int>(in.size()));
    if (n < 0) sah::fuzz::violated("OpenSSL rejects what the strict decoder accepted");
    // EVP_DecodeBlock keeps the zero octets that padding stands for; compare the prefix.
    if (static_cast<std::size_t>(n) < decoded->size() ||
        std::string_view(reinterpret_cast<const char*>(out.data()), decoded->size()) != *decoded)
      sah::fuzz::violated("OpenSSL decodes accepted input differently");
  }
  return 0;
}
