#!/bin/sh
# usage: gen-cert.sh DIR [rsa|ec]
# Writes DIR/cert.pem and DIR/key.pem: a self-signed certificate for CN=localhost (and
# 127.0.0.1), valid 30 days, made fresh for each server start. Does nothing when both exist.
# RSA 2048 by default; "ec" makes a P-256 key (OpenSMTPD 6.8's privilege-separated RSA path
# fails on OpenSSL 3 with "rsa routines::missing private key").
set -e
d=$1 kind=${2:-rsa}
[ -s "$d/cert.pem" ] && [ -s "$d/key.pem" ] && exit 0
mkdir -p "$d"
case $kind in
  ec) key="-newkey ec -pkeyopt ec_paramgen_curve:prime256v1" ;;
  *)  key="-newkey rsa:2048" ;;
esac
# shellcheck disable=SC2086  # $key is two words on purpose
openssl req -x509 $key -nodes -days 30 -subj /CN=localhost \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
  -keyout "$d/key.pem" -out "$d/cert.pem" 2>/dev/null
chmod 600 "$d/key.pem"
chmod 644 "$d/cert.pem"
