#include "harness/smtp/enhanced_status.h"

#include <gtest/gtest.h>

#include <set>
#include <string_view>

namespace sah::smtp {
namespace {

struct ValidRow {
  std::string_view text;
  EnhancedStatus want;
  std::string_view reason;
};

TEST(EnhancedStatus, AcceptsWellFormedCodes) {
  const ValidRow rows[] = {
      {"2.7.0", {2, 7, 0}, "RFC 4954 §6 success pair 235 2.7.0"},
      {"5.7.8", {5, 7, 8}, "RFC 4954 §6 bad credentials"},
      {"4.7.12", {4, 7, 12}, "two-digit detail (RFC 5248 registry, 432 4.7.12)"},
      {"5.0.0", {5, 0, 0}, "a lone zero is not a leading zero"},
      {"2.999.999", {2, 999, 999}, "three digits is the maximum for subject and detail"},
      {"4.10.100", {4, 10, 100}, "zeros after the first digit are fine"},
  };
  for (const ValidRow& row : rows) {
    SCOPED_TRACE(row.reason);
    auto r = parse_enhanced_status(row.text);
    ASSERT_TRUE(r.ok()) << row.text << ": " << to_string(r.error().kind);
    EXPECT_EQ(*r, row.want);
    EXPECT_EQ(r->to_string(), row.text);  // the canonical spelling is the only valid one
  }
}

struct InvalidRow {
  std::string_view text;
  EnhancedError kind;
  std::size_t offset;
  std::string_view reason;
};

TEST(EnhancedStatus, RejectsMalformedCodesWithKindAndOffset) {
  const InvalidRow rows[] = {
      {"", EnhancedError::empty, 0, "nothing at all"},
      {"3.0.0", EnhancedError::bad_class, 0, "class 3 does not exist (RFC 3463 §2: 2, 4 or 5)"},
      {"1.0.0", EnhancedError::bad_class, 0, "class 1 does not exist"},
      {"x.1.1", EnhancedError::bad_class, 0, "class is not a digit"},
      {"25.0.0", EnhancedError::bad_class, 1, "class has more than one digit"},
      {"5", EnhancedError::missing_dot, 1, "class only"},
      {"5.7", EnhancedError::missing_dot, 3, "detail missing"},
      {"5..8", EnhancedError::empty_field, 2, "empty subject"},
      {"5.7.", EnhancedError::empty_field, 4, "empty detail"},
      {"5.", EnhancedError::empty_field, 2, "what '5. 7.8' leaves in its first token"},
      {"5.07.8", EnhancedError::leading_zero, 2, "RPL-08 example: subject with a leading zero"},
      {"5.7.08", EnhancedError::leading_zero, 4, "RPL-08 example: detail with a leading zero"},
      {"5.00.0", EnhancedError::leading_zero, 2, "00 is a leading zero too"},
      {"5.1000.0", EnhancedError::too_many_digits, 5, "subject of four digits"},
      {"5.1.1000", EnhancedError::too_many_digits, 7, "detail of four digits"},
      {"5.7.8a", EnhancedError::non_digit, 5, "letter glued to the detail"},
      {"5.7.8.1", EnhancedError::non_digit, 5, "a fourth field"},
      {"5.7 .8", EnhancedError::non_digit, 3, "white space inside the code"},
      {"5.x", EnhancedError::non_digit, 2, "bad subject before a missing dot"},
      {"5.-1.0", EnhancedError::non_digit, 2, "negative numbers are not digits"},
  };
  for (const InvalidRow& row : rows) {
    SCOPED_TRACE(row.reason);
    auto r = parse_enhanced_status(row.text);
    ASSERT_FALSE(r.ok()) << row.text;
    EXPECT_EQ(r.error().kind, row.kind) << row.text << " gave " << to_string(r.error().kind);
    EXPECT_EQ(r.error().offset, row.offset) << row.text;
  }
}

TEST(EnhancedStatus, PrefixFindsCodeAndHumanText) {
  auto p = parse_enhanced_prefix("5.7.8   Authentication credentials invalid");
  ASSERT_TRUE(p.status.has_value());
  EXPECT_EQ(*p.status, (EnhancedStatus{5, 7, 8}));
  EXPECT_FALSE(p.failure.has_value());
  EXPECT_EQ(p.text_start, 8u);  // "one or more spaces" (RFC 2034 §4) are skipped

  auto bare = parse_enhanced_prefix("2.0.0");
  ASSERT_TRUE(bare.status.has_value());
  EXPECT_EQ(bare.text_start, 5u);
}

TEST(EnhancedStatus, PrefixReportsMalformedAttempts) {
  auto p = parse_enhanced_prefix("5. 7.8 bad");  // RPL-08 example
  EXPECT_FALSE(p.status.has_value());
  ASSERT_TRUE(p.failure.has_value());
  EXPECT_EQ(p.failure->kind, EnhancedError::empty_field);
  EXPECT_EQ(p.failure->offset, 2u);

  auto tab = parse_enhanced_prefix("5.7.8\tno SP after the code");
  ASSERT_TRUE(tab.failure.has_value());
  EXPECT_EQ(tab.failure->kind, EnhancedError::non_digit);
  EXPECT_EQ(tab.failure->offset, 5u);
}

TEST(EnhancedStatus, PrefixIgnoresTextThatIsNotAnAttempt) {
  const std::string_view rows[] = {
      "mail.example.com ESMTP",  // a greeting domain
      "10.0.0.1 ready",          // an address: two digits before the dot
      "Authentication successful",
      "",
      "5",
      ".5.7.8",
  };
  for (std::string_view text : rows) {
    auto p = parse_enhanced_prefix(text);
    EXPECT_FALSE(p.status.has_value()) << text;
    EXPECT_FALSE(p.failure.has_value()) << text;
    EXPECT_EQ(p.text_start, 0u) << text;
  }
}

TEST(EnhancedStatus, ClassMatchesFirstDigitOfReplyCode) {
  EXPECT_TRUE(class_matches({5, 7, 8}, 535));
  EXPECT_TRUE(class_matches({2, 7, 0}, 235));
  EXPECT_FALSE(class_matches({2, 7, 0}, 535));  // RPL-08 example "535 2.7.0"
  EXPECT_FALSE(class_matches({5, 7, 0}, 454));  // RPL-08 example "454 5.7.0"
}

TEST(EnhancedStatus, ErrorNamesAreDistinct) {
  std::set<std::string_view> names;
  for (int v = 0; v <= 6; ++v) names.insert(to_string(static_cast<EnhancedError>(v)));
  EXPECT_EQ(names.size(), 7u);
  EXPECT_EQ(names.count("unknown"), 0u);
}

}  // namespace
}  // namespace sah::smtp
