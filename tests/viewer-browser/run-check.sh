#!/bin/sh
# CTest driver: the viewer in Debian's chromium, driven by playwright-core (check-viewer.mjs).
# Installs the pinned package (package-lock.json) on first use. Fails, not skips, without node,
# npm or chromium: scripts/install-deps.sh installs them.
# Usage: run-check.sh SC_BINARY WORK_FOLDER
set -eu
here=$(cd "$(dirname "$0")" && pwd)
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "viewer-browser check failed: node and npm are needed (scripts/install-deps.sh installs them)" >&2
  exit 1
fi
if [ ! -x "${SC_CHROMIUM:-/usr/bin/chromium}" ]; then
  echo "viewer-browser check failed: no chromium at ${SC_CHROMIUM:-/usr/bin/chromium} (scripts/install-deps.sh installs it)" >&2
  exit 1
fi
if [ ! -d "$here/node_modules/playwright-core" ]; then
  (cd "$here" && npm ci --no-audit --no-fund >&2)
fi
exec node "$here/check-viewer.mjs" "$1" "$2"
