#!/bin/bash
# usage: start.sh STATE_DIR PORT TLS_PORT
# Courier's ESMTP server (courieresmtpd under couriertcpd) with courier-authlib's authdaemond
# (userdb module), all unpacked by install.sh. Courier has its configuration, library, run and
# spool folders compiled in (the package's own layout: `compiled` below, relative to the file
# system root), so everything runs in a private mount namespace with those folders bind-mounted
# from the unpacked tree and STATE_DIR; the only trace on the host is five empty mount points.
# Inside, the scripts reach the same files through STATE_DIR and the unpacked tree. Needs root. Foreground: SIGTERM
# stops authdaemond and both listeners. PORT: AUTH in cleartext and STARTTLS; TLS_PORT: implicit TLS.
set -e
here=$(cd "$(dirname "$0")" && pwd)
prefix=${SAH_TARGETS_PREFIX:-$(dirname "$(mktemp -u)")/sah-targets}
tree=$prefix/unpacked/courier
[ $# -eq 3 ] || { echo "usage: start.sh STATE_DIR PORT TLS_PORT" >&2; exit 2; }
state=$1 port=$2 tls_port=$3
[ -x "$tree/usr/sbin/courieresmtpd" ] || { echo "courier is not unpacked: run install.sh" >&2; exit 1; }
mkdir -p "$state"
state=$(cd "$state" && pwd)
rm -rf "${state:?}/etc" "${state:?}/var"
mkdir -p "$state/run/authdaemon"
cp -a "$tree/etc/courier" "$state/etc"
# the spool skeleton (tmp, msgs, msgq, track …): submit writes accepted mail there
cp -a "$tree/var/lib/courier" "$state/var"
"$here/../common/gen-cert.sh" "$state"
# couriertls wants the key and the certificate in one file
cat "$state/key.pem" "$state/cert.pem" > "$state/esmtpd.pem"
chmod 600 "$state/esmtpd.pem"
chown courier "$state/esmtpd.pem"
chown -R courier:courier "$state/run" "$state/var"
chmod 755 "$state/run/authdaemon"
echo "${SAH_HOSTNAME:-courier.test}" > "$state/etc/me"
# authdaemond reads authdaemonrc from its compiled-in folder itself (its environment is ignored); its default
# module list starts with authpam, which would check the system's accounts.
sed -i -e 's/^authmodulelist=.*/authmodulelist="authuserdb"/' -e 's/^daemons=.*/daemons=1/' \
  "$state/etc/authdaemonrc"
# Courier's compiled-in folder (relative to the root of the file system) = what is mounted there.
compiled="etc/courier=$state/etc usr/lib/courier=$tree/usr/lib/courier
usr/lib/courier-authlib=$tree/usr/lib/courier-authlib run/courier=$state/run var/lib/courier=$state/var"
for pair in $compiled; do mkdir -p "/${pair%%=*}"; done

# The account goes to the inner shell through the environment, never on a command line.
export SAH_USER=${SAH_USER:-alice} SAH_PASSWORD=${SAH_PASSWORD:-s3cret!}
# shellcheck disable=SC2016  # the inner script expands its own variables
exec unshare --mount --propagation private bash -c '
set -e
state=$1 tree=$2 port=$3 tls_port=$4 compiled=$5
for pair in $compiled; do mount --bind "${pair#*=}" "/${pair%%=*}"; done
export LD_LIBRARY_PATH=$tree/usr/lib PATH=$tree/usr/sbin:$tree/usr/bin:$PATH
# userdb: the account with an MD5-crypt password (PLAIN, LOGIN; the default DES crypt would
# compare only the first 8 characters) and HMAC secrets (CRAM-MD5, CRAM-SHA1, CRAM-SHA256)
rm -f "$state/etc/userdb" "$state/etc/userdb.dat"
touch "$state/etc/userdb"
chmod 600 "$state/etc/userdb"
userdb "$SAH_USER" set uid=8 gid=8 home="$state/var" shell="$(command -v false)"
for kind in md5 hmac-md5 hmac-sha1 hmac-sha256; do
  field=${kind#md5}; field=${field:-system}pw
  printf "%s\n%s\n" "$SAH_PASSWORD" "$SAH_PASSWORD" | userdbpw "-$kind" | userdb "$SAH_USER" set "$field"
done
makeuserdb
unset SAH_PASSWORD
# accept mail for example.net without AUTH, so that cases can run a whole transaction (the
# queue manager courierd is not run: accepted mail stays in the state folder, never delivered)
accept=$state/etc/esmtpacceptmailfor
echo example.net > "$accept.dir/sah-target"
makedat.courier -src="$accept.dir" -file="$accept.dat" -tmp="$accept.tmp"
# couriertcpd puts itself in a process group of its own, so the signal of the supervisor to our
# group never reaches it: this shell stops the daemons itself. stop() ignores further signals
# rather than restoring the default, or a SIGTERM still pending when `wait -n` returns (say
# authdaemond, in our group, died of it first) would kill this shell before its children.
# A couriertcpd signalled early in its life sometimes ignores SIGTERM: SIGKILL after 5 s.
running() {
  for p in $pids; do
    st=$(ps -o stat= -p "$p" 2>/dev/null) && st=${st// /} && [ -n "$st" ] && [ "${st#Z}" = "$st" ] && return 0
  done
  return 1
}
stop() {
  trap "" TERM INT HUP
  kill -TERM $pids 2>/dev/null
  for _ in $(seq 50); do running || break; sleep 0.1; done
  kill -KILL $pids 2>/dev/null
  wait
  exit 0
}
pids=
trap stop TERM INT HUP
env -i PATH="$PATH" LD_LIBRARY_PATH="$LD_LIBRARY_PATH" "$tree/usr/lib/courier/courier-authlib/authdaemond" &
pids="$pids $!"
for _ in $(seq 100); do [ -S "$state/run/authdaemon/socket" ] && break; sleep 0.05; done
mechs="PLAIN LOGIN CRAM-MD5 CRAM-SHA1 CRAM-SHA256"
export ESMTPAUTH="$mechs" ESMTPAUTH_TLS="$mechs"
# no DNS checks, no tarpit, AUTH optional, no dialogue log
export BOFHCHECKDNS=0 TARPIT=0 AUTH_REQUIRED=0 ESMTP_LOG_DIALOG=0 NOADDMSGID=1 NOADDDATE=1
export COURIERTLS=$tree/usr/bin/couriertls TLS_CERTFILE=$state/esmtpd.pem TLS_VERIFYPEER=NONE
export TLS_TRUSTCERTS=$state/cert.pem
tcpd="couriertcpd -address=127.0.0.1 -nodnslookup -noidentlookup -user=courier -group=courier -maxprocs=40 -maxperip=40"
$tcpd "$port" "$tree/usr/sbin/courieresmtpd" &
pids="$pids $!"
# ESMTP_TLS=1 as esmtpd-ssl sets it: without it the implicit-TLS port still offers STARTTLS
ESMTP_TLS=1 $tcpd "$tls_port" "$COURIERTLS" -server -tcpd "$tree/usr/sbin/courieresmtpd" &
pids="$pids $!"
echo "courier listening on 127.0.0.1:$port (STARTTLS) and 127.0.0.1:$tls_port (implicit TLS)" >&2
wait -n $pids || true
stop
' bash "$state" "$tree" "$port" "$tls_port" "$compiled"
