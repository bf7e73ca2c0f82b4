#!/bin/sh
# Installs every build and test dependency from Debian's archive. Idempotent: packages already
# present are skipped, so a second run costs a dpkg query and nothing more.
set -eu

packages="
  build-essential g++ cmake ninja-build make pkg-config ccache git lld
  libcli11-dev nlohmann-json3-dev libsimdjson-dev libyaml-cpp-dev libtomlplusplus-dev
  libfmt-dev libzstd-dev zstd
  libcpp-httplib-dev libcurl4-openssl-dev libprotobuf-dev protobuf-compiler zlib1g-dev libsqlite3-dev
  prometheus chromium
  libgtest-dev libgmock-dev libbenchmark-dev librapidcheck-dev
  clang-14 libclang-rt-14-dev clang-format valgrind hyperfine jq python3 strace curl
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
if [ -n "$missing" ]; then
  echo "install-deps: installing $missing" >&2
  sudo=""
  if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -q
  # shellcheck disable=SC2086
  $sudo apt-get install -y -q --no-install-recommends $missing
fi

# simdjson's implementation, compiled into sc: Debian ships it only as a shared library, and
# that library brings the shared libstdc++ into every start of sc (docs/architecture.md). Its
# Debian source package, at the version of the installed libsimdjson-dev, has the amalgamated
# simdjson.cpp. apt fetches and verifies it into a private folder; nothing in /etc changes.
# Without it the build falls back to the shared library.
package_version=$(dpkg-query -W -f='${Version}' libsimdjson-dev)
deps="$(cd "$(dirname "$0")/.." && pwd)/.deps"
target="$deps/simdjson-$package_version"
if [ ! -f "$target/simdjson.cpp" ]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  mkdir -p "$work/lists/partial" "$work/cache/archives/partial"
  # shellcheck source=/dev/null
  . /etc/os-release
  printf 'Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: %s\nComponents: main\nSigned-By: %s\n' \
    "$VERSION_CODENAME" /usr/share/keyrings/debian-archive-keyring.gpg >"$work/src.sources"
  apt_private="-o Dir::Etc::SourceList=$work/src.sources -o Dir::Etc::SourceParts=/dev/null
    -o Dir::State::Lists=$work/lists -o Dir::Cache=$work/cache -o APT::Sandbox::User=root"
  echo "install-deps: fetching the source of simdjson $package_version from Debian" >&2
  # shellcheck disable=SC2086
  if apt-get $apt_private -q update >/dev/null &&
     (cd "$work" && apt-get $apt_private -q source --download-only "simdjson=$package_version" >/dev/null) &&
     tar xzf "$work"/simdjson_*.orig.tar.gz -C "$work" --wildcards '*/singleheader/simdjson.cpp' \
       '*/singleheader/simdjson.h'; then
    rm -rf "$deps"/simdjson-*
    mkdir -p "$target"
    cp "$work"/simdjson-*/singleheader/simdjson.cpp "$work"/simdjson-*/singleheader/simdjson.h "$target/"
  else
    echo "install-deps: could not fetch simdjson's source; sc will load libsimdjson.so" >&2
  fi
fi
