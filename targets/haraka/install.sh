#!/bin/sh
# Installs Haraka (npm) into $SAH_TARGETS_PREFIX/node/haraka,
# never into this folder. Node.js and npm come from Debian when missing; openssl makes the
# test certificate. Haraka 3.3.4 installs on Node.js 20 with EBADENGINE warnings (some
# dependencies ask for Node.js 22) and runs; its optional native dependency is not built.
# Idempotent: returns at once when the pinned version is there. Needs root only for apt-get.
set -e
exec "$(dirname "$0")/../common/npm-install.sh" haraka Haraka 3.3.4
