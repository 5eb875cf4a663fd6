#include "harness/report/escape.h"

#include <string>

#include <gtest/gtest.h>

namespace sah::report {
namespace {

using namespace std::string_literals;

struct Row {
  std::string in;
  std::string html;
  const char* why;
};

// Each row: what a server might send, what the page must contain, and why.
const Row kRows[] = {
    {"plain text", "plain text", "ordinary ASCII passes unchanged"},
    {"<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;", "a script tag becomes text"},
    {"a & b", "a &amp; b", "an ampersand cannot start an entity"},
    {"\"double\" 'single'", "&quot;double&quot; &#39;single&#39;", "quotes cannot leave an attribute value"},
    {"&lt;", "&amp;lt;", "an entity in the input shows as written, not decoded"},
    {"a\0b"s, "a\\x00b", "NUL is visible, not dropped or passed"},
    {"\x1b[31mred\x1b[0m", "\\x1B[31mred\\x1B[0m", "ESC of an ANSI colour sequence is visible"},
    {"tab\there", "tab\\x09here", "TAB is a C0 control too"},
    {"line\r\n", "line\\x0D\\x0A", "CR and LF are visible (transcripts strip CRLF before)"},
    {"del\x7f", "del\\x7F", "DEL is a control"},
    {"c1\xc2\x85", "c1\\xC2\\x85", "a C1 control (U+0085 NEL) shows as its two UTF-8 octets"},
    {"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "valid UTF-8 of every length passes"},
    {"\xff", "\xef\xbf\xbd", "0xFF is never valid UTF-8"},
    {"\x80", "\xef\xbf\xbd", "a continuation octet without a lead"},
    {"\xc0\x80", "\xef\xbf\xbd\xef\xbf\xbd", "overlong NUL (C0 80): C0 is never a lead, 80 has none"},
    {"\xe0\x80\xaf", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", "overlong '/' in three octets: E0 needs A0..BF next"},
    {"\xf0\x80\x80\xaf", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", "overlong '/' in four octets"},
    {"\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", "a lone high surrogate U+D800 encoded in UTF-8"},
    {"\xed\xbf\xbf", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", "a lone low surrogate U+DFFF encoded in UTF-8"},
    {"\xf4\x90\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", "U+110000 is past the last code point"},
    {"\xe2\x82", "\xef\xbf\xbd", "a sequence truncated at the end: one replacement"},
    {"\xe2\x82<", "\xef\xbf\xbd&lt;", "a truncated sequence does not swallow the '<' after it"},
    {"\xc3\x28", "\xef\xbf\xbd(", "a bad continuation is read again as itself"},
    {"\xe2\x80\xae" "evil", "\\u202Eevil", "a right-to-left override cannot reorder the display"},
    {"\xe2\x81\xa6x", "\\u2066x", "a bidi isolate is visible too"},
};

TEST(HtmlEscape, Table) {
  for (const auto& row : kRows) EXPECT_EQ(html_escape(row.in), row.html) << row.why;
}

TEST(HtmlEscape, OutputNeverHoldsMarkupOrControls) {
  // Every single octet and every pair of octets: no <, >, ", ' or control survives.
  for (int a = 0; a < 256; ++a) {
    for (int b = 0; b < 256; b += 5) {
      const std::string in{static_cast<char>(a), static_cast<char>(b)};
      const std::string out = html_escape(in);
      for (unsigned char ch : out) {
        ASSERT_FALSE(ch == '<' || ch == '>' || ch == '"' || ch == '\'') << "input " << a << "," << b;
        ASSERT_FALSE(ch < 0x20 || ch == 0x7F) << "control in output for input " << a << "," << b;
      }
    }
  }
}

TEST(VisibleText, SameFormWithoutEntities) {
  EXPECT_EQ(visible_text("<a>\0"s), "<a>\\x00");
  EXPECT_EQ(visible_text("\xc0"), "\xef\xbf\xbd");
}

TEST(XmlEscape, EntitiesAndNoIllegalCharacters) {
  EXPECT_EQ(xml_escape("<a href=\"x\">'&'</a>"), "&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;");
  // XML 1.0 §2.2 allows no C0 control but TAB, LF, CR, not even as &#x1;: none may remain.
  const std::string out = xml_escape("a\0b\x01\x1b[0m\x0b\x0c\xef\xbf\xbe"s);
  EXPECT_EQ(out, "a\\x00b\\x01\\x1B[0m\\x0B\\x0C\xef\xbf\xbd");
  for (unsigned char ch : out) EXPECT_GE(ch, 0x20);
}

}  // namespace
}  // namespace sah::report
