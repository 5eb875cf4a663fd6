// `handshake [min=V] [max=V]` in the scenario language (TLS-14 probes, RFC 8314 §4.1,
// RFC 8996): the version ranges it accepts and every parse error, with its line and column.
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness/scenario/parser.h"
#include "tests/scenario/scenario_test_util.h"

namespace sah::scenario {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::header;
using testing::parse;
using testing::short_diagnostics;
using V = net::TlsVersion;

constexpr const char* kOnlyMinMax =
    "'handshake' takes only min=VERSION and max=VERSION (TLSv1.0, TLSv1.1, TLSv1.2, TLSv1.3)";
constexpr const char* kVersions = " (TLSv1.0, TLSv1.1, TLSv1.2, TLSv1.3)";

// The header is five lines: `connect` is line 6, the handshake line 7 (its first argument at
// column 11, after "handshake ").
std::string with_handshake(const std::string& line) {
  return header() + "connect\nsend STARTTLS\nexpect 220 => pass\n" + line + "\nexpect closed => pass\n";
}

TEST(HandshakeVersions, ParsesTheRanges) {
  const struct {
    std::string line;
    std::optional<V> min, max;
    const char* why;
  } rows[] = {
      {"handshake", {}, {}, "no options: the default range, unpinned"},
      {"handshake max=TLSv1.1", {}, V::tls1_1, "max alone (the range then starts at 1.0)"},
      {"handshake min=TLSv1.3", V::tls1_3, {}, "min alone"},
      {"handshake min=TLSv1.0 max=TLSv1.1", V::tls1_0, V::tls1_1, "both"},
      {"handshake max=TLSv1.0 min=TLSv1.0", V::tls1_0, V::tls1_0, "either order, equal ends"},
      {"handshake   min=TLSv1.2    max=TLSv1.3   # a comment", V::tls1_2, V::tls1_3, "blanks and a comment"},
      {"handshake min=TLSv1.1 max=TLSv1.2", V::tls1_1, V::tls1_2, "across the deprecation line"},
  };
  for (const auto& row : rows) {
    const ParseResult r = parse(with_handshake(row.line));
    ASSERT_THAT(short_diagnostics(r), IsEmpty()) << row.why;
    ASSERT_EQ(r.cases.size(), 1u) << row.why;
    const auto& steps = r.cases[0].steps;
    ASSERT_EQ(steps.size(), 3u) << row.why;
    const Step& h = steps[2];
    EXPECT_EQ(h.kind, Step::Kind::handshake) << row.why;
    EXPECT_EQ(h.at.line, 9u) << row.why;
    EXPECT_EQ(h.tls_versions.min, row.min) << row.why;
    EXPECT_EQ(h.tls_versions.max, row.max) << row.why;
    EXPECT_EQ(h.tls_versions.pinned(), row.min.has_value() || row.max.has_value()) << row.why;
    ASSERT_EQ(h.expect.size(), 1u) << row.why << ": the expect line belongs to the handshake";
    EXPECT_EQ(h.expect[0].kind, Alternative::Kind::closed) << row.why;
  }
}

TEST(HandshakeVersions, ReportsEachBadOptionWhereItIs) {
  const std::string only = kOnlyMinMax;
  const struct {
    std::string line;
    std::vector<std::string> want;
    const char* why;
  } rows[] = {
      {"handshake now", {"9:11: " + only}, "a word that is no option"},
      {"handshake TLSv1.2", {"9:11: " + only}, "a version without min= / max="},
      {"handshake mid=TLSv1.2", {"9:11: " + only}, "an unknown option name"},
      {"handshake MIN=TLSv1.2", {"9:11: " + only}, "option names are lower case"},
      {"handshake \"min=TLSv1.2\"", {"9:11: " + only}, "a quoted field is text, not an option"},
      {"handshake min=TLSv1.4", {"9:15: unknown TLS version 'TLSv1.4'" + std::string(kVersions)},
       "no such version; the column is the value's"},
      {"handshake max=", {"9:15: unknown TLS version ''" + std::string(kVersions)}, "an empty value"},
      {"handshake min=tlsv1.2", {"9:15: unknown TLS version 'tlsv1.2'" + std::string(kVersions)},
       "versions are spelled as OpenSSL prints them"},
      {"handshake max=TLSv1", {"9:15: unknown TLS version 'TLSv1'" + std::string(kVersions)},
       "1.0 is written TLSv1.0"},
      {"handshake max=TLSv1.1 max=TLSv1.0", {"9:23: duplicate handshake option 'max'"}, "max twice"},
      {"handshake min=TLSv1.0 min=TLSv1.0", {"9:23: duplicate handshake option 'min'"}, "min twice, even equal"},
      {"handshake min=TLSv1.3 max=TLSv1.2", {"9:11: min= is above max=: the handshake would offer no version"},
       "an empty range"},
      {"handshake max=TLSv1.2 min=TLSv1.3", {"9:11: min= is above max=: the handshake would offer no version"},
       "an empty range, the other order: the column is the first option's"},
      {"handshake  min=TLSv1.2 max=TLSv1.1", {"9:12: min= is above max=: the handshake would offer no version"},
       "1.2 to 1.1, after two blanks"},
      {"handshake max=TLSv1.1 bogus", {"9:23: " + only}, "a stray word after a good option"},
      {"handshake min=TLSv9 x=1",
       {"9:15: unknown TLS version 'TLSv9'" + std::string(kVersions), "9:21: " + only},
       "two errors on one line, both reported"},
  };
  for (const auto& row : rows) {
    const ParseResult r = parse(with_handshake(row.line));
    EXPECT_EQ(short_diagnostics(r), row.want) << row.why;
    EXPECT_TRUE(r.cases.empty()) << row.why << ": a case with an error is dropped";
  }
}

TEST(HandshakeVersions, ErrorsNameTheFile) {
  const ParseResult r = parse(with_handshake("handshake max=TLSv1.5"));
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(format(r.diagnostics[0]), "t.scn:9:15: unknown TLS version 'TLSv1.5'" + std::string(kVersions));
}

TEST(HandshakeVersions, ForeachRowsFillTheVersions) {
  // The shape of scenarios/tls/versions.scn: one case per deprecated version.
  const ParseResult r = parse(header("v.$name") +
                              "foreach name version\n  a  TLSv1.0\n  b  TLSv1.1\nend\n"
                              "connect\nsend STARTTLS\nexpect 220 => pass\n"
                              "handshake min=$version max=$version\nexpect closed => pass\n");
  ASSERT_THAT(short_diagnostics(r), IsEmpty());
  ASSERT_EQ(r.cases.size(), 2u);
  EXPECT_EQ(r.cases[0].id, "v.a");
  EXPECT_EQ(r.cases[0].steps.at(2).tls_versions.min, V::tls1_0);
  EXPECT_EQ(r.cases[0].steps.at(2).tls_versions.max, V::tls1_0);
  EXPECT_EQ(r.cases[1].steps.at(2).tls_versions.min, V::tls1_1);
  EXPECT_EQ(r.cases[1].steps.at(2).tls_versions.max, V::tls1_1);
}

TEST(HandshakeVersions, ForeachRowWithABadVersionIsAnError) {
  const ParseResult r = parse(header("v.$name") +
                              "foreach name version\n  a  TLSv1.0\n  b  TLSv2\nend\n"
                              "connect\nsend STARTTLS\nexpect 220 => pass\n"
                              "handshake min=$version max=$version\nexpect closed => pass\n");
  ASSERT_FALSE(r.ok()) << "row b names no TLS version";
  bool named = false;
  for (const auto& d : r.diagnostics) named = named || d.message.find("unknown TLS version 'TLSv2'") != std::string::npos;
  EXPECT_TRUE(named) << "the expanded value is named";
  ASSERT_EQ(r.cases.size(), 1u) << "row a still parses";
  EXPECT_EQ(r.cases[0].id, "v.a");
}

TEST(HandshakeVersions, TheCatalogueFileParses) {
  const ParseResult r = parse_file(std::string(SAH_SOURCE_DIR) + "/scenarios/tls/versions.scn");
  ASSERT_TRUE(r.ok()) << (r.diagnostics.empty() ? "" : format(r.diagnostics[0]));
  ASSERT_EQ(r.cases.size(), 2u);
  for (const Case& c : r.cases) {
    bool pinned = false;
    for (const Step& s : c.steps)
      if (s.kind == Step::Kind::handshake) {
        pinned = true;
        EXPECT_TRUE(s.tls_versions.offers_deprecated()) << c.id;
        EXPECT_LT(s.tls_versions.highest(), V::tls1_2) << c.id << ": offers only deprecated versions";
      }
    EXPECT_TRUE(pinned) << c.id << " has a pinned handshake";
  }
}

}  // namespace
}  // namespace sah::scenario
