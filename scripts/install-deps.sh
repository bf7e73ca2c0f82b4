#!/bin/sh
# Installs every build and test dependency from Debian's archive. Idempotent: packages already
# present are skipped, so a second run costs a dpkg query and nothing more.
set -eu

packages="
  build-essential g++ cmake ninja-build make pkg-config ccache git
  libcli11-dev nlohmann-json3-dev libsimdjson-dev libyaml-cpp-dev libtomlplusplus-dev
  libfmt-dev libzstd-dev zstd
  libgtest-dev libgmock-dev libbenchmark-dev librapidcheck-dev
  clang-14 libclang-rt-14-dev clang-format valgrind hyperfine jq
  nodejs npm
"

missing=""
for package in $packages; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $package"
  fi
done

# Node and npm may come from elsewhere on a developer machine; only ask apt for them when absent.
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
  missing=$(echo "$missing" | tr ' ' '\n' | grep -vx -e nodejs -e npm | tr '\n' ' ')
fi

missing=$(echo "$missing" | xargs)
if [ -z "$missing" ]; then
  exit 0
fi

echo "install-deps: installing $missing" >&2
sudo=""
if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
# shellcheck disable=SC2086
$sudo apt-get install -y -q --no-install-recommends $missing
