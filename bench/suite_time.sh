#!/usr/bin/env bash
# Whole-catalogue wall time, measured four ways in one script:
#   parse    `list --check` (loading and expanding the catalogue: the baseline)
#   memory   `run --in-process` against the built-in server (no sockets, virtual time)
#   default  `run` with no target: a built-in server per case on loopback ports, --jobs 16
#   serve    `run --target` against one `serve` on 127.0.0.1 with STARTTLS, --jobs 8
# Each is the best of 3 runs; ratios are against the parse baseline.
# Usage: bench/suite_time.sh [BUILD_DIR]   (default build/default; built if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/default}
if [[ ! -x "$build/harness/smtp-auth-harness" ]]; then
  cmake --preset default >/dev/null
  cmake --build --preset default -j"$(nproc)" --target smtp-auth-harness
fi
bin="$build/harness/smtp-auth-harness"

best_of_3() {  # prints the best wall time in seconds of "$@"
  local best=""
  for _ in 1 2 3; do
    local t0 t1
    t0=$(date +%s.%N)
    "$@" >/dev/null 2>&1 || true
    t1=$(date +%s.%N)
    best=$(python3 -c "a=$t1-$t0; b='$best'; print(a if b=='' or a<float(b) else b)")
  done
  echo "$best"
}

password="bench-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')?~"
ready=$(mktemp)
"$bin" serve --listen 127.0.0.1:0 --ready-file "$ready" --hostname 127.0.0.1 --require-tls-for-plaintext \
  --user user --password "$password" --user user2 --password "$password-2" --token "user:tok-$password" \
  >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -f "$ready"' EXIT
for _ in $(seq 50); do [[ -s "$ready" ]] && break; sleep 0.1; done
port=$(cat "$ready")

cases=$("$bin" list | wc -l)
parse=$(best_of_3 "$bin" list --check)
memory=$(best_of_3 "$bin" run --in-process)
default=$(best_of_3 "$bin" run)
loopback=$(best_of_3 "$bin" run --target "127.0.0.1:$port" --tls starttls --insecure --user user \
  --password "$password" --user2 user2 --password2 "$password-2" --token "tok-$password" --jobs 8 --timeout 3)

python3 - "$cases" "$parse" "$memory" "$default" "$loopback" <<'PY'
import sys
cases, parse, memory, default, loopback = int(sys.argv[1]), *map(float, sys.argv[2:])
print(f"{cases} cases")
print(f"{'mode':<10}{'seconds':>10}{'x parse':>10}")
for name, t in (("parse", parse), ("memory", memory), ("default", default), ("serve", loopback)):
    print(f"{name:<10}{t:>10.3f}{t / parse:>10.1f}")
PY
