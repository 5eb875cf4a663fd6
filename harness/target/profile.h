// A target profile: targets/<name>/profile.conf tells the supervisor how to start a real
// server on loopback (DESIGN.md "Real targets") and the runner which account and TLS mode to
// use. The format is `key = value` lines; a line whose first non-blank octet is '#' is a
// comment (a '#' later in a line is part of the value, so passwords may contain it).
//
// parse_profile is pure and bounded (it is fuzzed): no I/O, input and line lengths checked
// before use, every error a value naming file:line:col.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "harness/base/result.h"
#include "harness/net/tls_mode.h"

namespace sah::target {

inline constexpr std::size_t kMaxProfileBytes = 64 * 1024;
inline constexpr std::size_t kMaxProfileLine = 4096;
inline constexpr std::uint32_t kDefaultReadyTimeoutMs = 10000;

struct Profile {
  std::string name;         // required: [A-Za-z0-9._-]+
  std::string description;
  std::string start;        // required: a shell command line with {placeholders}
  std::string install;      // a script, relative to the profile folder
  net::TlsMode tls = net::TlsMode::none;
  std::string user, password, token;  // the test account
  std::string hostname;     // $host for SASL; empty: the run's default
  bool submission = false;  // requires AUTH before MAIL
  bool tls_required = false;  // refuses cleartext-password mechanisms before TLS (as --tls-required)
  // Do not verify the server's certificate: true by default, since a profile's server makes a
  // self-signed one at each start; false verifies it against --ca-file or the system store.
  bool insecure = true;
  std::vector<std::string> mechanisms;  // expected to be advertised
  std::vector<std::string> faults;      // `{harness} serve` fault switches, appended as --fault X
  std::uint32_t ready_timeout_ms = kDefaultReadyTimeoutMs;
  std::string folder;       // set by load_profile: where the file was found (the start cwd)
};

struct ProfileError {
  std::string file;
  std::size_t line = 0;  // 1-based
  std::size_t col = 0;   // 1-based
  std::string message;
};

// "targets/x/profile.conf:3:7: message"
std::string format(const ProfileError& e);

Result<Profile, ProfileError> parse_profile(std::string_view text, std::string_view file_name);

// The values put into a start command. Each is single-quoted for /bin/sh when substituted.
struct StartValues {
  std::string state;     // {state}: the private state folder
  std::uint16_t port = 0;      // {port}: cleartext / STARTTLS
  std::uint16_t tls_port = 0;  // {tls_port}: implicit TLS
  std::string harness;   // {harness}: this executable
  std::string profile;   // {profile}: the profile folder
};

// Replaces {state} {port} {tls_port} {harness} {profile}; "{{" is a literal "{". An unknown
// placeholder is an error (its name). Fault switches are appended as ` --fault 'X'`.
Result<std::string, std::string> expand_start(std::string_view command, const StartValues& values,
                                              const std::vector<std::string>& faults);

// Single quotes for /bin/sh: 'it'\''s'.
std::string shell_quote(std::string_view s);

// Reads `dir/profile.conf` (or the file itself when `path` names a file), bounded by
// kMaxProfileBytes, and parses it; Profile::folder is the folder holding it.
Result<Profile, ProfileError> load_profile(const std::string& path);

}  // namespace sah::target
