#!/bin/sh
# Installs aiosmtpd from Debian (python3-aiosmtpd) and openssl for the test certificate.
# Idempotent: does nothing when both are already there. Needs root (apt-get).
set -e
if /usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null && command -v openssl >/dev/null; then
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends python3-aiosmtpd openssl >/dev/null
