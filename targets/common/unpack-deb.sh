#!/bin/sh
# usage: unpack-deb.sh NAME PACKAGE...
# Downloads Debian packages with `apt-get download` and unpacks them (dpkg-deb -x: no
# maintainer scripts, nothing registered with dpkg, no service started) into
# $SAH_TARGETS_PREFIX/unpacked/NAME (default: sah-targets in the system temp folder), then installs with
# apt-get the library packages (lib*) those packages depend on.
# Why: postfix, exim4-daemon-*, opensmtpd and courier-mta all Conflict with
# mail-transport-agent, so dpkg allows one of them at a time; unpacked copies run side by side.
# Idempotent: a NAME already unpacked is left alone.
set -e
name=$1; shift
prefix=${SAH_TARGETS_PREFIX:-$(dirname "$(mktemp -u)")/sah-targets}
[ -f "$prefix/unpacked/$name/.unpacked" ] && exit 0
export DEBIAN_FRONTEND=noninteractive
[ -n "$SAH_SKIP_APT_UPDATE" ] || apt-get update -qq
tmp=$(mktemp -d)
cd "$tmp"
chmod 755 "$tmp"   # apt-get download drops to the _apt user where it can
apt-get download "$@" 2>&1 | grep -v '^W: Download is performed unsandboxed' || true
mkdir -p "$prefix/unpacked/$name"
deps=
for deb in ./*.deb; do
  dpkg-deb -x "$deb" "$prefix/unpacked/$name"
  # library dependencies only (lib*), first alternative, without version
  deps="$deps $(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed -e 's/|.*//' -e 's/(.*)//' -e 's/ //g' |
                grep -E '^lib' || true)"
done
# shellcheck disable=SC2086
[ -z "$(echo $deps)" ] || apt-get install -y -qq --no-install-recommends $deps >/dev/null
cd "$prefix"; rm -rf "$tmp"
touch "$prefix/unpacked/$name/.unpacked"
echo "unpacked $* into $prefix/unpacked/$name"
