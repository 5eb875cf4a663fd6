#include "harness/smtp/ehlo.h"

#include <gtest/gtest.h>

#include <string_view>

#include "tests/smtp/chunked.h"

namespace sah::smtp {
namespace {

// Wire text -> reply (checked at every split point) -> capabilities.
Capabilities caps_of(std::string_view wire) {
  auto out = testing_support::parse_all_ways(wire);
  EXPECT_FALSE(out.error.has_value());
  EXPECT_EQ(out.replies.size(), 1u);
  if (out.replies.empty()) return {};
  auto caps = Capabilities::parse(out.replies.front());
  EXPECT_TRUE(caps.ok());
  return caps.ok() ? *caps : Capabilities{};
}

std::vector<Bytes> names(const std::vector<AdvertisedMechanism>& list) {
  std::vector<Bytes> out;
  for (const auto& m : list) out.push_back(m.name);
  return out;
}

TEST(Ehlo, TypicalSubmissionServer) {
  auto c = caps_of(
      "250-mail.example.com Hello client.example.net [192.0.2.7]\r\n"
      "250-PIPELINING\r\n"
      "250-SIZE 35882577\r\n"
      "250-STARTTLS\r\n"
      "250-AUTH PLAIN LOGIN SCRAM-SHA-256\r\n"
      "250-ENHANCEDSTATUSCODES\r\n"
      "250-8BITMIME\r\n"
      "250 CHUNKING\r\n");
  EXPECT_EQ(c.greeting_domain(), "mail.example.com");
  EXPECT_EQ(c.greeting_text(), "Hello client.example.net [192.0.2.7]");
  EXPECT_EQ(c.keywords().size(), 7u);
  EXPECT_TRUE(c.pipelining());
  EXPECT_TRUE(c.starttls());
  EXPECT_TRUE(c.enhanced_status_codes());
  EXPECT_TRUE(c.eight_bit_mime());
  EXPECT_TRUE(c.chunking());
  auto size = c.size();
  ASSERT_TRUE(size.has_value());
  EXPECT_TRUE(size->valid);
  EXPECT_EQ(size->limit, 35882577u);
  EXPECT_EQ(c.auth_mechanisms(), (std::vector<Bytes>{"PLAIN", "LOGIN", "SCRAM-SHA-256"}));
  EXPECT_TRUE(c.has_auth_standard());
  EXPECT_FALSE(c.has_auth_legacy());
  EXPECT_TRUE(c.auth_names_valid());
  EXPECT_TRUE(c.offers_mechanism("scram-sha-256"));
  EXPECT_FALSE(c.offers_mechanism("CRAM-MD5"));
  for (const EhloKeyword& k : c.keywords()) EXPECT_TRUE(k.well_formed) << k.raw;
}

TEST(Ehlo, FirstLineIsTheGreetingNotAKeyword) {
  // A server whose domain looks like a keyword must not advertise AUTH by accident.
  auto c = caps_of("250-AUTH Hello\r\n250 PIPELINING\r\n");
  EXPECT_EQ(c.greeting_domain(), "AUTH");
  EXPECT_FALSE(c.has("AUTH"));
  EXPECT_TRUE(c.auth_mechanisms().empty());
  auto single = caps_of("250 mail.example.com\r\n");
  EXPECT_EQ(single.greeting_domain(), "mail.example.com");
  EXPECT_EQ(single.greeting_text(), "");
  EXPECT_TRUE(single.keywords().empty());
}

TEST(Ehlo, KeywordsAreCaseInsensitive) {
  // CAP-03: "250-auth PLAIN".
  auto c = caps_of("250-mx\r\n250-auth PLAIN\r\n250 StartTLS\r\n");
  EXPECT_TRUE(c.has("AUTH"));
  EXPECT_TRUE(c.has("Auth"));
  EXPECT_TRUE(c.starttls());
  ASSERT_NE(c.find("auth"), nullptr);
  EXPECT_EQ(c.find("auth")->name, "AUTH");
  EXPECT_EQ(c.find("auth")->raw, "auth PLAIN");
  EXPECT_EQ(c.auth_mechanisms(), std::vector<Bytes>{"PLAIN"});
}

TEST(Ehlo, DoubleSpacesCollapseAndAreReported) {
  // CAP-03: "250-Auth  PLAIN LOGIN" -> PLAIN, LOGIN, plus an empty name for CAP-02.
  auto c = caps_of("250-mx\r\n250 Auth  PLAIN LOGIN \r\n");
  EXPECT_EQ(c.auth_mechanisms(), (std::vector<Bytes>{"PLAIN", "LOGIN"}));
  EXPECT_EQ(c.auth_empty_tokens(), 2u);  // the double space and the trailing space
  EXPECT_FALSE(c.auth_names_valid());
  EXPECT_FALSE(c.find("AUTH")->well_formed);
}

TEST(Ehlo, TabSeparatorsAreToleratedButNotWellFormed) {
  auto c = caps_of("250-mx\r\n250 AUTH\tPLAIN\tLOGIN\r\n");
  EXPECT_EQ(c.auth_mechanisms(), (std::vector<Bytes>{"PLAIN", "LOGIN"}));
  EXPECT_FALSE(c.find("AUTH")->well_formed);
  EXPECT_EQ(c.auth_empty_tokens(), 0u);
}

TEST(Ehlo, LegacyAuthEqualsFormOnly) {
  // CAP-04 FAIL shape: only "AUTH=" so standard clients see no AUTH.
  auto c = caps_of("250-mx\r\n250 AUTH=PLAIN LOGIN\r\n");
  EXPECT_FALSE(c.has("AUTH"));
  EXPECT_TRUE(c.has("AUTH="));
  EXPECT_FALSE(c.has_auth_standard());
  EXPECT_TRUE(c.has_auth_legacy());
  EXPECT_EQ(names(c.auth_legacy()), (std::vector<Bytes>{"PLAIN", "LOGIN"}));
  EXPECT_EQ(c.auth_mechanisms(), (std::vector<Bytes>{"PLAIN", "LOGIN"}));
  EXPECT_TRUE(c.offers_mechanism("login"));
  EXPECT_FALSE(c.find("AUTH=")->well_formed);  // '=' cannot be in an ehlo-keyword
}

TEST(Ehlo, BothAuthFormsAreKeptApartAndMerged) {
  // CAP-04 LENIENT shape: the legacy line next to the standard one.
  auto c = caps_of("250-mx\r\n250-AUTH PLAIN LOGIN\r\n250-auth=login plain CRAM-MD5\r\n250 OK\r\n");
  EXPECT_TRUE(c.has_auth_standard());
  EXPECT_TRUE(c.has_auth_legacy());
  EXPECT_EQ(names(c.auth_standard()), (std::vector<Bytes>{"PLAIN", "LOGIN"}));
  EXPECT_EQ(names(c.auth_legacy()), (std::vector<Bytes>{"login", "plain", "CRAM-MD5"}));
  // Merged without case-insensitive duplicates, first spelling wins.
  EXPECT_EQ(c.auth_mechanisms(), (std::vector<Bytes>{"PLAIN", "LOGIN", "CRAM-MD5"}));
  EXPECT_EQ(c.auth_legacy()[0].check, MechNameCheck::lowercase);
}

TEST(Ehlo, AuthWithoutMechanisms) {
  // CAP-01 FAIL shape: "AUTH" with no parameter.
  auto c = caps_of("250-mx\r\n250 AUTH\r\n");
  EXPECT_TRUE(c.has("AUTH"));
  EXPECT_TRUE(c.has_auth_standard());
  EXPECT_TRUE(c.auth_standard().empty());
  EXPECT_TRUE(c.auth_mechanisms().empty());
  auto legacy = caps_of("250-mx\r\n250 AUTH=\r\n");
  EXPECT_TRUE(legacy.has_auth_legacy());
  EXPECT_TRUE(legacy.auth_legacy().empty());
}

struct MechRow {
  std::string_view name;
  MechNameCheck want;
  std::string_view reason;
};

TEST(Ehlo, MechanismNameCheckPerRfc4422) {
  const MechRow rows[] = {
      {"PLAIN", MechNameCheck::valid, "upper-case letters"},
      {"SCRAM-SHA-256-PLUS", MechNameCheck::valid, "hyphens and digits"},
      {"X_OAUTH_2", MechNameCheck::valid, "underscore is a mech-char"},
      {"ABCDEFGHIJKLMNOPQRST", MechNameCheck::valid, "exactly 20 characters"},
      {"ABCDEFGHIJKLMNOPQRSTU", MechNameCheck::too_long, "21 characters (SYN-05 shape)"},
      {"plain", MechNameCheck::lowercase, "case only: LENIENT under CAP-02"},
      {"PL@IN", MechNameCheck::bad_char, "'@' (SYN-05 example)"},
      {"PLAIN!", MechNameCheck::bad_char, "'!' (SYN-05 example)"},
      {"PLAIN.X", MechNameCheck::bad_char, "'.' is not a mech-char"},
      {"", MechNameCheck::empty, "empty name"},
      {"abcdefghijklmnopqrstu", MechNameCheck::too_long, "too long beats lowercase"},
      {"PL\xc3\x84IN", MechNameCheck::bad_char, "8-bit octets"},
  };
  for (const MechRow& row : rows) {
    SCOPED_TRACE(row.reason);
    EXPECT_EQ(check_mechanism_name(row.name), row.want) << row.name << ": "
                                                        << to_string(check_mechanism_name(row.name));
  }
}

TEST(Ehlo, InvalidMechanismNamesAreFlagged) {
  auto c = caps_of("250-mx\r\n250 AUTH PLAIN PL@IN\r\n");
  EXPECT_FALSE(c.auth_names_valid());
  ASSERT_EQ(c.auth_standard().size(), 2u);
  EXPECT_EQ(c.auth_standard()[1].check, MechNameCheck::bad_char);
  EXPECT_EQ(c.auth_mechanisms().size(), 2u) << "the name is still listed, the judge fails it";
}

struct SizeRow {
  std::string_view line;
  bool valid;
  std::optional<std::uint64_t> limit;
  std::string_view reason;
};

TEST(Ehlo, SizeParameter) {
  const SizeRow rows[] = {
      {"SIZE 10240000", true, 10240000u, "a plain limit"},
      {"SIZE", true, std::nullopt, "no number: the limit is not announced (RFC 1870 §4)"},
      {"SIZE 0", true, 0u, "zero: no fixed maximum"},
      {"SIZE 18446744073709551615", true, 18446744073709551615u, "largest 20-digit value that fits"},
      {"SIZE 18446744073709551616", false, std::nullopt, "20 digits that overflow 64 bits"},
      {"SIZE 123456789012345678901", false, std::nullopt, "21 digits"},
      {"SIZE 10M", false, std::nullopt, "unit suffix"},
      {"SIZE -1", false, std::nullopt, "negative"},
  };
  for (const SizeRow& row : rows) {
    SCOPED_TRACE(row.reason);
    auto c = caps_of("250-mx\r\n250 " + std::string(row.line) + "\r\n");
    auto s = c.size();
    ASSERT_TRUE(s.has_value());
    EXPECT_EQ(s->valid, row.valid);
    EXPECT_EQ(s->limit, row.limit);
  }
  auto two = caps_of("250-mx\r\n250 SIZE 1 2\r\n").size();
  ASSERT_TRUE(two.has_value());
  EXPECT_FALSE(two->valid) << "two parameters";
  EXPECT_FALSE(caps_of("250 mx\r\n").size().has_value());
}

TEST(Ehlo, OnlyA250ReplyHasCapabilities) {
  Reply r;
  r.code = 502;
  r.lines = {"5.5.1 EHLO not implemented"};
  auto c = Capabilities::parse(r);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error(), EhloError::not_250);
  r.code = 250;
  r.lines.clear();
  auto empty = Capabilities::parse(r);
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error(), EhloError::no_lines);
  EXPECT_EQ(to_string(EhloError::not_250), "not_250");
}

TEST(Ehlo, MalformedKeywordsAreKeptAndMarked) {
  auto c = caps_of("250-mx\r\n250--BAD\r\n250-X_TOKEN\r\n250 XCLIENT NAME ADDR\r\n");
  ASSERT_EQ(c.keywords().size(), 3u);
  EXPECT_FALSE(c.keywords()[0].well_formed) << "keyword may not start with '-'";
  EXPECT_FALSE(c.keywords()[1].well_formed) << "'_' is not allowed in a keyword";
  EXPECT_TRUE(c.keywords()[2].well_formed);
  EXPECT_EQ(c.find("xclient")->params, (std::vector<Bytes>{"NAME", "ADDR"}));
}

}  // namespace
}  // namespace sah::smtp
