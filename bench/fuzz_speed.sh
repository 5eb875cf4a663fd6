#!/usr/bin/env bash
# Fuzzing speed: each fuzz target for a fixed time (default 30 s), starting from a copy of its
# seed corpus with its dictionary and max_len and fixed seeds; prints per target exec/s
# (libFuzzer's, wall clock), executions per CPU second (user + system time, which other load on
# the machine changes far less), the final cov: and ft:, the corpus size, and a ratio against a
# baseline measured in the same run:
#   - default: the base64 target, run first (its speed moves with the machine, so a target's
#     ratio to it is comparable between runs on a loaded and an idle machine);
#   - --against DIR: the same target built in another build folder (e.g. the previous commit's
#     build), run right before it; the ratio is then new / old.
# Ratios use executions per CPU second.
#
#   bench/fuzz_speed.sh [--time SECONDS] [--preset fuzz|fuzz-fast] [--workers N]
#                       [--build-dir DIR] [--against DIR] [TARGET...]
#
# --preset: `fuzz` (default: ASan + UBSan, what CI and findings use) or `fuzz-fast` (coverage
#   instrumentation only: the throughput configuration of scripts/fuzz.sh --preset fuzz-fast);
#   the build folder defaults to build/<preset>.
# --workers N: N processes of each target side by side, as a campaign on N cores runs them;
#   exec/s is then their sum (default 1).
#
# Goals (idle 2-core machine, the whole machine's exec/s): >= 100,000 exec/s for the codec and
# reply-parser targets, >= 10,000 for server_session. Measured so: --preset fuzz-fast --workers 2.
set -euo pipefail
cd "$(dirname "$0")/.."

time_s=30
preset=fuzz
workers=1
build_dir=
against=
targets=()
usage() { sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --time) time_s=${2:?}; shift 2 ;;
    --preset) preset=${2:?}; shift 2 ;;
    --workers) workers=${2:?}; shift 2 ;;
    --build-dir) build_dir=${2:?}; shift 2 ;;
    --against) against=${2:?}; shift 2 ;;
    -h|--help|-*) usage ;;
    *) targets+=("$1"); shift ;;
  esac
done
[[ "$time_s" =~ ^[0-9]+$ && "$workers" =~ ^[1-9][0-9]*$ ]] || usage
[[ "$preset" == fuzz || "$preset" == fuzz-fast ]] || usage
build_dir=${build_dir:-build/$preset}
[[ ${#targets[@]} -eq 0 ]] && mapfile -t targets < <(sed -n 's/^sah_fuzzer(\([a-z0-9_]*\).*/\1/p' fuzz/CMakeLists.txt)

build_list=("${targets[@]}")
[[ -z "$against" && " ${targets[*]} " != *" base64 "* ]] && build_list=(base64 "${targets[@]}")
cmake --preset "$preset" -B "$build_dir" >/dev/null
cmake --build "$build_dir" -j2 --target "${build_list[@]/#/fuzz_}" >/dev/null
if [[ -n "$against" ]]; then
  for t in "${targets[@]}"; do
    [[ -x "$against/fuzz/fuzz_$t" ]] || { echo "fuzz_speed.sh: no $against/fuzz/fuzz_$t" >&2; exit 2; }
  done
fi

option() { sed -n "s/^$2 *= *//p" "fuzz/$1.options" 2>/dev/null | head -1; }

# Work folders on tmpfs when there is one (libFuzzer writes a file per new corpus unit).
work_root=${TMPDIR:-/tmp}
[[ -z "${TMPDIR:-}" && -d /dev/shm && -w /dev/shm ]] && work_root=/dev/shm

# measure BINARY TARGET: sets exec cpu_rate cov ft corp found for one fixed-time run of
# $workers processes side by side (seeds 1..N, each on its own copy of the corpus): exec is the
# sum of their exec/s, cpu_rate all their executions over all their CPU time, cov/ft/corp the
# largest any of them reached.
measure() {
  local bin=$1 t=$2 work max_len dict cpu i
  work=$(mktemp -d "$work_root/sah-fuzz-speed-$t.XXXXXX")
  local flags=(-max_total_time="$time_s" -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$work/")
  max_len=$(option "$t" max_len); [[ -n "$max_len" ]] && flags+=(-max_len="$max_len")
  dict=$(option "$t" dict); [[ -n "$dict" ]] && flags+=(-dict="fuzz/$dict")
  for ((i = 1; i <= workers; i++)); do
    mkdir "$work/corpus$i"
    cp corpus/"$t"/* "$work/corpus$i/" 2>/dev/null || true
  done
  local TIMEFORMAT='%U %S'  # bash's `time`: user and system CPU seconds, waited children included
  {
    time {
      for ((i = 1; i <= workers; i++)); do
        "$bin" "${flags[@]}" -seed="$i" "$work/corpus$i" >"$work/log$i" 2>&1 &
      done
      wait
    }
  } 2>"$work/cpu"
  cpu=$(awk '{ printf "%.2f", $1 + $2 }' "$work/cpu")
  exec=0 cov=0 ft=0 corp=0
  local runs=0 last v
  for ((i = 1; i <= workers; i++)); do
    last=$(grep -E 'cov: [0-9]+' "$work/log$i" | tail -1 || true)
    v=$(sed -n 's|.* exec/s: \([0-9]*\).*|\1|p' <<<"$last"); exec=$((exec + ${v:-0}))
    v=$(sed -n 's|.* cov: \([0-9]*\).*|\1|p' <<<"$last"); (( ${v:-0} > cov )) && cov=$v
    v=$(sed -n 's|.* ft: \([0-9]*\).*|\1|p' <<<"$last"); (( ${v:-0} > ft )) && ft=$v
    v=$(sed -n 's|.* corp: \([0-9]*\).*|\1|p' <<<"$last"); (( ${v:-0} > corp )) && corp=$v
    v=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$work/log$i"); runs=$((runs + ${v:-0}))
  done
  cpu_rate=$(awk -v r="$runs" -v c="$cpu" 'BEGIN { printf "%d", (c > 0 ? r / c : 0) }')
  found=
  if grep -l -E 'ERROR: |fuzz property violated' "$work"/log* >/dev/null 2>&1; then
    found=$(grep -l -E 'ERROR: |fuzz property violated' "$work"/log* | head -1)
  else
    rm -rf "$work"
  fi
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "?" }'; }

goal_of() {
  case "$1" in
    base64|reply_parser) echo 100000 ;;
    server_session) echo 10000 ;;
    *) echo "" ;;
  esac
}

printf 'preset %s, %s worker(s), %s s per target\n' "$preset" "$workers" "$time_s"
base_rate=
if [[ -z "$against" ]]; then
  measure "$build_dir/fuzz/fuzz_base64" base64
  base_rate=$cpu_rate
  printf 'baseline: base64 %s exec/s, %s exec per CPU second\n' "$exec" "$cpu_rate"
  ratio_head="vs base64"
else
  ratio_head="new/old"
fi

printf '%-16s %9s %9s %6s %7s %6s %9s %s\n' target exec/s exec/cpu cov ft corpus "$ratio_head" goal
for t in "${targets[@]}"; do
  if [[ -n "$against" ]]; then
    measure "$against/fuzz/fuzz_$t" "$t"
    base_rate=$cpu_rate
    [[ -n "$found" ]] && echo "$t (old build): stopped by a finding, see $found"
    [[ "$exec" == 0 ]] && echo "$t (old build): no libFuzzer statistics (a replay-only build?)"
  fi
  measure "$build_dir/fuzz/fuzz_$t" "$t"
  goal=$(goal_of "$t")
  verdict=
  [[ -n "$goal" ]] && verdict="$goal $([[ ${exec:-0} -ge $goal ]] && echo met || echo MISSED)"
  printf '%-16s %9s %9s %6s %7s %6s %9s %s' "$t" "${exec:-?}" "$cpu_rate" "${cov:-?}" "${ft:-?}" "${corp:-?}" \
    "$(ratio "$cpu_rate" "$base_rate")" "$verdict"
  [[ -n "$found" ]] && printf '  (stopped by a finding: see %s)' "$found"
  echo
done
