// The built-in server's generated password is chosen so that the PLAIN initial response
// "\0user\0password" exercises every Base64 malformer: its encoding ends in "==" (for
// missing-padding, nonzero-pad-bits and a 4n+1 truncated-quantum) and contains '+' or '/' (for url-safe-alphabet).
// Passwords users give for real targets are used as they are; cases whose malformer cannot
// apply to them are skipped with that reason.
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace sah::scenario {

bool plain_response_has_every_shape(std::string_view user, std::string_view password);

// Draws candidates from `draw` until one has every shape (at most 1000 draws; empty if none).
std::string shaped_password(std::string_view user, const std::function<std::string()>& draw);

}  // namespace sah::scenario
