#!/bin/sh
# CTest driver: our .proto files (proto/) against the OpenTelemetry JS project's generated OTLP
# classes (check-proto-files.js). Exits 77 (skipped) only when node or npm is missing, and
# fails instead under SC_REQUIRE_ALL_SUITES=1 (CI).
# Usage: run-proto-check.sh PROTO_ROOT
set -eu
here=$(cd "$(dirname "$0")" && pwd)
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  if [ "${SC_REQUIRE_ALL_SUITES:-0}" = 1 ]; then
    echo "otlp_proto_js_fields cannot run: node and npm are needed (scripts/install-deps.sh installs them;" \
      "SC_REQUIRE_ALL_SUITES=1 makes this a failure)" >&2
    exit 1
  fi
  echo "otlp_proto_js_fields skipped: node and npm are needed"
  exit 77
fi
if [ ! -d "$here/node_modules/@opentelemetry/otlp-proto-exporter-base" ] || [ ! -d "$here/node_modules/protobufjs" ]; then
  (cd "$here" && npm ci --no-audit --no-fund)
fi
node "$here/check-proto-files.js" "$1"
