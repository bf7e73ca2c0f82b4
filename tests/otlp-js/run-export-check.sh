#!/bin/sh
# CTest driver: record real commands with `sc`, export their traces with
# `sc traces export --format otlp`, and decode the file with the OpenTelemetry JS protobuf
# classes (check-otlp-lines.js). Exits 77 (skipped) only when node or npm is missing, and fails
# instead under SC_REQUIRE_ALL_SUITES=1 (CI).
# Usage: run-export-check.sh SC_BINARY WORK_FOLDER
set -eu
here=$(cd "$(dirname "$0")" && pwd)
sc=$1
work=$2
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  if [ "${SC_REQUIRE_ALL_SUITES:-0}" = 1 ]; then
    echo "traces_export_otlp_js_decoder cannot run: node and npm are needed (scripts/install-deps.sh installs them;" \
      "SC_REQUIRE_ALL_SUITES=1 makes this a failure)" >&2
    exit 1
  fi
  echo "otlp-js export check skipped: node and npm are needed"
  exit 77
fi
if "$sc" --version | grep -q "telemetry compiled out"; then
  echo "otlp-js export check skipped: this sc was built with -DSC_TELEMETRY=OFF"
  exit 77
fi
if [ ! -d "$here/node_modules/@opentelemetry/otlp-proto-exporter-base" ] || [ ! -d "$here/node_modules/protobufjs" ]; then
  (cd "$here" && npm ci --no-audit --no-fund)
fi
rm -rf "$work"
mkdir -p "$work/home" "$work/project"
export HOME="$work/home" SCOPECRAFT_TELEMETRY_DIR="$work/telemetry"
unset SCOPECRAFT_ROOT TRACEPARENT OTEL_SDK_DISABLED
cd "$work/project"
git init -q .
"$sc" init >/dev/null
"$sc" task create --title "Add login page" >/dev/null
"$sc" parent create --title "Release" --subtask Tag Announce >/dev/null
"$sc" traces export --last 3 --format otlp --output "$work/traces.jsonl" >/dev/null
test "$(wc -l <"$work/traces.jsonl")" -ge 3
node "$here/check-otlp-lines.js" "$work/traces.jsonl"
