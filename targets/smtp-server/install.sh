#!/bin/sh
# Installs nodemailer's smtp-server (npm) into
# ${SAH_TARGETS_PREFIX:-${TMPDIR:-/tmp}/sah-targets}/node/smtp-server, never into this folder.
# Node.js and npm come from Debian when missing; openssl makes the test certificate.
# Idempotent: returns at once when the pinned version is there. Needs root only for apt-get.
set -e
version=3.21.6
prefix=${SAH_TARGETS_PREFIX:-${TMPDIR:-/tmp}/sah-targets}
dir=$prefix/node/smtp-server
installed() {
  [ -f "$dir/node_modules/smtp-server/package.json" ] &&
    grep -q "\"version\": *\"$version\"" "$dir/node_modules/smtp-server/package.json"
}
if ! command -v node >/dev/null || ! command -v npm >/dev/null || ! command -v openssl >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends nodejs npm openssl >/dev/null
fi
installed && exit 0
mkdir -p "$dir"
cd "$dir"
[ -f package.json ] || echo '{"name":"sah-target-smtp-server","private":true}' > package.json
npm install --no-audit --no-fund --loglevel=error "smtp-server@$version"
