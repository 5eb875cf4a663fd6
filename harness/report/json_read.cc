#include "harness/report/json_read.h"

#include <fstream>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace sah::report {
namespace {

using nlohmann::json;

// Walks the document, remembering the first problem with its path ("cases[3].verdict").
class Reader {
 public:
  std::optional<std::string> problem;

  bool fail(const std::string& path, const std::string& what) {
    if (!problem) problem = path + ": " + what;
    return false;
  }

  static std::string type_of(const json& j) { return j.type_name(); }

  // A member that must be present.
  const json* need(const json& obj, const std::string& path, const char* key) {
    auto it = obj.find(key);
    if (it == obj.end()) {
      fail(path.empty() ? key : path, path.empty() ? "missing field" : fmt::format("missing field \"{}\"", key));
      return nullptr;
    }
    return &*it;
  }

  static std::string sub(const std::string& path, const char* key) { return path.empty() ? key : path + "." + key; }

  bool get(const json& obj, const std::string& path, const char* key, std::string& out, bool required = false) {
    auto it = obj.find(key);
    if (it == obj.end() || (it->is_null() && !required)) return required ? fail(path, fmt::format("missing field \"{}\"", key)) : true;
    if (!it->is_string()) return fail(sub(path, key), "expected a string, found " + type_of(*it));
    out = it->get<std::string>();
    return true;
  }

  bool get(const json& obj, const std::string& path, const char* key, std::int64_t& out) {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return true;
    if (!it->is_number_integer()) return fail(sub(path, key), "expected an integer, found " + type_of(*it));
    out = it->get<std::int64_t>();
    return true;
  }

  bool get(const json& obj, const std::string& path, const char* key, bool& out) {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return true;
    if (!it->is_boolean()) return fail(sub(path, key), "expected true or false, found " + type_of(*it));
    out = it->get<bool>();
    return true;
  }

  bool get(const json& obj, const std::string& path, const char* key, std::vector<std::string>& out) {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return true;
    const std::string p = sub(path, key);
    if (!it->is_array()) return fail(p, "expected an array of strings, found " + type_of(*it));
    out.clear();
    out.reserve(it->size());
    for (std::size_t i = 0; i < it->size(); ++i) {
      const json& v = (*it)[i];
      if (!v.is_string()) return fail(fmt::format("{}[{}]", p, i), "expected a string, found " + type_of(v));
      out.push_back(v.get<std::string>());
    }
    return true;
  }

  bool verdict(const json& obj, const std::string& path, const char* key, Verdict& out) {
    std::string s;
    if (!get(obj, path, key, s, true)) return false;
    auto v = parse_verdict(s);
    if (!v) return fail(sub(path, key), fmt::format("unknown verdict \"{}\"", s));
    out = *v;
    return true;
  }

  bool severity(const json& obj, const std::string& path, Severity& out) {
    std::string s;
    if (!get(obj, path, "severity", s)) return false;
    if (s.empty() || s == "none") {
      out = Severity::none;
      return true;
    }
    auto v = parse_severity(s);
    if (!v) return fail(sub(path, "severity"), fmt::format("unknown severity \"{}\"", s));
    out = *v;
    return true;
  }

  template <typename T, typename Fn>
  bool array_of_objects(const json& obj, const std::string& path, const char* key, std::vector<T>& out, Fn each) {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return true;
    const std::string p = sub(path, key);
    if (!it->is_array()) return fail(p, "expected an array, found " + type_of(*it));
    out.clear();
    out.reserve(it->size());
    for (std::size_t i = 0; i < it->size(); ++i) {
      const json& v = (*it)[i];
      const std::string ip = fmt::format("{}[{}]", p, i);
      if (!v.is_object()) return fail(ip, "expected an object, found " + type_of(v));
      T item;
      if (!each(v, ip, item)) return false;
      out.push_back(std::move(item));
    }
    return true;
  }

  bool expectation(const json& j, const std::string& p, Expectation& e) {
    return get(j, p, "pattern", e.pattern) && verdict(j, p, "verdict", e.verdict) && get(j, p, "why", e.why);
  }

  bool entry(const json& j, const std::string& p, TranscriptEntry& e) {
    std::string kind;
    if (!get(j, p, "kind", kind, true)) return false;
    bool known = false;
    for (auto k : {TranscriptEntry::Kind::client, TranscriptEntry::Kind::server, TranscriptEntry::Kind::tls,
                   TranscriptEntry::Kind::note, TranscriptEntry::Kind::closed, TranscriptEntry::Kind::timeout,
                   TranscriptEntry::Kind::error})
      if (kind_name(k) == kind) {
        e.kind = k;
        known = true;
      }
    if (!known) return fail(sub(p, "kind"), fmt::format("unknown transcript kind \"{}\"", kind));
    return get(j, p, "at_us", e.at_us) && get(j, p, "text", e.text) && get(j, p, "decoded", e.decoded);
  }

  bool one_case(const json& j, const std::string& p, CaseResult& c) {
    return get(j, p, "id", c.id, true) && get(j, p, "title", c.title) && get(j, p, "rfc", c.rfc) &&
           get(j, p, "requirements", c.requirements) && get(j, p, "tags", c.tags) &&
           get(j, p, "mechanism", c.mechanism) && verdict(j, p, "verdict", c.verdict) && severity(j, p, c.severity) &&
           array_of_objects(j, p, "expected", c.expected,
                            [this](const json& v, const std::string& ip, Expectation& e) { return expectation(v, ip, e); }) &&
           get(j, p, "observed", c.observed) && get(j, p, "reason", c.reason) &&
           array_of_objects(j, p, "transcript", c.transcript,
                            [this](const json& v, const std::string& ip, TranscriptEntry& e) { return entry(v, ip, e); }) &&
           get(j, p, "server_log", c.server_log) && get(j, p, "duration_ms", c.duration_ms) &&
           known_deviation(j, p, c.known);
  }

  // Optional: present when the run was judged against a profile's expectations file.
  bool known_deviation(const json& j, const std::string& p, std::optional<KnownDeviation>& out) {
    const auto it = j.find("known_deviation");
    if (it == j.end() || it->is_null()) return true;
    const std::string kp = sub(p, "known_deviation");
    if (!it->is_object()) return fail(kp, "expected an object, found " + type_of(*it));
    KnownDeviation k;
    if (!verdict(*it, kp, "verdict", k.verdict) || !get(*it, kp, "clause", k.clause) ||
        !get(*it, kp, "explanation", k.explanation) || !get(*it, kp, "source", k.source))
      return false;
    out = std::move(k);
    return true;
  }

  bool mismatches(const json& j, RunResult& r) {
    if (j.find("expectation_mismatches") == j.end()) return true;
    std::vector<std::string> lines;
    if (!get(j, "", "expectation_mismatches", lines)) return false;
    r.expectation_mismatches = std::move(lines);
    return true;
  }

  bool run(const json& j, RunResult& r) {
    if (!j.is_object()) return fail("top level", "expected an object, found " + type_of(j));
    const json* schema = need(j, "", "schema");
    if (!schema) return false;
    if (!schema->is_number_integer()) return fail("schema", "expected an integer, found " + type_of(*schema));
    if (schema->get<std::int64_t>() != 1)
      return fail("schema", fmt::format("schema {} is not supported (this build reads schema 1)", schema->dump()));
    r.schema = 1;
    if (!need(j, "", "cases")) return false;
    return get(j, "", "harness_version", r.harness_version) && get(j, "", "target", r.target) &&
           get(j, "", "greeting", r.greeting) && get(j, "", "mechanisms", r.mechanisms) && get(j, "", "tls", r.tls) &&
           get(j, "", "started_at", r.started_at) && get(j, "", "duration_ms", r.duration_ms) &&
           get(j, "", "interrupted", r.interrupted) && mismatches(j, r) &&
           array_of_objects(j, "", "cases", r.cases,
                            [this](const json& v, const std::string& ip, CaseResult& c) { return one_case(v, ip, c); });
  }
};

}  // namespace

std::string_view kind_name(TranscriptEntry::Kind k) {
  switch (k) {
    case TranscriptEntry::Kind::client: return "client";
    case TranscriptEntry::Kind::server: return "server";
    case TranscriptEntry::Kind::tls: return "tls";
    case TranscriptEntry::Kind::note: return "note";
    case TranscriptEntry::Kind::closed: return "closed";
    case TranscriptEntry::Kind::timeout: return "timeout";
    case TranscriptEntry::Kind::error: return "error";
  }
  return "note";
}

Result<RunResult, std::string> read_results(std::string_view json_text, std::string_view name) {
  json doc;
  try {
    doc = json::parse(json_text.begin(), json_text.end());
  } catch (const json::parse_error& e) {
    // e.what() is "[json.exception.parse_error.101] parse error at line 3, column 7: …".
    std::string what = e.what();
    const auto tail = what.find("] ");
    if (tail != std::string::npos) what.erase(0, tail + 2);
    return unexpected(fmt::format("{}: not valid JSON: {}", name, what));
  }
  Reader reader;
  RunResult run;
  if (!reader.run(doc, run)) return unexpected(fmt::format("{}: {}", name, *reader.problem));
  return run;
}

Result<RunResult, std::string> read_results_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return unexpected(fmt::format("{}: cannot open the file", path));
  const std::streamoff size = in.tellg();
  if (size < 0) return unexpected(fmt::format("{}: cannot read the file", path));
  if (static_cast<std::uint64_t>(size) > kMaxResultsFile)
    return unexpected(fmt::format("{}: {} octets is more than the {} a results file may have", path, size,
                                  kMaxResultsFile));
  std::string text(static_cast<std::size_t>(size), '\0');
  in.seekg(0);
  if (!in.read(text.data(), size)) return unexpected(fmt::format("{}: cannot read the file", path));
  return read_results(text, path);
}

}  // namespace sah::report
