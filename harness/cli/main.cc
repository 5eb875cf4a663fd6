// smtp-auth-harness: the command line. The only place where exceptions are caught.
#include <cstdio>
#include <exception>

#include "harness/cli/app.h"

int main(int argc, char** argv) {
  try {
    return sah::cli::run_app(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "smtp-auth-harness: internal error: %s\n", e.what());
    return 70;
  }
}
