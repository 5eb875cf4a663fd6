// The results model: what a run found, case by case. The JSON written from it (schema 1) is
// the source of truth; HTML, JUnit XML and the console summary are rendered from it.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sah {

// DESIGN.md "Verdicts" (fixed names).
enum class Verdict { pass, non_strict, fail, info, skip, inconclusive, error, crash, timeout };

// A fail's weight: critical (authentication succeeded where it must not, state confused,
// injected data executed, the server died) or the requirement's level.
enum class Severity { none, critical, must, should, practice };

constexpr std::string_view to_string(Verdict v) {
  switch (v) {
    case Verdict::pass: return "pass";
    case Verdict::non_strict: return "non-strict";
    case Verdict::fail: return "fail";
    case Verdict::info: return "info";
    case Verdict::skip: return "skip";
    case Verdict::inconclusive: return "inconclusive";
    case Verdict::error: return "error";
    case Verdict::crash: return "crash";
    case Verdict::timeout: return "timeout";
  }
  return "error";
}

constexpr std::string_view to_string(Severity s) {
  switch (s) {
    case Severity::none: return "";
    case Severity::critical: return "critical";
    case Severity::must: return "must";
    case Severity::should: return "should";
    case Severity::practice: return "practice";
  }
  return "";
}

std::optional<Verdict> parse_verdict(std::string_view s);
std::optional<Severity> parse_severity(std::string_view s);

// One event of a case's conversation. Secrets are already masked when an entry is made.
struct TranscriptEntry {
  enum class Kind { client, server, tls, note, closed, timeout, error };
  Kind kind = Kind::note;
  std::int64_t at_us = 0;  // microseconds since the case started
  std::string text;        // the bytes (client/server), or a description
  std::string decoded;     // for Base64 payloads: the decoded form (masked), else empty
};

struct Expectation {
  std::string pattern;  // e.g. "501 5.5.2 *"
  Verdict verdict = Verdict::fail;
  std::string why;
};

// A profile's expectations file names this case as a known deviation of the server
// (targets/<name>/expectations.txt): the verdict it is expected to give, the clause it breaks.
struct KnownDeviation {
  Verdict verdict = Verdict::fail;
  std::string clause;       // "RFC4954#4"
  std::string explanation;  // one line, what the server does
  std::string source;       // "targets/x/expectations.txt:12"
};

struct CaseResult {
  std::string id;
  std::string title;
  std::vector<std::string> rfc;           // "RFC4954#4"
  std::vector<std::string> requirements;  // catalogue ids, "B64-02"
  std::vector<std::string> tags;
  std::string mechanism;                  // when the case is about one mechanism
  Verdict verdict = Verdict::fail;
  Severity severity = Severity::none;
  std::vector<Expectation> expected;
  std::string observed;                   // what the judged reply / event was
  std::string reason;                     // one line: why this verdict
  std::vector<TranscriptEntry> transcript;
  std::vector<std::string> server_log;    // last log lines of a supervised server
  std::optional<KnownDeviation> known;     // listed in the profile's expectations file
  std::int64_t duration_ms = 0;
};

struct RunResult {
  int schema = 1;
  std::string harness_version;
  std::string target;                     // "127.0.0.1:2525 (starttls)" or a profile name
  std::string greeting;
  std::vector<std::string> mechanisms;    // advertised (after TLS when used)
  std::string tls;                        // none / starttls / implicit
  std::string started_at;                 // ISO 8601 UTC
  std::int64_t duration_ms = 0;
  bool interrupted = false;               // the run was stopped early; results are partial
  // Against a profile with an expectations file: each verdict that differs from it, one line
  // each ("case: expected fail (RFC4954#4), got pass"). Empty: the run matches the file.
  std::optional<std::vector<std::string>> expectation_mismatches;
  std::vector<CaseResult> cases;
};

}  // namespace sah
