// Client command lines, formatted safely: every function returns the complete line with its
// CRLF, or an error when an argument would change the line's meaning. A CR or LF inside an
// argument would end the command early and inject a second one (the class of bug behind
// STARTTLS command injection, CVE-2011-0411), so it is refused. Deliberately malformed input
// for conformance tests goes through raw_line(), which checks nothing.
#pragma once

#include <optional>
#include <string_view>

#include "harness/base/bytes.h"
#include "harness/base/result.h"

namespace sah::smtp::command {

// Values are stable.
enum class CommandError {
  line_break_in_argument = 1,  // CR or LF inside an argument
  whitespace_in_token = 2,     // SP or HT inside an argument that must be one token
                               // (domain, mechanism, Base64 response), it would add arguments
  empty_argument = 3,          // a required argument is empty
};

std::string_view to_string(CommandError e);

using Line = Result<Bytes, CommandError>;

Line ehlo(std::string_view domain);  // "EHLO <domain>\r\n"
Line helo(std::string_view domain);  // "HELO <domain>\r\n"

// "AUTH <mech>\r\n" or "AUTH <mech> <initial>\r\n" (RFC 4954 §4). `initial_b64` is already
// Base64; an empty one is sent as "=" (a present, zero-length initial response, RFC 4954 §4).
// Whether an initial response fits on the line is the SASL binding's decision, not this one.
Line auth(std::string_view mech, std::optional<std::string_view> initial_b64 = std::nullopt);
// A response line after a 334: the Base64 text as is (the empty line is a zero-length response).
Line auth_response(std::string_view b64);
Bytes auth_cancel();  // "*\r\n" (RFC 4954 §4)

// "MAIL FROM:<path>[ params]\r\n"; an empty path is the null reverse-path "<>" (RFC 5321 §4.1.1.2).
Line mail_from(std::string_view reverse_path, std::string_view params = {});
// "RCPT TO:<path>[ params]\r\n"; the path may not be empty.
Line rcpt_to(std::string_view forward_path, std::string_view params = {});

Bytes starttls();  // "STARTTLS\r\n"
Bytes noop();      // "NOOP\r\n"
Bytes rset();      // "RSET\r\n"
Bytes data();      // "DATA\r\n"
Bytes quit();      // "QUIT\r\n"

// `text` followed by CRLF, unchecked: for malformed commands the harness sends on purpose.
Bytes raw_line(std::string_view text);

}  // namespace sah::smtp::command
