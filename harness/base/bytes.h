// Byte strings. Protocol data is held in std::string (any octet, NUL included) and viewed
// through std::string_view: SMTP lines, SASL messages and Base64 text then share one type,
// concatenate without casts, and print in tests without helpers.
#pragma once

#include <string>
#include <string_view>

namespace sah {

using Bytes = std::string;
using BytesView = std::string_view;

}  // namespace sah
