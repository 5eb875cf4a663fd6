#!/usr/bin/env bash
# Fuzzing speed: each fuzz target for a fixed time (default 30 s), one process, starting from a
# copy of its seed corpus with its dictionary and max_len and a fixed -seed; prints per target
# exec/s (libFuzzer's, wall clock), executions per CPU second (user + system time of the process,
# which other load on the machine changes far less), the final cov: and ft:, the corpus size,
# and a ratio against a baseline measured in the same run:
#   - default: the base64 target, run first (its speed moves with the machine, so a target's
#     ratio to it is comparable between runs on a loaded and an idle machine);
#   - --against DIR: the same target built in another build folder (e.g. the previous commit's
#     build), run right before it; the ratio is then new / old.
# Ratios use executions per CPU second.
#
#   bench/fuzz_speed.sh [--time SECONDS] [--build-dir DIR] [--against DIR] [TARGET...]
#
# Goals (ASan + UBSan fuzz preset, one process, idle 2-core machine): >= 100,000 exec/s for the
# codec and reply-parser targets, >= 10,000 for server_session.
set -euo pipefail
cd "$(dirname "$0")/.."

time_s=30
build_dir=build/fuzz
against=
targets=()
usage() { sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --time) time_s=${2:?}; shift 2 ;;
    --build-dir) build_dir=${2:?}; shift 2 ;;
    --against) against=${2:?}; shift 2 ;;
    -h|--help|-*) usage ;;
    *) targets+=("$1"); shift ;;
  esac
done
[[ "$time_s" =~ ^[0-9]+$ ]] || usage
[[ ${#targets[@]} -eq 0 ]] && mapfile -t targets < <(sed -n 's/^sah_fuzzer(\([a-z0-9_]*\).*/\1/p' fuzz/CMakeLists.txt)

build_list=("${targets[@]}")
[[ -z "$against" && " ${targets[*]} " != *" base64 "* ]] && build_list=(base64 "${targets[@]}")
cmake --preset fuzz -B "$build_dir" >/dev/null
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

# measure BINARY TARGET: sets exec cpu_rate cov ft corp found for one fixed-time run.
measure() {
  local bin=$1 t=$2 work max_len dict last cpu runs
  work=$(mktemp -d "$work_root/sah-fuzz-speed-$t.XXXXXX")
  mkdir "$work/corpus"
  cp corpus/"$t"/* "$work/corpus/" 2>/dev/null || true
  local flags=(-max_total_time="$time_s" -timeout=10 -rss_limit_mb=2048 -seed=1 -artifact_prefix="$work/")
  max_len=$(option "$t" max_len); [[ -n "$max_len" ]] && flags+=(-max_len="$max_len")
  dict=$(option "$t" dict); [[ -n "$dict" ]] && flags+=(-dict="fuzz/$dict")
  local TIMEFORMAT='%U %S'  # bash's `time`: user and system CPU seconds
  { time "$bin" "${flags[@]}" "$work/corpus" >"$work/log" 2>&1 || true; } 2>"$work/cpu"
  cpu=$(awk '{ printf "%.2f", $1 + $2 }' "$work/cpu")
  last=$(grep -E 'cov: [0-9]+' "$work/log" | tail -1 || true)
  val() { sed -n "s|.* $1:\{0,1\} \([0-9]*\).*|\1|p" <<<"$last"; }
  exec=$(val exec/s); cov=$(val cov); ft=$(val ft)
  corp=$(sed -n 's/.* corp: \([0-9]*\).*/\1/p' <<<"$last")
  runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$work/log")
  cpu_rate=$(awk -v r="${runs:-0}" -v c="$cpu" 'BEGIN { printf "%d", (c > 0 ? r / c : 0) }')
  found=
  if grep -q -E 'ERROR: |fuzz property violated' "$work/log"; then
    found=$work/log
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
    [[ -z "$exec" ]] && echo "$t (old build): no libFuzzer statistics (a replay-only build?)"
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
