// Each subcommand lives in its own file and registers itself on the root CLI11 app.
#pragma once

#include <functional>

#include <CLI/CLI.hpp>

namespace sah::cli {

struct Command {
  CLI::App* app = nullptr;          // the subcommand, to test `app->parsed()`
  std::function<int()> run;         // runs it once parsed; returns the exit code
};

Command add_serve(CLI::App& root);
Command add_run(CLI::App& root);
Command add_list(CLI::App& root);
Command add_report(CLI::App& root);
Command add_fuzz(CLI::App& root);
Command add_replay(CLI::App& root);

}  // namespace sah::cli
