// Fault switches of the built-in server: each makes it deviate in exactly one documented way,
// so that every conformance case can be shown to FAIL against a defective server.
#pragma once

#include <span>
#include <string_view>

namespace sah::server {

struct FaultInfo {
  std::string_view name;         // "b64-skip-illegal"
  std::string_view description;  // what the server does wrong, in one line
  std::string_view breaks;       // the clause it breaks, e.g. "RFC 4954 §4" and the catalogue id
};

std::span<const FaultInfo> faults();
const FaultInfo* find_fault(std::string_view name);

}  // namespace sah::server
