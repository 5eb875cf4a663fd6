#!/usr/bin/env bash
# Builds the default (optimized) preset and runs every Google Benchmark program in bench/.
# Usage: bench/run.sh [benchmark filter regex]
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --preset default >/dev/null
cmake --build --preset default -j"$(nproc)" --target $(cd bench && ls bench_*.cc | sed 's/\.cc$//' | tr '\n' ' ')
for b in build/default/bench/bench_*; do
  [[ -x "$b" ]] || continue
  echo "== $(basename "$b")"
  "$b" --benchmark_filter="${1:-.}" --benchmark_min_time=0.2
done
