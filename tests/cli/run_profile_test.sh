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
