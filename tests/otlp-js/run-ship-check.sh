#!/bin/sh
# CTest driver: `sc telemetry ship` against a receiver that decodes our protobuf and JSON
# requests with the OpenTelemetry JS project's generated OTLP classes (ship-check.js), plus the
# faults: backend down then up, 503 with Retry-After, 400, 401, SIGKILL mid-batch. Exits 77
# (skipped) only when node or npm is missing, and fails instead under SC_REQUIRE_ALL_SUITES=1 (CI).
# Usage: run-ship-check.sh SC_BINARY WORK_FOLDER [SCENARIO...]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
sc=$1
work=$2
shift 2
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  if [ "${SC_REQUIRE_ALL_SUITES:-0}" = 1 ]; then
    echo "telemetry_ship_otlp_js cannot run: node and npm are needed (scripts/install-deps.sh installs them;" \
      "SC_REQUIRE_ALL_SUITES=1 makes this a failure)" >&2
    exit 1
  fi
  echo "ship check skipped: node and npm are needed"
  exit 77
fi
if "$sc" --version | grep -q "telemetry compiled out"; then
  echo "ship check skipped: this sc was built with -DSC_TELEMETRY=OFF"
  exit 77
fi
if [ ! -d "$here/node_modules/@opentelemetry/otlp-proto-exporter-base" ] || [ ! -d "$here/node_modules/protobufjs" ]; then
  (cd "$here" && npm ci --no-audit --no-fund)
fi
rm -rf "$work"
mkdir -p "$work"
node "$here/ship-check.js" "$sc" "$work" "$@"
