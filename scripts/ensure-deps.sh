#!/usr/bin/env bash
# Makes sure the C libraries the package links are installed: libmicrohttpd (the server's
# transport) and zlib (gzip/deflate). Installs them with apt when run as root; otherwise says
# exactly what to run.
set -euo pipefail

packages=(libmicrohttpd-dev zlib1g-dev pkg-config)

have_all() {
    command -v pkg-config >/dev/null 2>&1 &&
        pkg-config --exists libmicrohttpd &&
        pkg-config --exists zlib
}

if have_all; then
    exit 0
fi

if ! command -v swift >/dev/null 2>&1; then
    echo "error: swift is not on PATH; install Swift 6 from swift.org first." >&2
    exit 1
fi

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing ${packages[*]} with apt-get..." >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq "${packages[@]}" >&2
    have_all || { echo "error: installed ${packages[*]} but pkg-config still cannot find libmicrohttpd and zlib" >&2; exit 1; }
    exit 0
fi

cat >&2 <<MSG
error: libmicrohttpd and zlib development files are missing.
Install them, then run the command again:
    sudo apt-get install -y ${packages[*]}        # Debian, Ubuntu
    brew install libmicrohttpd pkg-config          # macOS
MSG
exit 1
