// Randomness is injected, never global: nonces, challenges and client secrets come from a
// Random&, so tests reproduce RFC vectors byte for byte and fuzz runs stay deterministic.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace sah {

class Random {
 public:
  virtual ~Random() = default;
  // Fills `out` with `n` random octets (replacing its content).
  virtual void fill(std::string& out, std::size_t n) = 0;
};

// A deterministic source for tests and fuzzing: a simple counter-mode PRNG seeded by a value.
class SeededRandom final : public Random {
 public:
  explicit SeededRandom(std::uint64_t seed = 0) : state_(seed ^ 0x9E3779B97F4A7C15ull) {}
  void fill(std::string& out, std::size_t n) override {
    out.resize(n);
    for (auto& c : out) {
      // splitmix64
      std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
      c = static_cast<char>(static_cast<unsigned char>(z ^ (z >> 31)));
    }
  }

 private:
  std::uint64_t state_;
};

}  // namespace sah
