// Reports never show a secret: the transcript is masked when it is recorded (net/transcript),
// and the writers add nothing that is not in the model, so a masked model gives a clean page.
#include <string>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness/codec/secret_mask.h"
#include "harness/net/transcript.h"
#include "harness/report/csp.h"
#include "harness/report/escape.h"
#include "harness/report/html.h"
#include "harness/report/junit.h"
#include "tests/report/page_scan.h"
#include "tests/report/sample_runs.h"

namespace sah::report {
namespace {

using namespace std::string_literals;
using ::testing::HasSubstr;
using ::testing::Not;

const std::string kSecret = "p&ss<w>rd'S3cr3t";  // markup characters too, so its escaped form is checked

// A case whose PLAIN exchange went through the recording transcript with the password masked.
RunResult masked_run() {
  codec::SecretMasker masker;
  EXPECT_TRUE(masker.add(kSecret));
  net::Transcript t(masker);
  const std::string plain = "\0user\0"s + kSecret;
  const std::string b64 = base64(plain);
  t.server(Bytes("220 mx ready\r\n"));
  t.client(Bytes("AUTH PLAIN " + b64 + "\r\n"), Bytes(plain));
  t.server(Bytes("535 5.7.8 bad password " + kSecret + "\r\n"));  // a server that echoes it back
  t.client(Bytes("AUTH LOGIN\r\n"));
  t.server(Bytes("334 UGFzc3dvcmQ6\r\n"));
  t.client(Bytes(base64(kSecret) + "\r\n"), Bytes(kSecret));
  RunResult run = testing::sample_run();
  run.cases[0].transcript = t.take();
  run.cases[0].observed = masker.mask("535 5.7.8 bad password " + kSecret);
  return run;
}

std::vector<std::string> forms_of_secret() {
  std::vector<std::string> forms = {kSecret, html_escape(kSecret), xml_escape(kSecret), base64(kSecret),
                                    base64("\0user\0"s + kSecret)};
  for (const auto& f : codec::base64_forms(kSecret)) forms.push_back(f);
  return forms;
}

TEST(Secrets, MaskedTranscriptLeavesNoTraceInAnyReport) {
  const RunResult run = masked_run();
  const std::string html = render_html(run);
  const std::string junit = render_junit(run);
  const std::string diff = render_diff(run, testing::sample_run());
  const std::string matrix = render_matrix({run});
  for (const auto& form : forms_of_secret()) {
    if (form.size() < 4) continue;  // a short Base64 fragment matches ordinary text anywhere
    EXPECT_THAT(html, Not(HasSubstr(form))) << form;
    EXPECT_THAT(junit, Not(HasSubstr(form))) << form;
    EXPECT_THAT(diff, Not(HasSubstr(form))) << form;
    EXPECT_THAT(matrix, Not(HasSubstr(form))) << form;
  }
  // …and the page does show that something was masked, where it was.
  EXPECT_THAT(html, HasSubstr("bad password ********"));
}

TEST(Secrets, TheCheckCanFail) {
  // The same case without masking does leak: the scan above is not vacuous.
  RunResult run = testing::sample_run();
  run.cases[0].transcript = {testing::entry(TranscriptEntry::Kind::client, 0, "AUTH PLAIN " + base64("\0user\0"s + kSecret))};
  EXPECT_THAT(render_html(run), HasSubstr(base64("\0user\0"s + kSecret)));
}

TEST(Secrets, WriterAddsNothingFromTheMachine) {
  // Only the model and our fixed text reach the page: no clock, no host, no user, no paths.
  const std::string html = render_html(testing::sample_run()) + render_junit(testing::sample_run());
  char host[256] = {};
  ASSERT_EQ(gethostname(host, sizeof host - 1), 0);
  char cwd[4096] = {};
  ASSERT_NE(getcwd(cwd, sizeof cwd), nullptr);
  for (const std::string& s : {std::string(host), std::string(cwd), std::string(SAH_SOURCE_DIR)})
    if (s.size() > 3) EXPECT_THAT(html, Not(HasSubstr(s))) << s;
  for (const char* var : {"HOME", "USER", "LOGNAME"}) {
    const char* v = std::getenv(var);
    if (v != nullptr && std::string(v).size() > 3) EXPECT_THAT(html, Not(HasSubstr(v))) << var;
  }
  EXPECT_EQ(html, render_html(testing::sample_run()) + render_junit(testing::sample_run()));
}

TEST(Secrets, EveryServerStringOnThePageComesFromTheModel) {
  // Each string field of the model carries a unique marker; the page holds each marker as
  // often as the model puts it on the page, and no marker it was not given.
  RunResult run = testing::sample_run();
  run.greeting = "220 MARKER-GREETING";
  run.cases[1].observed = "MARKER-OBSERVED";
  run.cases[1].server_log = {"MARKER-LOG"};
  const std::string page = render_html(run);
  EXPECT_EQ(testing::count_of(page, "MARKER-GREETING"), 1u);
  EXPECT_EQ(testing::count_of(page, "MARKER-LOG"), 1u);
  // observed is shown once in the details and once in the free-text filter data.
  EXPECT_EQ(testing::count_of(page, "MARKER-OBSERVED"), 2u);
  EXPECT_EQ(testing::count_of(page, "MARKER-"), 4u);
}

}  // namespace
}  // namespace sah::report
