// `smtp-auth-harness list`: the catalogue's cases (id, title, RFC clauses, tags), and with
// --check every error of every scenario file (exit 2 on any). --faults, --malformers,
// --corruptions and --requirements print the names a scenario file may use and the
// requirement coverage. --json prints the same as JSON.
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "harness/cli/commands.h"
#include "harness/codec/base64_malform.h"
#include "harness/sasl/registry.h"
#include "harness/scenario/catalogue.h"
#include "harness/server/faults.h"

namespace sah::cli {
namespace {

using nlohmann::json;

struct ListOptions {
  std::vector<std::string> scenarios;
  std::string cases;
  std::string tags;
  std::string mech;
  bool check = false;
  bool faults = false;
  bool malformers = false;
  bool corruptions = false;
  bool requirements = false;
  bool json = false;
};

std::string joined(const std::vector<std::string>& v, const char* sep = " ") {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

// At most n octets, cut before a UTF-8 continuation octet so a character is never split.
std::string fit(const std::string& s, std::size_t n) {
  if (s.size() <= n) return s;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xc0) == 0x80) --n;
  return s.substr(0, n);
}

void print_json(const json& j) { fmt::print("{}\n", j.dump(2)); }

int list_faults(const scenario::Catalogue& cat, bool as_json) {
  std::map<std::string, std::size_t> cited;
  for (const auto& c : cat.cases)
    for (const auto& f : c.faults) ++cited[f];
  json out = json::array();
  for (const auto& f : server::faults()) {
    const std::size_t n = cited[std::string(f.name)];
    if (as_json)
      out.push_back({{"name", f.name}, {"description", f.description}, {"breaks", f.breaks}, {"cases", n}});
    else
      fmt::print("{:<34} {:>3} case{}  {}  [{}]\n", f.name, n, n == 1 ? " " : "s", f.description, f.breaks);
  }
  if (as_json) print_json(out);
  return 0;
}

int list_malformers(bool as_json) {
  json out = json::array();
  for (const auto& m : codec::base64_malformers()) {
    if (as_json)
      out.push_back({{"name", m.name}, {"description", m.description}, {"requirement", m.requirement}});
    else
      fmt::print("{:<22} {:<7} {}\n", m.name, m.requirement, m.description);
  }
  if (as_json) print_json(out);
  return 0;
}

int list_corruptions(bool as_json) {
  json out = json::array();
  for (const auto& mech : sasl::mechanisms()) {
    for (const auto& c : mech.corruptions) {
      if (as_json)
        out.push_back({{"mechanism", mech.name},
                       {"name", c.name},
                       {"description", c.description},
                       {"expected_rejection", sasl::to_string(c.expected_rejection)}});
      else
        // A tolerated variation (Why::none) is one a correct server accepts: say so in words.
        fmt::print("{:<20} {:<28} {} (expect: {})\n", mech.name, c.name, c.description,
                   c.expected_rejection == sasl::Why::none ? std::string_view("accepted")
                                                           : sasl::to_string(c.expected_rejection));
    }
  }
  if (as_json) print_json(out);
  return 0;
}

// Coverage: every id of the index with the cases citing it, or why it has none.
int list_requirements(const scenario::Catalogue& cat, bool as_json) {
  if (cat.requirements == nullptr || cat.requirements->empty()) {
    std::fprintf(stderr, "smtp-auth-harness list: no requirements.tsv found beside the scenarios\n");
    return 2;
  }
  std::map<std::string, std::vector<std::string>> cases_of;
  for (const auto& c : cat.cases)
    for (const auto& r : c.requirements) cases_of[r].push_back(c.id);
  json out = json::array();
  std::size_t testable = 0, covered = 0;
  for (const auto& r : cat.requirements->all()) {
    const auto& ids = cases_of[r.id];
    if (r.testable) ++testable;
    if (r.testable && !ids.empty()) ++covered;
    std::string status = !ids.empty()   ? std::to_string(ids.size()) + (ids.size() == 1 ? " case" : " cases")
                         : r.testable ? "no case yet"
                                      : "not testable: " + r.not_testable_because;
    if (as_json) {
      out.push_back({{"id", r.id},
                     {"level", r.level},
                     {"source", r.source},
                     {"title", r.title},
                     {"testable", r.testable},
                     {"reason", r.not_testable_because},
                     {"cases", ids}});
    } else {
      fmt::print("{:<9} {:<8} {:<48} {}\n", r.id, r.level, fit(r.title, 48), status);
    }
  }
  if (as_json) print_json(out);
  else
    fmt::print("{} of {} testable requirements have a case ({} requirements, {} not testable black-box)\n", covered,
               testable, cat.requirements->all().size(), cat.requirements->all().size() - testable);
  return 0;
}

int print_problems(const scenario::Catalogue& cat) {
  for (const auto& p : cat.problems)
    for (const auto& d : p.diagnostics) std::fprintf(stderr, "%s\n", scenario::format(d).c_str());
  return cat.error_count() == 0 ? 0 : 2;
}

int run_list(const ListOptions& o) {
  std::vector<std::string> dirs = o.scenarios;
  if (dirs.empty()) {
    const std::string found = scenario::default_scenario_directory();
    if (found.empty()) {
      std::fprintf(stderr,
                   "smtp-auth-harness list: no scenarios folder found (./scenarios, <prefix>/share/"
                   "smtp-auth-harness/scenarios); pass --scenarios DIR\n");
      return 2;
    }
    dirs.push_back(found);
  }
  if (o.malformers) return list_malformers(o.json);
  if (o.corruptions) return list_corruptions(o.json);
  const scenario::Catalogue cat = scenario::load_catalogue(dirs);
  if (o.faults) return list_faults(cat, o.json);
  if (o.requirements) return list_requirements(cat, o.json);
  if (o.check) {
    const int code = print_problems(cat);
    fmt::print("{} file{}, {} case{}, {} error{}\n", cat.files.size(), cat.files.size() == 1 ? "" : "s",
               cat.cases.size(), cat.cases.size() == 1 ? "" : "s", cat.error_count(),
               cat.error_count() == 1 ? "" : "s");
    return code;
  }
  const auto selection = scenario::make_selection(o.cases, o.tags, o.mech);
  json out = json::array();
  for (const scenario::Case* c : scenario::select_cases(cat.cases, selection)) {
    if (o.json)
      out.push_back({{"id", c->id},
                     {"title", c->title},
                     {"rfc", c->rfc},
                     {"requirements", c->requirements},
                     {"tags", c->tags},
                     {"mechanism", c->mechanism},
                     {"faults", c->faults},
                     {"level", std::string(to_string(c->level))},
                     {"file", c->at.file},
                     {"line", c->at.line}});
    else
      fmt::print("{}  {}  ({})  [{}]\n", c->id, c->title, joined(c->rfc), joined(c->tags));
  }
  if (o.json) print_json(out);
  if (cat.error_count() != 0) {
    std::fprintf(stderr, "smtp-auth-harness list: %zu error%s in the scenario files (see: list --check)\n",
                 cat.error_count(), cat.error_count() == 1 ? "" : "s");
    return 2;
  }
  return 0;
}

}  // namespace

Command add_list(CLI::App& root) {
  auto opts = std::make_shared<ListOptions>();
  CLI::App* app = root.add_subcommand("list", "List the conformance cases, check the scenario files, "
                                              "print the names scenarios may use");
  app->add_option("--scenarios", opts->scenarios,
                  "scenario folder (repeat; default: ./scenarios, else the installed or build-tree copy)")
      ->allow_extra_args(false);
  app->add_option("--cases", opts->cases, "comma-separated globs over case ids; !GLOB excludes");
  app->add_option("--tags", opts->tags, "comma-separated tags: cases with any of them");
  app->add_option("--mech", opts->mech, "comma-separated mechanisms: cases about them (and about none)");
  app->add_flag("--check", opts->check, "parse every scenario file, print every error; exit 2 on any");
  app->add_flag("--faults", opts->faults, "the built-in server's fault switches and how many cases cite each");
  app->add_flag("--malformers", opts->malformers, "the Base64 malformers (%b64[TEXT|MALFORMER]%, malform=)");
  app->add_flag("--corruptions", opts->corruptions, "each mechanism's corruptions (auth ... corrupt=NAME)");
  app->add_flag("--requirements", opts->requirements, "requirement coverage: the cases of each id, or why none");
  app->add_flag("--json", opts->json, "print JSON instead of text");
  return Command{app, [opts] { return run_list(*opts); }};
}

}  // namespace sah::cli
