#!/usr/bin/env bash
# Installs everything the build, the tests and the built-in suite need, from Debian packages.
# Non-interactive and idempotent: when every package is present it returns at once.
# Usage: scripts/install-deps.sh [--with-targets]   (--with-targets: also the real SMTP servers)
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  # toolchain and build
  clang cmake ninja-build pkg-config libclang-rt-14-dev
  # libraries (DESIGN.md: OpenSSL, Boost.Asio/Process, GoogleTest, CLI11, nlohmann/json, fmt)
  libssl-dev openssl libboost-dev libboost-system-dev libboost-filesystem-dev
  libgtest-dev libgmock-dev libbenchmark-dev libfmt-dev nlohmann-json3-dev libcli11-dev
  # independent implementations for cross-checks and interoperability tests
  libgsasl-dev gsasl libntlm0-dev swaks python3
  libauthen-sasl-perl libauthen-ntlm-perl libdigest-hmac-perl libio-socket-ssl-perl libnet-ssleay-perl
  # report checks: JUnit schema validation, the browser test
  libxml2-utils chromium
)

if [[ "${1:-}" == "--with-targets" ]]; then
  mapfile -t -O "${#packages[@]}" packages < <(cat targets/*/packages.txt 2>/dev/null | sed 's/#.*//' | xargs -n1)
fi

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo=""
[[ $(id -u) -eq 0 ]] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
