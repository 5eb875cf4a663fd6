#!/bin/sh
# Installs nodemailer's smtp-server (npm) into
# $SAH_TARGETS_PREFIX/node/smtp-server, never into this folder.
# Node.js and npm come from Debian when missing; openssl makes the test certificate.
# Idempotent: returns at once when the pinned version is there. Needs root only for apt-get.
set -e
exec "$(dirname "$0")/../common/npm-install.sh" smtp-server smtp-server 3.21.6
