// Strict Base64 (RFC 4648 §4 as profiled by RFC 4954 §4): vectors from the requirement
// catalogue §4.1, every error kind with its offset, and encode/decode round trips.
#include "harness/codec/base64.h"

#include <gtest/gtest.h>

#include <string>

namespace sah::codec {
namespace {

struct Vector {
  std::string_view decoded;
  std::string_view encoded;
};

// RFC 4648 §10.
constexpr Vector kRfc4648[] = {
    {"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"},
    {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"},
};

TEST(Base64, EncodesRfc4648Vectors) {
  for (const auto& v : kRfc4648) EXPECT_EQ(base64_encode(v.decoded), v.encoded) << v.decoded;
}

TEST(Base64, DecodesRfc4648Vectors) {
  for (const auto& v : kRfc4648) {
    auto r = base64_decode(v.encoded);
    ASSERT_TRUE(r.ok()) << v.encoded << ": " << to_string(r.error().kind);
    EXPECT_EQ(*r, v.decoded);
  }
}

struct Bad {
  std::string_view input;
  B64Error kind;
  std::size_t offset;
  std::string_view why;
};

// Every row says why the input is invalid; catalogue §4.1 plus the boundaries of each rule.
const Bad kBad[] = {
    {"=AAA", B64Error::padding_in_middle, 0, "RFC 4954 section 4 example: pad first"},
    {"AAA=BBB", B64Error::padding_in_middle, 3, "RFC 4954 section 4 example: pad inside"},
    {"Zg", B64Error::truncated_quantum, 0, "no padding on a 2-character group"},
    {"Zm9", B64Error::truncated_quantum, 0, "no padding on a 3-character group"},
    {"Zm9vZg", B64Error::truncated_quantum, 4, "the incomplete group is the second"},
    {"Zg=", B64Error::bad_padding, 2, "one '=' where two are needed"},
    {"Zg===", B64Error::bad_padding, 2, "three '='"},
    {"Zm9v====", B64Error::bad_padding, 4, "a whole group of padding"},
    {"====", B64Error::bad_padding, 0, "padding only"},
    {"Zm9v=", B64Error::bad_padding, 4, "padding after a complete group"},
    {"Z===", B64Error::bad_padding, 1, "padding after one character"},
    {"Zg==Zg==", B64Error::padding_in_middle, 2, "padding followed by another group"},
    {"Zg=A", B64Error::padding_in_middle, 2, "data after the first pad"},
    {"Z", B64Error::truncated_quantum, 0, "length 4n+1"},
    {"Zm 9v", B64Error::illegal_char, 2, "space"},
    {"Zm9v.", B64Error::illegal_char, 4, "full stop after a group"},
    {"Zm9v\t", B64Error::illegal_char, 4, "TAB"},
    {"Zm9v\r\n", B64Error::illegal_char, 4, "CRLF after the data"},
    {"Zm-v", B64Error::illegal_char, 2, "URL-safe '-'"},
    {"Zm_v", B64Error::illegal_char, 2, "URL-safe '_'"},
    {"\x80Zm9", B64Error::illegal_char, 0, "8-bit octet first"},
    {std::string_view("Zm\0v", 4), B64Error::illegal_char, 2, "NUL"},
    {"Zg==\n", B64Error::illegal_char, 4, "line feed after padding"},
    {"Zh==", B64Error::nonzero_pad_bits, 1, "RFC 4648 section 3.5: 4 unused bits set"},
    {"Zm9=", B64Error::nonzero_pad_bits, 2, "RFC 4648 section 3.5: 2 unused bits set"},
    {"Zm9vZm9vZh==", B64Error::nonzero_pad_bits, 9, "pad bits in a later group"},
    {"Zm9vZm9vZm9vZm9v!", B64Error::illegal_char, 16, "illegal byte after several fast-path groups"},
    {"Zm9vZ!9vZm9v", B64Error::illegal_char, 5, "illegal byte inside a fast-path group"},
    {"Zm9vZm==Zm9v", B64Error::padding_in_middle, 6, "padding in a fast-path group"},
};

class Base64Rejects : public ::testing::TestWithParam<Bad> {};

TEST_P(Base64Rejects, WithKindAndOffset) {
  const Bad& b = GetParam();
  auto r = base64_decode(b.input);
  ASSERT_FALSE(r.ok()) << b.why;
  EXPECT_EQ(r.error().kind, b.kind) << b.why << ": got " << to_string(r.error().kind);
  EXPECT_EQ(r.error().offset, b.offset) << b.why;
}

INSTANTIATE_TEST_SUITE_P(Catalogue, Base64Rejects, ::testing::ValuesIn(kBad),
                         [](const auto& info) { return "row" + std::to_string(info.index); });

TEST(Base64, RoundTripsEveryLengthAndByte) {
  std::string data;
  for (int n = 0; n < 300; ++n) {
    auto enc = base64_encode(data);
    ASSERT_EQ(enc.size(), base64_encoded_size(data.size()));
    auto dec = base64_decode(enc);
    ASSERT_TRUE(dec.ok()) << "length " << n;
    ASSERT_EQ(*dec, data);
    data.push_back(static_cast<char>((n * 131 + 7) & 0xFF));
  }
}

TEST(Base64, DecodesAllOctetValues) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  auto dec = base64_decode(base64_encode(all));
  ASSERT_TRUE(dec.ok());
  EXPECT_EQ(*dec, all);
}

TEST(Base64, EveryNonAlphabetOctetIsRejectedAtItsOffset) {
  const std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=";
  for (int c = 0; c < 256; ++c) {
    if (alphabet.find(static_cast<char>(c)) != std::string_view::npos) continue;
    std::string in = "Zm9vZm9v";
    in[5] = static_cast<char>(c);
    auto r = base64_decode(in);
    ASSERT_FALSE(r.ok()) << c;
    EXPECT_EQ(r.error().kind, B64Error::illegal_char) << c;
    EXPECT_EQ(r.error().offset, 5u) << c;
  }
}

TEST(Base64, ErrorsHaveDistinctDescriptions) {
  const B64Error all[] = {B64Error::illegal_char, B64Error::padding_in_middle, B64Error::bad_padding,
                          B64Error::truncated_quantum, B64Error::nonzero_pad_bits};
  for (auto a : all)
    for (auto b : all)
      if (a != b) EXPECT_NE(to_string(a), to_string(b));
}

TEST(Hex, EncodesLowerCase) { EXPECT_EQ(hex_encode(std::string_view("\x00\xAB\xff", 3)), "00abff"); }

TEST(Hex, DecodesBothCases) {
  auto r = hex_decode("00aBfF");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, std::string_view("\x00\xAB\xff", 3));
}

TEST(Hex, RejectsBadDigitAndOddLength) {
  auto bad = hex_decode("0g");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error(), 1u);
  auto odd = hex_decode("abc");
  ASSERT_FALSE(odd.ok());
  EXPECT_EQ(odd.error(), 3u);
}

}  // namespace
}  // namespace sah::codec
