#include "harness/target/profile.h"

#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

#include <gtest/gtest.h>

namespace sah::target {
namespace {

constexpr const char* kFull =
    "# a comment\n"
    "  # an indented comment\n"
    "name = exim\n"
    "description   =  Exim 4.96, built-in authenticators  \n"
    "start = ./start.sh {state} {port} {tls_port}\r\n"
    "install = install.sh\n"
    "tls = implicit\n"
    "user = alice\n"
    "password = s3cret!#not-a-comment\n"
    "token = test-token\n"
    "hostname = exim.test\n"
    "submission = yes\n"
    "mechanisms = PLAIN, LOGIN CRAM-MD5\n"
    "fault = long-line-crash hang-on-malformed\n"
    "ready_timeout_ms = 2500\n"
    "\n";

TEST(Profile, ParsesEveryKey) {
  auto p = parse_profile(kFull, "exim/profile.conf");
  ASSERT_TRUE(p.ok()) << format(p.error());
  EXPECT_EQ(p->name, "exim");
  EXPECT_EQ(p->description, "Exim 4.96, built-in authenticators");  // trimmed both sides
  EXPECT_EQ(p->start, "./start.sh {state} {port} {tls_port}");        // CR of CRLF dropped
  EXPECT_EQ(p->install, "install.sh");
  EXPECT_EQ(p->tls, net::TlsMode::implicit);
  EXPECT_EQ(p->user, "alice");
  EXPECT_EQ(p->password, "s3cret!#not-a-comment");  // '#' inside a value is not a comment
  EXPECT_EQ(p->token, "test-token");
  EXPECT_EQ(p->hostname, "exim.test");
  EXPECT_TRUE(p->submission);
  EXPECT_EQ(p->mechanisms, (std::vector<std::string>{"PLAIN", "LOGIN", "CRAM-MD5"}));
  EXPECT_EQ(p->faults, (std::vector<std::string>{"long-line-crash", "hang-on-malformed"}));
  EXPECT_EQ(p->ready_timeout_ms, 2500u);
}

TEST(Profile, DefaultsForOptionalKeys) {
  auto p = parse_profile("name = x\nstart = run\n", "f");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->tls, net::TlsMode::none);
  EXPECT_FALSE(p->submission);
  EXPECT_TRUE(p->mechanisms.empty());
  EXPECT_EQ(p->ready_timeout_ms, kDefaultReadyTimeoutMs);
}

struct ErrorRow {
  const char* why;
  std::string text;
  std::size_t line, col;
  const char* message_part;
};

TEST(Profile, ErrorsNameLineAndColumn) {
  const std::string ok = "name = x\nstart = run\n";
  const ErrorRow rows[] = {
      {"unknown key, column of the key", ok + "  colour = red\n", 3, 3, "unknown key 'colour'"},
      {"no '=' after the key", ok + "user alice\n", 3, 6, "expected '='"},
      {"a line that starts with '='", ok + "= x\n", 3, 1, "expected a key"},
      {"bad tls mode, column of the value", ok + "tls = sometimes\n", 3, 7, "tls wants none, starttls or implicit"},
      {"duplicate key names the first line", ok + "user = a\nuser = b\n", 4, 1, "first on line 3"},
      {"submission not a boolean", ok + "submission = maybe\n", 3, 14, "submission wants true or false"},
      {"lower-case mechanism, column of the item", ok + "mechanisms = PLAIN plain\n", 3, 20, "not a SASL mechanism"},
      {"mechanism name over 20 octets", ok + "mechanisms = ABCDEFGHIJKLMNOPQRSTU\n", 3, 14, "not a SASL mechanism"},
      {"ready timeout zero", ok + "ready_timeout_ms = 0\n", 3, 20, "1..600000"},
      {"ready timeout too large", ok + "ready_timeout_ms = 600001\n", 3, 20, "1..600000"},
      {"ready timeout with ten digits (overflow guard)", ok + "ready_timeout_ms = 4294967296\n", 3, 20, "1..600000"},
      {"ready timeout not digits, column of the bad octet", ok + "ready_timeout_ms = 12x\n", 3, 22, "digits"},
      {"name with a slash", "name = a/b\nstart = run\n", 1, 9, "a name is letters"},
      {"empty name", "name =\nstart = run\n", 1, 7, "the name is empty"},
      {"empty start", "name = x\nstart =   \n", 2, 11, "start command is empty"},
      {"fault name with a space-free bad octet", ok + "fault = a;b\n", 3, 10, "a fault name"},
      {"control character", ok + "user = a\x01" "b\n", 3, 9, "control character"},
      {"no name at all", "start = run\n", 1, 1, "no 'name'"},
      {"no start at all", "name = x\n", 1, 1, "no 'start'"},
      {"a line over the limit", ok + "description = " + std::string(kMaxProfileLine, 'a') + "\n", 3,
       kMaxProfileLine + 1, "line longer than"},
      {"a file over the limit", std::string(kMaxProfileBytes + 1, '#'), 1, 1, "file too large"},
  };
  for (const auto& row : rows) {
    auto p = parse_profile(row.text, "t/profile.conf");
    ASSERT_FALSE(p.ok()) << row.why;
    EXPECT_EQ(p.error().line, row.line) << row.why;
    EXPECT_EQ(p.error().col, row.col) << row.why;
    EXPECT_NE(p.error().message.find(row.message_part), std::string::npos) << row.why << ": " << p.error().message;
    EXPECT_EQ(p.error().file, "t/profile.conf") << row.why;
  }
}

TEST(Profile, FormatIsFileLineColMessage) {
  auto p = parse_profile("name = x\nstart = y\ntls = no\n", "targets/x/profile.conf");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(format(p.error()), "targets/x/profile.conf:3:7: tls wants none, starttls or implicit, got 'no'");
}

TEST(Profile, PasswordNeverInAnError) {
  // A duplicate password line is an error; its value must not appear in the message.
  auto p = parse_profile("name = x\nstart = y\npassword = hunter2-secret\npassword = other-secret\n", "f");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(format(p.error()).find("secret"), std::string::npos) << format(p.error());
}

TEST(Profile, EveryPrefixParsesOrFailsCleanly) {
  // The parser is fuzzed; here every truncation of a full profile gives a value, never a crash,
  // and an error position that lies inside the text.
  const std::string text = kFull;
  for (std::size_t n = 0; n <= text.size(); ++n) {
    auto p = parse_profile(std::string_view(text).substr(0, n), "f");
    if (!p.ok()) {
      EXPECT_GE(p.error().line, 1u) << n;
      EXPECT_GE(p.error().col, 1u) << n;
    }
  }
}

TEST(ExpandStart, ReplacesPlaceholdersAndQuotes) {
  StartValues v;
  v.state = "/tmp/run 1/it's";
  v.port = 2525;
  v.tls_port = 4650;
  v.harness = "/opt/bin/smtp-auth-harness";
  v.profile = "/p";
  auto s = expand_start("{harness} serve --listen 127.0.0.1:{port} --tls {tls_port} --dir {state} {profile} {{x}",
                        v, {"long-line-crash"});
  ASSERT_TRUE(s.ok()) << s.error();
  EXPECT_EQ(s.value(),
            "'/opt/bin/smtp-auth-harness' serve --listen 127.0.0.1:2525 --tls 4650 --dir '/tmp/run 1/it'\\''s' '/p' "
            "{x} --fault 'long-line-crash'");
}

TEST(ExpandStart, UnknownOrUnclosedPlaceholderIsAnError) {
  auto unknown = expand_start("run {prot}", StartValues{}, {});
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().find("{prot}"), std::string::npos);
  EXPECT_FALSE(expand_start("run {port", StartValues{}, {}).ok());
}

TEST(LoadProfile, FromAFolderOrAFile) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("sah-profile-test-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "profile.conf") << "name = t\nstart = run\n";
  auto from_dir = load_profile(dir.string());
  ASSERT_TRUE(from_dir.ok()) << format(from_dir.error());
  EXPECT_EQ(from_dir->folder, fs::absolute(dir).lexically_normal().string());
  auto from_file = load_profile((dir / "profile.conf").string());
  ASSERT_TRUE(from_file.ok());
  EXPECT_EQ(from_file->name, "t");
  auto missing = load_profile((dir / "nothing-here").string());
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("cannot read"), std::string::npos);
  fs::remove_all(dir);
}

TEST(LoadProfile, ShippedProfilesParse) {
  for (const char* name : {"builtin", "aiosmtpd"}) {
    auto p = load_profile(std::string(SAH_SOURCE_DIR) + "/targets/" + name);
    ASSERT_TRUE(p.ok()) << format(p.error());
    EXPECT_EQ(p->name, name);
  }
}

}  // namespace
}  // namespace sah::target
