#!/usr/bin/env bash
# The run command against `serve` over loopback sockets (DESIGN.md: the exit-code contract):
# the whole catalogue against `serve` exits 0; against `serve --fault X` the cases that name X as
# their negative control make it exit 1, for every fault switch (with --fail-on practice, as in run_exit_codes_test.sh, and the same exceptions:
# fault_exceptions.sh). This is
# the real-socket twin of the in-process sweep; four servers run at a time (most of the time is waits, not CPU).
# `serve` offers ANONYMOUS and DIGEST-MD5 only when configured (`--mechanisms +NAME`), so the
# fault runs configure them for their cases, and a second correct run does so for the catalogue.
# Usage: run_serve_faults_test.sh SMTP_AUTH_HARNESS SOURCE_DIR
set -uo pipefail
bin=$1
src=$2
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT
cd "$work"

source "$here/fault_exceptions.sh"

# A password shaped like the one `run` makes for its own server (credential_shape.h): the PLAIN
# initial response's Base64 ends in "==" and contains '+' or '/', so every Base64 malformer applies.
password=$(python3 - <<'PY'
import base64, os
while True:
    # '?' and '~' at a varying offset are what can encode to '/' or '+'.
    r = os.urandom(3)
    pw = "pw-" + os.urandom(9).hex()[: 10 + r[0] % 8] + "?~" + "x" * (r[1] % 3) + os.urandom(2).hex()
    b = base64.b64encode(b"\0user\0" + pw.encode()).decode()
    if b.endswith("==") and ("+" in b or "/" in b):
        print(pw)
        break
PY
)
# The off-by-default mechanisms (RFC 4505 §5, RFC 6331), turned on as a test lab configures the
# server for a test: for every fault's own cases, except where those judge what a server offers
# by default (CAP-10, CAP-11: the fault then is what offers them).
configured=(--mechanisms +ANONYMOUS,+DIGEST-MD5)
# one_run NAME [--fault X]: serve on a free port, the catalogue against it; prints "NAME RC".
# NAME "correct-configured": the catalogue but its CAP-10 and CAP-11 cases, against serve with
# the off-by-default mechanisms on (their cases' loopback negative control).
one_run() {
  local name=$1; shift
  local dir="$work/$name" extra=() tls=starttls
  mkdir -p "$dir"
  local fault=${2:-} cases=()
  [[ -n "$fault" ]] && cases=(--cases "$(awk -v f="$fault" '$1 == f {print $2}' "$work/fault-cases")")
  [[ -n "$fault" && -z "$(awk -v f="$fault" '$1 == f {print $3}' "$work/fault-cases")" ]] && set -- "$@" "${configured[@]}"
  [[ "$name" == correct-configured ]] && cases=(--cases "$(cat "$work/default-offer-cases")") && set -- "${configured[@]}"
  # Like the in-process run: MAIL without AUTH is accepted (cases that need a transaction run),
  # unless the fault needs the submission policy.
  extra=(--relay-open)
  [[ -n "$fault" && -n "${submission[$fault]:-}" ]] && extra=(--submission) && set -- "$@" --require-auth
  [[ -n "$fault" && -n "${cleartext[$fault]:-}" ]] && tls=none
  [[ -n "$fault" && -n "${implicit[$fault]:-}" ]] && tls=implicit && set -- "$@" --implicit-tls
  "$bin" serve --listen 127.0.0.1:0 --ready-file "$dir/port" --hostname harness.localhost --require-tls-for-plaintext \
    --user user --password "$password" --user user2 --password "$password-2" --token "user:tok-$password" "$@" \
    >"$dir/serve.log" 2>&1 &
  local server=$!
  for _ in $(seq 100); do [[ -s "$dir/port" ]] && break; sleep 0.05; done
  "$bin" run --target "127.0.0.1:$(cat "$dir/port")" --tls "$tls" --insecure --host harness.localhost --scenarios "$src/scenarios" \
    --user user --password-env SAH_TEST_PASSWORD --user2 user2 --password2 "$password-2" --token "tok-$password" \
    --jobs 16 --timeout 10 --fail-on practice "${extra[@]}" "${cases[@]}" --json "$dir/out.json" >"$dir/run.log" 2>&1
  local rc=$?
  kill "$server" 2>/dev/null
  wait "$server" 2>/dev/null
  echo "$name $rc"
}
export SAH_TEST_PASSWORD=$password

# fault -> the ids of the cases that name it (list --json), one line each: "fault id,id,...",
# then "default-offer" when one of them judges the default offer (CAP-10, CAP-11). And the
# exclusion globs of those cases, for the correct-configured run.
"$bin" list --scenarios "$src/scenarios" --json | python3 -c '
import collections, json, sys
cases = collections.defaultdict(list)
default_offer = set()
excluded = []
for c in json.load(sys.stdin):
    judges_default = bool({"CAP-10", "CAP-11"} & set(c["requirements"]))
    if judges_default:
        excluded.append("!" + c["id"])
    for f in c["faults"]:
        name = f if isinstance(f, str) else f["name"]
        cases[name].append(c["id"])
        if judges_default:
            default_offer.add(name)
for f, ids in cases.items():
    print(f, ",".join(ids), "default-offer" if f in default_offer else "")
print(",".join(excluded), file=open(sys.argv[1], "w"))
' "$work/default-offer-cases" >"$work/fault-cases"

results=$(
  {
    one_run correct &
    one_run correct-configured &
    for fault in $("$bin" serve --list-faults | awk 'NR % 2 == 1 {print $1}'); do
      while [[ $(jobs -rp | wc -l) -ge 4 ]]; do sleep 0.05; done
      one_run "fault-$fault" --fault "$fault" &
    done
    wait
  }
)

passed=0
failed=0
while read -r name rc; do
  fault=${name#fault-}
  want=1
  [[ "$name" == correct || "$name" == correct-configured ]] && want=0
  [[ -n "${tolerated[$fault]:-}" || -n "${not_exposed[$fault]:-}" ]] && want=0
  if [[ "$rc" == "$want" ]]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL: $name: expected exit $want, got $rc"
    tail -5 "$work/$name/run.log"
  fi
done <<<"$results"
echo "$passed passed, $failed failed"
[[ $failed -eq 0 && $passed -gt 80 ]]
