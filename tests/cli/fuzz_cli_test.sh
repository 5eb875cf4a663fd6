#!/usr/bin/env bash
# The fuzz and replay commands' contract: against the correct built-in server a bounded,
# seeded fuzz run exits 0 with no finding; under a crashing fault it exits 1 and writes
# findings that `run --scenarios` fails (exit 1) under the fault and passes (exit 0) without
# it, and that `replay` reproduces; a corpus input replays and reports the server survived;
# a bad option is exit 2. Usage: fuzz_cli_test.sh SMTP_AUTH_HARNESS SOURCE_DIR
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

"$bin" fuzz --sessions 1000 --seed 11 --out good >good.txt 2>&1
check "fuzz on the correct server" 0 $?
grep -q 'sessions/s' good.txt
check "fuzz prints sessions/s" 0 $?

"$bin" fuzz --sessions 2000 --seed 11 --out bad --fault long-line-crash >bad.txt 2>&1
check "fuzz under long-line-crash" 1 $?
n=$(ls bad/findings/crash-*.scn 2>/dev/null | wc -l)
check "a crash finding written" 1 $((n > 0))

"$bin" run --scenarios bad/findings --fault long-line-crash --json r1.json >/dev/null 2>&1
check "run on the findings under the fault" 1 $?
"$bin" run --scenarios bad/findings --json r2.json >/dev/null 2>&1
check "run on the findings without the fault" 0 $?

first=$(ls bad/findings/crash-*.scn | head -1)
"$bin" replay "$first" --fault long-line-crash >/dev/null 2>&1
check "replay of a finding under the fault" 1 $?
"$bin" replay "$first" >/dev/null 2>&1
check "replay of a finding without the fault" 0 $?

corpus=$(ls "$src"/corpus/server_session/* | head -1)
"$bin" replay "$corpus" >replay.txt 2>&1
check "replay of a corpus input" 0 $?
grep -q 'survived' replay.txt
check "replay reports the server survived" 0 $?

"$bin" fuzz --fault no-such-fault >/dev/null 2>&1
check "unknown fault is a usage error" 2 $?
"$bin" fuzz --target 127.0.0.1:1 --sessions 1 >/dev/null 2>&1
check "unreachable target" 2 $?

echo "fuzz_cli_test: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
