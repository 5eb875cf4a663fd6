#!/bin/sh
# Opens reports built from hostile results in headless Chromium and checks that nothing the
# server sent ran or became markup, that the filters work (the report's #selftest writes
# what it saw into data attributes of <body>, which --dump-dom shows), and saves screenshots.
#
#   browser_test.sh SMTP_AUTH_HARNESS [OUT_DIR]
#
# Exit 77 (skip) when Chromium (Debian package chromium) or python3 is missing.
set -eu

bin=${1:?usage: browser_test.sh SMTP_AUTH_HARNESS [OUT_DIR]}
out=${2:-$(mktemp -d)}
here=$(cd "$(dirname "$0")" && pwd)
chromium=${CHROMIUM:-/usr/bin/chromium}

[ -x "$chromium" ] || { echo "SKIP: $chromium not found (apt-get install chromium)"; exit 77; }
command -v python3 >/dev/null || { echo "SKIP: python3 not found"; exit 77; }

profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
browse() {
  # --run-all-compositor-stages-before-draw: the DOM is dumped after scripts have run.
  timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --user-data-dir="$profile" \
    --run-all-compositor-stages-before-draw "$@" 2>>"$out/chromium.log"
}

mkdir -p "$out"
"$bin" report "$here/data/hostile.json" --out "$out/hostile" >/dev/null
page="file://$out/hostile/index.html"
failures=0

# check NAME FRAGMENT ATTRIBUTE=VALUE...: loads the page with #selftest&FRAGMENT and compares
# the body's data-selftest-* attributes.
check() {
  name=$1 fragment=$2
  shift 2
  browse --dump-dom "$page#selftest$fragment" >"$out/$name.dom.html"
  body=$(grep -o '<body[^>]*>' "$out/$name.dom.html" | head -n 1)
  for want in data-selftest=\"done\" "$@"; do
    case "$body" in
      *"$want"*) ;;
      *) echo "FAIL $name: want $want in $body"; failures=$((failures + 1)) ;;
    esac
  done
  if ! python3 "$here/dom_check.py" "$out/$name.dom.html" "SMTP AUTH report: evil.example:25"; then
    echo "FAIL $name: the DOM holds injected markup (see $out/$name.dom.html)"
    failures=$((failures + 1))
  fi
}

check all "" 'data-selftest-total="4"' 'data-selftest-visible="4"'
check verdict "&verdict=fail" 'data-selftest-visible="2"'
check problems "&verdict=problems" 'data-selftest-visible="2"'
check text "&text=other%20SKIP" 'data-selftest-visible="1"'
# Filter values that are escaped server text must survive the round trip through attributes.
check area "&area=%3Cb%3Earea%3C%2Fb%3E" 'data-selftest-visible="1"'
check mech "&mech=LOGIN" 'data-selftest-visible="2"'

browse --window-size=1200,900 --screenshot="$out/hostile.png" "$page" >/dev/null
[ -s "$out/hostile.png" ] || { echo "FAIL: no screenshot"; failures=$((failures + 1)); }

if [ "$failures" -ne 0 ]; then
  echo "browser test: $failures failure(s); pages and dumps in $out"
  exit 1
fi
echo "browser test: ok (screenshot $out/hostile.png)"
