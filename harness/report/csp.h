// The Content-Security-Policy of every page: inline style and script are allowed only when
// their SHA-256 matches the blocks we inline (CSP Level 2 hash sources), and nothing may be
// fetched at all, so a server-supplied string that ever escaped escaping still could not run
// a script, load an image or call home.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace sah::report {

// FIPS 180-4 SHA-256 (the report layer links no crypto library; this is only for CSP hashes).
std::array<std::uint8_t, 32> sha256(std::string_view data);

// RFC 4648 §4 Base64 with padding.
std::string base64(std::string_view octets);

// "'sha256-<base64>'" for a block's exact text between its tags.
std::string csp_hash_source(std::string_view block);

// The policy for a page whose one <style> and one <script> hold exactly `style` and `script`.
std::string content_security_policy(std::string_view style, std::string_view script);

}  // namespace sah::report
