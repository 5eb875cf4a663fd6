#include "harness/cli/app.h"

#include <vector>

#include <CLI/CLI.hpp>

#include "harness/cli/commands.h"
#include "harness/cli/version.h"

namespace sah::cli {

int run_app(int argc, char** argv) {
  CLI::App root{"smtp-auth-harness: conformance and fuzzing harness for SMTP AUTH (RFC 4954, SASL)"};
  root.set_version_flag("--version", std::string(kVersion));
  root.require_subcommand(1);
  std::vector<Command> commands = {
      add_serve(root),
      add_report(root),
      add_run(root),
      add_list(root),
      add_fuzz(root),
      add_replay(root),
  };
  try {
    root.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // Usage errors exit 2 (DESIGN.md); --help and --version exit 0.
    const int code = root.exit(e);
    return code == 0 ? 0 : 2;
  }
  for (auto& c : commands)
    if (c.app->parsed()) return c.run();
  return 2;
}

}  // namespace sah::cli
