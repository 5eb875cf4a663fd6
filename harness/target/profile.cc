#include "harness/target/profile.h"

#include <array>
#include <filesystem>
#include <fstream>
#include <optional>
#include <system_error>

namespace sah::target {

namespace {

bool blank(char c) { return c == ' ' || c == '\t'; }

bool name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
         c == '-';
}

// RFC 4422 §3.1: a mechanism name is 1-20 upper-case letters, digits, '-' or '_'.
bool mechanism_name(std::string_view s) {
  if (s.empty() || s.size() > 20) return false;
  for (char c : s)
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) return false;
  return true;
}

// Splits on blanks and commas; `cols` receives each item's 0-based offset in `s`.
std::vector<std::string_view> split_list(std::string_view s, std::vector<std::size_t>& cols) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (blank(s[i]) || s[i] == ',')) ++i;
    const std::size_t start = i;
    while (i < s.size() && !blank(s[i]) && s[i] != ',') ++i;
    if (i > start) {
      out.push_back(s.substr(start, i - start));
      cols.push_back(start);
    }
  }
  return out;
}

constexpr std::array<std::string_view, 15> kKeys = {
    "name",       "description", "start",        "install",  "tls",        "user",  "password",        "token",
    "hostname",   "submission",  "tls_required", "insecure", "mechanisms", "fault", "ready_timeout_ms"};

// true/yes/1 or false/no/0; anything else is an error naming the key.
std::optional<bool> parse_bool(std::string_view v) {
  if (v == "true" || v == "yes" || v == "1") return true;
  if (v == "false" || v == "no" || v == "0") return false;
  return std::nullopt;
}

}  // namespace

std::string format(const ProfileError& e) {
  return e.file + ":" + std::to_string(e.line) + ":" + std::to_string(e.col) + ": " + e.message;
}

Result<Profile, ProfileError> parse_profile(std::string_view text, std::string_view file_name) {
  const std::string file(file_name);
  auto fail = [&](std::size_t line, std::size_t col, std::string message) {
    return unexpected(ProfileError{file, line, col, std::move(message)});
  };
  if (text.size() > kMaxProfileBytes)
    return fail(1, 1, "file too large (over " + std::to_string(kMaxProfileBytes) + " octets)");

  Profile p;
  std::array<std::size_t, kKeys.size()> seen_at{};  // line of the first occurrence, 0: unseen
  std::size_t pos = 0, line_no = 0;
  while (pos < text.size()) {
    ++line_no;
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.size() > kMaxProfileLine)
      return fail(line_no, kMaxProfileLine + 1, "line longer than " + std::to_string(kMaxProfileLine) + " octets");
    for (std::size_t i = 0; i < line.size(); ++i) {
      const auto c = static_cast<unsigned char>(line[i]);
      if ((c < 0x20 && c != '\t') || c == 0x7f) return fail(line_no, i + 1, "control character in the file");
    }

    std::size_t i = 0;
    while (i < line.size() && blank(line[i])) ++i;
    if (i == line.size() || line[i] == '#') continue;  // blank line or comment
    const std::size_t key_col = i + 1;
    const std::size_t key_start = i;
    while (i < line.size() && (name_char(line[i]))) ++i;
    const std::string_view key = line.substr(key_start, i - key_start);
    if (key.empty()) return fail(line_no, key_col, "expected a key (letters, digits, '_', '.', '-')");
    while (i < line.size() && blank(line[i])) ++i;
    if (i == line.size() || line[i] != '=')
      return fail(line_no, i + 1, "expected '=' after the key '" + std::string(key) + "'");
    ++i;
    while (i < line.size() && blank(line[i])) ++i;
    std::size_t value_end = line.size();
    while (value_end > i && blank(line[value_end - 1])) --value_end;
    const std::string_view value = line.substr(i, value_end - i);
    const std::size_t value_col = i + 1;

    std::size_t k = 0;
    while (k < kKeys.size() && kKeys[k] != key) ++k;
    if (k == kKeys.size()) return fail(line_no, key_col, "unknown key '" + std::string(key) + "'");
    if (seen_at[k] != 0)
      return fail(line_no, key_col,
                  "duplicate key '" + std::string(key) + "' (first on line " + std::to_string(seen_at[k]) + ")");
    seen_at[k] = line_no;

    const std::string v(value);
    if (key == "name") {
      if (value.empty()) return fail(line_no, value_col, "the name is empty");
      for (std::size_t j = 0; j < value.size(); ++j)
        if (!name_char(value[j]))
          return fail(line_no, value_col + j, "a name is letters, digits, '_', '.' and '-' only");
      p.name = v;
    } else if (key == "description") {
      p.description = v;
    } else if (key == "start") {
      if (value.empty()) return fail(line_no, value_col, "the start command is empty");
      p.start = v;
    } else if (key == "install") {
      p.install = v;
    } else if (key == "tls") {
      const auto mode = net::parse_tls_mode(value);
      if (!mode) return fail(line_no, value_col, "tls wants none, starttls or implicit, got '" + v + "'");
      p.tls = *mode;
    } else if (key == "user") {
      p.user = v;
    } else if (key == "password") {
      p.password = v;  // never echoed in an error
    } else if (key == "token") {
      p.token = v;
    } else if (key == "hostname") {
      p.hostname = v;
    } else if (key == "submission" || key == "insecure" || key == "tls_required") {
      const std::optional<bool> b = parse_bool(value);
      if (!b) return fail(line_no, value_col, std::string(key) + " wants true or false, got '" + v + "'");
      (key == "submission" ? p.submission : key == "insecure" ? p.insecure : p.tls_required) = *b;
    } else if (key == "mechanisms" || key == "fault") {
      std::vector<std::size_t> cols;
      const auto items = split_list(value, cols);
      for (std::size_t j = 0; j < items.size(); ++j) {
        if (key == "mechanisms") {
          if (!mechanism_name(items[j]))
            return fail(line_no, value_col + cols[j],
                        "not a SASL mechanism name (1-20 of A-Z 0-9 - _): '" + std::string(items[j]) + "'");
          p.mechanisms.emplace_back(items[j]);
        } else {
          for (std::size_t c = 0; c < items[j].size(); ++c)
            if (!name_char(items[j][c]))
              return fail(line_no, value_col + cols[j] + c, "a fault name is letters, digits, '_', '.' and '-' only");
          p.faults.emplace_back(items[j]);
        }
      }
    } else if (key == "ready_timeout_ms") {
      // 1 ms .. 10 minutes; digits only, at most 9 of them, so the sum cannot overflow.
      if (value.empty() || value.size() > 9) return fail(line_no, value_col, "ready_timeout_ms wants 1..600000");
      std::uint32_t n = 0;
      for (std::size_t j = 0; j < value.size(); ++j) {
        if (value[j] < '0' || value[j] > '9') return fail(line_no, value_col + j, "ready_timeout_ms wants digits");
        n = n * 10 + static_cast<std::uint32_t>(value[j] - '0');
      }
      if (n == 0 || n > 600000) return fail(line_no, value_col, "ready_timeout_ms wants 1..600000");
      p.ready_timeout_ms = n;
    }
  }
  if (p.name.empty()) return fail(1, 1, "the profile has no 'name'");
  if (p.start.empty()) return fail(1, 1, "the profile has no 'start' command");
  return p;
}

std::string shell_quote(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  out += '\'';
  return out;
}

Result<std::string, std::string> expand_start(std::string_view command, const StartValues& values,
                                              const std::vector<std::string>& faults) {
  std::string out;
  std::size_t i = 0;
  while (i < command.size()) {
    const char c = command[i];
    if (c != '{') {
      out += c;
      ++i;
      continue;
    }
    if (i + 1 < command.size() && command[i + 1] == '{') {
      out += '{';
      i += 2;
      continue;
    }
    const std::size_t close = command.find('}', i);
    if (close == std::string_view::npos) return unexpected("unclosed '{' at offset " + std::to_string(i));
    const std::string_view name = command.substr(i + 1, close - i - 1);
    if (name == "state") {
      out += shell_quote(values.state);
    } else if (name == "port") {
      out += std::to_string(values.port);
    } else if (name == "tls_port") {
      out += std::to_string(values.tls_port);
    } else if (name == "harness") {
      out += shell_quote(values.harness);
    } else if (name == "profile") {
      out += shell_quote(values.profile);
    } else {
      return unexpected("unknown placeholder {" + std::string(name) + "}");
    }
    i = close + 1;
  }
  for (const auto& f : faults) out += " --fault " + shell_quote(f);
  return out;
}

Result<Profile, ProfileError> load_profile(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path file = path;
  if (fs::is_directory(file, ec)) file /= "profile.conf";
  const std::string shown = file.string();
  const auto size = fs::file_size(file, ec);
  if (ec) return unexpected(ProfileError{shown, 1, 1, "cannot read the profile: " + ec.message()});
  if (size > kMaxProfileBytes)
    return unexpected(ProfileError{shown, 1, 1, "file too large (over " + std::to_string(kMaxProfileBytes) + " octets)"});
  std::ifstream in(file, std::ios::binary);
  std::string text(static_cast<std::size_t>(size), '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (!in) return unexpected(ProfileError{shown, 1, 1, "cannot read the profile"});
  auto p = parse_profile(text, shown);
  if (!p.ok()) return p;
  p->folder = fs::absolute(file.parent_path(), ec).lexically_normal().string();
  return p;
}

}  // namespace sah::target
