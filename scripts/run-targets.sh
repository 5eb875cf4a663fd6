#!/usr/bin/env bash
# The suite against every real server of targets/*/: installs them (scripts/install-deps.sh
# --with-targets), builds the harness when needed, then `smtp-auth-harness run --profile all`.
# Each profile gets REPORT/NAME/{index.html,results.json,junit.xml}; REPORT/index.html is the
# matrix (targets x cases). A profile is judged by its expectations.txt (its known deviations):
#   exit 0  every profile started and every verdict matches its expectations file;
#   exit 1  some verdict differs (a new deviation, one that went away, a harness error);
#   exit 2  a profile could not be started, or a usage error.
#
#   scripts/run-targets.sh [--report DIR] [--build-dir DIR] [--no-install] [PROFILE...]
# With PROFILE names, only those run (each into REPORT/NAME/), without the matrix.
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

if [[ ${#profiles[@]} -eq 0 ]]; then
  exec "$bin" run --profile all --report "$report"
fi
worst=0
for p in "${profiles[@]}"; do
  echo "== profile $p =="
  set +e
  "$bin" run --profile "$p" --report "$report/$p" --junit "$report/$p/junit.xml"
  code=$?
  set -e
  (( code > worst )) && worst=$code
done
exit $worst
