#!/bin/bash
# usage: start.sh STATE_DIR PORT TLS_PORT
# Postfix 3.7 (unpacked by install.sh) with Cyrus SASL 2.1 (libsasl2, sasldb auxprop) as its
# SASL server. The main.cf and master.cf templates are the postfix-dovecot profile's; this
# script appends the Cyrus settings. Every file is under STATE_DIR. Needs root: Postfix's
# master starts as root and drops to postfix. Foreground until master exits; SIGTERM stops
# it. Postfix's master makes itself a session leader, so it leaves the process group the
# supervisor signals: the trap stops it. PORT: AUTH in cleartext and STARTTLS; TLS_PORT: implicit TLS.
set -e
here=$(cd "$(dirname "$0")" && pwd)
templates=$here/../postfix-dovecot
prefix=${SAH_TARGETS_PREFIX:-$(dirname "$(mktemp -u)")/sah-targets}
pfx=$prefix/unpacked/postfix
[ $# -eq 3 ] || { echo "usage: start.sh STATE_DIR PORT TLS_PORT" >&2; exit 2; }
state=$1 port=$2 tls_port=$3
[ -x "$pfx/usr/lib/postfix/sbin/master" ] || { echo "postfix is not unpacked: run install.sh" >&2; exit 1; }
user=${SAH_USER:-alice} hostname=${SAH_HOSTNAME:-postfix.test}
mkdir -p "$state"
state=$(cd "$state" && pwd)
mkdir -p "$state/conf/sasl" "$state/queue" "$state/data"
"$here/../common/gen-cert.sh" "$state"

render() {  # template -> file (the values are paths, port numbers and a host name: no '|')
  sed -e "s|@STATE@|$state|g" -e "s|@PFX@|$pfx|g" -e "s|@PORT@|$port|g" \
      -e "s|@TLS_PORT@|$tls_port|g" -e "s|@HOSTNAME@|$hostname|g" "$1" > "$2"
}
render "$templates/main.cf.template" "$state/conf/main.cf"
# The sasldb realm of the account is smtpd_sasl_local_domain: Postfix appends it to a user
# name without one.
cat >> "$state/conf/main.cf" <<EOT
smtpd_sasl_type = cyrus
smtpd_sasl_path = smtpd
cyrus_sasl_config_path = $state/conf/sasl
smtpd_sasl_local_domain = $hostname
EOT
render "$templates/master.cf.template" "$state/conf/master.cf"
render "$here/smtpd.conf.template" "$state/conf/sasl/smtpd.conf"
# saslpasswd2 -p reads the password from stdin: never on a command line.
rm -f "$state/sasldb2"
printf '%s' "${SAH_PASSWORD:-s3cret!}" | saslpasswd2 -p -c -f "$state/sasldb2" -u "$hostname" "$user"
unset SAH_PASSWORD
chown postfix "$state/data" "$state/sasldb2"   # smtpd (as postfix) reads the sasldb
chmod 600 "$state/sasldb2"
chmod 755 "$state"                            # the postfix user must traverse it

export LD_LIBRARY_PATH=$pfx/usr/lib/postfix
mpid=''
stop() {
  # Ignore further signals rather than restore the default: a second SIGTERM must not kill
  # this shell before master is gone.
  trap '' TERM INT HUP
  kill -TERM $mpid 2>/dev/null
  wait
  exit 0
}
trap stop TERM INT HUP
"$pfx/usr/sbin/postfix" -c "$state/conf" set-permissions >/dev/null 2>&1 || true
# `postfix check` warns that the unpacked postdrop and postqueue are not set-gid: harmless,
# nothing submits mail locally.
"$pfx/usr/sbin/postfix" -c "$state/conf" check
"$pfx/usr/lib/postfix/sbin/master" -s -c "$state/conf" &
mpid=$!
echo "postfix listening on 127.0.0.1:$port (STARTTLS) and 127.0.0.1:$tls_port (implicit TLS)" >&2
wait $mpid || true
stop
