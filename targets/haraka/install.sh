#!/bin/sh
# Installs Haraka (npm) into ${SAH_TARGETS_PREFIX:-${TMPDIR:-/tmp}/sah-targets}/node/haraka,
# never into this folder. Node.js and npm come from Debian when missing; openssl makes the
# test certificate. Haraka 3.3.4 installs on Node.js 20 with EBADENGINE warnings (some
# dependencies ask for Node.js 22) and runs; its optional native dependency is not built.
# Idempotent: returns at once when the pinned version is there. Needs root only for apt-get.
set -e
version=3.3.4
prefix=${SAH_TARGETS_PREFIX:-${TMPDIR:-/tmp}/sah-targets}
dir=$prefix/node/haraka
installed() {
  [ -f "$dir/node_modules/Haraka/package.json" ] &&
    grep -q "\"version\": *\"$version\"" "$dir/node_modules/Haraka/package.json"
}
if ! command -v node >/dev/null || ! command -v npm >/dev/null || ! command -v openssl >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends nodejs npm openssl >/dev/null
fi
installed && exit 0
mkdir -p "$dir"
cd "$dir"
[ -f package.json ] || echo '{"name":"sah-target-haraka","private":true}' > package.json
npm install --no-audit --no-fund --loglevel=error "Haraka@$version"
