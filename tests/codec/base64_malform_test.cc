// Every malformer produces text that a strict decoder rejects for the documented reason, on
// inputs of every padding shape; and a lenient "skip foreign bytes" reading of the inserted
// variants recovers the original value (which is what makes them dangerous to accept).
#include "harness/codec/base64_malform.h"

#include <gtest/gtest.h>

#include <cctype>
#include <set>

namespace sah::codec {
namespace {

// Encodings with no padding, one '=', two '=', and with '+' and '/' in them.
const std::string kSamples[] = {
    base64_encode(std::string_view("\0user\0secret-password", 21)),  // 21 octets: no padding
    base64_encode(std::string_view("\0user\0password", 14)),          // "=" padding
    base64_encode(std::string_view("\0user\0passwords", 15)),         // no padding
    base64_encode(std::string_view("\0user\0pass", 10)),              // "==" padding
    base64_encode("\xfb\xff\xbf\xfe\xff"),                            // '+' and '/' present
    base64_encode("ab"),                                              // one short group
};

class MalformerTest : public ::testing::TestWithParam<Base64Malformer> {};

TEST_P(MalformerTest, StrictDecoderRejectsForTheDocumentedReason) {
  const auto& m = GetParam();
  int applied = 0;
  for (const auto& valid : kSamples) {
    ASSERT_TRUE(base64_decode(valid).ok());
    auto bad = m.apply(valid);
    if (!bad) continue;
    ++applied;
    EXPECT_NE(*bad, valid) << m.name;
    auto r = base64_decode(*bad);
    if (m.expected_error) {
      ASSERT_FALSE(r.ok()) << m.name << " on " << valid << " gave " << *bad;
      EXPECT_EQ(r.error().kind, *m.expected_error)
          << m.name << " on " << valid << ": got " << to_string(r.error().kind);
      EXPECT_LE(r.error().offset, bad->size());
    } else {
      ASSERT_TRUE(r.ok()) << m.name;
      EXPECT_NE(*r, *base64_decode(valid)) << m.name << " must change the decoded value";
    }
  }
  EXPECT_GT(applied, 0) << m.name << " applied to no sample";
}

INSTANTIATE_TEST_SUITE_P(All, MalformerTest, ::testing::ValuesIn(base64_malformers().begin(),
                                                                  base64_malformers().end()),
                         [](const auto& info) {
                           std::string n(info.param.name);
                           for (auto& c : n)
                             if (c == '-') c = '_';
                           return n;
                         });

TEST(Malformers, NamesAreUniqueAndFindable) {
  std::set<std::string_view> seen;
  for (const auto& m : base64_malformers()) {
    EXPECT_TRUE(seen.insert(m.name).second) << m.name;
    EXPECT_EQ(find_base64_malformer(m.name), &m);
    EXPECT_FALSE(m.description.empty());
    EXPECT_EQ(m.requirement.substr(0, 4), "B64-") << m.name;
  }
  EXPECT_EQ(find_base64_malformer("no-such"), nullptr);
}

TEST(Malformers, InsertedBytesHideValidCredentialsFromASkippingDecoder) {
  // A decoder that drops non-alphabet bytes would recover the original: RFC 4954 §4 requires
  // rejection precisely because of this.
  const std::string valid = kSamples[1];
  for (auto name : {"bad-char-start", "bad-char-middle", "whitespace-inside", "crlf-inside", "nul-inside"}) {
    auto bad = find_base64_malformer(name)->apply(valid);
    ASSERT_TRUE(bad.has_value()) << name;
    std::string skipped;
    for (char c : *bad)
      if (std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/' || c == '=') skipped.push_back(c);
    EXPECT_EQ(skipped, valid) << name;
  }
}

TEST(Malformers, CoverEveryCatalogueRequirement) {
  std::set<std::string_view> reqs;
  for (const auto& m : base64_malformers()) reqs.insert(m.requirement);
  for (auto id : {"B64-02", "B64-04", "B64-05", "B64-06", "B64-07", "B64-08", "B64-09"})
    EXPECT_TRUE(reqs.count(id)) << id;
}

TEST(Malformers, NotApplicableVariantsSaySo) {
  EXPECT_FALSE(find_base64_malformer("missing-padding")->apply("Zm9v").has_value());
  EXPECT_FALSE(find_base64_malformer("url-safe-alphabet")->apply("Zm9v").has_value());
  EXPECT_FALSE(find_base64_malformer("nonzero-pad-bits")->apply("Zm9v").has_value());
}

}  // namespace
}  // namespace sah::codec
