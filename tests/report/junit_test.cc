#include "harness/report/junit.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/report/page_scan.h"
#include "tests/report/sample_runs.h"

namespace sah::report {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::count_of;

// Runs xmllint (Debian package libxml2-utils) against tests/report/junit.xsd.
// Returns "" when the document is valid, else xmllint's complaint.
std::string validate(const std::string& xml, const std::string& name) {
  const std::string dir = SAH_BINARY_DIR "/tests/report";
  std::filesystem::create_directories(dir);
  const std::string file = dir + "/" + name + ".xml";
  const std::string log = file + ".log";
  std::ofstream(file, std::ios::binary) << xml;
  const std::string cmd = "xmllint --noout --schema " SAH_SOURCE_DIR "/tests/report/junit.xsd '" + file + "' > '" +
                          log + "' 2>&1";
  const int rc = std::system(cmd.c_str());
  if (rc == 0) return "";
  std::ifstream in(log);
  const std::string complaint(std::istreambuf_iterator<char>(in), {});
  return "xmllint exit status " + std::to_string(rc) + ": " + complaint;
}

bool have_xmllint() { return std::system("xmllint --version > /dev/null 2>&1") == 0; }

TEST(Junit, OneSuitePerAreaWithCounts) {
  const std::string xml = render_junit(testing::sample_run());
  EXPECT_THAT(xml, HasSubstr("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"smtp-auth-harness\" "
                             "tests=\"10\" failures=\"4\" errors=\"1\" skipped=\"1\""));
  EXPECT_EQ(count_of(xml, "<testsuite "), 8u);  // auth cont rpl scram ntlm digest cap cram
  EXPECT_THAT(xml, HasSubstr("<testsuite name=\"auth\" id=\"0\" tests=\"2\" failures=\"1\" errors=\"0\" skipped=\"0\" "
                             "time=\"0.024\" timestamp=\"2026-11-29T03:40:00\">"));
  EXPECT_THAT(xml, HasSubstr("<testcase classname=\"smtp-auth-harness.auth\" name=\"auth.plain.valid\" time=\"0.012\"/>"));
}

TEST(Junit, VerdictsMapToJunitElements) {
  const std::string xml = render_junit(testing::sample_run());
  EXPECT_THAT(xml, HasSubstr("<failure message=\"235 where the response could not be decoded: authentication "
                             "succeeded where it must not\" type=\"fail/critical\">expected one of:\n  501 5.5.2 * -&gt; pass "
                             "(RFC 4954 section 4: undecodable response)\n  535 * -&gt; non-strict"));
  EXPECT_THAT(xml, HasSubstr("observed: 235 2.7.0 Authentication successful\n"));
  EXPECT_THAT(xml, HasSubstr("type=\"fail/must\""));
  EXPECT_THAT(xml, HasSubstr("type=\"crash/critical\""));
  EXPECT_THAT(xml, HasSubstr("type=\"timeout\""));
  EXPECT_THAT(xml, HasSubstr("<error message=\"connection refused\" type=\"error\">"));
  EXPECT_THAT(xml, HasSubstr("<skipped message=\"SCRAM-SHA-256-PLUS not advertised\"/>"));
  EXPECT_THAT(xml, HasSubstr("<system-out>non-strict: "));
  EXPECT_THAT(xml, HasSubstr("<system-out>inconclusive: "));
  EXPECT_THAT(xml, HasSubstr("<system-out>info: "));
  EXPECT_EQ(count_of(xml, "<failure "), 4u);
}

TEST(Junit, HostileTextIsEscapedAndControlsAreGone) {
  const std::string xml = render_junit(testing::hostile_run());
  for (unsigned char ch : xml) EXPECT_TRUE(ch >= 0x20 || ch == '\n') << "control octet " << int(ch);
  EXPECT_THAT(xml, Not(HasSubstr("<script")));
  EXPECT_THAT(xml, HasSubstr("classname=\"smtp-auth-harness.&lt;b&gt;area&lt;/b&gt;\""));
  EXPECT_THAT(xml, HasSubstr("name=\"x&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\""));
  EXPECT_THAT(xml, HasSubstr("\\x1B[31mANSI red\\x1B[0m"));
}

TEST(Junit, SeveralRunsNameSuitesByTarget) {
  auto a = testing::sample_run();
  auto b = testing::sample_run();
  b.target = "mx2.example:587";
  const std::string xml = render_junit(std::vector<RunResult>{a, b});
  EXPECT_THAT(xml, HasSubstr("<testsuite name=\"mx2.example:587 / auth\""));
  EXPECT_THAT(xml, HasSubstr("tests=\"20\" failures=\"8\""));
  EXPECT_THAT(xml, HasSubstr("id=\"15\""));
}

TEST(Junit, NoTimestampWhenStartedAtIsNotIso8601) {
  auto run = testing::sample_run();
  run.started_at = "yesterday\"><x";
  EXPECT_THAT(render_junit(run), Not(HasSubstr("timestamp=")));
}

TEST(Junit, ValidatesAgainstTheSchema) {
  if (!have_xmllint()) GTEST_SKIP() << "xmllint not installed (Debian package libxml2-utils)";
  EXPECT_EQ(validate(render_junit(testing::sample_run()), "junit_sample"), "");
  EXPECT_EQ(validate(render_junit(testing::hostile_run()), "junit_hostile"), "");
  auto empty = testing::sample_run();
  empty.cases.clear();
  EXPECT_EQ(validate(render_junit(empty), "junit_empty"), "");
}

TEST(Junit, SchemaRejectsWhatReadersWouldRefuse) {
  // The schema check must be able to fail: a testcase without a name, a failure without a type.
  if (!have_xmllint()) GTEST_SKIP() << "xmllint not installed (Debian package libxml2-utils)";
  EXPECT_NE(validate("<testsuites tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"0\" time=\"0\"><testsuite name=\"a\" "
                     "id=\"0\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"0\" time=\"0\"><testcase "
                     "classname=\"c\" time=\"0\"/></testsuite></testsuites>",
                     "junit_bad_name"),
            "");
  EXPECT_NE(validate("<testsuites tests=\"1\" failures=\"1\" errors=\"0\" skipped=\"0\" time=\"0\"><testsuite name=\"a\" "
                     "id=\"0\" tests=\"1\" failures=\"1\" errors=\"0\" skipped=\"0\" time=\"0\"><testcase name=\"n\" "
                     "classname=\"c\" time=\"0\"><failure message=\"m\">x</failure></testcase></testsuite></testsuites>",
                     "junit_bad_failure"),
            "");
}

}  // namespace
}  // namespace sah::report
