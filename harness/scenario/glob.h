// The TEXT glob of an `expect` line (scenarios/README.md "Expect patterns"): `*` is any run of
// octets, `?` one octet, `$name` / `${name}` any run captured into the variable `name`, and
// `\` makes the next octet literal. Literal octets match ASCII case-insensitively: reply text
// is written for people, and servers differ in case ("Authentication" vs "authentication").
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace sah::scenario {

using Captures = std::map<std::string, std::string>;

// nullopt when `text` does not match the whole of `pattern`. On a match, every `$name` of the
// pattern has an entry (the earlier wildcards take the shortest runs that let the match
// succeed). Runs in O(|pattern| * |text|): no backtracking blow-up on hostile reply text.
std::optional<Captures> glob_match(std::string_view pattern, std::string_view text);

}  // namespace sah::scenario
