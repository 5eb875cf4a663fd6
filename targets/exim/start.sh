#!/bin/sh
# usage: start.sh STATE_DIR PORT TLS_PORT
# Exim 4.96 (unpacked by install.sh) with its built-in authenticators: plaintext (PLAIN,
# LOGIN), cram_md5, spa (NTLM). Every file is under STATE_DIR. Needs root: Exim keeps root
# for a -C configuration only when root runs it, and drops to "mail". Foreground (exim -bdf:
# the daemon and the children it forks per connection stay in our process group); SIGTERM
# stops it. PORT: AUTH in cleartext and STARTTLS; TLS_PORT: implicit TLS.
set -e
here=$(cd "$(dirname "$0")" && pwd)
prefix=${SAH_TARGETS_PREFIX:-$(dirname "$(mktemp -u)")/sah-targets}
exim=$prefix/unpacked/exim/usr/sbin/exim4
[ $# -eq 3 ] || { echo "usage: start.sh STATE_DIR PORT TLS_PORT" >&2; exit 2; }
state=$1 port=$2 tls_port=$3
[ -x "$exim" ] || { echo "exim is not unpacked: run install.sh" >&2; exit 1; }
hostname=${SAH_HOSTNAME:-exim.test}
mkdir -p "$state"
state=$(cd "$state" && pwd)
mkdir -p "$state/spool" "$state/log"
"$here/../common/gen-cert.sh" "$state"
sed -e "s|@STATE@|$state|g" -e "s|@PORT@|$port|g" -e "s|@TLS_PORT@|$tls_port|g" \
    -e "s|@HOSTNAME@|$hostname|g" "$here/exim.conf.template" > "$state/exim.conf"
chmod 644 "$state/exim.conf"   # Exim refuses a -C file that is not root's or others may write
# The account, read by the authenticators (${readfile}, as the runtime user mail): no newline,
# which ${readfile} would keep.
umask 027
printf %s "${SAH_USER:-alice}" > "$state/user"
printf %s "${SAH_PASSWORD:-s3cret!}" > "$state/password"
umask 022
unset SAH_PASSWORD
chgrp mail "$state/user" "$state/password"
chown -R mail:mail "$state/spool" "$state/log"
chmod 755 "$state"
chgrp mail "$state/key.pem"; chmod 640 "$state/key.pem"   # TLS runs as mail
# On SIGTERM Exim logs that re-executing /usr/sbin/exim4 to remove its pid file failed: the
# binary is unpacked elsewhere; harmless, the pid file is in the state folder.
exec "$exim" -bdf -C "$state/exim.conf"
