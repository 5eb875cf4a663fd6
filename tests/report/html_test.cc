#include "harness/report/html.h"

#include <set>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness/report/assets.h"
#include "harness/report/csp.h"
#include "harness/report/escape.h"
#include "tests/report/page_scan.h"
#include "tests/report/sample_runs.h"

namespace sah::report {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::count_of;
using testing::element_body;
using testing::tags_of;

// Every element our pages use; anything else in a page was injected.
const std::set<std::string> kOurTags = {
    "!doctype", "html", "head", "meta", "title", "style", "script", "body", "header", "main", "footer",
    "h1", "h2", "h3", "dl", "dt", "dd", "p", "div", "span", "code", "pre", "ul", "li", "a", "details",
    "summary", "section", "select", "option", "label", "input", "table", "tr", "th", "td", "svg", "rect",
    "text"};

// Every attribute our pages use: no event handler (on…), no src, no style attribute.
const std::set<std::string> kOurAttributes = {
    "class", "id", "title", "href", "rel", "role", "aria-label", "for", "type", "placeholder", "value",
    "colspan", "data-verdict", "data-sev", "data-area", "data-mech", "data-search", "x", "y", "width",
    "height", "viewBox", "charset", "http-equiv", "content", "name", "lang", "open"};

void expect_only_our_markup(const std::string& page) {
  for (const auto& t : tags_of(page)) {
    const std::string name = t.name.rfind('/', 0) == 0 ? t.name.substr(1) : t.name;
    EXPECT_TRUE(kOurTags.count(name)) << "unexpected tag <" << t.text << ">";
    EXPECT_TRUE(t.well_formed) << "tag <" << t.text << ">";
    for (const auto& [attr, value] : t.attrs) {
      EXPECT_TRUE(kOurAttributes.count(attr)) << "attribute " << attr << " in <" << t.text << ">";
      if (attr == "href")
        EXPECT_TRUE(value.rfind("https://", 0) == 0 || value.rfind("#", 0) == 0 ||
                    value.find(':') == std::string::npos)
            << "link " << value;
    }
  }
  EXPECT_EQ(count_of(page, "<script"), 1u) << "only our one script block";
  EXPECT_EQ(element_body(page, "script"), assets::report_js());
  EXPECT_EQ(element_body(page, "style"), assets::style_css());
}

TEST(HtmlRun, HostileServerStringsStayText) {
  const RunResult run = testing::hostile_run();
  const std::string page = render_html(run);
  expect_only_our_markup(page);
  // What the server sent is on the page, escaped.
  EXPECT_THAT(page, HasSubstr("220 &lt;script&gt;document.title=&#39;PWNED&#39;&lt;/script&gt;"));
  EXPECT_THAT(page, HasSubstr("&lt;img src=x onerror=&quot;"));
  EXPECT_THAT(page, HasSubstr("\\x1B[31mERROR\\x1B[0m"));
  EXPECT_THAT(page, HasSubstr("nul\\x00here"));
  EXPECT_THAT(page, HasSubstr("535 &quot;quoted&quot; &#39;x&#39; \\x00 NUL"));
  EXPECT_THAT(page, HasSubstr("\xef\xbf\xbd\xef\xbf\xbd bad utf-8"));
  EXPECT_THAT(page, Not(HasSubstr(std::string(1, '\0'))));
  EXPECT_THAT(page, Not(HasSubstr("\x1b")));
  // A clause that is not an RFC, draft or known document gets no link at all.
  EXPECT_THAT(page, Not(HasSubstr("href=\"javascript")));
}

TEST(HtmlRun, CspHashesMatchTheInlinedBlocksAndNothingIsFetched) {
  const std::string page = render_html(testing::sample_run());
  const std::string csp = content_security_policy(element_body(page, "style"), element_body(page, "script"));
  EXPECT_THAT(page, HasSubstr("<meta http-equiv=\"Content-Security-Policy\" content=\"" + html_escape(csp) + "\">"));
  for (const auto& t : tags_of(page)) {
    EXPECT_NE(t.name, "link");
    EXPECT_NE(t.name, "img");
    EXPECT_NE(t.name, "iframe");
    const auto href = t.text.find("href=\"");
    if (href == std::string::npos) continue;
    const std::string url = t.text.substr(href + 6);
    EXPECT_TRUE(url.rfind("https://www.rfc-editor.org/rfc/", 0) == 0 ||
                url.rfind("https://datatracker.ietf.org/doc/", 0) == 0)
        << "unexpected link " << url;
  }
  expect_only_our_markup(page);
}

TEST(HtmlRun, HeaderShowsTheRunAndNoBannerWhenComplete) {
  const RunResult run = testing::sample_run();
  const std::string page = render_html(run);
  for (const char* s : {"127.0.0.1:2525 (starttls)", "220 mail.example.net ESMTP ready", "<code>SCRAM-SHA-256</code>",
                        "starttls", "2026-11-29T03:40:00Z", "4.2 s", "0.1.0"})
    EXPECT_THAT(page, HasSubstr(s));
  EXPECT_THAT(page, Not(HasSubstr("Interrupted")));
  RunResult partial = run;
  partial.interrupted = true;
  EXPECT_THAT(render_html(partial), HasSubstr("Interrupted: the run was stopped early"));
}

TEST(HtmlRun, CasesAreListedWorstFirst) {
  const std::string page = render_html(testing::sample_run());
  std::vector<std::string> order;
  for (const auto& t : tags_of(page)) {
    if (t.name != "details" || t.text.find("class=\"case\"") == std::string::npos) continue;
    const auto v = t.text.find("data-verdict=\"") + 14;
    const auto s = t.text.find("data-sev=\"") + 10;
    order.push_back(t.text.substr(v, t.text.find('"', v) - v) + "/" + t.text.substr(s, t.text.find('"', s) - s));
  }
  EXPECT_THAT(order, ::testing::ElementsAre("crash/critical", "fail/critical", "timeout/", "fail/must", "error/",
                                            "inconclusive/", "non-strict/", "info/", "skip/", "pass/"));
}

TEST(HtmlRun, CountsChartsAndFilterOptions) {
  const std::string page = render_html(testing::sample_run());
  EXPECT_THAT(page, HasSubstr(">10 cases<"));
  EXPECT_THAT(page, HasSubstr(">2 fail<"));
  EXPECT_THAT(page, HasSubstr(">1 crash<"));
  EXPECT_THAT(page, HasSubstr(">1 pass<"));
  // One bar chart per grouping, a rect with a title per verdict segment.
  EXPECT_EQ(count_of(page, "<svg class=\"bars\""), 2u);
  EXPECT_THAT(page, HasSubstr("<title>auth: 1 fail</title>"));
  EXPECT_THAT(page, HasSubstr("<title>cram: 1 crash</title>"));
  // The filters offer each area and mechanism once, with its count.
  EXPECT_THAT(page, HasSubstr("<option value=\"cont\">cont (2)</option>"));
  EXPECT_THAT(page, HasSubstr("<option value=\"LOGIN\">LOGIN (2)</option>"));
  EXPECT_THAT(page, HasSubstr("<option value=\"(none)\">(none) (1)</option>"));
  EXPECT_THAT(page, HasSubstr("<option value=\"problems\">"));
}

TEST(HtmlRun, CaseDetails) {
  const std::string page = render_html(testing::sample_run());
  // RFC clauses link to their section; MS-NLMP is plain text; drafts link to the datatracker.
  EXPECT_THAT(page, HasSubstr("<a href=\"https://www.rfc-editor.org/rfc/rfc4954#section-6\" rel=\"noreferrer\">RFC4954#6</a>"));
  EXPECT_THAT(page, HasSubstr("<dd>MS-NLMP#3.1.5.1.1</dd>"));
  EXPECT_THAT(page, HasSubstr("https://datatracker.ietf.org/doc/draft-murchison-sasl-login/"));
  EXPECT_THAT(page, HasSubstr("<code>CONT-02</code>"));
  EXPECT_THAT(page, HasSubstr("<li><code>501 5.5.2 *</code> → pass<span class=\"why\"> — RFC 4954 section 4"));
  EXPECT_THAT(page, HasSubstr("<code>535 5.7.8 Authentication credentials invalid</code>"));
  EXPECT_THAT(page, HasSubstr("warning: base64 decoder skipped 1 octet"));
}

TEST(HtmlRun, TranscriptLines) {
  const std::string page = render_html(testing::sample_run());
  // C:/S: with the time in ms; the CRLF is implied; a multi-line reply keeps its lines.
  EXPECT_THAT(page, HasSubstr("<td class=\"at\">0.3</td><td class=\"dir\">C:</td><td class=\"wire\">EHLO harness.example.net</td>"));
  EXPECT_THAT(page, HasSubstr("250-mail.example.net\n250-STARTTLS\n250 AUTH PLAIN LOGIN</td>"));
  // The TLS boundary is its own row; a Base64 payload shows its decoded (masked) form beside.
  EXPECT_THAT(page, HasSubstr("<tr class=\"t-tls\"><td class=\"at\">9.8</td><td class=\"dir\">TLS</td><td class=\"wire\" colspan=\"2\">── TLS: TLSv1.3 TLS_AES_256_GCM_SHA384 ──</td></tr>"));
  EXPECT_THAT(page, HasSubstr("AUTH PLAIN AHVzZXIAKioqKioqKio=</td><td class=\"dec\">\\x00user\\x00********</td>"));
  // A bare LF is not a line end on the wire and stays visible.
  EXPECT_THAT(render_html(testing::hostile_run()), HasSubstr("\xef\xbf\xbd\\x0A</td>"));
}

TEST(HtmlRun, LegendExplainsEveryVerdict) {
  const std::string page = render_html(testing::sample_run());
  for (const char* v : {"pass", "non-strict", "fail", "info", "skip", "inconclusive", "error", "crash", "timeout"})
    EXPECT_THAT(page, HasSubstr(std::string("<dt><span class=\"badge v-") + v + "\">" + v + "</span></dt><dd>"));
  EXPECT_THAT(page, HasSubstr("critical = authentication succeeded where it must not"));
}

TEST(HtmlRun, SameModelSamePage) {
  // No clock, no environment, nothing but the model goes in.
  EXPECT_EQ(render_html(testing::sample_run()), render_html(testing::sample_run()));
}

struct ClauseRow {
  const char* clause;
  const char* url;
  const char* why;
};

TEST(ClauseUrl, Table) {
  const ClauseRow rows[] = {
      {"RFC4954#4", "https://www.rfc-editor.org/rfc/rfc4954#section-4", "the catalogue's form"},
      {"RFC4648#3.3", "https://www.rfc-editor.org/rfc/rfc4648#section-3.3", "a subsection"},
      {"rfc5321#4.5.3.1.5", "https://www.rfc-editor.org/rfc/rfc5321#section-4.5.3.1.5", "lower case, deep section"},
      {"RFC 5802", "https://www.rfc-editor.org/rfc/rfc5802", "no section, with a space"},
      {"RFC4616#A", "https://www.rfc-editor.org/rfc/rfc4616#appendix-A", "an appendix"},
      {"RFC4954#intro\"", "https://www.rfc-editor.org/rfc/rfc4954", "a fragment we cannot map is dropped"},
      {"RFC0#1", "", "no RFC 0"},
      {"RFCx", "", "no number"},
      {"MS-NLMP#3.2.5", "", "MS-NLMP is shown as text"},
      {"draft-murchison-sasl-login#2.1", "https://datatracker.ietf.org/doc/draft-murchison-sasl-login/", "a draft"},
      {"draft-<script>", "", "a draft name with markup is not a draft name"},
      {"javascript:alert(1)", "", "anything else: no link"},
  };
  for (const auto& r : rows) EXPECT_EQ(clause_url(r.clause), r.url) << r.why;
}

}  // namespace
}  // namespace sah::report
