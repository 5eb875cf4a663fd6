#!/bin/sh
# usage: start.sh STATE_DIR PORT TLS_PORT
# Haraka with the tls and auth/flat_file plugins (PLAIN LOGIN CRAM-MD5). Its configuration
# folder is STATE_DIR/config: Haraka's shipped config, then the templates beside this file.
# Foreground (SIGTERM stops it). PORT: AUTH in cleartext and STARTTLS; TLS_PORT: implicit TLS.
# Needs install.sh first (node_modules outside this folder).
set -e
here=$(cd "$(dirname "$0")" && pwd)
prefix=${SAH_TARGETS_PREFIX:-$(dirname "$(mktemp -u)")/sah-targets}
haraka=$prefix/node/haraka/node_modules/Haraka
state=$1 port=$2 tls_port=$3
mkdir -p "$state/config"
state=$(cd "$state" && pwd)
"$here/../common/gen-cert.sh" "$state"
c=$state/config
# Start from Haraka's shipped config: with a file missing, Haraka does not apply that file's
# defaults (without connection.ini every connection fails on its 'greeting' setting).
cp -r "$haraka/config/." "$c/"
# Render a template: @NAME@ -> value, taken from the environment by awk (no shell quoting,
# no sed metacharacters: the password may hold any character).
render() {
  STATE=$state PORT=$port TLS_PORT=$tls_port USER=${SAH_USER:-alice} PASSWORD=${SAH_PASSWORD:-s3cret!} \
  awk '{ for (k in v) gsub("@" k "@", v[k]); print }
       BEGIN { split("STATE PORT TLS_PORT USER PASSWORD", ks, " ");
               for (i in ks) { v[ks[i]] = ENVIRON[ks[i]]; gsub(/[\\&]/, "\\\\&", v[ks[i]]) } }' "$1" > "$2"
}
render "$here/smtp.ini.template" "$c/smtp.ini"
render "$here/tls.ini.template" "$c/tls.ini"
render "$here/auth_flat_file.ini.template" "$c/auth_flat_file.ini"
chmod 600 "$c/auth_flat_file.ini"
# Without dhparams.pem, Haraka runs `openssl dhparam 2048` at every start (seconds of CPU):
# the RFC 7919 ffdhe2048 group is a fixed, published one and costs nothing to write.
openssl genpkey -genparam -algorithm DH -pkeyopt group:ffdhe2048 -out "$c/dhparams.pem" 2>/dev/null
cp "$here/plugins" "$c/plugins"
echo "${SAH_HOSTNAME:-haraka.test}" > "$c/me"
echo example.net > "$c/host_list"
printf '[main]\nlevel=info\n' > "$c/log.ini"
# queue/discard drops accepted messages only when told to: nothing is ever delivered.
YES_REALLY_DO_DISCARD=1 exec node "$haraka/bin/haraka" -c "$state"
