#include "harness/base/utf8.h"

#include <string>

#include <gtest/gtest.h>

namespace sah::utf8 {
namespace {

using namespace std::string_literals;

struct ValidRow {
  std::string in;
  char32_t code_point;
  std::size_t length;
  const char* why;
};

// Each row: octets that start with one well-formed character, what it decodes to, and why.
const ValidRow kValid[] = {
    {"A", U'A', 1, "ASCII is its own one-octet form"},
    {"\0"s, 0x0, 1, "NUL is a character (callers that refuse it say so themselves)"},
    {"\x7f", 0x7F, 1, "the last one-octet character"},
    {"\xc2\x80", 0x80, 2, "the first two-octet character (C2 is the lowest lead that is not overlong)"},
    {"\xc3\xa9", 0xE9, 2, "e-acute"},
    {"\xdf\xbf", 0x7FF, 2, "the last two-octet character"},
    {"\xe0\xa0\x80", 0x800, 3, "the first three-octet character (E0 needs A0..BF next)"},
    {"\xe2\x82\xac", 0x20AC, 3, "the euro sign"},
    {"\xed\x9f\xbf", 0xD7FF, 3, "the last character before the surrogates (ED needs 80..9F next)"},
    {"\xee\x80\x80", 0xE000, 3, "the first character after the surrogates"},
    {"\xef\xbf\xbd", 0xFFFD, 3, "U+FFFD itself"},
    {"\xef\xbf\xbf", 0xFFFF, 3, "U+FFFF is a noncharacter but well-formed UTF-8"},
    {"\xf0\x90\x80\x80", 0x10000, 4, "the first four-octet character (F0 needs 90..BF next)"},
    {"\xf0\x9f\x98\x80", 0x1F600, 4, "an emoji"},
    {"\xf4\x8f\xbf\xbf", 0x10FFFF, 4, "the last code point (F4 needs 80..8F next)"},
    {"ab", U'a', 1, "only the first character is decoded"},
};

TEST(Utf8Decode, WellFormedCharacters) {
  for (const auto& row : kValid) {
    const auto d = decode(row.in, 0);
    ASSERT_TRUE(d) << row.why << ": " << to_string(d.error().reason);
    EXPECT_EQ(d->code_point, row.code_point) << row.why;
    EXPECT_EQ(d->length, row.length) << row.why;
  }
}

struct InvalidRow {
  std::string in;
  Error reason;
  std::size_t length;  // the maximal subpart
  const char* why;
};

// Each row: octets that do not start a character, the reason, how many octets the maximal
// invalid subpart holds, and why.
const InvalidRow kInvalid[] = {
    {"\x80", Error::stray_continuation, 1, "a continuation octet without a lead"},
    {"\xbf\x80", Error::stray_continuation, 1, "a run of continuation octets starts with no lead"},
    {"\xc0\x80", Error::overlong, 1, "overlong NUL: C0 can only start an overlong form"},
    {"\xc1\xbf", Error::overlong, 1, "C1 can only start an overlong form"},
    {"\xe0\x80\xaf", Error::overlong, 1, "overlong '/' in three octets: E0 then 80..9F"},
    {"\xe0\x9f\xbf", Error::overlong, 1, "overlong U+07FF in three octets"},
    {"\xf0\x80\x80\xaf", Error::overlong, 1, "overlong '/' in four octets: F0 then 80..8F"},
    {"\xf0\x8f\xbf\xbf", Error::overlong, 1, "overlong U+FFFF in four octets"},
    {"\xed\xa0\x80", Error::surrogate, 1, "high surrogate U+D800 encoded (CESU-8)"},
    {"\xed\xbf\xbf", Error::surrogate, 1, "low surrogate U+DFFF encoded"},
    {"\xf4\x90\x80\x80", Error::too_large, 1, "U+110000, one past the last code point"},
    {"\xf5\x80\x80\x80", Error::too_large, 1, "F5 can only start a value past U+10FFFF"},
    {"\xf7\xbf\xbf\xbf", Error::too_large, 1, "F7 likewise"},
    {"\xf8\x88\x80\x80\x80", Error::invalid_octet, 1, "F8 (old five-octet form) never appears"},
    {"\xfe", Error::invalid_octet, 1, "FE never appears"},
    {"\xff", Error::invalid_octet, 1, "FF never appears"},
    {"\xc3\x28", Error::bad_continuation, 1, "a two-octet lead followed by ASCII"},
    {"\xe2\x82\x28", Error::bad_continuation, 2, "the third octet is not a continuation: E2 82 is the subpart"},
    {"\xf0\x9f\x98\x28", Error::bad_continuation, 3, "the fourth octet is not a continuation"},
    {"\xe0\x28\x80", Error::bad_continuation, 1, "after E0, an octet that is no continuation at all"},
    {"\xed\x41", Error::bad_continuation, 1, "after ED, an octet that is no continuation at all"},
    {"\xf4\xc0", Error::bad_continuation, 1, "after F4, a lead where a continuation belongs"},
    {"\xc3", Error::truncated, 1, "a two-octet lead at the end"},
    {"\xe2\x82", Error::truncated, 2, "a three-octet character cut after two octets"},
    {"\xf0\x9f\x98", Error::truncated, 3, "a four-octet character cut after three octets"},
    {"\xe0\x80", Error::overlong, 1, "a cut overlong form is reported as overlong: the second octet decides"},
    {"", Error::truncated, 0, "an empty text has no character at offset 0"},
};

TEST(Utf8Decode, IllFormedSequences) {
  for (const auto& row : kInvalid) {
    const auto d = decode(row.in, 0);
    ASSERT_FALSE(d) << row.why << ": decoded U+" << std::hex << static_cast<unsigned>(d->code_point);
    EXPECT_EQ(d.error().reason, row.reason) << row.why << ": got " << to_string(d.error().reason);
    EXPECT_EQ(d.error().length, row.length) << row.why;
  }
}

TEST(Utf8Decode, ReadsAtTheGivenOffset) {
  const std::string s = "a\xc3\xa9\xe2\x82";
  const auto e_acute = decode(s, 1);
  ASSERT_TRUE(e_acute);
  EXPECT_EQ(e_acute->code_point, 0xE9u);
  EXPECT_EQ(e_acute->length, 2u);
  const auto cut = decode(s, 3);
  ASSERT_FALSE(cut);
  EXPECT_EQ(cut.error().reason, Error::truncated) << "the end of the text cuts the euro sign";
  EXPECT_EQ(cut.error().length, 2u);
  const auto past = decode(s, s.size() + 3);
  ASSERT_FALSE(past) << "an offset past the end reads nothing";
  EXPECT_EQ(past.error().length, 0u);
}

TEST(Utf8Decode, EveryScalarValueRoundTrips) {
  // Every code point but the surrogates: append() writes it, decode() reads it back whole.
  for (char32_t cp = 0; cp <= 0x10FFFF; ++cp) {
    if (cp == 0xD800) cp = 0xE000;
    std::string s;
    append(s, cp);
    const auto d = decode(s, 0);
    ASSERT_TRUE(d) << "U+" << std::hex << static_cast<unsigned>(cp);
    ASSERT_EQ(d->code_point, cp);
    ASSERT_EQ(d->length, s.size()) << "U+" << std::hex << static_cast<unsigned>(cp);
    ASSERT_EQ(s.size(), cp < 0x80 ? 1u : cp < 0x800 ? 2u : cp < 0x10000 ? 3u : 4u) << "shortest form";
  }
}

TEST(Utf8Valid, WholeTexts) {
  EXPECT_TRUE(valid("")) << "the empty text";
  EXPECT_TRUE(valid("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80")) << "characters of every length";
  EXPECT_TRUE(valid("a\0b"s)) << "NUL is well-formed";
  EXPECT_FALSE(valid("abc\xff")) << "an invalid octet at the end";
  EXPECT_FALSE(valid("\xc3\xa9\xc3")) << "a truncated character at the end";
  EXPECT_FALSE(valid("a\xed\xa0\x80z")) << "an encoded surrogate in the middle";
  EXPECT_FALSE(valid("\xc0\xafx")) << "an overlong form at the start";
  for (const auto& row : kValid) EXPECT_TRUE(valid(row.in)) << row.why;
  for (const auto& row : kInvalid) {
    if (!row.in.empty()) EXPECT_FALSE(valid(row.in)) << row.why;
  }
}

TEST(Utf8Valid, AgreesWithDecodeOnEveryTwoOctetText) {
  // valid() accepts a text exactly when decode() walks it to the end without an error.
  for (int a = 0; a < 256; ++a) {
    for (int b = 0; b < 256; ++b) {
      const std::string s{static_cast<char>(a), static_cast<char>(b)};
      std::size_t i = 0;
      bool walked = true;
      while (i < s.size()) {
        const auto d = decode(s, i);
        if (!d) {
          walked = false;
          break;
        }
        i += d->length;
      }
      const bool expected = (a < 0x80 && b < 0x80) || (a >= 0xC2 && a <= 0xDF && b >= 0x80 && b <= 0xBF);
      ASSERT_EQ(walked, expected) << a << "," << b;
      ASSERT_EQ(valid(s), expected) << a << "," << b;
    }
  }
}

}  // namespace
}  // namespace sah::utf8
