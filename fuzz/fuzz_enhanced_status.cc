// Enhanced status codes (harness/smtp/enhanced_status.h, RFC 3463 §2). Properties: an accepted
// code prints back as exactly the input (the grammar has one spelling per triple: no leading
// zeros, no spaces); failure offsets lie inside the text; a well-formed prefix is the text's
// first token; the class is 2, 4 or 5 and subject/detail are at most 999.
#include "fuzz/fuzz_common.h"
#include "harness/smtp/enhanced_status.h"

using sah::fuzz::require;
namespace smtp = sah::smtp;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string in = sah::fuzz::input(data, size);
  auto whole = smtp::parse_enhanced_status(in);
  if (whole) {
    require(whole->to_string() == in, "accepted code does not print back as the input");
    require(whole->klass == 2 || whole->klass == 4 || whole->klass == 5, "class outside 2, 4, 5");
    require(whole->subject >= 0 && whole->subject <= 999 && whole->detail >= 0 && whole->detail <= 999,
            "subject or detail outside 0..999");
  } else {
    require(whole.error().offset <= in.size(), "failure offset beyond the text");
    require(in.empty() == (whole.error().kind == smtp::EnhancedError::empty), "empty error iff empty text");
  }
  const auto prefix = smtp::parse_enhanced_prefix(in);
  require(!(prefix.status && prefix.failure), "both a status and a failure");
  if (prefix.status) {
    const std::string code = prefix.status->to_string();
    require(in.compare(0, code.size(), code) == 0, "prefix status is not the text's start");
    require(in.size() == code.size() || in[code.size()] == ' ', "prefix status not followed by SP or the end");
    require(prefix.text_start >= code.size() && prefix.text_start <= in.size(), "text_start out of range");
    require(smtp::parse_enhanced_status(code).ok(), "prefix status is not a valid code");
  } else if (!prefix.failure) {
    require(prefix.text_start == 0, "text_start set although the text is no attempt at a code");
  }
  if (prefix.failure) require(prefix.failure->offset <= in.size(), "prefix failure offset beyond the text");
  return 0;
}
