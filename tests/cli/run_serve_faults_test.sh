#!/usr/bin/env bash
# The run command against `serve` over loopback sockets (DESIGN.md: the exit-code contract):
# the whole catalogue against `serve` exits 0; against `serve --fault X` it exits 1, for every
# fault switch (with --fail-on practice, as in run_exit_codes_test.sh, and the same exceptions:
# fault_exceptions.sh). This is
# the real-socket twin of the in-process sweep; four servers run at a time (most of the time is waits, not CPU).
# Usage: run_serve_faults_test.sh SMTP_AUTH_HARNESS SOURCE_DIR
set -uo pipefail
bin=$1
src=$2
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT
cd "$work"

source "$here/fault_exceptions.sh"

password="pw-$(head -c 9 /dev/urandom | od -An -tx1 | tr -d ' \n')?~x"
# one_run NAME [--fault X]: serve on a free port, the catalogue against it; prints "NAME RC".
one_run() {
  local name=$1; shift
  local dir="$work/$name" extra=() tls=starttls
  mkdir -p "$dir"
  local fault=${2:-}
  [[ -n "$fault" && -n "${submission[$fault]:-}" ]] && extra=(--submission) && set -- "$@" --require-auth
  [[ -n "$fault" && -n "${cleartext[$fault]:-}" ]] && tls=none
  "$bin" serve --listen 127.0.0.1:0 --ready-file "$dir/port" --hostname 127.0.0.1 --require-tls-for-plaintext \
    --user user --password "$password" --user user2 --password "$password-2" --token "user:tok-$password" "$@" \
    >"$dir/serve.log" 2>&1 &
  local server=$!
  for _ in $(seq 100); do [[ -s "$dir/port" ]] && break; sleep 0.05; done
  "$bin" run --target "127.0.0.1:$(cat "$dir/port")" --tls "$tls" --insecure --scenarios "$src/scenarios" \
    --user user --password-env SAH_TEST_PASSWORD --user2 user2 --password2 "$password-2" --token "tok-$password" \
    --jobs 16 --timeout 10 --fail-on practice "${extra[@]}" --json "$dir/out.json" >"$dir/run.log" 2>&1
  local rc=$?
  kill "$server" 2>/dev/null
  wait "$server" 2>/dev/null
  echo "$name $rc"
}
export SAH_TEST_PASSWORD=$password

results=$(
  {
    one_run correct &
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
  [[ "$name" == correct ]] && want=0
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
