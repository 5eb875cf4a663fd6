#!/usr/bin/env bash
# Load test of the built-in server: starts `smtp-auth-harness serve` from a build folder on a
# free loopback port, runs load_serve at 16, 64 and 256 concurrent clients, prints a table
# (AUTH exchanges per second, errors, server memory) and stops the server.
#
#   bench/load_serve.sh BUILD_DIR [SECONDS_PER_RUN]
#
# Traffic goes to 127.0.0.1 only, and each run is bounded by SECONDS_PER_RUN (default 5).
# Against an AddressSanitizer build the RSS columns mostly show ASan's quarantine of freed
# memory (up to 256 MB); run with ASAN_OPTIONS=quarantine_size_mb=1 to see the server's own use.
set -euo pipefail

build_dir=${1:?usage: load_serve.sh BUILD_DIR [SECONDS_PER_RUN]}
duration=${2:-5}
server_bin=$build_dir/harness/smtp-auth-harness
load_bin=$build_dir/bench/load_serve
for bin in "$server_bin" "$load_bin"; do
  [[ -x $bin ]] || { echo "load_serve.sh: $bin not found (build it first)" >&2; exit 2; }
done

work=$(mktemp -d)
server_pid=
cleanup() {
  if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# A throwaway account; the password only ever travels over loopback.
user=load
password=load-$RANDOM$RANDOM

"$server_bin" serve --listen 127.0.0.1:0 --account "$user:$password" --ready-file "$work/port" \
  >"$work/server.out" 2>"$work/server.err" &
server_pid=$!
for _ in $(seq 1 100); do
  [[ -s $work/port ]] && break
  kill -0 "$server_pid" 2>/dev/null || { echo "load_serve.sh: the server exited:" >&2; cat "$work/server.err" >&2; exit 1; }
  sleep 0.1
done
[[ -s $work/port ]] || { echo "load_serve.sh: the server did not report its port" >&2; exit 1; }
port=$(cat "$work/port")
echo "server pid $server_pid on 127.0.0.1:$port, ${duration}s per run"

# key=value fields of one load_serve line
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p;s/^$1=\([^ ]*\).*/\1/p" <<<"$2" | head -n1; }

printf '\n%8s %12s %10s %8s %14s %14s %14s %14s\n' clients auth_ok auth/s errors rss_start_kB rss_mid_kB rss_end_kB peak_kB
status=0
for clients in 16 64 256; do
  if ! line=$("$load_bin" --host 127.0.0.1 --port "$port" --clients "$clients" --duration "$duration" \
                --user "$user" --password "$password" --pid "$server_pid"); then
    status=1
  fi
  printf '%8s %12s %10s %8s %14s %14s %14s %14s\n' "$clients" "$(field auth_ok "$line")" \
    "$(field auth_per_s "$line")" "$(field errors "$line")" "$(field rss_start_kb "$line")" \
    "$(field rss_mid_kb "$line")" "$(field rss_end_kb "$line")" "$(field vmhwm_kb "$line")"
done
exit $status
