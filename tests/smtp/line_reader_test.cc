#include "harness/smtp/line_reader.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/smtp/chunked.h"

namespace sah::smtp {
namespace {

using testing_support::read_all_ways;

LineReader::Options opts(std::size_t max_line, bool bare_lf = false) {
  LineReader::Options o;
  o.max_line = max_line;
  o.accept_bare_lf = bare_lf;
  return o;
}

TEST(LineReader, SplitsCrlfLinesWithOffsets) {
  auto out = read_all_ways("EHLO a\r\nNOOP\r\n\r\nQUIT\r\npart");
  ASSERT_EQ(out.lines.size(), 4u);
  EXPECT_EQ(out.lines[0].text, "EHLO a");
  EXPECT_EQ(out.lines[0].offset, 0u);
  EXPECT_EQ(out.lines[1].text, "NOOP");
  EXPECT_EQ(out.lines[1].offset, 8u);
  EXPECT_EQ(out.lines[2].text, "");  // an empty line is a line
  EXPECT_EQ(out.lines[2].offset, 14u);
  EXPECT_EQ(out.lines[3].text, "QUIT");
  EXPECT_EQ(out.lines[3].offset, 16u);
  EXPECT_EQ(out.pending, 4u);   // "part" waits for its terminator
  EXPECT_EQ(out.offset, 26u);
  for (const Line& l : out.lines) {
    EXPECT_FALSE(l.bare_lf);
    EXPECT_FALSE(l.too_long);
  }
}

TEST(LineReader, BareLfIsDataByDefault) {
  // RFC 5321 §2.3.8: only CRLF ends a line; a strict reader keeps the LF in the text.
  auto out = read_all_ways("AUTH\nPLAIN\r\n");
  ASSERT_EQ(out.lines.size(), 1u);
  EXPECT_EQ(out.lines[0].text, "AUTH\nPLAIN");
  EXPECT_FALSE(out.lines[0].bare_lf);
}

TEST(LineReader, BareLfEndsLineWhenAcceptedAndIsFlagged) {
  auto out = read_all_ways("one\ntwo\r\nthree\n", opts(100, true));
  ASSERT_EQ(out.lines.size(), 3u);
  EXPECT_EQ(out.lines[0].text, "one");
  EXPECT_TRUE(out.lines[0].bare_lf);
  EXPECT_EQ(out.lines[1].text, "two");
  EXPECT_FALSE(out.lines[1].bare_lf);  // CRLF stays CRLF in lenient mode
  EXPECT_EQ(out.lines[1].offset, 4u);
  EXPECT_TRUE(out.lines[2].bare_lf);
  EXPECT_EQ(out.lines[2].offset, 9u);
  EXPECT_EQ(out.pending, 0u);
}

TEST(LineReader, BareCrIsLineData) {
  auto out = read_all_ways("a\rb\r\r\n\r");
  ASSERT_EQ(out.lines.size(), 1u);
  EXPECT_EQ(out.lines[0].text, "a\rb\r");  // CR CR LF: the first CR is data
  EXPECT_EQ(out.pending, 1u);              // a trailing CR may still become a terminator
}

TEST(LineReader, OverLongLineIsTruncatedAndFlagged) {
  auto out = read_all_ways("0123456789ABC\r\nok\r\n", opts(10));
  ASSERT_EQ(out.lines.size(), 2u);
  EXPECT_EQ(out.lines[0].text, "0123456789");
  EXPECT_TRUE(out.lines[0].too_long);
  EXPECT_EQ(out.lines[1].text, "ok");
  EXPECT_FALSE(out.lines[1].too_long);
  EXPECT_EQ(out.lines[1].offset, 15u);  // offsets count the discarded octets
}

TEST(LineReader, LineOfExactlyMaxLineIsNotTooLong) {
  // The CR after max_line octets must be held until the next octet shows it is a terminator.
  auto out = read_all_ways("0123456789\r\n0123456789\rX\r\n", opts(10));
  ASSERT_EQ(out.lines.size(), 2u);
  EXPECT_EQ(out.lines[0].text, "0123456789");
  EXPECT_FALSE(out.lines[0].too_long);
  EXPECT_EQ(out.lines[1].text, "0123456789");  // "\rX" pushed it over: the CR was data
  EXPECT_TRUE(out.lines[1].too_long);
}

TEST(LineReader, MemoryStaysBoundedWithoutTerminator) {
  LineReader r(opts(64));
  const std::string flood(1 << 20, 'A');
  EXPECT_EQ(r.feed(flood), flood.size());
  EXPECT_LE(r.pending(), 65u);
  EXPECT_TRUE(r.truncating());
  EXPECT_EQ(r.line_start(), 0u);
  EXPECT_EQ(r.offset(), flood.size());
  EXPECT_FALSE(r.next().has_value());
  r.feed("\r\n");
  auto line = r.next();
  ASSERT_TRUE(line.has_value());
  EXPECT_EQ(line->text.size(), 64u);
  EXPECT_TRUE(line->too_long);
  EXPECT_FALSE(r.truncating());
  EXPECT_EQ(r.line_start(), flood.size() + 2);
}

TEST(LineReader, BinaryOctetsPassThrough) {
  const std::string in("\0\x80\xff\t\r\n", 6);
  auto out = read_all_ways(in);
  ASSERT_EQ(out.lines.size(), 1u);
  EXPECT_EQ(out.lines[0].text, std::string("\0\x80\xff\t", 4));
}

TEST(LineReader, NothingFedNothingReady) {
  LineReader r;
  EXPECT_EQ(r.feed(""), 0u);
  EXPECT_FALSE(r.next().has_value());
  EXPECT_EQ(r.pending(), 0u);
  EXPECT_EQ(r.offset(), 0u);
  EXPECT_FALSE(r.truncating());
}

}  // namespace
}  // namespace sah::smtp
