#include "harness/sasl/saslname.h"

namespace sah::sasl::saslname {

std::string escape(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c == ',') {
      out += "=2C";
    } else if (c == '=') {
      out += "=3D";
    } else {
      out += c;
    }
  }
  return out;
}

Result<std::string, std::size_t> unescape(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == ',') return unexpected(i);
    if (s[i] != '=') {
      out += s[i];
      continue;
    }
    if (s.size() - i < 3) return unexpected(i);
    const std::string_view esc = s.substr(i + 1, 2);
    if (esc == "2C") {
      out += ',';
    } else if (esc == "3D") {
      out += '=';
    } else {
      return unexpected(i);
    }
    i += 2;
  }
  if (out.empty()) return unexpected(std::size_t{0});
  return out;
}

}  // namespace sah::sasl::saslname
