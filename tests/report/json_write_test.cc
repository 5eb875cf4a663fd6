#include "harness/report/json.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "harness/report/json_read.h"

namespace sah::report {
namespace {

RunResult sample() {
  RunResult run;
  run.harness_version = "0.1.0";
  run.target = "in-process server (starttls)";
  run.greeting = "220 harness.localhost ESMTP";
  run.mechanisms = {"PLAIN", "CRAM-MD5"};
  run.tls = "starttls";
  run.started_at = "2024-01-02T03:04:05Z";
  run.duration_ms = 42;
  run.interrupted = true;
  CaseResult c;
  c.id = "auth.plain.ir.b64.bad-char-middle";
  c.title = "AUTH PLAIN with '.'";
  c.rfc = {"RFC4954#4"};
  c.requirements = {"B64-02"};
  c.tags = {"plain", "base64"};
  c.mechanism = "PLAIN";
  c.verdict = Verdict::fail;
  c.severity = Severity::critical;
  c.expected = {{"501 5.5.2 *", Verdict::pass, ""}, {"235 *", Verdict::fail, "accepted"}};
  c.observed = "235 2.7.0 ok";
  c.reason = "line 20 send: accepted";
  c.transcript = {{TranscriptEntry::Kind::client, 10, "AUTH PLAIN ********\r\n", "\\0user\\0********"},
                  {TranscriptEntry::Kind::server, 20, "235 2.7.0 ok\r\n", ""}};
  c.duration_ms = 3;
  run.cases.push_back(c);
  CaseResult p;
  p.id = "caps.ok";
  p.verdict = Verdict::pass;
  run.cases.push_back(p);
  return run;
}

TEST(JsonWrite, RoundTripsThroughTheReader) {
  const RunResult run = sample();
  auto back = read_results(results_json(run), "written.json");
  ASSERT_TRUE(back.ok()) << back.error();
  EXPECT_EQ(back->schema, 1);
  EXPECT_EQ(back->target, run.target);
  EXPECT_EQ(back->mechanisms, run.mechanisms);
  EXPECT_TRUE(back->interrupted);
  ASSERT_EQ(back->cases.size(), 2u);
  const CaseResult& c = back->cases[0];
  EXPECT_EQ(c.id, run.cases[0].id);
  EXPECT_EQ(c.verdict, Verdict::fail);
  EXPECT_EQ(c.severity, Severity::critical);
  ASSERT_EQ(c.expected.size(), 2u);
  EXPECT_EQ(c.expected[1].why, "accepted");
  ASSERT_EQ(c.transcript.size(), 2u);
  EXPECT_EQ(c.transcript[0].decoded, "\\0user\\0********");
  EXPECT_EQ(c.transcript[1].kind, TranscriptEntry::Kind::server);
  EXPECT_EQ(back->cases[1].severity, Severity::none);
}

TEST(JsonWrite, KnownDeviationsAndMismatchesRoundTrip) {
  RunResult run = sample();
  auto plain = read_results(results_json(run), "plain.json");
  ASSERT_TRUE(plain.ok()) << plain.error();
  EXPECT_FALSE(plain->expectation_mismatches.has_value());  // not judged against a file
  EXPECT_FALSE(plain->cases[0].known.has_value());
  run.cases[0].known = KnownDeviation{Verdict::fail, "RFC4954#4", "accepts it", "targets/x/expectations.txt:7"};
  run.expectation_mismatches = std::vector<std::string>{"caps.ok: got fail"};
  auto back = read_results(results_json(run), "judged.json");
  ASSERT_TRUE(back.ok()) << back.error();
  ASSERT_TRUE(back->cases[0].known.has_value());
  EXPECT_EQ(back->cases[0].known->verdict, Verdict::fail);
  EXPECT_EQ(back->cases[0].known->clause, "RFC4954#4");
  EXPECT_EQ(back->cases[0].known->explanation, "accepts it");
  EXPECT_EQ(back->cases[0].known->source, "targets/x/expectations.txt:7");
  EXPECT_FALSE(back->cases[1].known.has_value());
  ASSERT_TRUE(back->expectation_mismatches.has_value());
  EXPECT_EQ(*back->expectation_mismatches, std::vector<std::string>{"caps.ok: got fail"});
}

TEST(JsonWrite, FieldsAndSummary) {
  const auto doc = nlohmann::json::parse(results_json(sample()));
  EXPECT_EQ(doc["schema"], 1);
  EXPECT_EQ(doc["summary"]["fail"], 1);
  EXPECT_EQ(doc["summary"]["pass"], 1);
  EXPECT_TRUE(doc["cases"][1]["severity"].is_null()) << "no severity outside fail and crash";
  for (const char* key : {"id", "title", "rfc", "requirements", "verdict", "severity", "expected", "observed",
                          "duration_ms", "transcript", "reason"})
    EXPECT_TRUE(doc["cases"][0].contains(key)) << key;
}

TEST(JsonWrite, InvalidUtf8NeverBreaksTheDocument) {
  RunResult run = sample();
  run.cases[0].observed = "250 \xff\xfe bytes";
  const std::string text = results_json(run);
  auto back = read_results(text, "x.json");
  ASSERT_TRUE(back.ok()) << back.error();
  EXPECT_NE(back->cases[0].observed.find("\xEF\xBF\xBD"), std::string::npos) << "U+FFFD in place of bad octets";
}

}  // namespace
}  // namespace sah::report
