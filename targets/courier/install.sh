#!/bin/sh
# Unpacks Courier MTA 1.0.16 and courier-authlib 0.71.4 from Debian into
# $SAH_TARGETS_PREFIX/unpacked/courier (targets/common/unpack-deb.sh):
# courier-mta conflicts with every other MTA package, and installing it would also start
# authdaemond. Adds openssl (certificate), util-linux (unshare) and the system user courier.
# Idempotent: returns at once when everything is there. Needs root.
set -e
here=$(cd "$(dirname "$0")" && pwd)
prefix=${SAH_TARGETS_PREFIX:-$(dirname "$(mktemp -u)")/sah-targets}
if [ -f "$prefix/unpacked/courier/.unpacked" ] && id -u courier >/dev/null 2>&1 &&
   command -v openssl >/dev/null && command -v unshare >/dev/null; then
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends openssl util-linux >/dev/null
SAH_SKIP_APT_UPDATE=1 "$here/../common/unpack-deb.sh" courier courier-base courier-mta \
  courier-authlib courier-authdaemon courier-authlib-userdb
id -u courier >/dev/null 2>&1 || useradd --system -M -s "$(command -v nologin || command -v false)" -U courier
