#!/usr/bin/env bash
# Checks issue 7's release promise: a plain `swift build -c release` gives an httpbun whose only
# dependency beyond the C library is libmicrohttpd. Package.swift links the Swift runtime, the C++
# runtime and zlib statically in release builds (link/static/README.md says how).
#   1. readelf: the binary's own NEEDED entries are libmicrohttpd, glibc's libraries, and GnuTLS
#      (--tls-self-signed makes its certificates with it) only as the very library libmicrohttpd needs;
#   2. ldd: every library the loader resolves is glibc's or one that libmicrohttpd itself pulls in.
set -euo pipefail
cd "$(dirname "$0")/.."
# BINARY=path checks an existing binary instead (to see the check fail on a dynamic build).
if [ -z "${BINARY:-}" ]; then
    scripts/ensure-deps.sh
    # The link of a static FoundationEssentials (swift-argument-parser imports it) prints one
    # warning from the toolchain's own archive (its use of mktemp); it is not ours, so the build's
    # output is shown only when the build fails.
    if ! output=$(swift build -c release --product httpbun 2>&1); then
        echo "$output"
        exit 1
    fi
fi
binary=${BINARY:-$(swift build -c release --show-bin-path)/httpbun}
glibc='^(libc\.so\.6|libm\.so\.6|libdl\.so\.2|libpthread\.so\.0|librt\.so\.1|libutil\.so\.1|ld-linux[-a-z0-9_]*\.so\.[0-9]+|linux-vdso\.so\.1|linux-gate\.so\.1)$'
fail=0

# Names as ldd prints them (the first field; the loader's own path is shortened to its name).
libs_of() { ldd "$1" | awk '{print $1}' | sed 's|.*/||' | sort -u; }
mhd=$(ldd "$binary" | awk '$1 ~ /^libmicrohttpd/ {print $3}')
[ -n "$mhd" ] || { echo "FAIL: ldd does not resolve libmicrohttpd"; exit 1; }
through_mhd=$(libs_of "$mhd")

needed=$(readelf -d "$binary" | awk '/NEEDED/ {gsub(/[\[\]]/, "", $NF); print $NF}')
echo "NEEDED by $binary:"
echo "$needed" | sed 's/^/  /'
echo "$needed" | grep -q '^libmicrohttpd\.so\.' || { echo "FAIL: libmicrohttpd is not linked"; fail=1; }
for lib in $(echo "$needed" | grep -vE "$glibc" | grep -v '^libmicrohttpd\.so\.' || true); do
    [[ "$lib" == libgnutls.so.* ]] && echo "$through_mhd" | grep -qxF "$lib" && continue
    echo "FAIL: the binary itself needs $lib, beyond libmicrohttpd, the GnuTLS it links, and libc"; fail=1
done
echo "ldd:"
ldd "$binary" | sed 's/^/  /'
for lib in $(libs_of "$binary"); do
    if echo "$lib" | grep -qE "$glibc" || [[ "$lib" == libmicrohttpd.so.* ]]; then continue; fi
    echo "$through_mhd" | grep -qxF "$lib" || { echo "FAIL: $lib is loaded, and not through libmicrohttpd"; fail=1; }
done
[ "$fail" -eq 0 ] || exit 1
echo "release dependencies: ok (libmicrohttpd and libc only; the rest ldd lists, GnuTLS among it, comes through libmicrohttpd)"
