// Helpers shared by the fuzz targets.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

namespace sah::fuzz {

// An owned copy of the input, so a string_view into it has exactly the input's size.
inline std::string input(const std::uint8_t* data, std::size_t size) {
  return size == 0 ? std::string() : std::string(reinterpret_cast<const char*>(data), size);
}

// A property violation: print what and abort, so libFuzzer saves the input as a crash.
[[noreturn]] inline void violated(const char* what) {
  std::fprintf(stderr, "fuzz property violated: %s\n", what);
  std::abort();
}

// Checks a property; the message names it in the crash report.
inline void require(bool ok, const char* what) {
  if (!ok) violated(what);
}

// The selector bytes at the front of an input (llhttp's "variable parameters" bytes): the first
// `n` octets pick options, the rest is the payload. Missing selector octets read as 0.
struct Selected {
  std::uint8_t sel[4] = {0, 0, 0, 0};
  std::string_view rest;
};
inline Selected select(std::string_view in, std::size_t n) {
  Selected s;
  for (std::size_t i = 0; i < n && i < 4; ++i) s.sel[i] = i < in.size() ? static_cast<std::uint8_t>(in[i]) : 0;
  s.rest = in.size() > n ? in.substr(n) : std::string_view();
  return s;
}

// True when `hay` contains `needle` (for "a secret never appears in the output" properties).
inline bool contains(std::string_view hay, std::string_view needle) {
  return !needle.empty() && hay.find(needle) != std::string_view::npos;
}

// How many times `c` occurs in `s` (memchr: no instrumented comparison per octet).
inline std::size_t count_octet(std::string_view s, char c) {
  std::size_t n = 0, at = 0;
  while (at < s.size()) {
    const void* hit = std::memchr(s.data() + at, c, s.size() - at);
    if (hit == nullptr) break;
    ++n;
    at = static_cast<std::size_t>(static_cast<const char*>(hit) - s.data()) + 1;
  }
  return n;
}

}  // namespace sah::fuzz
