// SASLprep (RFC 4013) as SCRAM uses it: the catalogue's §4.12 table, RFC 4013 §3's examples,
// and the limits of the implementation (saslprep.h), each row with its reason.
#include "harness/sasl/saslprep.h"

#include <gtest/gtest.h>

namespace sah::sasl {
namespace {

using saslprep::Error;
using saslprep::Mode;

struct Good {
  std::string_view in;
  std::string_view out;
  std::string_view why;
};

TEST(Saslprep, CatalogueTableAndMappings) {
  const Good rows[] = {
      {"I\xC2\xADX", "IX", "4.12 #1: soft hyphen mapped to nothing"},
      {"user", "user", "4.12 #2: ASCII unchanged"},
      {"USER", "USER", "4.12 #3: case kept"},
      {"\xC2\xAA", "a", "4.12 #4: feminine ordinal indicator, NFKC"},
      {"\xE2\x85\xA8", "IX", "4.12 #5: ROMAN NUMERAL NINE, NFKC"},
      {"a\xC2\xA0" "b", "a b", "C.1.2 no-break space mapped to SP"},
      {"a\xE3\x80\x80" "b", "a b", "C.1.2 ideographic space mapped to SP"},
      {"a\xE2\x80\x8B" "b", "a b", "U+200B is in C.1.2 and B.1; RFC 4013 lists the space mapping first"},
      {"a\xEF\xBB\xBF" "b", "ab", "B.1 zero width no-break space"},
      {"\xEF\xBC\xA1\xEF\xBD\x82", "Ab", "fullwidth letters, NFKC"},
      {"\xEF\xAC\x81", "fi", "ligature fi, NFKC"},
      {"\xC3\xA9t\xC3\xA9", "\xC3\xA9t\xC3\xA9", "precomposed e-acute is already NFKC"},
      {"\xE2\x84\xAB", "\xC3\x85", "ANGSTROM SIGN to A-ring (singleton)"},
      {"\xD7\x90\xD7\x91", "\xD7\x90\xD7\x91", "all-RandALCat string passes the bidi rule"},
      {"\xE4\xB8\xAD\xE6\x96\x87", "\xE4\xB8\xAD\xE6\x96\x87", "CJK ideographs are NFKC-stable"},
      {"\xC2\xAD", "", "4.12 extra: maps to the empty string (callers refuse it)"},
  };
  for (const Good& r : rows) {
    auto p = saslprep::prepare(r.in);
    ASSERT_TRUE(p) << r.why << ": " << saslprep::to_string(p.error().kind);
    EXPECT_EQ(*p, r.out) << r.why;
  }
}

struct Bad {
  std::string_view in;
  Error kind;
  std::size_t offset;
  Mode mode;
  std::string_view why;
};

TEST(Saslprep, RefusalsSayWhatAndWhere) {
  const Bad rows[] = {
      {"\x07", Error::prohibited, 0, Mode::query, "4.12 #6: U+0007 is prohibited (C.2.1)"},
      {"\xD8\xA7" "1", Error::bidi, 2, Mode::query, "4.12 #7: RandALCat first but not last"},
      {"\xD8\xA7" "a\xD8\xA7", Error::bidi, 2, Mode::query, "RandALCat and LCat mixed"},
      {"ab\xEE\x80\x80", Error::prohibited, 2, Mode::query, "private use U+E000 (C.3)"},
      {"a\xC2", Error::invalid_utf8, 1, Mode::query, "truncated UTF-8"},
      {"\xC0\xAF", Error::invalid_utf8, 0, Mode::query, "overlong UTF-8"},
      {"\xED\xA0\x80", Error::invalid_utf8, 0, Mode::query, "encoded surrogate"},
      {"a\xC8\xB7", Error::unassigned, 1, Mode::stored, "U+0237 was unassigned in Unicode 3.2 (A.1)"},
      {"e\xCC\x81", Error::not_covered, 1, Mode::query, "combining acute: composition is not implemented"},
      {"\xEF\xA4\x80", Error::not_covered, 0, Mode::query, "CJK compatibility ideograph: outside the tables"},
  };
  for (const Bad& r : rows) {
    auto p = saslprep::prepare(r.in, r.mode);
    ASSERT_FALSE(p) << r.why;
    EXPECT_EQ(p.error().kind, r.kind) << r.why << ": " << saslprep::to_string(p.error().kind);
    EXPECT_EQ(p.error().offset, r.offset) << r.why;
  }
  EXPECT_TRUE(saslprep::prepare("a\xC8\xB7", Mode::query)) << "unassigned is allowed in queries";
}

}  // namespace
}  // namespace sah::sasl
