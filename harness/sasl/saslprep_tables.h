// Data for saslprep.cc (generated; see saslprep_tables.cc for how). Ranges are sorted and
// disjoint, so lookups are binary searches.
#pragma once

#include <cstdint>
#include <span>

namespace sah::sasl::saslprep::tables {

struct Range {
  char32_t lo;
  char32_t hi;
};

struct Mapping {
  char32_t from;
  std::uint8_t size;  // code points used in `to`
  char32_t to[4];
};

std::span<const Range> prohibited();
std::span<const Range> rand_al_cat();
std::span<const Range> l_cat();
std::span<const Range> unassigned();
std::span<const Range> not_covered();
std::span<const Mapping> nfkc();

}  // namespace sah::sasl::saslprep::tables
