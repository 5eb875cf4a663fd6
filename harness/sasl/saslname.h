// saslname (RFC 5801 §4, used by SCRAM's gs2 header and n= attribute, RFC 5802 §5.1, and by
// OAUTHBEARER's gs2 header, RFC 7628 §3.1): "," travels as "=2C" and "=" as "=3D", because ","
// ends a gs2-header field.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "harness/base/result.h"

namespace sah::sasl::saslname {

std::string escape(std::string_view name);

// The inverse. Fails with the offset of the offending octet for a raw ",", any "=" not followed
// by "2C" or "3D" (RFC 5802 §5.1: the server MUST fail), and with offset 0 for an empty result.
Result<std::string, std::size_t> unescape(std::string_view saslname);

}  // namespace sah::sasl::saslname
