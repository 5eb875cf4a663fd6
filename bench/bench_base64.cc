// Strict Base64 decode against OpenSSL's EVP_DecodeBlock on the same inputs, in one run.
// EVP_DecodeBlock checks less (it skips leading/trailing whitespace, does not verify pad bits
// and returns padding octets as zeros), so "strict at least as fast" is the goal to measure.
#include <benchmark/benchmark.h>
#include <openssl/evp.h>

#include <string>
#include <vector>

#include "harness/codec/base64.h"

namespace {

std::string sample(std::size_t n) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 2654435761u) >> 13);
  return sah::codec::base64_encode(s);
}

void BM_StrictDecode(benchmark::State& state) {
  const std::string enc = sample(static_cast<std::size_t>(state.range(0)));
  std::string out;
  out.reserve(enc.size());
  for (auto _ : state) {
    auto err = sah::codec::base64_decode_into(enc, out);
    benchmark::DoNotOptimize(err);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(enc.size()));
}

void BM_OpenSslDecodeBlock(benchmark::State& state) {
  const std::string enc = sample(static_cast<std::size_t>(state.range(0)));
  std::vector<unsigned char> out(enc.size());
  for (auto _ : state) {
    int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(enc.data()),
                            static_cast<int>(enc.size()));
    benchmark::DoNotOptimize(n);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(enc.size()));
}

void BM_StrictDecodeAllocating(benchmark::State& state) {
  const std::string enc = sample(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    auto r = sah::codec::base64_decode(enc);
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(enc.size()));
}

void BM_Encode(benchmark::State& state) {
  std::string raw(static_cast<std::size_t>(state.range(0)), 'x');
  for (auto _ : state) {
    auto e = sah::codec::base64_encode(raw);
    benchmark::DoNotOptimize(e);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
}

// 21 octets: an AUTH PLAIN initial response; 4 KiB: a large NTLM / token message; 64 KiB: bulk.
BENCHMARK(BM_StrictDecode)->Arg(21)->Arg(4096)->Arg(65536);
BENCHMARK(BM_OpenSslDecodeBlock)->Arg(21)->Arg(4096)->Arg(65536);
BENCHMARK(BM_StrictDecodeAllocating)->Arg(21)->Arg(4096)->Arg(65536);
BENCHMARK(BM_Encode)->Arg(21)->Arg(4096)->Arg(65536);

}  // namespace
