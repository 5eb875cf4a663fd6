#!/bin/sh
# Unpacks Exim 4.96 ("heavy" build, exim4-daemon-heavy) from Debian into
# $SAH_TARGETS_PREFIX/unpacked/exim (targets/common/unpack-deb.sh:
# exim4-daemon-* conflicts with every other MTA package) with its libraries, openssl for the
# test certificate, and the system user Debian-exim: the binary looks up its compiled-in user
# at start-up, before it reads exim_user from the configuration ("failed to find uid for user
# name Debian-exim" where the package was never installed).
# Idempotent: returns at once when everything is there. Needs root.
set -e
here=$(cd "$(dirname "$0")" && pwd)
prefix=${SAH_TARGETS_PREFIX:-$(dirname "$(mktemp -u)")/sah-targets}
if [ -f "$prefix/unpacked/exim/.unpacked" ] && id -u Debian-exim >/dev/null 2>&1 &&
   command -v openssl >/dev/null; then
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends openssl >/dev/null
SAH_SKIP_APT_UPDATE=1 "$here/../common/unpack-deb.sh" exim exim4-daemon-heavy
id -u Debian-exim >/dev/null 2>&1 || useradd --system -d /nonexistent -s /usr/sbin/nologin -U Debian-exim
