#!/usr/bin/env bash
# Live fuzzing throughput (sessions per second), against a baseline, in one script:
#   fuzz memory    `fuzz` against the built-in server in-process (the ≥1,000 sessions/s goal)
#   run memory     `run` of the whole catalogue in-process, as cases per second (the baseline:
#                  a case is a hand-written session of about the same length)
#   fuzz loopback  `fuzz --target` against `serve` on 127.0.0.1 (sockets, real time)
# Each figure is the best of 3. Exits 1 when the in-process figure is below 1,000 sessions/s.
# Usage: bench/live_fuzz.sh [BUILD_DIR]   (default build/default; built if missing)
#        SAH_BIN=path/to/smtp-auth-harness bench/live_fuzz.sh   (an executable built elsewhere)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/default}
bin=${SAH_BIN:-$build/harness/smtp-auth-harness}
if [[ ! -x "$bin" ]]; then
  cmake --preset default >/dev/null
  cmake --build --preset default -j2 --target smtp-auth-harness
fi
sessions=${SAH_FUZZ_SESSIONS:-20000}
work=$(mktemp -d)
trap 'kill "${server:-}" 2>/dev/null || true; rm -rf "$work"' EXIT

rate() {  # the sessions/s figure printed by `fuzz`
  "$@" --out "$work/out" 2>/dev/null | sed -n 's/.* \([0-9][0-9]*\) sessions\/s.*/\1/p' | tail -1
}
best_rate() {
  local best=0 r
  for _ in 1 2 3; do
    r=$(rate "$@")
    (( ${r:-0} > best )) && best=$r
  done
  echo "$best"
}

memory=$(best_rate "$bin" fuzz --sessions "$sessions" --seed 1)

cases=$("$bin" list | wc -l)
best_run=""
for _ in 1 2 3; do
  t0=$(date +%s.%N)
  "$bin" run --in-process --json "$work/run.json" >/dev/null 2>&1 || true
  t1=$(date +%s.%N)
  best_run=$(python3 -c "a=$t1-$t0; b='$best_run'; print(a if b=='' or a<float(b) else b)")
done

password="bench-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
ready="$work/ready"
"$bin" serve --listen 127.0.0.1:0 --ready-file "$ready" --hostname 127.0.0.1 \
  --user user --password "$password" --token "user:tok-$password" >/dev/null 2>&1 &
server=$!
for _ in $(seq 50); do [[ -s "$ready" ]] && break; sleep 0.1; done
port=$(cat "$ready")
loopback=$(best_rate "$bin" fuzz --target "127.0.0.1:$port" --user user --password "$password" \
  --token "tok-$password" --sessions $((sessions / 10)) --seed 1 --timeout 2)

python3 - "$memory" "$cases" "$best_run" "$loopback" <<'PY'
import sys
memory, cases, run_s, loopback = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
run_rate = cases / run_s if run_s > 0 else 0
print(f"{'mode':<16}{'per second':>12}")
print(f"{'fuzz memory':<16}{memory:>12}   sessions (goal: 1000)")
print(f"{'run memory':<16}{run_rate:>12.0f}   cases, the baseline ({cases} cases in {run_s:.2f} s)")
print(f"{'fuzz loopback':<16}{loopback:>12}   sessions over TCP to serve")
if run_rate > 0:
    print(f"fuzz memory / run memory: {memory / run_rate:.1f}x")
sys.exit(0 if memory >= 1000 else 1)
PY
