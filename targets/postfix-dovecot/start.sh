#!/bin/bash
# usage: start.sh STATE_DIR PORT TLS_PORT
# Postfix 3.7 (unpacked by install.sh) with Dovecot 2.3 as its SASL server. Every file either
# writes (configuration, queue, logs, certificate, the account) is under STATE_DIR. Needs root:
# Postfix's master and Dovecot's master start as root and drop to postfix / dovecot.
# Foreground until either daemon exits; SIGTERM stops both. Postfix's master makes itself a
# session leader, so it leaves the process group the supervisor signals: the trap stops it.
# PORT: AUTH in cleartext and STARTTLS; TLS_PORT: implicit TLS.
set -e
here=$(cd "$(dirname "$0")" && pwd)
prefix=${SAH_TARGETS_PREFIX:-$(dirname "$(mktemp -u)")/sah-targets}
pfx=$prefix/unpacked/postfix
[ $# -eq 3 ] || { echo "usage: start.sh STATE_DIR PORT TLS_PORT" >&2; exit 2; }
state=$1 port=$2 tls_port=$3
[ -x "$pfx/usr/lib/postfix/sbin/master" ] || { echo "postfix is not unpacked: run install.sh" >&2; exit 1; }
user=${SAH_USER:-alice} password=${SAH_PASSWORD:-s3cret!} hostname=${SAH_HOSTNAME:-postfix.test}
mkdir -p "$state"
state=$(cd "$state" && pwd)
mkdir -p "$state/conf" "$state/queue" "$state/data" "$state/dovecot/run" "$state/dovecot/state"
"$here/../common/gen-cert.sh" "$state"

render() {  # template -> file (the values are paths, port numbers and a host name: no '|')
  sed -e "s|@STATE@|$state|g" -e "s|@PFX@|$pfx|g" -e "s|@PORT@|$port|g" \
      -e "s|@TLS_PORT@|$tls_port|g" -e "s|@HOSTNAME@|$hostname|g" "$1" > "$2"
}
render "$here/main.cf.template" "$state/conf/main.cf"
cat >> "$state/conf/main.cf" <<EOT
smtpd_sasl_type = dovecot
smtpd_sasl_path = $state/dovecot/run/auth-client
EOT
render "$here/master.cf.template" "$state/conf/master.cf"
render "$here/dovecot-auth.conf.template" "$state/dovecot/dovecot.conf"
# The password in Base64 (scheme PLAIN.B64): passwd-file fields end at ':', the password may
# hold any character. Dovecot decodes it, so CRAM-MD5, DIGEST-MD5 and SCRAM still get the plain text.
umask 027
printf '%s:{PLAIN.B64}%s::::::\n' "$user" "$(printf %s "$password" | base64 -w0)" > "$state/dovecot/users"
umask 022
chgrp dovecot "$state/dovecot/users"
unset password SAH_PASSWORD
chown postfix "$state/data"   # master's lock files live here
chmod 755 "$state"            # the postfix and dovecot users must traverse it

export LD_LIBRARY_PATH=$pfx/usr/lib/postfix
dpid='' mpid=''
stop() {
  # Ignore further signals rather than restore the default: a second SIGTERM must not kill
  # this shell before its daemons are gone.
  trap '' TERM INT HUP
  kill -TERM $mpid $dpid 2>/dev/null
  wait
  exit 0
}
trap stop TERM INT HUP

dovecot -F -c "$state/dovecot/dovecot.conf" &
dpid=$!
for _ in $(seq 200); do   # Postfix asks the auth socket for the mechanism list at each EHLO
  [ -S "$state/dovecot/run/auth-client" ] && break
  kill -0 $dpid 2>/dev/null || { echo "dovecot exited" >&2; exit 1; }
  sleep 0.05
done

"$pfx/usr/sbin/postfix" -c "$state/conf" set-permissions >/dev/null 2>&1 || true
# `postfix check` warns that the unpacked postdrop and postqueue are not set-gid: harmless,
# nothing submits mail locally.
"$pfx/usr/sbin/postfix" -c "$state/conf" check
# master -s: stays in the foreground, with its output on ours.
"$pfx/usr/lib/postfix/sbin/master" -s -c "$state/conf" &
mpid=$!
echo "postfix listening on 127.0.0.1:$port (STARTTLS) and 127.0.0.1:$tls_port (implicit TLS)" >&2
wait -n $mpid $dpid || true
stop
