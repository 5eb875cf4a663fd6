#include "harness/smtp/command.h"

#include <gtest/gtest.h>

#include <functional>
#include <string_view>

namespace sah::smtp::command {
namespace {

Bytes ok(const Line& l) {
  EXPECT_TRUE(l.ok()) << (l.ok() ? "" : to_string(l.error()));
  return l.ok() ? *l : Bytes{};
}

TEST(Command, GreetingCommands) {
  EXPECT_EQ(ok(ehlo("harness.example.net")), "EHLO harness.example.net\r\n");
  EXPECT_EQ(ok(helo("harness.example.net")), "HELO harness.example.net\r\n");
  EXPECT_EQ(ok(ehlo("[192.0.2.1]")), "EHLO [192.0.2.1]\r\n");
}

TEST(Command, AuthForms) {
  EXPECT_EQ(ok(auth("PLAIN")), "AUTH PLAIN\r\n");
  EXPECT_EQ(ok(auth("PLAIN", "AHVzZXIAcGFzcw==")), "AUTH PLAIN AHVzZXIAcGFzcw==\r\n");
  // RFC 4954 §4: "=" is a present initial response of zero octets (SYN-09).
  EXPECT_EQ(ok(auth("ANONYMOUS", "")), "AUTH ANONYMOUS =\r\n");
  EXPECT_EQ(ok(auth_response("dGVzdA==")), "dGVzdA==\r\n");
  EXPECT_EQ(ok(auth_response("")), "\r\n") << "an empty line is a zero-length response";
  EXPECT_EQ(auth_cancel(), "*\r\n");
}

TEST(Command, MailTransaction) {
  EXPECT_EQ(ok(mail_from("a@example.org")), "MAIL FROM:<a@example.org>\r\n");
  EXPECT_EQ(ok(mail_from("")), "MAIL FROM:<>\r\n") << "null reverse-path";
  EXPECT_EQ(ok(mail_from("a@example.org", "AUTH=<>")), "MAIL FROM:<a@example.org> AUTH=<>\r\n");
  EXPECT_EQ(ok(rcpt_to("b@example.org")), "RCPT TO:<b@example.org>\r\n");
  EXPECT_EQ(starttls(), "STARTTLS\r\n");
  EXPECT_EQ(noop(), "NOOP\r\n");
  EXPECT_EQ(rset(), "RSET\r\n");
  EXPECT_EQ(data(), "DATA\r\n");
  EXPECT_EQ(quit(), "QUIT\r\n");
}

struct RefusalRow {
  std::function<Line()> make;
  CommandError want;
  std::string_view reason;
};

TEST(Command, RefusesArgumentsThatWouldChangeTheLine) {
  const RefusalRow rows[] = {
      {[] { return ehlo("a\r\nMAIL FROM:<x>"); }, CommandError::line_break_in_argument,
       "CRLF in EHLO domain injects a command"},
      {[] { return ehlo("a\nb"); }, CommandError::line_break_in_argument, "bare LF"},
      {[] { return ehlo("a\rb"); }, CommandError::line_break_in_argument, "bare CR"},
      {[] { return ehlo(""); }, CommandError::empty_argument, "EHLO needs a domain"},
      {[] { return ehlo("a b"); }, CommandError::whitespace_in_token, "space adds an argument"},
      {[] { return auth(""); }, CommandError::empty_argument, "no mechanism"},
      {[] { return auth("PLAIN extra"); }, CommandError::whitespace_in_token, "space in mechanism"},
      {[] { return auth("PLAIN\r\n"); }, CommandError::line_break_in_argument, "CRLF in mechanism"},
      {[] { return auth("PLAIN", "AA==\r\nQUIT"); }, CommandError::line_break_in_argument,
       "CRLF in the initial response"},
      {[] { return auth("PLAIN", "AA== x"); }, CommandError::whitespace_in_token,
       "space in the initial response (SYN-06 is a raw_line test)"},
      {[] { return auth_response("AA==\r\n*"); }, CommandError::line_break_in_argument,
       "CRLF in a response line"},
      {[] { return auth_response("A\tA"); }, CommandError::whitespace_in_token, "HT in a response"},
      {[] { return mail_from("a@b>\r\nRCPT TO:<c@d"); }, CommandError::line_break_in_argument,
       "CRLF in the reverse path"},
      {[] { return mail_from("a@b", "SIZE=1\n"); }, CommandError::line_break_in_argument,
       "LF in MAIL parameters"},
      {[] { return rcpt_to(""); }, CommandError::empty_argument, "RCPT needs a path"},
      {[] { return rcpt_to("x@y\r"); }, CommandError::line_break_in_argument, "CR in the path"},
  };
  for (const RefusalRow& row : rows) {
    SCOPED_TRACE(row.reason);
    Line l = row.make();
    ASSERT_FALSE(l.ok()) << *l;
    EXPECT_EQ(l.error(), row.want) << to_string(l.error());
  }
}

TEST(Command, RawLineSendsAnythingOnPurpose) {
  EXPECT_EQ(raw_line("AUTH  PLAIN\tx"), "AUTH  PLAIN\tx\r\n");
  EXPECT_EQ(raw_line("AUTH PLAIN\nQUIT"), "AUTH PLAIN\nQUIT\r\n");
  EXPECT_EQ(raw_line(""), "\r\n");
}

TEST(Command, ErrorNames) {
  EXPECT_EQ(to_string(CommandError::line_break_in_argument), "line_break_in_argument");
  EXPECT_EQ(to_string(CommandError::whitespace_in_token), "whitespace_in_token");
  EXPECT_EQ(to_string(CommandError::empty_argument), "empty_argument");
}

}  // namespace
}  // namespace sah::smtp::command
