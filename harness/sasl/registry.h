// Every mechanism the harness speaks, by case-insensitive name, in one table.
#pragma once

#include <span>
#include <string_view>

#include "harness/sasl/mechanism.h"

namespace sah::sasl {

// All registered mechanisms, in a stable order (strongest first is not implied).
std::span<const MechanismInfo> mechanisms();

// Case-insensitive lookup; nullptr when unknown.
const MechanismInfo* find_mechanism(std::string_view name);

// Looks up a corruption of a mechanism by name; nullptr when unknown.
const CorruptionInfo* find_corruption(const MechanismInfo& mech, std::string_view name);

}  // namespace sah::sasl
