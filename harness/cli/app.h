#pragma once

namespace sah::cli {

// Parses the command line and runs the chosen subcommand; returns the process exit code
// (0 ok, 1 findings at or above --fail-on, 2 usage error / bad input / unreachable target).
int run_app(int argc, char** argv);

}  // namespace sah::cli
