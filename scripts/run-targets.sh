#!/usr/bin/env bash
# The suite against every real server of targets/*/: installs them (scripts/install-deps.sh
# --with-targets), builds the harness when needed, then `smtp-auth-harness run --profile NAME`
# for each profile, three at a time (SAH_TARGET_JOBS). Each profile gets
# REPORT/NAME/{index.html,results.json,junit.xml,console.log}; REPORT/index.html is the matrix
# (targets x cases). A profile is judged by its expectations.txt (its known deviations):
#   exit 0  every profile started and every verdict matches its expectations file;
#   exit 1  some verdict differs (a new deviation, one that went away, a harness error);
#   exit 2  a profile could not be started, or a usage error.
#
#   scripts/run-targets.sh [--report DIR] [--build-dir DIR] [--no-install] [PROFILE...]
# With PROFILE names, only those run (each into REPORT/NAME/), without the matrix.
# (`smtp-auth-harness run --profile all --report DIR` does the same one profile after another.)
set -euo pipefail
cd "$(dirname "$0")/.."

report=out/targets
build_dir=""
install=1
profiles=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --report) report=${2:?}; shift 2 ;;
    --build-dir) build_dir=${2:?}; shift 2 ;;
    --no-install) install=0; shift ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "run-targets.sh: unknown option $1" >&2; exit 2 ;;
    *) profiles+=("$1"); shift ;;
  esac
done

[[ $install -eq 0 ]] || scripts/install-deps.sh --with-targets

# Any existing build of the harness will do (CI has just built the asan one); else the default.
bin=""
for dir in ${build_dir:+"$build_dir"} build/asan build/default; do
  if [[ -x "$dir/harness/smtp-auth-harness" ]]; then bin="$dir/harness/smtp-auth-harness"; break; fi
done
if [[ -z "$bin" ]]; then
  cmake --preset default >/dev/null
  cmake --build --preset default -j"$(nproc)" --target smtp-auth-harness
  bin=build/default/harness/smtp-auth-harness
fi

# Profiles run side by side (each server has its own state folder and ports; the machine is
# mostly waiting on their replies), each into REPORT/NAME/ with its console in console.log.
all=0
if [[ ${#profiles[@]} -eq 0 ]]; then
  all=1
  for conf in targets/*/profile.conf; do profiles+=("$(basename "$(dirname "$conf")")"); done
fi
parallel=${SAH_TARGET_JOBS:-3}
mkdir -p "$report"
run_one() {
  local p=$1 code
  mkdir -p "$report/$p"
  set +e
  "$bin" run --profile "$p" --report "$report/$p" --junit "$report/$p/junit.xml" >"$report/$p/console.log" 2>&1
  code=$?
  set -e
  echo "$code" >"$report/$p/exit-code"
}
start=$(date +%s)
for p in "${profiles[@]}"; do
  while [[ $(jobs -rp | wc -l) -ge $parallel ]]; do sleep 0.2; done
  echo "run-targets: $p started"
  run_one "$p" &
done
wait

worst=0
results=()
echo "run-targets: $(( $(date +%s) - start )) s"
for p in "${profiles[@]}"; do
  code=$(cat "$report/$p/exit-code" 2>/dev/null || echo 2)
  case $code in
    0) what="ok: every verdict as expected" ;;
    1) what="verdicts differ from targets/$p/expectations.txt" ;;
    *) what="could not run (exit $code)" ;;
  esac
  printf '  %-20s %s — %s\n' "$p" "$what" "$(grep '^summary:' "$report/$p/console.log" | tail -1)"
  # The differences (or the reason it could not run), for the CI log.
  [[ $code -eq 0 ]] || grep -E '^differs from|^smtp-auth-harness run:|^  \|' "$report/$p/console.log" | head -40 | sed 's/^/      /'
  (( code > worst )) && worst=$code
  [[ -f "$report/$p/results.json" ]] && results+=("$report/$p/results.json")
done
if [[ $all -eq 1 && ${#results[@]} -gt 1 ]]; then
  "$bin" report "${results[@]}" --out "$report" >/dev/null
  cp "$report/matrix.html" "$report/index.html"
  echo "run-targets: matrix $report/index.html"
fi
exit $worst
