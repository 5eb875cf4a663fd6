#include "harness/scenario/glob.h"

#include <gtest/gtest.h>

#include <string>

namespace sah::scenario {
namespace {

struct Row {
  const char* pattern;
  const char* text;
  bool match;
  const char* why;
};

TEST(Glob, MatchTable) {
  const Row rows[] = {
      {"", "", true, "empty matches empty"},
      {"", "x", false, "empty matches nothing else"},
      {"*", "", true, "star matches empty"},
      {"*", "anything at all", true, "star matches everything"},
      {"abc", "ABC", true, "literals are case-insensitive"},
      {"a?c", "abc", true, "? is one octet"},
      {"a?c", "ac", false, "? is exactly one octet"},
      {"*failed", "Authentication failed", true, "leading star"},
      {"Auth*", "Authentication failed", true, "trailing star"},
      {"*ti*fa*", "Authentication failed", true, "several stars"},
      {"*x*", "Authentication failed", false, "missing literal"},
      {"a\\*c", "a*c", true, "escaped star is literal"},
      {"a\\*c", "abc", false, "escaped star is not a wildcard"},
      {"line1*line2", "line1\nline2", true, "star spans LF"},
      {"**a", "bba", true, "consecutive stars"},
      {"a*", "b", false, "prefix mismatch"},
  };
  for (const auto& r : rows) EXPECT_EQ(glob_match(r.pattern, r.text).has_value(), r.match) << r.why;
}

TEST(Glob, CapturesTakeTheirSpan) {
  auto c = glob_match("$challenge", "PDEyMzQ+");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->at("challenge"), "PDEyMzQ+");
  c = glob_match("user $who is ${what}.", "user bob is unknown.");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->at("who"), "bob");
  EXPECT_EQ(c->at("what"), "unknown");
  c = glob_match("a$x", "a");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->at("x"), "") << "a capture may be empty";
  c = glob_match("$a-$b", "x-y-z");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->at("a"), "x") << "earlier captures take the shortest span";
  EXPECT_EQ(c->at("b"), "y-z");
  EXPECT_FALSE(glob_match("$a-$b", "xyz"));
}

TEST(Glob, HostileInputStaysLinearish) {
  const std::string text(20000, 'a');
  const std::string pattern = "*a*a*a*a*a*a*a*a*b";
  EXPECT_FALSE(glob_match(pattern, text));  // finishes quickly: no exponential backtracking
}

}  // namespace
}  // namespace sah::scenario
