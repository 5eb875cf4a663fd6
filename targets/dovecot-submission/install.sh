#!/bin/sh
# Installs Dovecot's submission server (dovecot-core, dovecot-submissiond; neither conflicts
# with an MTA package), python3-aiosmtpd for the relay sink Dovecot submission needs, and
# openssl for the test certificate. Installing dovecot-core starts Debian's own dovecot
# service on the IMAP/POP3 ports; the profile runs its own instance with its own config and
# does not need that service.
# Idempotent: returns at once when everything is there. Needs root.
set -e
if command -v dovecot >/dev/null && [ -x /usr/lib/dovecot/submission ] &&
   /usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null && command -v openssl >/dev/null; then
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends dovecot-core dovecot-submissiond python3-aiosmtpd openssl >/dev/null
