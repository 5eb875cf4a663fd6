#!/usr/bin/env bash
# The run command's contract (DESIGN.md): against the built-in server `run` exits 0 and writes
# JSON results; with each fault switch on, it exits 1; a scenario file with a mistake gives
# file:line:col and exit 2. Usage: run_exit_codes_test.sh SMTP_AUTH_HARNESS SOURCE_DIR
set -uo pipefail
bin=$1
src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
passed=0
failed=0
check() {  # check NAME EXPECTED ACTUAL
  if [[ "$2" == "$3" ]]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $1: expected $2, got $3"; fi
}

# 1. No arguments besides the catalogue: exit 0, JSON results written to the default file.
"$bin" run --scenarios "$src/scenarios" >/dev/null 2>&1
check "run on the correct server" 0 $?
[[ -s smtp-auth-results.json ]] && grep -q '"schema": *1' smtp-auth-results.json
check "default JSON results written" 0 $?

# 2. Every fault switch makes the run exit 1 with --fail-on practice (some faults break only
# practice-level requirements, which the default threshold `must` reports without failing the
# run), except a deviation the catalogue tolerates (reported non-strict); two faults need the
# submission policy that exposes them.
declare -A tolerated=([b64-accept-missing-padding]=1)
declare -A submission=([mail-after-failed-auth]=1 [mail-without-auth]=1 [submission-extensions-missing]=1
                       [pipelined-after-auth-discarded]=1)
# Its only case needs ANONYMOUS, which the in-process run does not configure (RFC 4505 §5: off
# by default); the negative-control test covers it with an ANONYMOUS set-up.
declare -A not_exposed=([space-without-ir-is-empty]=1)
for fault in $("$bin" serve --list-faults | awk 'NR % 2 == 1 {print $1}'); do
  extra=()
  [[ -n "${submission[$fault]:-}" ]] && extra=(--submission)
  "$bin" run --scenarios "$src/scenarios" --fault "$fault" --fail-on practice "${extra[@]}" --json out.json >/dev/null 2>&1
  rc=$?
  if [[ -n "${not_exposed[$fault]:-}" ]]; then
    check "fault $fault (not exposed by the default run)" 0 "$rc"
  elif [[ -n "${tolerated[$fault]:-}" ]]; then
    check "fault $fault (tolerated)" 0 "$rc"
    grep -q '"non-strict"' out.json
    check "fault $fault is reported non-strict" 0 $?
  else
    check "fault $fault" 1 "$rc"
  fi
done

# 3. A scenario file with a mistake: file:line:col and exit 2.
mkdir bad
printf 'case    my.case\ntitle   t\nreq     B64-02\nrfc     RFC4954#4\nfault   b64-wrong-code\n\nconnect\nexpect  5x1 * => maybe\n' > bad/mistake.scn
"$bin" run --scenarios bad >/dev/null 2>err.txt
check "bad scenario exit code" 2 $?
grep -q '^bad/mistake.scn:8:[0-9]*: ' err.txt
check "bad scenario names file:line:col" 0 $?

# 4. An unknown fault is a usage error.
"$bin" run --scenarios "$src/scenarios" --fault no-such-fault >/dev/null 2>&1
check "unknown fault" 2 $?

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
