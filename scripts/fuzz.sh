#!/usr/bin/env bash
# Fuzzing campaigns with libFuzzer (the `fuzz` preset: clang, ASan + UBSan).
#
#   scripts/fuzz.sh [--time SECONDS] [--jobs N] [--smoke] [--preset fuzz|fuzz-fast]
#                   [--build-dir DIR] [TARGET...|all]
#
# For each target: copies corpus/<target>/ to a work folder, runs fuzz_<target> for --time seconds
# (default 300) with -fork=N (--jobs, default: nproc) and the target's fuzz/<target>.dict and
# fuzz/<target>.options, then merges what gained coverage back into corpus/<target>/ with
# -merge=1 -use_counters=0 (only new files, under libFuzzer's hash names; by edges, not hit
# counts, so a campaign adds a few files: the smallest that reach new code). Prints per target:
# exec/s (over all workers), edge coverage (cov:), new corpus files and any crash file (copied to
# <build-dir>/findings/<target>/).
# --smoke (CI): every target 20 s, nothing merged.
# --preset fuzz-fast: the campaign runs without sanitizers (coverage instrumentation only, about
# 3 times the executions); the files it merges are then replayed through the `fuzz` build
# (ASan + UBSan, in build/fuzz), so what it keeps has met the sanitizers before it lands (a file
# that fails there moves to the findings), and the test command replays it under them on every
# build. Build folder: build/<preset>.
# Exit status: 0 nothing found, 1 a crash, timeout or OOM, 2 usage or build error.
set -euo pipefail
cd "$(dirname "$0")/.."

time_s=300
jobs=$(nproc)
smoke=0
preset=fuzz
build_dir=
targets=()
usage() { sed -n '3,20p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --time) time_s=${2:?}; shift 2 ;;
    --jobs) jobs=${2:?}; shift 2 ;;
    --smoke) smoke=1; time_s=20; shift ;;
    --preset) preset=${2:?}; shift 2 ;;
    --build-dir) build_dir=${2:?}; shift 2 ;;
    -h|--help) usage ;;
    -*) echo "fuzz.sh: unknown option $1" >&2; usage ;;
    *) targets+=("$1"); shift ;;
  esac
done
[[ "$time_s" =~ ^[0-9]+$ && "$jobs" =~ ^[0-9]+$ && "$jobs" -ge 1 ]] || usage
[[ "$preset" == fuzz || "$preset" == fuzz-fast ]] || { echo "fuzz.sh: unknown preset '$preset'" >&2; usage; }
build_dir=${build_dir:-build/$preset}

# Every target registered in fuzz/CMakeLists.txt (the `print_all_fuzzers` list).
mapfile -t all < <(sed -n 's/^sah_fuzzer(\([a-z0-9_]*\).*/\1/p' fuzz/CMakeLists.txt)
if [[ ${#targets[@]} -eq 0 || " ${targets[*]} " == *" all "* ]]; then targets=("${all[@]}"); fi
for t in "${targets[@]}"; do
  [[ " ${all[*]} " == *" $t "* ]] || { echo "fuzz.sh: unknown target '$t' (known: ${all[*]})" >&2; exit 2; }
done

cmake --preset "$preset" -B "$build_dir" >/dev/null || exit 2
cmake --build "$build_dir" -j"$jobs" --target "${targets[@]/#/fuzz_}" >/dev/null || exit 2
# The sanitizer build that replays what a fuzz-fast campaign merges.
checked_dir=
if [[ "$preset" == fuzz-fast && $smoke -eq 0 ]]; then
  checked_dir=build/fuzz
  cmake --preset fuzz -B "$checked_dir" >/dev/null || exit 2
  cmake --build "$checked_dir" -j"$jobs" --target "${targets[@]/#/fuzz_}" >/dev/null || exit 2
fi

# One value of a target's .options file ([libfuzzer] key = value).
option() { sed -n "s/^$2 *= *//p" "fuzz/$1.options" 2>/dev/null | head -1; }

# Work folders on tmpfs when there is one: libFuzzer writes a file for every new corpus unit, and
# creating files on a disk file system showed up as several percent of a campaign's time.
work_root=${TMPDIR:-/tmp}
[[ -z "${TMPDIR:-}" && -d /dev/shm && -w /dev/shm ]] && work_root=/dev/shm

status=0
summary=()
for t in "${targets[@]}"; do
  work=$(mktemp -d "$work_root/sah-fuzz-$t.XXXXXX")
  mkdir -p "$work/corpus" "$work/artifacts"
  cp corpus/"$t"/* "$work/corpus/" 2>/dev/null || true
  flags=(-timeout=10 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$work/artifacts/")
  max_len=$(option "$t" max_len); [[ -n "$max_len" ]] && flags+=(-max_len="$max_len")
  dict=$(option "$t" dict); [[ -n "$dict" ]] && flags+=(-dict="fuzz/$dict")
  log="$work/fuzz.log"
  echo "== $t: ${time_s}s, fork=$jobs"
  "$build_dir/fuzz/fuzz_$t" "${flags[@]}" -fork="$jobs" -max_total_time="$time_s" "$work/corpus" >"$log" 2>&1 || true

  stats=$(grep -E 'cov: [0-9]+' "$log" | tail -1 || true)
  cov=$(sed -n 's/.*cov: \([0-9]*\).*/\1/p' <<<"$stats")
  # Fork mode's lines ("#RUNS: cov: ... exec/s N ... time: Ts") give the last job's exec/s; the
  # campaign's, over all workers, is its runs over its time.
  execs=$(sed -n 's/^#\([0-9]*\):.* time: \([0-9]*\)s.*/\1 \2/p' <<<"$stats" | awk '$2 > 0 { printf "%d", $1 / $2 }')
  [[ -n "$execs" ]] || execs=$(sed -n 's/.*exec\/s:\{0,1\} \([0-9]*\).*/\1/p' <<<"$stats")
  found=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | head -5)
  fork_fail=$(sed -n 's/.*oom\/timeout\/crash: \([0-9]*\/[0-9]*\/[0-9]*\).*/\1/p' <<<"$stats")
  new=0
  if [[ -z "$found" && $smoke -eq 0 ]]; then
    ls corpus/"$t" | sort >"$work/before"
    "$build_dir/fuzz/fuzz_$t" "${flags[@]}" -merge=1 -use_counters=0 corpus/"$t" "$work/corpus" >>"$log" 2>&1 || true
    mapfile -t added < <(ls corpus/"$t" | sort | comm -13 "$work/before" -)
    new=${#added[@]}
    if [[ -n "$checked_dir" && $new -gt 0 ]]; then
      # Each merged file once through the ASan + UBSan target (file arguments: run, not fuzz). A
      # file it stops on leaves the corpus as a finding, and the files after it are run again.
      pending=("${added[@]/#/corpus/$t/}")
      mkdir -p "$work/asan"
      while [[ ${#pending[@]} -gt 0 ]] && ! "$checked_dir/fuzz/fuzz_$t" -artifact_prefix="$work/asan-" "${pending[@]}" \
        >"$work/checked.log" 2>&1; do
        cat "$work/checked.log" >>"$log"
        grep -m3 -E 'ERROR: |fuzz property violated' "$work/checked.log" | sed "s/^/   $t (ASan replay): /" || true
        bad=$(sed -n 's/^Running: \(.*\)$/\1/p' "$work/checked.log" | tail -1)
        if [[ -z "$bad" ]]; then found+=" $work/checked.log"; break; fi
        mv "$bad" "$work/asan/"
        found+=" $work/asan/$(basename "$bad")"
        new=$((new - 1))
        rest=()
        after=0
        for f in "${pending[@]}"; do
          if [[ $after -eq 1 ]]; then rest+=("$f"); fi
          if [[ "$f" == "$bad" ]]; then after=1; fi
        done
        pending=("${rest[@]}")
      done
    fi
  fi
  line=$(printf '%-16s exec/s %-8s cov %-6s new %-4s' "$t" "${execs:-?}" "${cov:-?}" "$new")
  [[ -n "$fork_fail" ]] && line+=" oom/timeout/crash $fork_fail"
  if [[ -n "$found" || ( -n "$fork_fail" && "$fork_fail" != "0/0/0" ) ]]; then
    status=1
    mkdir -p "$build_dir/findings/$t"
    for f in $found "$work"/artifacts/*; do
      [[ -f "$f" ]] && cp "$f" "$build_dir/findings/$t/" && line+=" FINDING $build_dir/findings/$t/$(basename "$f")"
    done
    grep -m3 -E 'ERROR: |fuzz property violated' "$log" | sed "s/^/   $t: /" || true
    cp "$log" "$build_dir/findings/$t/fuzz.log"
  fi
  summary+=("$line")
  rm -rf "$work"
done

echo "== summary ($([[ $smoke -eq 1 ]] && echo smoke || echo "merged into corpus/")):"
printf '%s\n' "${summary[@]}"
exit $status
