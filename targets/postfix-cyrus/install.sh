#!/bin/sh
# Unpacks Postfix 3.7 from Debian into $SAH_TARGETS_PREFIX/unpacked/postfix
# (targets/common/unpack-deb.sh: the postfix package conflicts with every other MTA package;
# the same tree as the postfix-dovecot profile's) and installs Cyrus SASL: the library's
# plugins (libsasl2-modules: PLAIN LOGIN CRAM-MD5 DIGEST-MD5 SCRAM NTLM; -db: sasldb) and
# saslpasswd2 (sasl2-bin), openssl for the test certificate, and the users Postfix checks for.
# Idempotent: returns at once when everything is there. Needs root.
set -e
here=$(cd "$(dirname "$0")" && pwd)
prefix=${SAH_TARGETS_PREFIX:-$(dirname "$(mktemp -u)")/sah-targets}
if [ -f "$prefix/unpacked/postfix/.unpacked" ] && command -v saslpasswd2 >/dev/null &&
   [ "$(dpkg-query -W -f '${Status}\n' libsasl2-modules libsasl2-modules-db 2>/dev/null | grep -c 'ok installed')" = 2 ] &&
   command -v openssl >/dev/null && id -u postfix >/dev/null 2>&1 && getent group postdrop >/dev/null; then
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends sasl2-bin libsasl2-modules libsasl2-modules-db openssl >/dev/null
SAH_SKIP_APT_UPDATE=1 "$here/../common/unpack-deb.sh" postfix postfix
getent group postfix >/dev/null || groupadd --system postfix
id -u postfix >/dev/null 2>&1 || useradd --system -g postfix -d /nonexistent -s /usr/sbin/nologin postfix
getent group postdrop >/dev/null || groupadd --system postdrop
