// The target-profile parser (harness/target/profile.h: parse_profile, expand_start, shell_quote).
// Properties:
//  - an error names a place inside the text: 1 <= line <= lines in the text (or 1 for a file-level
//    error), 1 <= col <= that line's length + 1, and says why (non-empty message);
//  - CRLF line ends parse exactly like LF ones (a text without CR, its LFs made CRLF): same profile
//    or the same error at the same line and column;
//  - a parsed profile round-trips: printed back as `key = value` lines it parses to the same values
//    (so nothing the parser keeps can change meaning on the way through a file);
//  - the parsed start command expands: without '{' it comes back unchanged, fault switches
//    appended as ` --fault 'X'`; shell_quote is undone by the shell's single-quote rule.
#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>

#include "fuzz/fuzz_common.h"
#include "harness/target/profile.h"

namespace {

using sah::fuzz::require;
namespace target = sah::target;

constexpr std::string_view kFile = "fuzz/profile.conf";

bool same(const target::Profile& a, const target::Profile& b) {
  return a.name == b.name && a.description == b.description && a.start == b.start && a.install == b.install &&
         a.tls == b.tls && a.user == b.user && a.password == b.password && a.token == b.token &&
         a.hostname == b.hostname && a.submission == b.submission && a.tls_required == b.tls_required &&
         a.insecure == b.insecure &&
         a.mechanisms == b.mechanisms && a.faults == b.faults && a.ready_timeout_ms == b.ready_timeout_ms &&
         a.folder == b.folder;
}

bool same(const target::ProfileError& a, const target::ProfileError& b) {
  return a.file == b.file && a.line == b.line && a.col == b.col && a.message == b.message;
}

// The text of line `n` (1-based) without its LF and a trailing CR, as the parser sees it.
std::string_view line_at(std::string_view text, std::size_t n) {
  std::size_t pos = 0;
  for (std::size_t i = 1; i < n; ++i) {
    const std::size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) return {};
    pos = nl + 1;
  }
  std::size_t end = text.find('\n', pos);
  if (end == std::string_view::npos) end = text.size();
  std::string_view line = text.substr(pos, end - pos);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

void check_error(std::string_view text, const target::ProfileError& e) {
  require(e.file == kFile, "the error does not name the file");
  require(!e.message.empty(), "an error without a message");
  require(e.line >= 1 && e.col >= 1, "error line or column below 1");
  if (text.size() > target::kMaxProfileBytes) return;  // reported at 1:1 before any line is read
  const std::size_t lines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
  require(e.line <= lines, "error line beyond the text");
  require(e.col <= line_at(text, e.line).size() + 1, "error column beyond its line");
}

// `key=value` with single separators in lists: no printed line is longer than the one it came from.
std::string print(const target::Profile& p) {
  std::string out;
  auto put = [&](std::string_view key, std::string_view value) {
    out.append(key).append("=").append(value).append("\n");
  };
  put("name", p.name);
  put("description", p.description);
  put("start", p.start);
  put("install", p.install);
  put("tls", sah::net::to_string(p.tls));
  put("user", p.user);
  put("password", p.password);
  put("token", p.token);
  put("hostname", p.hostname);
  put("submission", p.submission ? "true" : "false");
  put("tls_required", p.tls_required ? "1" : "0");
  put("insecure", p.insecure ? "yes" : "no");
  std::string list;
  for (const auto& m : p.mechanisms) list.append(list.empty() ? "" : " ").append(m);
  put("mechanisms", list);
  list.clear();
  for (const auto& f : p.faults) list.append(list.empty() ? "" : ",").append(f);
  put("fault", list);
  put("ready_timeout_ms", std::to_string(p.ready_timeout_ms));
  return out;
}

// Undoes shell_quote by /bin/sh's rules: inside '...' every octet is literal; \' outside is a quote.
std::string unquote(std::string_view q) {
  std::string out;
  bool inside = false;
  for (std::size_t i = 0; i < q.size(); ++i) {
    if (q[i] == '\'') {
      inside = !inside;
    } else if (!inside && q[i] == '\\' && i + 1 < q.size()) {
      out += q[++i];
    } else {
      out += q[i];
    }
  }
  require(!inside, "shell_quote left a quote open");
  return out;
}

void check_start(const target::Profile& p) {
  target::StartValues values{"/st'ate", 2525, 4465, "/bin/h", "/pro file"};
  const auto expanded = target::expand_start(p.start, values, p.faults);
  std::string faults;
  for (const auto& f : p.faults) faults += " --fault " + target::shell_quote(f);
  if (p.start.find('{') == std::string::npos) {
    require(expanded.ok() && *expanded == p.start + faults, "a command without placeholders changed");
  } else if (expanded.ok()) {
    require(expanded->size() >= faults.size() &&
                std::string_view(*expanded).substr(expanded->size() - faults.size()) == faults,
            "fault switches not appended last");
  } else {
    require(!expanded.error().empty(), "an expansion error without a message");
  }
  require(unquote(target::shell_quote(p.start)) == p.start, "shell_quote does not round-trip");
  require(unquote(target::shell_quote(p.password)) == p.password, "shell_quote does not round-trip");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text = sah::fuzz::input(data, size);
  const auto parsed = target::parse_profile(text, kFile);
  if (!parsed.ok()) {
    check_error(text, parsed.error());
  } else {
    const std::string printed = print(*parsed);
    if (printed.size() <= target::kMaxProfileBytes) {  // every key printed: may outgrow a text near the limit
      const auto again = target::parse_profile(printed, kFile);
      require(again.ok() && same(*again, *parsed), "a parsed profile printed back parses differently");
    }
    check_start(*parsed);
  }

  if (text.find('\r') == std::string::npos && text.size() <= target::kMaxProfileBytes / 2) {
    std::string crlf;
    crlf.reserve(text.size() * 2);
    for (char c : text) {
      if (c == '\n') crlf += '\r';
      crlf += c;
    }
    const auto other = target::parse_profile(crlf, kFile);
    require(other.ok() == parsed.ok(), "CRLF line ends change whether the profile parses");
    if (other.ok()) {
      require(same(*other, *parsed), "CRLF line ends change the profile");
    } else {
      require(same(other.error(), parsed.error()), "CRLF line ends change the error");
    }
  }
  return 0;
}
