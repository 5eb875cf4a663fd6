#!/usr/bin/env bash
# Runs every test: installs what is missing, configures and builds the sanitizer preset
# (ASan + UBSan), then ctest (unit tests, interop tests, corpus replays).
# Extra arguments go to ctest, e.g. scripts/test.sh -R codec
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset asan >/dev/null
cmake --build --preset asan -j"$(nproc)"
ctest --preset asan -j"$(nproc)" "$@"
