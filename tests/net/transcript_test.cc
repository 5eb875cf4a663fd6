// The transcript: lines split and joined across chunks, every entry masked (the password in
// raw, Base64 and echoed form never appears), long payloads bounded without cutting a secret
// in half, decoded views, and the RecordingTransport's entries for a whole conversation.
#include "harness/net/transcript.h"

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness/codec/base64.h"
#include "harness/net/fault_transport.h"
#include "harness/net/memory_transport.h"
#include "harness/net/recording_transport.h"
#include "harness/server/faults.h"

namespace sah::net {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using Kind = TranscriptEntry::Kind;

constexpr auto kDeadline = 5000ms;
constexpr std::string_view kPassword = "wonderland";

codec::SecretMasker masker_for_password() {
  codec::SecretMasker m;
  EXPECT_TRUE(m.add(kPassword));
  return m;
}

std::vector<std::string> texts(const std::vector<TranscriptEntry>& entries) {
  std::vector<std::string> out;
  for (const auto& e : entries) out.push_back(e.text);
  return out;
}

void expect_no_secret(const std::vector<TranscriptEntry>& entries, const codec::SecretMasker& m) {
  for (const auto& e : entries) {
    EXPECT_EQ(e.text.find(kPassword), std::string::npos) << e.text;
    EXPECT_EQ(e.decoded.find(kPassword), std::string::npos) << e.decoded;
    EXPECT_FALSE(m.leaks(e.text)) << e.text;
    EXPECT_FALSE(m.leaks(e.decoded)) << e.decoded;
  }
}

std::string plain_message(std::string_view password) {
  std::string m;
  m += '\0';
  m += "alice";
  m += '\0';
  m += password;
  return m;
}

TEST(Transcript, ServerChunksAreSplitIntoLinesAtEverySplitPoint) {
  const codec::SecretMasker none;
  const std::string wire = "250-first\r\n250 last\r\n";
  for (std::size_t cut = 0; cut <= wire.size(); ++cut) {
    Transcript t(none);
    t.server(std::string_view(wire).substr(0, cut));
    t.server(std::string_view(wire).substr(cut));
    EXPECT_THAT(texts(t.take()), ElementsAre("250-first\r\n", "250 last\r\n")) << "cut at " << cut;
  }
}

TEST(Transcript, BareLfEndsALineAndStaysVisible) {
  const codec::SecretMasker none;
  Transcript t(none);
  t.server("250-a\n250 b\n");
  EXPECT_THAT(texts(t.take()), ElementsAre("250-a\n", "250 b\n"));
}

TEST(Transcript, UnfinishedLineIsWrittenWhenTheClientSpeaks) {
  const codec::SecretMasker none;
  Transcript t(none);
  t.server("220 half");
  t.client("QUIT\r\n");
  const auto entries = t.take();
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].kind, Kind::server);
  EXPECT_EQ(entries[0].text, "220 half");
  EXPECT_EQ(entries[1].kind, Kind::client);
}

TEST(Transcript, SecretSplitAcrossChunksIsMaskedAtEverySplitPoint) {
  const auto m = masker_for_password();
  const std::string wire = "535 5.7.8 wrong password wonderland\r\n";
  for (std::size_t cut = 0; cut <= wire.size(); ++cut) {
    Transcript t(m);
    t.server(std::string_view(wire).substr(0, cut));
    t.server(std::string_view(wire).substr(cut));
    const auto entries = t.take();
    ASSERT_EQ(entries.size(), 1u) << cut;
    EXPECT_EQ(entries[0].text, "535 5.7.8 wrong password ********\r\n") << "cut at " << cut;
  }
}

TEST(Transcript, LongPayloadIsBoundedWithTheCountOfWhatWasCut) {
  const codec::SecretMasker none;
  Transcript t(none);
  t.client(std::string(10000, 'x'));
  const auto entries = t.take();
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].text, std::string(kMaxKept, 'x') + "\u2026 " + std::to_string(10000 - kMaxKept) + " more octets");
}

TEST(Transcript, FloodLineWithoutLineEndStaysBounded) {
  const codec::SecretMasker none;
  Transcript t(none);
  const std::string chunk(4096, 'z');
  for (int i = 0; i < 256; ++i) t.server(chunk);  // 1 MiB, no LF
  const auto entries = t.take();
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_THAT(entries[0].text, EndsWith("\u2026 " + std::to_string(256 * 4096 - kMaxKept) + " more octets"));
  EXPECT_LT(entries[0].text.size(), kMaxKept + 64);
}

// A secret at every offset around the cut, raw and in Base64: never half kept.
TEST(Transcript, SecretStraddlingTheCutIsNeverKeptInPart) {
  const auto m = masker_for_password();
  const std::string b64 = codec::base64_encode(plain_message(kPassword));
  for (const std::string& secret : {std::string(kPassword), b64}) {
    for (std::size_t at = kMaxKept - secret.size() - 2; at <= kMaxKept + 2; ++at) {
      const std::string line = std::string(at, '.') + secret + std::string(5000, '.');
      const std::string kept = masked_bounded(line, m);
      const std::string head = kept.substr(0, kept.find("\u2026"));
      // What is kept is the start of the fully masked line: a secret is whole or absent.
      EXPECT_TRUE(std::string_view(m.mask(line)).starts_with(head)) << "secret at " << at << ": " << head.substr(at - 5);
      EXPECT_GE(head.size(), kMaxKept - 2 * secret.size() - 64);  // the cut moved back only a little
      EXPECT_THAT(kept, HasSubstr(" more octets"));
    }
  }
}

TEST(Transcript, DecodedViewIsMaskedToo) {
  const auto m = masker_for_password();
  Transcript t(m);
  const std::string msg = plain_message(kPassword);
  t.client(codec::base64_encode(msg) + "\r\n", msg);
  t.server("334 " + codec::base64_encode("challenge wonderland") + "\r\n");
  EXPECT_TRUE(t.annotate_last_decoded(Kind::server, "challenge wonderland"));
  const auto entries = t.take();
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].decoded, std::string("\0alice\0", 7) + "********");
  EXPECT_EQ(entries[1].decoded, "challenge ********");
  expect_no_secret(entries, m);
}

TEST(Transcript, AnnotateWithoutAnEntryOfThatKindIsRefused) {
  const codec::SecretMasker none;
  Transcript t(none);
  t.client("EHLO x\r\n");
  EXPECT_FALSE(t.annotate_last_decoded(Kind::server, "x"));
  EXPECT_TRUE(t.annotate_last_decoded(Kind::client, "x"));
}

struct PayloadCase {
  const char* why;
  std::string line;
  std::optional<std::string> decoded;
};

class DecodedPayload : public ::testing::TestWithParam<PayloadCase> {};

TEST_P(DecodedPayload, Decodes) {
  EXPECT_EQ(decoded_base64_payload(GetParam().line), GetParam().decoded) << GetParam().why;
}

INSTANTIATE_TEST_SUITE_P(
    Lines, DecodedPayload,
    ::testing::Values(
        PayloadCase{"RFC 2195 §2 challenge", "334 PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+\r\n",
                    "<1896.697170952@postoffice.reston.mci.net>"},
        PayloadCase{"a client response", "dGVzdA==\r\n", "test"},
        PayloadCase{"an initial response on the AUTH line", "AUTH PLAIN AGFsaWNlAHg=\r\n", std::string("\0alice\0x", 8)},
        PayloadCase{"empty challenge", "334 \r\n", std::nullopt},
        PayloadCase{"'=' is an empty initial response, not Base64", "AUTH PLAIN =\r\n", std::nullopt},
        PayloadCase{"'*' cancels", "*\r\n", std::nullopt},
        PayloadCase{"not strict Base64", "334 not base64!\r\n", std::nullopt},
        PayloadCase{"AUTH without a response", "AUTH PLAIN\r\n", std::nullopt}));

// The whole path: a password sent raw, in PLAIN's Base64 and echoed back by a faulty server.
TEST(RecordingTransport, PasswordNeverAppearsInAnyEntry) {
  if (server::find_fault("password-echo") == nullptr) GTEST_SKIP() << "no server fault password-echo";
  const auto m = masker_for_password();
  server::Config config;
  config.accounts.push_back({"alice", "other-password", {}});
  config.faults.insert("password-echo");
  MemoryConnector c(config);
  Event error;
  Transcript transcript(m);
  RecordingTransport t(c.connect(kDeadline, error), transcript);
  (void)t.receive(kDeadline, 4096);
  ASSERT_TRUE(t.send("EHLO wonderland\r\n", kDeadline).is_ok());  // raw
  (void)t.receive(kDeadline, 4096);
  const std::string msg = plain_message(kPassword);
  ASSERT_TRUE(t.send_decoded("AUTH PLAIN " + codec::base64_encode(msg) + "\r\n", msg, kDeadline).is_ok());
  Event reply = t.receive(kDeadline, 4096);
  ASSERT_EQ(reply.kind, Event::Kind::data);
  ASSERT_THAT(reply.data, HasSubstr(std::string(kPassword)));  // the server did echo it
  t.close();
  const auto entries = transcript.take();
  expect_no_secret(entries, m);
  ASSERT_GE(entries.size(), 5u);
  EXPECT_EQ(entries[1].text, "EHLO ********\r\n");
  bool echoed_masked = false;
  for (const auto& e : entries) echoed_masked |= e.kind == Kind::server && e.text.starts_with("535") &&
                                                 e.text.find("********") != std::string::npos;
  EXPECT_TRUE(echoed_masked);
}

TEST(RecordingTransport, RecordsAConversationInOrder) {
  const codec::SecretMasker none;
  server::Config config;
  config.tls_available = true;
  MemoryConnector c(config);
  Event error;
  Transcript transcript(none);
  RecordingTransport t(c.connect(kDeadline, error), transcript);
  (void)t.receive(kDeadline, 4096);
  ASSERT_TRUE(t.send("STARTTLS\r\n", kDeadline).is_ok());
  (void)t.receive(kDeadline, 4096);
  ASSERT_TRUE(t.start_tls(kDeadline).is_ok());
  EXPECT_EQ(t.receive(kDeadline, 4096).kind, Event::Kind::timeout);
  t.close();
  const auto entries = transcript.take();
  std::vector<Kind> kinds;
  for (const auto& e : entries) kinds.push_back(e.kind);
  EXPECT_THAT(kinds, ElementsAre(Kind::server, Kind::client, Kind::server, Kind::tls, Kind::timeout, Kind::closed));
  EXPECT_EQ(entries[3].text, "TLS established: " + std::string(kMemoryTlsDescription));
  EXPECT_THAT(entries[4].text, HasSubstr("within 5000 ms"));
  EXPECT_EQ(entries[5].text, "connection closed by the harness");
  for (std::size_t i = 1; i < entries.size(); ++i) EXPECT_GE(entries[i].at_us, entries[i - 1].at_us);
}

TEST(RecordingTransport, ErrorsAreRecordedMasked) {
  const auto m = masker_for_password();
  MemoryConnector c(server::Config{});
  Event error;
  Transcript transcript(m);
  auto count = std::make_shared<FailCount>(0, Event::error("boom near wonderland"));
  RecordingTransport t(std::make_unique<FaultTransport>(c.connect(kDeadline, error), count), transcript);
  EXPECT_EQ(t.receive(kDeadline, 10).kind, Event::Kind::error);
  const auto entries = transcript.take();
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].kind, Kind::error);
  EXPECT_EQ(entries[0].text, "boom near ********");
}

}  // namespace
}  // namespace sah::net
