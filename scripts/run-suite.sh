#!/usr/bin/env bash
# The main job: installs what is missing, builds the optimized preset, and runs the whole
# conformance suite against the built-in reference server. Results go to out/report/.
# Extra arguments go to `smtp-auth-harness run` (e.g. --target mail.example.net:587 --tls starttls).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset default >/dev/null
cmake --build --preset default -j"$(nproc)" --target smtp-auth-harness
mkdir -p out/report
exec build/default/harness/smtp-auth-harness run --scenarios scenarios --report out/report "$@"
