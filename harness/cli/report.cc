// `smtp-auth-harness report RESULTS.json... --out DIR [--baseline FILE] [--junit FILE]`:
// re-renders results files into HTML (one run's page, a matrix of several, a diff against a
// baseline) and JUnit XML. A results file that cannot be read is a bad input file: exit 2.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "harness/cli/commands.h"
#include "harness/report/json_read.h"
#include "harness/report/junit.h"
#include "harness/report/site.h"

namespace sah::cli {
namespace {

struct ReportOptions {
  std::vector<std::string> inputs;
  std::string out;
  std::string baseline;
  std::string junit;
};

int fail(const std::string& message) {
  std::fprintf(stderr, "smtp-auth-harness report: %s\n", message.c_str());
  return 2;
}

bool write_file(const std::filesystem::path& path, const std::string& content, std::string& error) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  out.close();
  if (!out) {
    error = path.string() + ": cannot write the file";
    return false;
  }
  return true;
}

int run_report(const ReportOptions& o) {
  std::vector<RunResult> runs;
  for (const auto& path : o.inputs) {
    auto r = report::read_results_file(path);
    if (!r) return fail(r.error());
    runs.push_back(std::move(*r));
  }
  std::unique_ptr<RunResult> baseline;
  if (!o.baseline.empty()) {
    auto r = report::read_results_file(o.baseline);
    if (!r) return fail(r.error());
    baseline = std::make_unique<RunResult>(std::move(*r));
  }
  std::error_code ec;
  std::filesystem::create_directories(o.out, ec);
  if (ec) return fail(o.out + ": cannot create the folder: " + ec.message());
  std::string error;
  for (const auto& page : report::render_site(runs, o.inputs, baseline.get())) {
    const auto path = std::filesystem::path(o.out) / page.file;
    if (!write_file(path, page.content, error)) return fail(error);
    std::printf("%s\n", path.string().c_str());
  }
  if (!o.junit.empty()) {
    const std::string xml = runs.size() == 1 ? report::render_junit(runs.front()) : report::render_junit(runs);
    if (!write_file(o.junit, xml, error)) return fail(error);
    std::printf("%s\n", o.junit.c_str());
  }
  return 0;
}

}  // namespace

Command add_report(CLI::App& root) {
  auto options = std::make_shared<ReportOptions>();
  CLI::App* app = root.add_subcommand(
      "report", "Re-render results files: one run's page, a matrix of several runs, a diff to a baseline");
  app->add_option("results", options->inputs, "Results files (JSON, schema 1)")->required();
  app->add_option("--out", options->out, "Folder for the pages (index.html, matrix.html, diff.html)")->required();
  app->add_option("--baseline", options->baseline, "Earlier results to compare with (writes diff.html)");
  app->add_option("--junit", options->junit, "Also write JUnit XML to this file");
  return {app, [options] { return run_report(*options); }};
}

}  // namespace sah::cli
