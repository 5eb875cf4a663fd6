// Shrinks a plan while its finding still reproduces: steps after the finding are cut, then
// each other step is dropped in turn, then over-long %repeat counts are halved, within a
// bounded number of re-executions (after delta debugging's one-at-a-time pass).
#pragma once

#include <cstddef>
#include <functional>
#include <optional>

#include "harness/scenario/fuzz/oracle.h"
#include "harness/scenario/fuzz/plan.h"

namespace sah::scenario::fuzz {

// Runs a candidate plan and returns its finding, if any.
using Reproduce = std::function<std::optional<Finding>(const Plan&)>;

struct Minimized {
  Plan plan;
  Finding finding;        // as the smallest plan reproduced it
  std::size_t tries = 0;  // re-executions spent
};

Minimized minimize(const Plan& plan, const Finding& finding, const Reproduce& reproduce, std::size_t max_tries);

}  // namespace sah::scenario::fuzz
