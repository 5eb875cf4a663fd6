#!/bin/sh
# How the HTML report scales: a results file of 10,000 cases (each with an 8-line transcript),
# rendered by `smtp-auth-harness report`, then opened in headless Chromium, whose #selftest
# applies a filter and records the time to load the page and to filter it.
#
#   bench/report_10k.sh SMTP_AUTH_HARNESS [CASES] [OUT_DIR]
set -eu
bin=${1:?usage: report_10k.sh SMTP_AUTH_HARNESS [CASES] [OUT_DIR]}
cases=${2:-10000}
out=${3:-$(mktemp -d)}
chromium=${CHROMIUM:-/usr/bin/chromium}
mkdir -p "$out"

python3 - "$cases" "$out/results.json" <<'PY'
import json, sys
n, path = int(sys.argv[1]), sys.argv[2]
verdicts = ["pass"] * 14 + ["non-strict", "fail", "skip", "info", "inconclusive", "error", "timeout", "crash"]
mechs = ["PLAIN", "LOGIN", "CRAM-MD5", "DIGEST-MD5", "SCRAM-SHA-1", "SCRAM-SHA-256", "NTLM", "XOAUTH2", "OAUTHBEARER", ""]
areas = ["auth", "b64", "cont", "syn", "cap", "rpl", "sec", "scram", "ntlm", "digest"]
def t(kind, at, text, decoded=""):
    return {"kind": kind, "at_us": at, "text": text, "decoded": decoded}
cases = []
for i in range(n):
    v = verdicts[i % len(verdicts)]
    cases.append({"id": f"{areas[i % 10]}.case-{i:05d}", "title": f"Generated case {i} checks one clause of RFC 4954",
        "rfc": ["RFC4954#4", "RFC4648#3.3"], "requirements": [f"B64-{i % 10 + 1:02d}"], "tags": [areas[i % 10]],
        "mechanism": mechs[i % len(mechs)], "verdict": v, "severity": "must" if v == "fail" else "",
        "expected": [{"pattern": "501 5.5.2 *", "verdict": "pass", "why": "undecodable response"},
                     {"pattern": "535 *", "verdict": "non-strict", "why": "wrong code"}],
        "observed": "501 5.5.2 Cannot decode response", "reason": "matched expectation 1",
        "transcript": [t("server", 0, "220 mx.example ESMTP\r\n"), t("client", 200, "EHLO harness.example.net\r\n"),
                       t("server", 700, "250-mx.example\r\n250-AUTH PLAIN LOGIN\r\n250 ENHANCEDSTATUSCODES\r\n"),
                       t("client", 900, "AUTH PLAIN AHVzZXIAKioqKioqKio=\r\n", "\u0000user\u0000********"),
                       t("server", 1500, "501 5.5.2 Cannot decode response\r\n"), t("client", 1600, "NOOP\r\n"),
                       t("server", 1700, "250 2.0.0 OK\r\n"), t("closed", 1800, "by the harness")],
        "server_log": [], "duration_ms": 3})
json.dump({"schema": 1, "harness_version": "bench", "target": "bench:25", "greeting": "220 mx.example ESMTP",
           "mechanisms": mechs[:-1], "tls": "none", "started_at": "2026-01-01T00:00:00Z", "duration_ms": 30000,
           "interrupted": False, "cases": cases}, open(path, "w"))
PY

start=$(date +%s%N)
"$bin" report "$out/results.json" --out "$out/html" --junit "$out/junit.xml" >/dev/null
end=$(date +%s%N)
echo "cases:            $cases"
echo "results.json:     $(stat -c %s "$out/results.json") octets"
echo "index.html:       $(stat -c %s "$out/html/index.html") octets"
echo "junit.xml:        $(stat -c %s "$out/junit.xml") octets"
echo "report command:   $(( (end - start) / 1000000 )) ms (read JSON, render HTML and JUnit, write)"

if [ ! -x "$chromium" ]; then
  echo "chromium:         not installed, browser figures skipped"
  exit 0
fi
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
for fragment in "&verdict=fail" "&text=case-0999" "&area=b64&mech=LOGIN"; do
  body=$(timeout 300 "$chromium" --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --user-data-dir="$profile" \
    --run-all-compositor-stages-before-draw --dump-dom "file://$out/html/index.html#selftest$fragment" 2>/dev/null |
    grep -o '<body[^>]*>' | head -n 1)
  echo "chromium $fragment: $(echo "$body" | grep -o 'data-selftest-[a-z-]*="[^"]*"' | sed 's/data-selftest-//' | tr '\n' ' ')"
done
