// CHUNKING (RFC 3030) in the built-in server session: BDAT chunks are exactly chunk-size
// octets of data, never commands, in any split of the input; refused chunks are still consumed;
// AUTH inside an unfinished BDAT transaction is refused (catalogue ST-08).
#include <gtest/gtest.h>

#include "tests/server/session_test_helpers.h"

namespace sah::server {
namespace {

using namespace testing;

const std::string kChunk = "AUTH PLAIN aGVsbG8=\r\n";  // 21 octets that look like a command

std::string in_transaction(Rig& rig) {
  rig.start();
  return rig.lines({"EHLO x", "MAIL FROM:<a@example.org>", "RCPT TO:<b@example.org>"});
}

TEST(Chunking, IsAdvertised) {
  Rig rig;
  rig.start();
  EXPECT_NE(rig.lines({"EHLO x"}).find("250-CHUNKING\r\n"), std::string::npos);
}

TEST(Chunking, ChunkOctetsAreDataAndAuthAfterThemIs503) {
  // ST-08: one 250 for the chunk (its AUTH line is data), then 503 for the real AUTH.
  Rig rig;
  in_transaction(rig);
  ASSERT_EQ(kChunk.size(), 21u);
  EXPECT_EQ(rig.send("BDAT 21\r\n" + kChunk), "250 2.0.0 OK: chunk received\r\n");
  EXPECT_EQ(rig.lines({"AUTH PLAIN " + ir_valid()}), "503 5.5.1 AUTH not permitted during a mail transaction\r\n");
  EXPECT_FALSE(rig.session->authenticated());
  EXPECT_EQ(rig.send("BDAT 0 LAST\r\n"), "250 2.0.0 OK: message accepted and discarded\r\n");
  EXPECT_EQ(rig.lines({"NOOP"}), "250 2.0.0 OK\r\n");
}

TEST(Chunking, EverySplitOfTheInputGivesTheSameReplies) {
  // The chunk boundary is found by counting, whatever the reads look like.
  const std::string input = "BDAT 21\r\n" + kChunk + "BDAT 3 LAST\r\nxyzNOOP\r\n";
  const std::string want =
      "250 2.0.0 OK: chunk received\r\n250 2.0.0 OK: message accepted and discarded\r\n250 2.0.0 OK\r\n";
  for (std::size_t split = 0; split <= input.size(); ++split) {
    Rig rig;
    in_transaction(rig);
    std::string out = rig.send(input.substr(0, split));
    out += rig.send(input.substr(split));
    EXPECT_EQ(out, want) << "split at " << split;
  }
  Rig bytewise;
  in_transaction(bytewise);
  std::string out;
  for (char c : input) out += bytewise.send(std::string(1, c));
  EXPECT_EQ(out, want) << "one octet per read";
}

TEST(Chunking, RefusedChunksAreStillConsumed) {
  // Outside a transaction the chunk is refused, but its octets are not read as commands.
  Rig rig;
  rig.start();
  rig.lines({"EHLO x"});
  EXPECT_EQ(rig.send("BDAT 21\r\n" + kChunk), "503 5.5.1 Need RCPT command first\r\n");
  Rig early;
  early.start();
  EXPECT_EQ(early.send("BDAT 6\r\nNOOP\r\nNOOP\r\n"), "503 5.5.1 Send EHLO/HELO first\r\n250 2.0.0 OK\r\n");
}

TEST(Chunking, BadSyntaxIsRefusedAlone) {
  Rig rig;
  in_transaction(rig);
  for (const char* line : {"BDAT", "BDAT x", "BDAT 5 FIRST", "BDAT -1", "BDAT 12345678901234567890", "BDAT 5  LAST"}) {
    EXPECT_EQ(rig.lines({line}), "501 5.5.4 Syntax: BDAT chunk-size [LAST]\r\n") << line;
  }
  EXPECT_EQ(rig.lines({"BDAT 0 last"}), "250 2.0.0 OK: message accepted and discarded\r\n") << "LAST is a keyword";
}

TEST(Chunking, DataIsRefusedAfterBdatAndTheTransactionEndsWithLast) {
  Rig rig;
  in_transaction(rig);
  EXPECT_EQ(rig.send("BDAT 2\r\nab"), "250 2.0.0 OK: chunk received\r\n");
  EXPECT_EQ(rig.lines({"DATA"}), "503 5.5.1 DATA after BDAT in the same transaction\r\n");
  EXPECT_EQ(rig.send("BDAT 2 LAST\r\ncd"), "250 2.0.0 OK: message accepted and discarded\r\n");
  EXPECT_EQ(rig.send("BDAT 1\r\nz"), "503 5.5.1 Need RCPT command first\r\n");
  EXPECT_EQ(rig.lines({"MAIL FROM:<a@example.org>"}), "250 2.1.0 OK\r\n");
}

TEST(Chunking, OversizedMessageIs552) {
  Config c = base_config();
  c.limits.max_message = 10;
  Rig rig(c);
  in_transaction(rig);
  EXPECT_EQ(rig.send("BDAT 8\r\n12345678"), "250 2.0.0 OK: chunk received\r\n");
  EXPECT_EQ(rig.send("BDAT 8 LAST\r\n12345678"), "552 5.3.4 Message size exceeds fixed limit\r\n");
  EXPECT_EQ(rig.lines({"NOOP"}), "250 2.0.0 OK\r\n");
}

TEST(Chunking, FaultReadsChunkOctetsAsCommands) {
  Config c = base_config();
  c.faults.insert("bdat-chunk-as-commands");
  Rig rig(c);
  in_transaction(rig);
  EXPECT_EQ(rig.send("BDAT 21\r\n" + kChunk),
            "250 2.0.0 OK: chunk received\r\n503 5.5.1 AUTH not permitted during a mail transaction\r\n");
}

}  // namespace
}  // namespace sah::server
