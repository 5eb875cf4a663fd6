#include "harness/scenario/fuzz/plan.h"

#include <cstdint>
#include <cstdio>

namespace sah::scenario::fuzz {

std::string render_auth_arguments(const AuthOptions& a) {
  std::string s = a.mechanism;
  if (a.initial_response) s += *a.initial_response ? " ir" : " no-ir";
  if (a.user) s += " user=" + a.user->source;
  if (a.password) s += " password=" + a.password->source;
  if (a.authzid) s += " authzid=" + a.authzid->source;
  if (a.token) s += " token=" + a.token->source;
  if (!a.corruption.empty()) s += " corrupt=" + a.corruption;
  if (a.malform_step) s += " malform=" + std::to_string(*a.malform_step) + ":" + a.malformer;
  if (a.cancel_step) s += " cancel=" + std::to_string(*a.cancel_step);
  if (a.raw_step && a.raw_text) s += " raw=" + std::to_string(*a.raw_step) + ":" + a.raw_text->source;
  return s;
}

std::string render_step(const PlanStep& s) {
  switch (s.kind) {
    case PlanStep::Kind::send: return "send-raw " + s.text;
    case PlanStep::Kind::auth: return "auth " + render_auth_arguments(s.auth);
    case PlanStep::Kind::starttls: return "starttls";
  }
  return {};
}

std::string plan_hash(const Plan& p) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (const auto& s : p.steps) {
    for (unsigned char c : render_step(s) + "\n") {
      h ^= c;
      h *= 0x100000001b3ull;
    }
  }
  char out[17];
  std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(h));
  return out;
}

namespace {
// Escapes are two characters or \xHH; counting "\r\n" must not be fooled by "\\r\\n" (an
// escaped backslash followed by text), so the source is walked escape by escape.
template <typename F>
void each_escape(const std::string& s, F f) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 >= s.size()) continue;
    f(i, s[i + 1]);
    ++i;
  }
}
}  // namespace

std::size_t line_count(const std::string& source) {
  std::size_t n = 0;
  char previous = 0;
  std::size_t previous_end = 0;
  each_escape(source, [&](std::size_t at, char c) {
    if (c == 'n' && previous == 'r' && previous_end == at) ++n;
    previous = c;
    previous_end = at + 2;
  });
  return n;
}

bool ends_line(const std::string& source) {
  if (source.size() < 4) return false;
  // The last two escapes must be \r and \n, back to back, ending the source: "\\r\n" (an
  // escaped backslash, 'r', then \n) is not a line end.
  std::size_t r_at = std::string::npos, n_at = std::string::npos;
  char r = 0, n = 0;
  each_escape(source, [&](std::size_t at, char c) {
    r_at = n_at;
    r = n;
    n_at = at;
    n = c;
  });
  return n == 'n' && r == 'r' && n_at == source.size() - 2 && r_at == source.size() - 4;
}

}  // namespace sah::scenario::fuzz
