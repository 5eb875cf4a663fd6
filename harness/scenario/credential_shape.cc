#include "harness/scenario/credential_shape.h"

#include "harness/codec/base64.h"

namespace sah::scenario {

bool plain_response_has_every_shape(std::string_view user, std::string_view password) {
  std::string message;
  message.push_back('\0');
  message.append(user);
  message.push_back('\0');
  message.append(password);
  const std::string encoded = codec::base64_encode(message);
  // "==": one octet in the last group, so truncated-quantum also makes a 4n+1 length.
  const bool padded = encoded.size() >= 2 && encoded.ends_with("==");
  const bool url_unsafe = encoded.find_first_of("+/") != std::string::npos;
  return padded && url_unsafe;
}

std::string shaped_password(std::string_view user, const std::function<std::string()>& draw) {
  for (int i = 0; i < 1000; ++i) {
    std::string candidate = draw();
    if (candidate.empty()) return {};
    if (plain_response_has_every_shape(user, candidate)) return candidate;
  }
  return {};
}

}  // namespace sah::scenario
