#include "harness/scenario/template.h"

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness/codec/base64.h"

namespace sah::scenario {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

Template at_col(std::string source, std::size_t col = 1) { return Template{std::move(source), {"f.scn", 3, col}}; }

std::string expanded(const std::string& source, const std::map<std::string, std::string>& vars = {}) {
  auto r = expand(at_col(source), vars);
  EXPECT_TRUE(r.ok()) << source << ": " << (r.ok() ? "" : r.error());
  return r.ok() ? r.value() : std::string("<error>");
}

std::string expand_error(const std::string& source, const std::map<std::string, std::string>& vars = {}) {
  auto r = expand(at_col(source), vars);
  EXPECT_FALSE(r.ok()) << source;
  return r.ok() ? std::string("<ok>") : r.error();
}

std::vector<std::string> checked(const std::string& source, std::size_t col = 1,
                                 const std::set<std::string>& known = {"user", "password"}) {
  std::vector<std::string> out;
  for (const auto& d : check_template(at_col(source, col), known))
    out.push_back(std::to_string(d.at.line) + ":" + std::to_string(d.at.col) + ": " + d.message);
  return out;
}

TEST(ScenarioTemplate, EveryEscapeGivesItsOctet) {
  struct Row {
    const char* in;
    std::string out;
  } rows[] = {
      {"\\r", "\r"}, {"\\n", "\n"}, {"\\t", "\t"}, {"\\0", std::string(1, '\0')}, {"\\\\", "\\"}, {"\\$", "$"},
      {"\\%", "%"},  {"\\x41", "A"}, {"\\xff", "\xff"}, {"\\x0A", "\n"}, {"a\\r\\nb", "a\r\nb"},
  };
  for (const auto& row : rows) EXPECT_EQ(expanded(row.in), row.out) << row.in;
}

TEST(ScenarioTemplate, VariablesInBothForms) {
  const std::map<std::string, std::string> vars = {{"user", "alice"}, {"password", "s3cret"}, {"n_2", "x"}};
  EXPECT_EQ(expanded("$user:${password}.$n_2!", vars), "alice:s3cret.x!");
  EXPECT_EQ(expanded("${user}name", vars), "alicename") << "braces end the name";
  EXPECT_EQ(expanded("\\$user", vars), "$user") << "an escaped $ is text";
}

TEST(ScenarioTemplate, AnUnsetVariableIsAnErrorThatDoesNotLeakValues) {
  const std::string e = expand_error("AUTH $password $nope", {{"password", "hunter2"}});
  EXPECT_EQ(e, "variable $nope is not set");
  EXPECT_EQ(e.find("hunter2"), std::string::npos);
}

TEST(ScenarioTemplate, Base64HexAndRepeatMacros) {
  const std::map<std::string, std::string> vars = {{"user", "tim"}, {"password", "tanstaaftanstaaf"}};
  // RFC 4616 §4 style: \0 user \0 password.
  EXPECT_EQ(expanded("%b64[\\0$user\\0$password]%", vars), "AHRpbQB0YW5zdGFhZnRhbnN0YWFm");
  EXPECT_EQ(expanded("%b64[]%"), "");
  EXPECT_EQ(expanded("%hex[\\x00\\xffAz]%"), "00ff417a");
  EXPECT_EQ(expanded("%repeat[3|ab]%"), "ababab");
  EXPECT_EQ(expanded("%repeat[0|ab]%"), "");
  EXPECT_EQ(expanded("<%repeat[2|%hex[%b64[a]%]%]%>"), "<59513d3d59513d3d>") << "b64(a)=YQ==, then hex, twice";
  EXPECT_EQ(expanded("%b64[%repeat[300|a]%]%").size(), 400u);
}

TEST(ScenarioTemplate, SwapcaseMacroSwapsAsciiLettersOnly) {
  // PLAIN-12: the password with its letter case swapped; digits, punctuation and 8-bit octets stay.
  EXPECT_EQ(expanded("%swapcase[Pass-w0rd\\xc3\\xa9]%"), "pASS-W0RD\xc3\xa9");
  EXPECT_EQ(expanded("%b64[%swapcase[$user]%]%", {{"user", "aB"}}), "QWI=");
  EXPECT_EQ(expanded("%swapcase[]%"), "");
}

TEST(ScenarioTemplate, Base64WithAMalformer) {
  const std::string valid = codec::base64_encode(std::string("\0tim\0tanstaaftanstaaf", 21));
  const std::string bad = expanded("%b64[\\0tim\\0tanstaaftanstaaf|bad-char-middle]%");
  EXPECT_NE(bad, valid);
  EXPECT_NE(bad.find('.'), std::string::npos) << "bad-char-middle inserts a '.'";
  EXPECT_FALSE(codec::base64_decode(bad).ok());
  EXPECT_EQ(expand_error("%b64[abc|missing-padding]%"), "the malformer 'missing-padding' does not apply to this text")
      << "YWJj has no padding to remove";
}

TEST(ScenarioTemplate, ExpansionIsBoundedBeforeItGrows) {
  EXPECT_EQ(expand_error("%repeat[1000000|%repeat[1000000|a]%]%"), "the expansion is larger than 16777216 octets");
  EXPECT_EQ(expand_error("%b64[%repeat[1000000|%repeat[13|a]%]%]%"), "the expansion is larger than 16777216 octets");
  EXPECT_EQ(expand_error("%hex[%repeat[1000000|%repeat[9|a]%]%]%"), "the expansion is larger than 16777216 octets");
  std::map<std::string, std::string> big = {{"v", std::string(9u << 20, 'x')}};
  EXPECT_EQ(expand_error("$v$v", big), "the expansion is larger than 16777216 octets");
  EXPECT_EQ(expanded("%repeat[1000000|%repeat[16|a]%]%").size(), 16000000u) << "just under the bound";
}

TEST(ScenarioTemplate, CheckReportsExactColumns) {
  // The template starts at column 10 of line 3.
  EXPECT_THAT(checked("ab\\q $ ${x \\x4", 10),
              ElementsAre("3:12: unknown escape '\\q' (known: \\r \\n \\t \\0 \\\\ \\$ \\% \\xHH)",
                          "3:15: expected a variable name after '$' (write '\\$' for a literal '$')",
                          "3:17: expected a variable name and '}' after '${'",
                          "3:21: expected two hex digits after '\\x'"));
  EXPECT_THAT(checked("x\\"), ElementsAre("3:2: '\\' at the end of the text: write '\\\\' for a backslash"));
}

TEST(ScenarioTemplate, CheckReportsMacroErrors) {
  EXPECT_THAT(checked("50% off"),
              ElementsAre("3:3: expected a macro (%b64[, %hex[, %repeat[, %swapcase[) after '%' (write '\\%' for a literal '%')"));
  EXPECT_THAT(checked("%b64[abc"), ElementsAre("3:9: expected ']%' to close the %b64[ macro"));
  EXPECT_THAT(checked("%b64[a|nope]%"),
              ElementsAre("3:8: unknown Base64 malformer 'nope' (see: smtp-auth-harness list --malformers)"));
  EXPECT_THAT(checked("%b64[a|]%"),
              ElementsAre("3:8: expected a Base64 malformer name after '|' (see: smtp-auth-harness list --malformers)"));
  EXPECT_THAT(checked("%hex[a|b]%"), ElementsAre("3:7: too many '|' in the macro (write '\\x7c' for a literal '|')"));
  EXPECT_THAT(checked("%repeat[x|a]%"),
              ElementsAre("3:9: expected a count (0 to 1000000) then '|' in %repeat[N|TEXT]%"));
  EXPECT_THAT(checked("%repeat[1000001|a]%"), ElementsAre("3:9: repeat count over 1000000"));
  EXPECT_THAT(checked("%repeat[5]%"), ElementsAre("3:10: expected a count (0 to 1000000) then '|' in %repeat[N|TEXT]%"));
}

TEST(ScenarioTemplate, CheckReportsUnknownVariablesAtTheirDollar) {
  EXPECT_THAT(checked("AUTH PLAIN %b64[\\0$user\\0$pasword]%"),
              ElementsAre("3:26: unknown variable '$pasword' (not built in, not a foreach variable, not captured by an "
                          "earlier step)"));
  EXPECT_THAT(checked("$user ${password}"), IsEmpty());
}

TEST(ScenarioTemplate, NestingIsBounded) {
  std::string ok, deep;
  for (std::size_t i = 0; i < kMaxMacroDepth; ++i) ok += "%hex[";
  ok += "a";
  for (std::size_t i = 0; i < kMaxMacroDepth; ++i) ok += "]%";
  EXPECT_THAT(checked(ok), IsEmpty());
  for (std::size_t i = 0; i < 5000; ++i) deep += "%hex[";
  const auto d = checked(deep);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0], "3:" + std::to_string(kMaxMacroDepth * 5 + 1) + ": macros nested deeper than 16");
  EXPECT_FALSE(expand(at_col(deep), {}).ok());
}

TEST(ScenarioTemplate, ListsItsVariables) {
  EXPECT_THAT(template_variables("$a %b64[${b}|bad-char-end]% \\$c $a"), ElementsAre("a", "b", "a"));
  EXPECT_TRUE(is_variable_name("_x9"));
  EXPECT_FALSE(is_variable_name("9x"));
  EXPECT_FALSE(is_variable_name(""));
}

}  // namespace
}  // namespace sah::scenario
