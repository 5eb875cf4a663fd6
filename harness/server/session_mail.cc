// The mail transaction (RFC 5321 §3.3, §4.1.1.2-4): just enough for the AUTH cases that need one
// (ST-06, ST-07, ST-09 … ST-13). Messages go to a discarding sink; only their size is counted.
#include <algorithm>
#include <cstdint>

#include "harness/server/session_impl.h"

namespace sah::server {
namespace {

constexpr std::size_t kMaxRecipients = 100;  // RFC 5321 §4.5.3.1.8: at least 100 must be taken

// "FROM:<path>" / "TO:<path>" -> the path and the parameter text after it; nullopt on bad syntax.
struct PathArgs {
  std::string_view path;
  std::string_view params;
};

std::optional<PathArgs> parse_path(std::string_view args, std::string_view keyword) {
  if (args.size() < keyword.size() || !iequals(args.substr(0, keyword.size()), keyword)) return std::nullopt;
  std::string_view rest = args.substr(keyword.size());
  if (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);  // tolerated, as most servers do
  if (rest.empty() || rest.front() != '<') return std::nullopt;
  const std::size_t close = rest.find('>');
  if (close == std::string_view::npos) return std::nullopt;
  PathArgs p{rest.substr(1, close - 1), rest.substr(close + 1)};
  if (p.path.find(' ') != std::string_view::npos) return std::nullopt;
  if (!p.params.empty()) {
    if (p.params.front() != ' ' || p.params.size() == 1) return std::nullopt;
    p.params.remove_prefix(1);
  }
  return p;
}

// RFC 4954 §5, §8: AUTH= is "<>" or the xtext (RFC 3461 §4: "+" HEXCHAR HEXCHAR in upper case,
// or a printable character other than "+" and "=") of a mailbox; the decoded value needs a
// non-empty local part and domain (ST-12).
bool valid_auth_param(std::string_view v) {
  if (v == "<>") return true;
  std::string decoded;
  auto hex = [](char h) { return (h >= '0' && h <= '9') || (h >= 'A' && h <= 'F'); };
  auto nibble = [](char h) { return h <= '9' ? h - '0' : h - 'A' + 10; };
  for (std::size_t i = 0; i < v.size(); ++i) {
    const char c = v[i];
    if (c == '+') {
      if (i + 2 >= v.size() || !hex(v[i + 1]) || !hex(v[i + 2])) return false;
      decoded += static_cast<char>(nibble(v[i + 1]) * 16 + nibble(v[i + 2]));
      i += 2;
      continue;
    }
    if (c < 0x21 || c > 0x7E || c == '=') return false;
    decoded += c;
  }
  const std::size_t at = decoded.rfind('@');
  return at != std::string::npos && at > 0 && at + 1 < decoded.size();
}

}  // namespace

void Session::Impl::cmd_mail(std::string_view args, std::size_t line_size) {
  if (state.greeting == Greeting::none) return bad_command(503, "5.5.1", "Send EHLO/HELO first");
  if (state.in_transaction) return bad_command(503, "5.5.1", "Nested MAIL command");
  const auto p = parse_path(args, "FROM:");
  if (!p) return bad_command(501, "5.5.4", "Syntax: MAIL FROM:<address>");
  bool has_auth_param = false;
  std::string_view params = p->params;
  while (!params.empty()) {
    const std::size_t sp = params.find(' ');
    const std::string_view param = params.substr(0, sp);
    params = sp == std::string_view::npos ? std::string_view{} : params.substr(sp + 1);
    const std::size_t eq = param.find('=');
    const std::string key = upper(param.substr(0, eq));
    const std::string_view value = eq == std::string_view::npos ? std::string_view{} : param.substr(eq + 1);
    if (key == "SIZE") {
      if (value.empty() || value.size() > 19 ||
          !std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return bad_command(501, "5.5.4", "Bad SIZE parameter");
      }
      std::uint64_t size = 0;  // at most 19 digits: cannot overflow
      for (char ch : value) size = size * 10 + static_cast<std::uint64_t>(ch - '0');
      if (size > config.limits.max_message) {
        reply(552, "5.3.4", "Message size exceeds fixed limit");
        return;
      }
    } else if (key == "BODY") {
      if (!iequals(value, "7BIT") && !iequals(value, "8BITMIME")) return bad_command(501, "5.5.4", "Bad BODY parameter");
    } else if (key == "AUTH") {
      // RFC 4954 §5: accepted from anyone; an unauthenticated or untrusted value is treated as
      // AUTH=<> (and, the sink discarding, never relayed). Malformed xtext: 501 5.5.4 (ST-12).
      if (fault("mail-auth-param-rejected")) {
        reply(555, "5.5.4", "AUTH parameter not recognized");
        return;
      }
      if (!valid_auth_param(value)) {
        if (fault("auth-param-crash")) {
          action = Action::crash;
          State next = state;
          next.phase = Phase::hung;
          transition(next, "fault auth-param-crash");
          return;
        }
        return bad_command(501, "5.5.4", "Bad AUTH parameter");
      }
      has_auth_param = true;
    } else {
      reply(555, "5.5.4", "Unsupported MAIL parameter");
      return;
    }
  }
  // RFC 5321 §4.5.3.1.4; RFC 4954 §3 item 5: 500 more octets only with AUTH= (ST-13).
  if ((!has_auth_param || fault("auth-param-line-limit")) && line_size + 2 > config.limits.max_command_line) {
    return bad_command(500, "5.5.6", "Line too long");
  }
  // RFC 4505 §5, RFC 4954 §9 (AN-04): an anonymous login is not an authenticated submitter.
  // The fault anonymous-may-submit counts an anonymous login as an authenticated submitter.
  const bool auth_ok = (state.authenticated && (!state.anonymous || fault("anonymous-may-submit"))) ||
                       fault("mail-without-auth") ||
                       (fault("mail-after-failed-auth") && state.failed_auth_seen);
  if (config.require_auth_for_mail && !auth_ok) {
    // RFC 4954 §6, RFC 6409 §4.3 (ST-09, ST-10).
    reply(530, "5.7.0", "Authentication required");
    return;
  }
  State next = state;
  next.in_transaction = true;
  next.recipients = 0;
  next.chunked = false;
  next.mail_seen = true;
  transition(next, "MAIL");
  reply(250, "2.1.0", "OK");
}

void Session::Impl::cmd_rcpt(std::string_view args) {
  if (!state.in_transaction) return bad_command(503, "5.5.1", "Need MAIL command first");
  const auto p = parse_path(args, "TO:");
  if (!p || p->path.empty()) return bad_command(501, "5.5.4", "Syntax: RCPT TO:<address>");
  if (!p->params.empty()) {
    reply(555, "5.5.4", "Unsupported RCPT parameter");
    return;
  }
  if (state.recipients >= kMaxRecipients) {
    reply(452, "4.5.3", "Too many recipients");
    return;
  }
  State next = state;
  ++next.recipients;
  transition(next, "RCPT");
  reply(250, "2.1.5", "OK");
}

void Session::Impl::cmd_data(bool has_args) {
  if (has_args) return bad_command(501, "5.5.4", "DATA takes no parameters");
  if (!state.in_transaction || state.recipients == 0) return bad_command(503, "5.5.1", "Need RCPT command first");
  // RFC 3030 §2: BDAT and DATA are not mixed in one transaction.
  if (state.chunked) return bad_command(503, "5.5.1", "DATA after BDAT in the same transaction");
  message_size = 0;
  message_too_big = false;
  message_line_too_long = false;
  State next = state;
  next.phase = Phase::data;
  transition(next, "DATA");
  // RFC 2034 §4: enhanced codes only on 2xx/4xx/5xx.
  raw("354 End data with <CR><LF>.<CR><LF>");
}

void Session::Impl::data_line(const smtp::Line& line) {
  if (!line.too_long && line.text == ".") {
    // RFC 5321 §4.1.1.4: end of data; the transaction ends whatever the outcome (ST-07).
    State next = state;
    next.phase = Phase::command;
    next.in_transaction = false;
    next.recipients = 0;
    transition(next, "end of data");
    if (message_line_too_long) {
      reply(500, "5.5.6", "Line too long");
    } else if (message_too_big) {
      reply(552, "5.3.4", "Message size exceeds fixed limit");
    } else {
      reply(250, "2.0.0", "OK: message accepted and discarded");
    }
    return;
  }
  // RFC 5321 §4.5.2: a leading "." is removed (dot-unstuffing); the sink keeps only the size.
  std::size_t len = line.text.size();
  if (len > 0 && line.text.front() == '.') --len;
  if (line.too_long || line.text.size() + 2 > config.limits.max_text_line) message_line_too_long = true;
  message_size += len + 2;
  if (message_size > config.limits.max_message) message_too_big = true;
}

}  // namespace sah::server
