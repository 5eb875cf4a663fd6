#!/bin/sh
# usage: npm-install.sh NAME PACKAGE VERSION
# Installs npm PACKAGE@VERSION into $SAH_TARGETS_PREFIX/node/NAME (default: sah-targets in the
# system temp folder), never into the repository; installs Node.js, npm and openssl from Debian
# first when missing. Idempotent: returns at once when that version is already there.
set -e
name=$1 package=$2 version=$3
prefix=${SAH_TARGETS_PREFIX:-$(dirname "$(mktemp -u)")/sah-targets}
dir=$prefix/node/$name
manifest=$dir/node_modules/$package/package.json
if ! command -v node >/dev/null || ! command -v npm >/dev/null || ! command -v openssl >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends nodejs npm openssl >/dev/null
fi
[ -f "$manifest" ] && grep -q "\"version\": *\"$version\"" "$manifest" && exit 0
mkdir -p "$dir"
cd "$dir"
[ -f package.json ] || echo "{\"name\":\"sah-target-$name\",\"private\":true}" > package.json
npm install --no-audit --no-fund --loglevel=error "$package@$version"
