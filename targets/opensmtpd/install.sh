#!/bin/sh
# Unpacks OpenSMTPD 6.8 from Debian into $SAH_TARGETS_PREFIX/unpacked/opensmtpd
# (targets/common/unpack-deb.sh: opensmtpd conflicts with every other MTA package) with its
# libraries, openssl (certificate), util-linux (unshare), the users smtpd drops to (opensmtpd,
# opensmtpq) and its compiled-in, empty chroot folder /var/lib/opensmtpd/empty, which the
# package's maintainer scripts would have made.
# Idempotent: returns at once when everything is there. Needs root.
set -e
here=$(cd "$(dirname "$0")" && pwd)
prefix=${SAH_TARGETS_PREFIX:-$(dirname "$(mktemp -u)")/sah-targets}
if [ -f "$prefix/unpacked/opensmtpd/.unpacked" ] && id -u opensmtpd >/dev/null 2>&1 &&
   id -u opensmtpq >/dev/null 2>&1 && [ -d /var/lib/opensmtpd/empty ] &&
   command -v openssl >/dev/null && command -v unshare >/dev/null; then
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends openssl util-linux >/dev/null
SAH_SKIP_APT_UPDATE=1 "$here/../common/unpack-deb.sh" opensmtpd opensmtpd
id -u opensmtpd >/dev/null 2>&1 || useradd --system -d /var/lib/opensmtpd/empty -s /usr/sbin/nologin opensmtpd
id -u opensmtpq >/dev/null 2>&1 || useradd --system -d /var/lib/opensmtpd/empty -s /usr/sbin/nologin opensmtpq
mkdir -p /var/lib/opensmtpd/empty
