#!/usr/bin/env bash
# `run --profile`: the built-in server started as a supervised target. With the crash fault on,
# three cases in order: a good login passes, an over-long AUTH line kills the server (verdict
# crash, severity critical, the server's last log lines kept), and the next case passes again on
# the restarted server; exit 1. Also: profile errors give file:line:col and exit 2, a server that
# never greets is exit 2 with nothing left running, and no state folder outlives the run.
# Usage: run_profile_test.sh SMTP_AUTH_HARNESS SOURCE_DIR
set -uo pipefail
bin=$1
src=$2
work=$(mktemp -d)
trap '[[ -n "${KEEP:-}" ]] || rm -rf "$work"' EXIT
cd "$work"
export TMPDIR="$work/tmp"  # the supervisor's run folders go here, so leftovers can be seen
mkdir -p "$TMPDIR"
passed=0
failed=0
check() {  # check NAME EXPECTED ACTUAL
  if [[ "$2" == "$3" ]]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $1: expected $2, got $3"; fi
}
leftovers() { pgrep -f -- "$work" | grep -v "^$$\$" | wc -l; }

# Three cases, run in this order (one file, catalogue order).
mkdir order
cat > order/order.scn <<'SCN'
# A good login: passes on the correct server.
case    order.1.good-login
title   A good PLAIN login before the crash
req     PLAIN-01
rfc     RFC4616#2
tags    plain
needs   mech:PLAIN account
fault   auth-success-250

connect
ehlo
auth    PLAIN
expect  235 *        => pass
expect  *            => fail "good login refused"

# An AUTH response line over 4096 octets: the crash fault aborts the server.
case    order.2.long-line
title   A 12000-octet PLAIN response line
req     LIM-01
rfc     RFC4954#4
tags    limits plain
needs   mech:PLAIN
fault   long-line-crash

connect
ehlo
send    AUTH PLAIN
expect  334 *        => pass
send    %b64[\0$nouser\0%repeat[8900|a]%]%
expect  535 *        => pass
expect  501 *        => pass
expect  *            => fail "long response line not handled"
alive

# After the restart: a wrong password is refused as it should be.
case    order.3.wrong-password
title   A wrong password after the restart
req     PLAIN-01
rfc     RFC4954#6
tags    plain
needs   mech:PLAIN account
fault   accept-any-password
mechanism PLAIN

connect
ehlo
send    AUTH PLAIN %b64[\0$user\0wrong-$password]%
expect  535 *        => pass
expect  *            => fail "wrong password not refused"
SCN

"$bin" run --profile "$src/targets/builtin" --fault long-line-crash --scenarios order --json out.json >run.txt 2>&1
check "crash run exit code" 1 $?
verdicts=$(python3 -c '
import json; d = json.load(open("out.json"))
print(" ".join(c["id"].split(".")[1] + "=" + c["verdict"] for c in d["cases"]))')
check "verdicts in order" "1=pass 2=crash 3=pass" "$verdicts"
python3 -c '
import json, sys; d = json.load(open("out.json")); c = d["cases"][1]
ok = c["severity"] == "critical" and "SIGABRT" in c["reason"] and any("listening on" in l for l in c["server_log"])
sys.exit(0 if ok else 1)'
check "crash: critical, SIGABRT, server log kept" 0 $?
check "no server left after the run" 0 "$(leftovers)"
check "no run folder left" "" "$(ls -A "$TMPDIR")"

# Expectations: the crash listed as a known deviation makes the same run match (exit 0), and
# each case carries its known deviation in the results.
cat > expect.txt <<'EXP'
# case-id          verdict  clause      explanation
order.2.long-line  crash    RFC4954#4   aborts on a response line over 4096 octets
EXP
"$bin" run --profile "$src/targets/builtin" --fault long-line-crash --scenarios order --expectations expect.txt \
  --json out.json >run.txt 2>err.txt
check "known crash matches the expectations" 0 $?
python3 -c '
import json, sys; d = json.load(open("out.json")); c = d["cases"][1]
ok = c["known_deviation"]["source"] == "expect.txt:2" and d["expectation_mismatches"] == []
sys.exit(0 if ok else 1)'
check "known deviation recorded in the results" 0 $?
# Without the fault the deviation is gone: the file no longer matches (exit 1), and says so.
"$bin" run --profile "$src/targets/builtin" --scenarios order --expectations expect.txt --json out.json >/dev/null 2>err.txt
check "a deviation that went away differs" 1 $?
grep -q 'order.2.long-line: expected crash (RFC4954#4) (expect.txt:2), got pass' err.txt
check "the difference is named" 0 $?
# A new failure not in the file differs too (exit 1).
"$bin" run --profile "$src/targets/builtin" --fault accept-any-password --scenarios order --expectations expect.txt \
  --json out.json >/dev/null 2>err.txt
check "an unlisted failure differs" 1 $?
grep -q 'order.3.wrong-password: got fail, not listed' err.txt
check "the unlisted failure is named" 0 $?
# A bad expectations file: file:line:col, exit 2; a case id the catalogue lacks, too.
printf 'order.1.good-login  pass  RFC4616#2  fine\n' > bad-expect.txt
"$bin" run --profile "$src/targets/builtin" --scenarios order --expectations bad-expect.txt >/dev/null 2>err.txt
check "bad expectations exit code" 2 $?
grep -q "^bad-expect.txt:1:21: expected a deviation's verdict" err.txt
check "bad expectations name file:line:col" 0 $?
printf '# header\nno.such.case  fail  RFC4954#4  gone\n' > stale-expect.txt
"$bin" run --profile "$src/targets/builtin" --scenarios order --expectations stale-expect.txt >/dev/null 2>err.txt
check "unknown case in expectations exit code" 2 $?
grep -q "^stale-expect.txt:2:1: no case 'no.such.case'" err.txt
check "unknown case names file:line:col" 0 $?
check "no server left after the expectation runs" 0 "$(leftovers)"

# The harness killed with SIGKILL (no chance to stop anything): the server it started still
# goes, because it was told to expect SIGTERM when its parent dies.
cat > order/zz-slow.scn <<'SCN'
case    order.4.slow
title   A case that waits long enough to be killed in
req     LIM-04
rfc     RFC5321#4.5.3.2
tags    limits
fault   auth-success-250

connect
ehlo
wait    8000
alive
SCN
"$bin" run --profile "$src/targets/builtin" --scenarios order --cases order.4.slow --json out.json >/dev/null 2>&1 &
harness_pid=$!
for _ in $(seq 100); do [[ "$(leftovers)" -ge 1 ]] && break; sleep 0.1; done
sleep 0.5
kill -KILL "$harness_pid"
wait "$harness_pid" 2>/dev/null
for _ in $(seq 50); do [[ "$(leftovers)" -eq 0 ]] && break; sleep 0.1; done
check "no server left after the harness was SIGKILLed" 0 "$(leftovers)"
rm -f order/zz-slow.scn
rm -rf "$TMPDIR"/*  # the killed harness could not remove its run folder

# The same three cases without the fault: all pass, exit 0 (the profile is found by name).
mkdir -p targets && cp -r "$src/targets/builtin" targets/
"$bin" run --profile builtin --scenarios order --json out.json >/dev/null 2>&1
check "correct server by profile name" 0 $?

# A profile with a mistake: file:line:col, exit 2.
mkdir -p bad
printf 'name = bad\nstart = true\ntls = sometimes\n' > bad/profile.conf
"$bin" run --profile ./bad --scenarios order >/dev/null 2>err.txt
check "bad profile exit code" 2 $?
grep -q '^\./bad/profile.conf:3:7: ' err.txt
check "bad profile names file:line:col" 0 $?

# No such profile: exit 2.
"$bin" run --profile no-such-profile --scenarios order >/dev/null 2>&1
check "missing profile" 2 $?

# A server that never greets: exit 2 after ready_timeout_ms, nothing left running.
mkdir -p mute
printf 'name = mute\nstart = /bin/sh -c "sleep 30" {state}\nready_timeout_ms = 700\n' > mute/profile.conf
"$bin" run --profile ./mute --scenarios order >/dev/null 2>err.txt
check "mute server exit code" 2 $?
grep -q 'not ready within 700 ms' err.txt
check "mute server: readiness error" 0 $?
check "mute server killed" 0 "$(leftovers)"
check "no run folder left (mute)" "" "$(ls -A "$TMPDIR")"

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
