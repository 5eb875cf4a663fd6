#!/usr/bin/env bash
# Fuzzing speed: each fuzz target for a fixed time (default 30 s), one process, starting from a
# copy of its seed corpus with its dictionary and max_len; prints exec/s and the final cov:/ft:.
#
#   bench/fuzz_speed.sh [--time SECONDS] [--build-dir DIR] [TARGET...]
#
# Goals: >= 100,000 exec/s for the codec and reply-parser targets, >= 10,000 for server_session.
set -euo pipefail
cd "$(dirname "$0")/.."

time_s=30
build_dir=build/fuzz
targets=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --time) time_s=${2:?}; shift 2 ;;
    --build-dir) build_dir=${2:?}; shift 2 ;;
    -*) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
[[ ${#targets[@]} -eq 0 ]] && mapfile -t targets < <(sed -n 's/^sah_fuzzer(\([a-z0-9_]*\).*/\1/p' fuzz/CMakeLists.txt)

cmake --preset fuzz -B "$build_dir" >/dev/null
cmake --build "$build_dir" -j2 --target "${targets[@]/#/fuzz_}" >/dev/null

option() { sed -n "s/^$2 *= *//p" "fuzz/$1.options" 2>/dev/null | head -1; }

printf '%-16s %10s %7s %7s %7s\n' target exec/s cov ft corpus
for t in "${targets[@]}"; do
  work=$(mktemp -d "${TMPDIR:-/tmp}/sah-fuzz-speed-$t.XXXXXX")
  cp corpus/"$t"/* "$work/" 2>/dev/null || true
  flags=(-max_total_time="$time_s" -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$work/")
  max_len=$(option "$t" max_len); [[ -n "$max_len" ]] && flags+=(-max_len="$max_len")
  dict=$(option "$t" dict); [[ -n "$dict" ]] && flags+=(-dict="fuzz/$dict")
  "$build_dir/fuzz/fuzz_$t" "${flags[@]}" "$work" >"$work.log" 2>&1 || true
  last=$(grep -E 'cov: [0-9]+' "$work.log" | tail -1)
  val() { sed -n "s|.* $1:\{0,1\} \([0-9]*\).*|\1|p" <<<"$last"; }
  printf '%-16s %10s %7s %7s %7s' "$t" "$(val exec/s)" "$(val cov)" "$(val ft)" "$(sed -n 's/.* corp: \([0-9]*\).*/\1/p' <<<"$last")"
  grep -q -E 'ERROR: |fuzz property violated' "$work.log" && printf '  (stopped by a finding: see %s)' "$work.log" && echo && continue
  echo
  rm -rf "$work" "$work.log"
done
