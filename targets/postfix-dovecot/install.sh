#!/bin/sh
# Unpacks Postfix 3.7 from Debian into $SAH_TARGETS_PREFIX/unpacked/postfix
# (targets/common/unpack-deb.sh: the postfix package conflicts with every other MTA package)
# and installs Dovecot (dovecot-core does not conflict) as its SASL server, openssl for the
# test certificate, and the users Postfix checks for (postfix, group postdrop), which the
# package's maintainer scripts would have made.
# Idempotent: returns at once when everything is there. Needs root.
set -e
here=$(cd "$(dirname "$0")" && pwd)
prefix=${SAH_TARGETS_PREFIX:-$(dirname "$(mktemp -u)")/sah-targets}
if [ -f "$prefix/unpacked/postfix/.unpacked" ] && command -v dovecot >/dev/null &&
   command -v openssl >/dev/null && id -u postfix >/dev/null 2>&1 &&
   getent group postdrop >/dev/null; then
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends dovecot-core openssl >/dev/null
SAH_SKIP_APT_UPDATE=1 "$here/../common/unpack-deb.sh" postfix postfix
getent group postfix >/dev/null || groupadd --system postfix
id -u postfix >/dev/null 2>&1 || useradd --system -g postfix -d /nonexistent -s /usr/sbin/nologin postfix
getent group postdrop >/dev/null || groupadd --system postdrop
