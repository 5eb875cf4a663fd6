#include "harness/smtp/reply_parser.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "tests/smtp/chunked.h"

namespace sah::smtp {
namespace {

using testing_support::parse_all_ways;

ReplyParserOptions lenient() {
  ReplyParserOptions o;
  o.accept_bare_lf = true;
  return o;
}

ReplyParserOptions with_limits(std::size_t max_line, std::size_t max_lines, std::size_t max_bytes,
                               std::size_t max_pending = 1000) {
  ReplyParserOptions o;
  o.limits.max_line = max_line;
  o.limits.max_lines = max_lines;
  o.limits.max_reply_bytes = max_bytes;
  o.limits.max_pending = max_pending;
  return o;
}

TEST(ReplyParser, SingleLineReply) {
  auto out = parse_all_ways("235 2.7.0 Authentication successful\r\n");
  ASSERT_FALSE(out.error.has_value());
  ASSERT_EQ(out.replies.size(), 1u);
  const Reply& r = out.replies[0];
  EXPECT_EQ(r.code, 235);
  ASSERT_EQ(r.lines.size(), 1u);
  EXPECT_EQ(r.lines[0], "2.7.0 Authentication successful");
  ASSERT_TRUE(r.enhanced.has_value());
  EXPECT_EQ(*r.enhanced, (EnhancedStatus{2, 7, 0}));
  EXPECT_EQ(r.text_after_enhanced(), "Authentication successful");
  EXPECT_TRUE(r.leniency.empty());
  EXPECT_EQ(r.offset, 0u);
  EXPECT_EQ(r.wire_size, 37u);
  EXPECT_EQ(r.longest_line, 37u);
  EXPECT_EQ(out.pending, 0u);
}

TEST(ReplyParser, MultiLineEhloReply) {
  const std::string_view wire =
      "250-mail.example.com Hello client [192.0.2.1]\r\n"
      "250-PIPELINING\r\n"
      "250-AUTH PLAIN LOGIN\r\n"
      "250 ENHANCEDSTATUSCODES\r\n";
  auto out = parse_all_ways(wire);
  ASSERT_FALSE(out.error.has_value());
  ASSERT_EQ(out.replies.size(), 1u);
  const Reply& r = out.replies[0];
  EXPECT_EQ(r.code, 250);
  ASSERT_EQ(r.lines.size(), 4u);
  EXPECT_EQ(r.lines[0], "mail.example.com Hello client [192.0.2.1]");
  EXPECT_EQ(r.lines[3], "ENHANCEDSTATUSCODES");
  EXPECT_TRUE(r.is_multiline());
  EXPECT_EQ(r.wire_size, wire.size());
  EXPECT_FALSE(r.enhanced.has_value());
  EXPECT_FALSE(r.enhanced_failure.has_value());
}

TEST(ReplyParser, SeveralRepliesInOneStreamKeepOrderAndOffsets) {
  auto out = parse_all_ways("334 \r\n535-5.7.8 no\r\n535 5.7.8 really\r\n250 2.0.0 OK\r\n");
  ASSERT_EQ(out.replies.size(), 3u);
  EXPECT_EQ(out.replies[0].code, 334);
  EXPECT_EQ(out.replies[0].lines[0], "");  // "334 " is the empty challenge (SYN-10 PASS)
  EXPECT_TRUE(out.replies[0].leniency.empty());
  EXPECT_EQ(out.replies[1].code, 535);
  EXPECT_EQ(out.replies[1].offset, 6u);
  EXPECT_EQ(out.replies[1].lines.size(), 2u);
  EXPECT_EQ(out.replies[2].offset, 38u);
  EXPECT_EQ(out.replies[2].enhanced->to_string(), "2.0.0");
}

TEST(ReplyParser, CodeOnlyFinalLineIsAcceptedAndRecorded) {
  // RFC 5321 §4.2: servers should send "334 ", clients must accept "334" (SYN-10 LENIENT).
  auto out = parse_all_ways("334\r\n250-a\r\n250\r\n");
  ASSERT_FALSE(out.error.has_value());
  ASSERT_EQ(out.replies.size(), 2u);
  EXPECT_EQ(out.replies[0].code, 334);
  EXPECT_EQ(out.replies[0].lines, ReplyLines{""});
  EXPECT_TRUE(out.replies[0].leniency.has(Leniency::code_only_line));
  EXPECT_EQ(out.replies[1].lines, (ReplyLines{"a", ""}));
  EXPECT_TRUE(out.replies[1].leniency.has(Leniency::code_only_line));
}

struct ErrorRow {
  std::string_view wire;
  ReplyError kind;
  std::size_t offset;
  std::size_t replies_before;  // complete replies still taken after the error
  std::string_view reason;
};

TEST(ReplyParser, EachErrorKindWithItsOffset) {
  const ErrorRow rows[] = {
      {"25 OK\r\n", ReplyError::bad_code, 2, 0, "two digits (RPL-01)"},
      {"25\r\n", ReplyError::bad_code, 2, 0, "line ends inside the code"},
      {"2a0 OK\r\n", ReplyError::bad_code, 1, 0, "letter inside the code"},
      {"\r\n", ReplyError::bad_code, 0, 0, "empty line"},
      {"250 OK\r\n OK\r\n", ReplyError::bad_code, 8, 1, "leading space on the next reply"},
      {"650 OK\r\n", ReplyError::code_out_of_range, 0, 0, "first digit 6 (RPL-01)"},
      {"099 OK\r\n", ReplyError::code_out_of_range, 0, 0, "first digit 0"},
      {"2500 OK\r\n", ReplyError::missing_separator, 3, 0, "four digits (RPL-01)"},
      {"250\tOK\r\n", ReplyError::missing_separator, 3, 0, "HT instead of SP (RPL-02)"},
      {"250_OK\r\n", ReplyError::missing_separator, 3, 0, "other separator (RPL-02)"},
      {"250-a\r\n251 b\r\n", ReplyError::code_mismatch, 7, 0, "codes differ across lines (RPL-02)"},
      {"250-a\r\n250-b\r\n550 c\r\n", ReplyError::code_mismatch, 14, 0, "third line differs"},
      {"250 OK\n", ReplyError::bare_lf, 6, 0, "bare LF terminator, strict mode (RPL-03)"},
      {"220 hi\r\n250-a\n", ReplyError::bare_lf, 13, 1, "bare LF after a good reply"},
  };
  for (const ErrorRow& row : rows) {
    SCOPED_TRACE(row.reason);
    auto out = parse_all_ways(row.wire);
    ASSERT_TRUE(out.error.has_value()) << row.wire;
    EXPECT_EQ(out.error->kind, row.kind) << to_string(out.error->kind);
    EXPECT_EQ(out.error->offset, row.offset);
    EXPECT_EQ(out.replies.size(), row.replies_before);
  }
}

TEST(ReplyParser, BareLfAcceptedWhenLenientAndRecorded) {
  auto out = parse_all_ways("250-a\n250 b\r\n334 \r\n", lenient());
  ASSERT_FALSE(out.error.has_value());
  ASSERT_EQ(out.replies.size(), 2u);
  EXPECT_TRUE(out.replies[0].leniency.has(Leniency::bare_lf));
  EXPECT_EQ(out.replies[0].wire_size, 13u);  // one octet for the bare LF, two for CRLF
  EXPECT_FALSE(out.replies[1].leniency.has(Leniency::bare_lf));
  EXPECT_EQ(out.replies[1].offset, 13u);
}

TEST(ReplyParser, LineOver512IsRecordedNotRefused) {
  // 512 octets with CRLF is the RFC limit (RFC 5321 §4.5.3.1.5): 510 is fine, 511 is over.
  const std::string at_limit = "334 " + std::string(506, 'Q') + "\r\n";
  const std::string over = "334 " + std::string(507, 'Q') + "\r\n";
  ReplyParser p;
  p.feed(at_limit + over);
  auto a = p.next();
  auto b = p.next();
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->longest_line, 512u);
  EXPECT_FALSE(a->leniency.has(Leniency::line_over_512));
  EXPECT_EQ(b->longest_line, 513u);
  EXPECT_TRUE(b->leniency.has(Leniency::line_over_512));
  EXPECT_FALSE(p.failed());
}

struct TextRow {
  std::string wire;
  Leniency flag;
  std::string_view reason;
};

TEST(ReplyParser, TextOctetsOutsideTheRfcSetAreRecorded) {
  const TextRow rows[] = {
      {"535 5.7.8 bad user \xc3\xa9\r\n", Leniency::eight_bit_text, "UTF-8 in text (RPL-04)"},
      {std::string("535 echo \0 NUL\r\n", 16), Leniency::control_in_text, "NUL in text (RPL-04)"},
      {"535 bell \x07\r\n", Leniency::control_in_text, "BEL control (RPL-04)"},
      {"535 del \x7f\r\n", Leniency::control_in_text, "DEL is a control"},
      {"250 a\rb\r\n", Leniency::bare_cr_in_text, "bare CR inside text (RPL-03)"},
  };
  for (const TextRow& row : rows) {
    SCOPED_TRACE(row.reason);
    auto out = parse_all_ways(row.wire);
    ASSERT_FALSE(out.error.has_value());
    ASSERT_EQ(out.replies.size(), 1u);
    EXPECT_TRUE(out.replies[0].leniency.has(row.flag)) << out.replies[0].leniency.to_string();
    EXPECT_EQ(out.replies[0].leniency.bits(), static_cast<std::uint32_t>(row.flag))
        << "only the one flag: " << out.replies[0].leniency.to_string();
  }
  // HT and SP are allowed in text (RFC 5321 §4.2 textstring).
  auto clean = parse_all_ways("250 tab\there ~!\r\n");
  ASSERT_EQ(clean.replies.size(), 1u);
  EXPECT_TRUE(clean.replies[0].leniency.empty());
}

TEST(ReplyParser, LineTooLongIsAnErrorAtTheFirstOctetPastTheLimit) {
  auto opts = with_limits(16, 100, 4096);
  auto out = parse_all_ways("250 ok\r\n250 0123456789ABCDEFGH\r\n", opts);
  ASSERT_TRUE(out.error.has_value());
  EXPECT_EQ(out.error->kind, ReplyError::line_too_long);
  EXPECT_EQ(out.error->offset, 8u + 16u);
  EXPECT_EQ(out.replies.size(), 1u);
}

TEST(ReplyParser, LineTooLongIsReportedBeforeItsTerminator) {
  ReplyParser p(with_limits(16, 100, 4096));
  EXPECT_TRUE(p.feed("250-0123456789AB"));  // exactly 16 octets: not yet too long
  EXPECT_FALSE(p.failed());
  EXPECT_FALSE(p.feed("C"));
  ASSERT_TRUE(p.failed());
  EXPECT_EQ(p.error()->kind, ReplyError::line_too_long);
  EXPECT_EQ(p.error()->offset, 16u);
}

TEST(ReplyParser, TooManyLines) {
  auto out = parse_all_ways("250 a\r\n250-1\r\n250-2\r\n250-3\r\n250 4\r\n", with_limits(100, 3, 4096));
  ASSERT_TRUE(out.error.has_value());
  EXPECT_EQ(out.error->kind, ReplyError::too_many_lines);
  EXPECT_EQ(out.error->offset, 28u);  // the fourth line of the second reply
  EXPECT_EQ(out.replies.size(), 1u);
  // Exactly max_lines is fine.
  auto ok = parse_all_ways("250-1\r\n250-2\r\n250 3\r\n", with_limits(100, 3, 4096));
  EXPECT_FALSE(ok.error.has_value());
  EXPECT_EQ(ok.replies.size(), 1u);
}

TEST(ReplyParser, ReplyTooLarge) {
  // Limit 20 octets: "250-aaaa\r\n" (10) + "250-bbbb\r\n" (10) fit, the third line does not.
  auto out = parse_all_ways("250 x\r\n250-aaaa\r\n250-bbbb\r\n250 c\r\n", with_limits(100, 100, 20));
  ASSERT_TRUE(out.error.has_value());
  EXPECT_EQ(out.error->kind, ReplyError::reply_too_large);
  EXPECT_EQ(out.error->offset, 7u + 20u);
  EXPECT_EQ(out.replies.size(), 1u);
  auto exact = parse_all_ways("250-aaaa\r\n250 bbbbb\r\n", with_limits(100, 100, 21));
  EXPECT_FALSE(exact.error.has_value()) << "a reply of exactly the limit fits";
}

TEST(ReplyParser, TooManyPendingReplies) {
  auto out = parse_all_ways("250 a\r\n250 b\r\n250 c\r\n", with_limits(100, 100, 4096, 2));
  ASSERT_TRUE(out.error.has_value());
  EXPECT_EQ(out.error->kind, ReplyError::too_many_pending);
  EXPECT_EQ(out.error->offset, 14u);
  EXPECT_EQ(out.replies.size(), 2u);
  // Taking replies as they come frees room.
  ReplyParser p(with_limits(100, 100, 4096, 1));
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(p.feed("250 ok\r\n"));
    ASSERT_TRUE(p.next().has_value());
  }
}

TEST(ReplyParser, RepliesTakenBetweenFeedsKeepTheirOrder) {
  // The first reply waiting is held apart from the queue behind it: whatever is taken when,
  // replies come out oldest first and max_pending counts every one not taken.
  ReplyParser p(with_limits(100, 100, 4096, 3));
  ASSERT_TRUE(p.feed("250 a\r\n250 b\r\n"));
  ASSERT_EQ(p.next()->lines[0], "a");
  ASSERT_TRUE(p.feed("250 c\r\n250 d\r\n"));
  ASSERT_EQ(p.next()->lines[0], "b");
  ASSERT_TRUE(p.feed("250 e\r\n"));
  EXPECT_FALSE(p.feed("250 f\r\n")) << "c, d, e wait: a fourth is one too many";
  EXPECT_EQ(p.error()->kind, ReplyError::too_many_pending);
  EXPECT_EQ(p.error()->offset, 35u);  // the first octet of f
  for (std::string_view want : {"c", "d", "e"}) {
    auto r = p.next();
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->lines[0], want);
  }
  EXPECT_FALSE(p.next().has_value());
}

TEST(ReplyLines, ReadLikeAVectorOfLines) {
  ReplyLines l;
  EXPECT_TRUE(l.empty());
  EXPECT_EQ(l.front(), "") << "no line: an empty view, no read outside the buffer";
  EXPECT_EQ(l.back(), "");
  l.push_back("mail.example.com");
  l.push_back("");
  l.push_back("AUTH PLAIN");
  ASSERT_EQ(l.size(), 3u);
  EXPECT_EQ(l[0], "mail.example.com");
  EXPECT_EQ(l[1], "");
  EXPECT_EQ(l[2], "AUTH PLAIN");
  EXPECT_EQ(l[3], "") << "past the end: an empty view";
  EXPECT_EQ(l.front(), "mail.example.com");
  EXPECT_EQ(l.back(), "AUTH PLAIN");
  EXPECT_EQ(l.joined(), "mail.example.comAUTH PLAIN");
  std::vector<std::string_view> seen(l.begin(), l.end());
  EXPECT_EQ(seen, (std::vector<std::string_view>{"mail.example.com", "", "AUTH PLAIN"}));
  l.clear();
  EXPECT_TRUE(l.empty());
  EXPECT_EQ(l.joined(), "");
}

TEST(ReplyLines, EqualOnlyWithTheSameLines) {
  // Same octets, other line boundaries or counts: not equal.
  EXPECT_EQ((ReplyLines{"a", "b"}), (ReplyLines{"a", "b"}));
  EXPECT_NE((ReplyLines{"ab"}), (ReplyLines{"a", "b"}));
  EXPECT_NE((ReplyLines{"a", "b"}), (ReplyLines{"ab", ""}));
  EXPECT_NE((ReplyLines{"a"}), (ReplyLines{"a", ""}));
  EXPECT_NE((ReplyLines{""}), ReplyLines{});
  ReplyLines assigned;
  assigned = {"x", "y"};
  EXPECT_EQ(assigned, (ReplyLines{"x", "y"}));
}

TEST(ReplyParser, ErrorsAreStickyAndEarlierRepliesSurvive) {
  ReplyParser p;
  EXPECT_TRUE(p.feed("220 ready\r\n"));
  EXPECT_FALSE(p.feed("2x0\r\n250 fine\r\n"));
  EXPECT_FALSE(p.feed("250 after the error\r\n"));
  ASSERT_TRUE(p.failed());
  EXPECT_EQ(*p.error(), (ReplyFailure{ReplyError::bad_code, 12}));
  auto r = p.next();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->code, 220);
  EXPECT_FALSE(p.next().has_value()) << "nothing after the error is parsed";
}

TEST(ReplyParser, EnhancedCodeStoredWheneverPresent) {
  auto out = parse_all_ways(
      "220 mail.example.com ESMTP\r\n"   // greeting: not an attempt
      "535 5.07.8 nope\r\n"              // malformed (RPL-08)
      "454 4.7.0 try later\r\n"
      "235 Authentication successful\r\n");  // missing: RPL-07 fails it when [ENH]
  ASSERT_EQ(out.replies.size(), 4u);
  EXPECT_FALSE(out.replies[0].enhanced || out.replies[0].enhanced_failure);
  EXPECT_FALSE(out.replies[1].enhanced.has_value());
  ASSERT_TRUE(out.replies[1].enhanced_failure.has_value());
  EXPECT_EQ(out.replies[1].enhanced_failure->kind, EnhancedError::leading_zero);
  ASSERT_TRUE(out.replies[2].enhanced.has_value());
  EXPECT_EQ(*out.replies[2].enhanced, (EnhancedStatus{4, 7, 0}));
  EXPECT_EQ(out.replies[2].text_after_enhanced(), "try later");
  EXPECT_FALSE(out.replies[3].enhanced || out.replies[3].enhanced_failure);
  EXPECT_EQ(out.replies[3].text_after_enhanced(), "Authentication successful");
}

TEST(ReplyParser, PendingBytesAndMidReply) {
  ReplyParser p;
  p.feed("250-first\r\n250-sec");
  EXPECT_TRUE(p.mid_reply());
  EXPECT_EQ(p.pending_bytes(), 11u + 7u);
  EXPECT_FALSE(p.next().has_value());
  p.feed("ond\r\n250 last\r\n");
  EXPECT_FALSE(p.mid_reply());
  EXPECT_EQ(p.pending_bytes(), 0u);
  auto r = p.next();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->lines, (ReplyLines{"first", "second", "last"}));
  // Data after a complete reply (STARTTLS injection shape, RFC 3207 §4.2) shows as pending.
  p.feed("220 go ahead\r\n250 injected");
  EXPECT_EQ(p.pending_bytes(), 12u);
}

TEST(ReplyParser, ResetForgetsEverything) {
  ReplyParser p;
  p.feed("250 a\r\n999\r\n");
  ASSERT_TRUE(p.failed());
  p.reset();
  EXPECT_FALSE(p.failed());
  EXPECT_FALSE(p.next().has_value());
  EXPECT_EQ(p.offset(), 0u);
  EXPECT_TRUE(p.feed("220 again\r\n"));
  auto r = p.next();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->offset, 0u);
}

TEST(ReplyParser, OneXxAndOddSecondDigitParseSoTheJudgeCanFailThem) {
  auto out = parse_all_ways("100 continue?\r\n270 odd\r\n");
  ASSERT_FALSE(out.error.has_value());
  ASSERT_EQ(out.replies.size(), 2u);
  EXPECT_EQ(out.replies[0].code, 100);
  EXPECT_FALSE(code_has_rfc5321_shape(100));
  EXPECT_FALSE(code_has_rfc5321_shape(270));
  EXPECT_TRUE(code_has_rfc5321_shape(235));
  EXPECT_TRUE(code_has_rfc5321_shape(554));
}

TEST(ReplyParser, ClassHelpers) {
  Reply r;
  r.code = 334;
  EXPECT_TRUE(r.is_positive_intermediate());
  EXPECT_TRUE(r.is_positive());
  EXPECT_FALSE(r.is_positive_completion());
  r.code = 454;
  EXPECT_TRUE(r.is_transient_negative());
  EXPECT_FALSE(r.is_positive());
  EXPECT_EQ(r.class_digit(), 4);
  EXPECT_EQ(r.category_digit(), 5);
  r.code = 535;
  EXPECT_TRUE(r.is_permanent_negative());
  r.code = 235;
  EXPECT_TRUE(r.is_positive_completion());
}

TEST(ReplyParser, NamesAreStableAndDistinct) {
  std::set<std::string_view> errors;
  for (int v = 1; v <= 9; ++v) errors.insert(to_string(static_cast<ReplyError>(v)));
  EXPECT_EQ(errors.size(), 9u);
  EXPECT_EQ(errors.count("unknown"), 0u);
  std::set<std::string_view> flags;
  for (Leniency l : kAllLeniencies) flags.insert(to_string(l));
  EXPECT_EQ(flags.size(), kAllLeniencies.size());
  LeniencySet s;
  s.add(Leniency::bare_lf);
  s.add(Leniency::code_only_line);
  EXPECT_EQ(s.to_string(), "code_only_line,bare_lf");
  EXPECT_EQ(static_cast<int>(ReplyError::bare_lf), 5);  // stored in reports: never renumber
}

}  // namespace
}  // namespace sah::smtp
