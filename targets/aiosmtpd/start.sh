#!/bin/sh
# usage: start.sh STATE_DIR PORT TLS_PORT
# Makes a self-signed certificate in STATE_DIR, then runs server.py in the foreground
# (SIGTERM stops it). PORT: AUTH in cleartext and STARTTLS; TLS_PORT: implicit TLS.
set -e
here=$(cd "$(dirname "$0")" && pwd)
state=$1 port=$2 tls_port=$3
mkdir -p "$state"
state=$(cd "$state" && pwd)
"$here/../common/gen-cert.sh" "$state"
# Debian's python3: the package is in its dist-packages, not in a virtual environment's.
exec /usr/bin/python3 "$here/server.py" "$state" "$port" "$tls_port"
