#!/usr/bin/env bash
# Installs everything the build, the tests and the built-in suite need, from Debian packages.
# Non-interactive and idempotent: when every package is present it returns at once.
# Usage: scripts/install-deps.sh [--with-targets]
#   --with-targets: also the real SMTP servers of targets/*/ (each profile's own install.sh:
#   Debian packages, unpacked MTAs, npm packages; idempotent, needs root).
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

with_targets=0
case "${1:-}" in
  "") ;;
  --with-targets) with_targets=1 ;;
  *) echo "usage: scripts/install-deps.sh [--with-targets]" >&2; exit 2 ;;
esac

install_targets() {
  for script in targets/*/install.sh; do
    name=$(basename "$(dirname "$script")")
    t0=$(date +%s)
    if ! "$script" >"${TMPDIR:-/tmp}/sah-install-$name.log" 2>&1; then
      echo "install-deps: installing target $name failed:" >&2
      tail -20 "${TMPDIR:-/tmp}/sah-install-$name.log" >&2
      exit 1
    fi
    echo "install-deps: target $name ready ($(( $(date +%s) - t0 )) s)"
  done
}

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install-deps: all ${#packages[@]} packages present"
  [[ $with_targets -eq 0 ]] || install_targets
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo=""
[[ $(id -u) -eq 0 ]] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
[[ $with_targets -eq 0 ]] || install_targets
