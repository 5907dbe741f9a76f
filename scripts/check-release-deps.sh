#!/usr/bin/env bash
# Checks that a release build of httpbun needs nothing at run time but libmicrohttpd and the C
# library (and the libraries every Debian system has: libz, libm, libgcc_s, libstdc++ are
# reported so a change is noticed). Builds with the Swift runtime linked statically.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-deps.sh
swift build -c release --product httpbun --static-swift-stdlib --scratch-path .build-static >/dev/null
binary=$(swift build -c release --static-swift-stdlib --scratch-path .build-static --show-bin-path)/httpbun
needed=$(readelf -d "$binary" | awk '/NEEDED/ {gsub(/[\[\]]/, "", $NF); print $NF}')
echo "NEEDED by $binary:"
echo "$needed" | sed 's/^/  /'
unexpected=$(echo "$needed" | grep -vE '^(libmicrohttpd\.so\.12|libc\.so\.6|libm\.so\.6|libz\.so\.1|libgcc_s\.so\.1|libstdc\+\+\.so\.6|ld-linux-x86-64\.so\.2|libdl\.so\.2|libpthread\.so\.0|librt\.so\.1|libutil\.so\.1)$' || true)
if echo "$needed" | grep -q '^libswift'; then echo "FAIL: the Swift runtime is linked dynamically"; exit 1; fi
if [ -n "$unexpected" ]; then echo "FAIL: unexpected dependencies: $unexpected"; exit 1; fi
echo "ldd:"
ldd "$binary" | sed 's/^/  /'
echo "release dependencies: ok"
