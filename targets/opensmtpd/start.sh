#!/bin/sh
# usage: start.sh STATE_DIR PORT TLS_PORT
# OpenSMTPD 6.8 (unpacked by install.sh) in the foreground (smtpd -d; SIGTERM stops it). Its
# queue (/var/spool/smtpd) and control socket (/run/smtpd.sock) paths are compiled in, so two
# instances would collide: smtpd runs in a private mount namespace with STATE_DIR/spool and
# STATE_DIR/run bind-mounted there (the only trace on the host is the empty mount point
# /var/spool/smtpd). Needs root. PORT: cleartext and STARTTLS; TLS_PORT: implicit TLS.
# SMTPD_VERBOSE=1 in the environment adds -v.
set -e
here=$(cd "$(dirname "$0")" && pwd)
prefix=${SAH_TARGETS_PREFIX:-$(dirname "$(mktemp -u)")/sah-targets}
tree=$prefix/unpacked/opensmtpd
[ $# -eq 3 ] || { echo "usage: start.sh STATE_DIR PORT TLS_PORT" >&2; exit 2; }
state=$1 port=$2 tls_port=$3
[ -x "$tree/usr/sbin/smtpd" ] || { echo "opensmtpd is not unpacked: run install.sh" >&2; exit 1; }
hostname=${SAH_HOSTNAME:-opensmtpd.test}
mkdir -p "$state"
state=$(cd "$state" && pwd)
mkdir -p "$state/spool" "$state/run"
chmod 711 "$state/spool"   # smtpd refuses a queue folder with other modes
# An EC key: with RSA, 6.8's privilege-separated key engine fails at once on OpenSSL 3
# ("rsa routines::missing private key"); with EC it fails too, at the handshake (profile.conf).
"$here/../common/gen-cert.sh" "$state" ec
sed -e "s|@STATE@|$state|g" -e "s|@PORT@|$port|g" -e "s|@TLS_PORT@|$tls_port|g" \
    -e "s|@HOSTNAME@|$hostname|g" "$here/smtpd.conf.template" > "$state/smtpd.conf"
# encrypt reads the password from stdin when given no argument: never on a command line.
umask 027
printf '%s %s\n' "${SAH_USER:-alice}" \
  "$(printf '%s\n' "${SAH_PASSWORD:-s3cret!}" | "$tree/usr/libexec/opensmtpd/encrypt")" > "$state/creds"
umask 022
unset SAH_PASSWORD
mkdir -p /var/lib/opensmtpd/empty /var/spool/smtpd   # compiled-in chroot folder, mount point
# shellcheck disable=SC2016  # the inner shell expands its own arguments
exec unshare --mount --propagation private sh -c '
  mount --bind "$1/spool" /var/spool/smtpd
  mount --bind "$1/run" /run
  exec "$2" -d ${SMTPD_VERBOSE:+-v} -f "$1/smtpd.conf"' sh "$state" "$tree/usr/sbin/smtpd"
