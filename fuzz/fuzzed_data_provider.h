// FuzzedDataProvider for every compiler: clang's own header when the compiler has it, otherwise
// a copy of the few members the targets use, with the same byte-for-byte semantics (integers
// from the end of the input, strings from the front, '\\' escapes in random-length strings), so
// a corpus file means the same thing in the GCC replay build as under libFuzzer.
#pragma once

#if __has_include(<fuzzer/FuzzedDataProvider.h>)
#include <fuzzer/FuzzedDataProvider.h>
#else

#include <algorithm>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <string>
#include <type_traits>

class FuzzedDataProvider {
 public:
  FuzzedDataProvider(const std::uint8_t* data, std::size_t size) : data_ptr_(data), remaining_bytes_(size) {}

  std::size_t remaining_bytes() const { return remaining_bytes_; }

  // An integer in [min, max] from up to sizeof(T) octets taken from the end of the input.
  template <typename T>
  T ConsumeIntegralInRange(T min, T max) {
    static_assert(std::is_integral_v<T>, "an integral type");
    if (min > max) std::abort();
    const std::uint64_t range = static_cast<std::uint64_t>(max) - static_cast<std::uint64_t>(min);
    std::uint64_t result = 0;
    std::size_t offset = 0;
    while (offset < sizeof(T) * CHAR_BIT && (range >> offset) > 0 && remaining_bytes_ != 0) {
      --remaining_bytes_;
      result = (result << CHAR_BIT) | data_ptr_[remaining_bytes_];
      offset += CHAR_BIT;
    }
    if (range != std::numeric_limits<std::uint64_t>::max()) result = result % (range + 1);
    return static_cast<T>(static_cast<std::uint64_t>(min) + result);
  }

  template <typename T>
  T ConsumeIntegral() {
    return ConsumeIntegralInRange(std::numeric_limits<T>::min(), std::numeric_limits<T>::max());
  }

  bool ConsumeBool() { return (1 & ConsumeIntegral<std::uint8_t>()) != 0; }

  // The next `num_bytes` octets (fewer when the input ends) from the front.
  std::string ConsumeBytesAsString(std::size_t num_bytes) {
    num_bytes = std::min(num_bytes, remaining_bytes_);
    std::string result(reinterpret_cast<const char*>(data_ptr_), num_bytes);
    Advance(num_bytes);
    return result;
  }

  // Octets from the front up to `max_length`, ending early at a backslash followed by another
  // octet than a backslash ("\\\\" is one literal backslash).
  std::string ConsumeRandomLengthString(std::size_t max_length) {
    std::string result;
    result.reserve(std::min(max_length, remaining_bytes_));
    for (std::size_t i = 0; i < max_length && remaining_bytes_ != 0; ++i) {
      char next = static_cast<char>(data_ptr_[0]);
      Advance(1);
      if (next == '\\' && remaining_bytes_ != 0) {
        next = static_cast<char>(data_ptr_[0]);
        Advance(1);
        if (next != '\\') break;
      }
      result += next;
    }
    result.shrink_to_fit();
    return result;
  }

  std::string ConsumeRemainingBytesAsString() { return ConsumeBytesAsString(remaining_bytes_); }

 private:
  void Advance(std::size_t num_bytes) {
    data_ptr_ += num_bytes;
    remaining_bytes_ -= num_bytes;
  }

  const std::uint8_t* data_ptr_;
  std::size_t remaining_bytes_;
};

#endif
