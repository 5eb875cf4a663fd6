#!/bin/sh
# usage: start.sh STATE_DIR PORT TLS_PORT
# Makes a self-signed certificate in STATE_DIR, then runs server.js in the foreground
# (SIGTERM stops it). PORT: AUTH in cleartext and STARTTLS; TLS_PORT: implicit TLS.
# Needs install.sh first (node_modules outside this folder).
set -e
here=$(cd "$(dirname "$0")" && pwd)
prefix=${SAH_TARGETS_PREFIX:-$(dirname "$(mktemp -u)")/sah-targets}
state=$1 port=$2 tls_port=$3
mkdir -p "$state"
state=$(cd "$state" && pwd)
"$here/../common/gen-cert.sh" "$state"
NODE_PATH="$prefix/node/smtp-server/node_modules" exec node "$here/server.js" "$state" "$port" "$tls_port"
