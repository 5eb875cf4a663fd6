#include "harness/smtp/line_reader.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

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

// feed_lines() is the reply parser's zero-copy path: the same lines as feed() + next(), at
// every split, with and without bare LF, within and past the limit.
std::vector<Line> lines_through_callback(const std::vector<std::string_view>& chunks, LineReader::Options o) {
  LineReader r(o);
  std::vector<Line> got;
  for (std::string_view c : chunks) {
    EXPECT_TRUE(r.feed_lines(c, [&](const LineView& l) {
      got.push_back(Line{Bytes(l.text), l.bare_lf, l.too_long, l.offset});
      return true;
    }));
  }
  return got;
}

TEST(LineReader, FeedLinesGivesTheLinesOfFeedAndNextAtEverySplit) {
  struct Row {
    std::string_view in;
    LineReader::Options o;
    const char* why;
  };
  const Row rows[] = {
      {"EHLO a\r\nNOOP\r\n\r\nQUIT\r\npart", opts(1000), "CRLF lines, an empty one, a tail"},
      {"a\nb\r\nc\rd\r\n", opts(1000, true), "bare LF ends a line when accepted, a bare CR is data"},
      {"a\nb\r\n", opts(1000, false), "bare LF is data by default"},
      {"0123456789\r\nab\r\n0123456789abc\r\n", opts(4), "over-long lines cut to max_line"},
      {"\r\n\r\n\r", opts(0), "max_line 0: only empty lines fit"},
  };
  for (const Row& row : rows) {
    const std::vector<Line> whole = read_all_ways(row.in, row.o).lines;
    EXPECT_EQ(lines_through_callback({row.in}, row.o), whole) << row.why;
    std::vector<std::string_view> octets;
    for (std::size_t i = 0; i < row.in.size(); ++i) octets.push_back(row.in.substr(i, 1));
    EXPECT_EQ(lines_through_callback(octets, row.o), whole) << row.why << ", octet by octet";
    for (std::size_t cut = 0; cut <= row.in.size(); ++cut) {
      EXPECT_EQ(lines_through_callback({row.in.substr(0, cut), row.in.substr(cut)}, row.o), whole)
          << row.why << ", split at " << cut;
    }
  }
}

TEST(LineReader, FeedLinesHandsAWholeLineAsAViewOfTheInput) {
  const std::string in = "250 first\r\n250 sec";
  LineReader r;
  std::vector<const char*> starts;
  r.feed_lines(in, [&](const LineView& l) {
    starts.push_back(l.text.data());
    return true;
  });
  ASSERT_EQ(starts.size(), 1u);
  EXPECT_EQ(starts[0], in.data()) << "a line whole in one feed is not copied";
  const std::string rest = "ond\r\n";
  std::string second;
  r.feed_lines(rest, [&](const LineView& l) {
    EXPECT_NE(l.text.data(), rest.data()) << "a line across feeds comes from the reader's buffer";
    second = l.text;
    return true;
  });
  EXPECT_EQ(second, "250 second");
}

TEST(LineReader, FeedLinesStopsWhenTheCallbackSaysSo) {
  LineReader r;
  std::vector<Bytes> got;
  EXPECT_FALSE(r.feed_lines("a\r\nb\r\nc\r\n", [&](const LineView& l) {
    got.emplace_back(l.text);
    return got.size() < 2;
  }));
  EXPECT_EQ(got, (std::vector<Bytes>{"a", "b"}));
  EXPECT_EQ(r.offset(), 9u) << "every octet fed is counted, those after the stop included";
}

}  // namespace
}  // namespace sah::smtp
