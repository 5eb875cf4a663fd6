#!/bin/bash
# usage: start.sh STATE_DIR PORT TLS_PORT
# Dovecot 2.3 submission server (dovecot -F) with sidecar.py beside it: the relay sink it needs
# and a token endpoint for XOAUTH2 and OAUTHBEARER, on ports the kernel picks. Every file is
# under STATE_DIR. Needs root: Dovecot's master starts as root and drops to dovecot, dovenull
# and nobody. Foreground until either process exits; SIGTERM stops both.
# PORT: AUTH in cleartext and STARTTLS; TLS_PORT: implicit TLS.
set -e
here=$(cd "$(dirname "$0")" && pwd)
[ $# -eq 3 ] || { echo "usage: start.sh STATE_DIR PORT TLS_PORT" >&2; exit 2; }
state=$1 port=$2 tls_port=$3
user=${SAH_USER:-alice} password=${SAH_PASSWORD:-s3cret!} hostname=${SAH_HOSTNAME:-dovecot.test}
export SAH_USER=$user SAH_TOKEN=${SAH_TOKEN:-test-token}
mkdir -p "$state"
state=$(cd "$state" && pwd)
mkdir -p "$state/run" "$state/state" "$state/home"
chown nobody:nogroup "$state/home"
chmod 755 "$state"   # the dovecot users must traverse it
"$here/../common/gen-cert.sh" "$state"
# The password in Base64 (scheme PLAIN.B64): passwd-file fields end at ':', the password may
# hold any character. Dovecot decodes it, so CRAM-MD5, DIGEST-MD5 and SCRAM still get the plain text.
umask 027
printf '%s:{PLAIN.B64}%s::::::\n' "$user" "$(printf %s "$password" | base64 -w0)" > "$state/users"
umask 022
chgrp dovecot "$state/users"
unset password SAH_PASSWORD

pids=()
stop() {
  # Ignore further signals rather than restore the default: a second SIGTERM must not kill
  # this shell before its children are gone.
  trap '' TERM INT HUP
  kill -TERM "${pids[@]}" 2>/dev/null
  wait
  exit 0
}
trap stop TERM INT HUP

rm -f "$state/sidecar.ports"
/usr/bin/python3 "$here/sidecar.py" "$state/sidecar.ports" &
spid=$!
pids+=("$spid")
for _ in $(seq 200); do   # the relay must be up before the first login
  [ -s "$state/sidecar.ports" ] && break
  kill -0 "$spid" 2>/dev/null || { echo "sidecar.py exited" >&2; exit 1; }
  sleep 0.05
done
read -r relay_port token_port < "$state/sidecar.ports"
sed -e "s|@STATE@|$state|g" -e "s|@PORT@|$port|g" -e "s|@TLS_PORT@|$tls_port|g" \
    -e "s|@RELAY_PORT@|$relay_port|g" -e "s|@TOKEN_PORT@|$token_port|g" -e "s|@HOSTNAME@|$hostname|g" \
    "$here/dovecot.conf.template" > "$state/dovecot.conf"
cat > "$state/oauth2.conf.ext" <<EOT
tokeninfo_url = http://127.0.0.1:$token_port/tokeninfo?access_token=
username_attribute = email
EOT
dovecot -F -c "$state/dovecot.conf" &
pids+=("$!")
echo "dovecot submission listening on 127.0.0.1:$port (STARTTLS) and 127.0.0.1:$tls_port (implicit TLS)" >&2
wait -n "${pids[@]}" || true
stop
