#include "harness/net/transport.h"

namespace sah::net {

std::string_view to_string(Event::Kind k) {
  switch (k) {
    case Event::Kind::data: return "data";
    case Event::Kind::closed: return "closed";
    case Event::Kind::timeout: return "timeout";
    case Event::Kind::error: return "error";
  }
  return "error";
}

}  // namespace sah::net
