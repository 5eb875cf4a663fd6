// The capabilities an EHLO reply advertises (RFC 5321 §4.1.1.1):
//   ehlo-ok-rsp = "250" SP Domain [ SP ehlo-greet ] CRLF
//               / "250-" Domain [ SP ehlo-greet ] CRLF *( "250-" ehlo-line CRLF ) "250" SP ehlo-line CRLF
//   ehlo-line   = ehlo-keyword *( SP ehlo-param )
// The first line is the server's domain and greeting, never a keyword. Keywords are matched
// case-insensitively (RFC 5321 §2.4, CAP-03). The list is built from one reply only: after
// STARTTLS the caller parses the new reply and drops the old object (CAP-13).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "harness/base/bytes.h"
#include "harness/base/result.h"
#include "harness/smtp/reply.h"

namespace sah::smtp {

// RFC 4422 §3.1: sasl-mech = 1*20mech-char; mech-char = UPPER-ALPHA / DIGIT / HYPHEN / UNDERSCORE.
// Values are stable.
enum class MechNameCheck {
  valid = 0,
  lowercase = 1,  // only the case is wrong: tolerated (RFC 4954 §8), LENIENT under CAP-02
  bad_char = 2,   // a character outside A-Z a-z 0-9 - _
  too_long = 3,   // more than 20 characters
  empty = 4,      // zero characters
};

std::string_view to_string(MechNameCheck c);
MechNameCheck check_mechanism_name(std::string_view name);

struct EhloKeyword {
  Bytes name;                 // upper-cased keyword ("AUTH", "SIZE"); for "AUTH=PLAIN" it is "AUTH="
  std::vector<Bytes> params;  // parameters as sent, empty tokens dropped
  Bytes raw;                  // the whole line text as sent
  bool well_formed = true;    // keyword matches (ALPHA / DIGIT) *(ALPHA / DIGIT / "-") and the
                              // line uses single SPs only
};

struct AdvertisedMechanism {
  Bytes name;            // as advertised
  MechNameCheck check;   // CAP-02
  friend bool operator==(const AdvertisedMechanism&, const AdvertisedMechanism&) = default;
};

// SIZE (RFC 1870 §4): size-param = [1*20DIGIT]; "SIZE" alone or "SIZE 0" means no fixed limit.
struct SizeParam {
  std::optional<std::uint64_t> limit;  // absent when no number was given
  bool valid = true;                   // false: not digits, > 20 digits, overflow, or more than
                                       // one parameter
};

// Values are stable.
enum class EhloError {
  not_250 = 1,   // the reply code is not 250: the reply carries no capabilities
  no_lines = 2,  // a Reply without lines (only a hand-made one can be)
};

std::string_view to_string(EhloError e);

class Capabilities {
 public:
  // Parses the keyword lines of a 250 reply to EHLO.
  static Result<Capabilities, EhloError> parse(const Reply& reply);

  std::string_view greeting_domain() const { return domain_; }  // first token of the first line
  std::string_view greeting_text() const { return greet_; }     // the rest of the first line

  const std::vector<EhloKeyword>& keywords() const { return keywords_; }
  // Case-insensitive; "AUTH" does not match the legacy "AUTH=" form (see auth_legacy()).
  bool has(std::string_view keyword) const;
  const EhloKeyword* find(std::string_view keyword) const;  // first line with that keyword

  // Mechanisms from the standard "AUTH" lines and the obsolete "AUTH=" lines together, each
  // name once (case-insensitive), in order of appearance, empty tokens dropped.
  std::vector<Bytes> auth_mechanisms() const;
  // Each form separately, every token as advertised with its RFC 4422 check (CAP-02, CAP-04).
  const std::vector<AdvertisedMechanism>& auth_standard() const { return auth_standard_; }
  const std::vector<AdvertisedMechanism>& auth_legacy() const { return auth_legacy_; }
  bool has_auth_standard() const { return auth_standard_lines_ > 0; }  // an "AUTH" line appeared
  bool has_auth_legacy() const { return auth_legacy_lines_ > 0; }      // an "AUTH=" line appeared
  // Case-insensitive membership in auth_mechanisms() ([MECH:X] preconditions).
  bool offers_mechanism(std::string_view name) const;
  // Empty tokens seen in AUTH lines (double spaces, "AUTH " with nothing after): CAP-02/03.
  std::size_t auth_empty_tokens() const { return auth_empty_tokens_; }
  // Every advertised mechanism has a valid RFC 4422 name and no token was empty.
  bool auth_names_valid() const;

  bool starttls() const { return has("STARTTLS"); }
  bool enhanced_status_codes() const { return has("ENHANCEDSTATUSCODES"); }
  bool pipelining() const { return has("PIPELINING"); }
  bool chunking() const { return has("CHUNKING"); }
  bool eight_bit_mime() const { return has("8BITMIME"); }
  std::optional<SizeParam> size() const;  // absent when SIZE is not advertised

 private:
  Bytes domain_;
  Bytes greet_;
  std::vector<EhloKeyword> keywords_;
  std::vector<AdvertisedMechanism> auth_standard_;
  std::vector<AdvertisedMechanism> auth_legacy_;
  std::size_t auth_standard_lines_ = 0;
  std::size_t auth_legacy_lines_ = 0;
  std::size_t auth_empty_tokens_ = 0;
};

}  // namespace sah::smtp
