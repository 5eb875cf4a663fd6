#include "harness/smtp/command.h"

#include <initializer_list>

namespace sah::smtp::command {

namespace {

constexpr std::string_view kCrlf = "\r\n";

bool has_line_break(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }
bool has_space(std::string_view s) { return s.find_first_of(" \t") != std::string_view::npos; }

// One argument that must be a single non-empty token.
std::optional<CommandError> check_token(std::string_view s) {
  if (s.empty()) return CommandError::empty_argument;
  if (has_line_break(s)) return CommandError::line_break_in_argument;
  if (has_space(s)) return CommandError::whitespace_in_token;
  return std::nullopt;
}

Bytes join(std::initializer_list<std::string_view> parts) {
  Bytes out;
  for (std::string_view p : parts) out += p;
  out += kCrlf;
  return out;
}

Line verb_and_token(std::string_view verb, std::string_view arg) {
  if (auto e = check_token(arg)) return unexpected(*e);
  return join({verb, " ", arg});
}

// "MAIL FROM:<path>" / "RCPT TO:<path>" with optional SP-separated parameters.
Line path_command(std::string_view prefix, std::string_view path, std::string_view params) {
  if (has_line_break(path) || has_line_break(params)) {
    return unexpected(CommandError::line_break_in_argument);
  }
  if (params.empty()) return join({prefix, "<", path, ">"});
  return join({prefix, "<", path, "> ", params});
}

}  // namespace

std::string_view to_string(CommandError e) {
  switch (e) {
    case CommandError::line_break_in_argument: return "line_break_in_argument";
    case CommandError::whitespace_in_token: return "whitespace_in_token";
    case CommandError::empty_argument: return "empty_argument";
  }
  return "unknown";
}

Line ehlo(std::string_view domain) { return verb_and_token("EHLO", domain); }
Line helo(std::string_view domain) { return verb_and_token("HELO", domain); }

Line auth(std::string_view mech, std::optional<std::string_view> initial_b64) {
  if (auto e = check_token(mech)) return unexpected(*e);
  if (!initial_b64) return join({"AUTH ", mech});
  if (initial_b64->empty()) return join({"AUTH ", mech, " ="});
  if (auto e = check_token(*initial_b64)) return unexpected(*e);
  return join({"AUTH ", mech, " ", *initial_b64});
}

Line auth_response(std::string_view b64) {
  if (has_line_break(b64)) return unexpected(CommandError::line_break_in_argument);
  if (has_space(b64)) return unexpected(CommandError::whitespace_in_token);
  return join({b64});
}

Bytes auth_cancel() { return join({"*"}); }

Line mail_from(std::string_view reverse_path, std::string_view params) {
  return path_command("MAIL FROM:", reverse_path, params);
}

Line rcpt_to(std::string_view forward_path, std::string_view params) {
  if (forward_path.empty()) return unexpected(CommandError::empty_argument);
  return path_command("RCPT TO:", forward_path, params);
}

Bytes starttls() { return join({"STARTTLS"}); }
Bytes noop() { return join({"NOOP"}); }
Bytes rset() { return join({"RSET"}); }
Bytes data() { return join({"DATA"}); }
Bytes quit() { return join({"QUIT"}); }

Bytes raw_line(std::string_view text) { return join({text}); }

}  // namespace sah::smtp::command
