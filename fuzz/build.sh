#!/bin/sh
# Builds .build-fuzz/fuzz-httpbun: the pure targets the parsers and routes live in (HTTPWire,
# HTTPCompression, JSONValue, WebSocket, HTTPBunCore), each as its own module as SwiftPM builds them, plus
# FuzzTargets.swift, with libFuzzer and AddressSanitizer (swiftc -sanitize=fuzzer,address). The core
# is built with -enable-testing so the fuzz targets reach its internal parsers by @testable import.
set -eu
# (gold warns once per ASan helper symbol that it "cannot export" it: harmless, filtered.)
cd "$(dirname "$0")/.."
out=.build-fuzz
mkdir -p "$out"
flags="-sanitize=fuzzer,address -parse-as-library -swift-version 6 -O -g"
# The small libraries change rarely: rebuild them only when their sources are newer.
if [ ! -f "$out/libJSONValue.a" ] || [ -n "$(find Sources/JSONValue -newer "$out/libJSONValue.a")" ]; then
swiftc $flags -module-name JSONValue -emit-library -static -emit-module -emit-module-path "$out/JSONValue.swiftmodule" \
    Sources/JSONValue/*.swift -o "$out/libJSONValue.a"
fi
# library NAME SOURCES-FOLDER [extra flags]: a static library and its module, rebuilt when one of
# its sources, or a library built before it (one it may import), is newer.
library() {
    name=$1; folder=$2; shift 2
    if [ ! -f "$out/lib$name.a" ] || [ -n "$(find "$folder" -name '*.swift' -newer "$out/lib$name.a")" ] \
        || [ -n "$(find "$out" -maxdepth 1 -name '*.a' -newer "$out/lib$name.a")" ]; then
        # shellcheck disable=SC2046
        swiftc $flags -module-name "$name" -package-name httpbun -I "$out" -I Sources/CZlib "$@" -emit-library -static \
            -emit-module -emit-module-path "$out/$name.swiftmodule" $(find "$folder" -name '*.swift' | sort) -o "$out/lib$name.a"
    fi
}
library HTTPWire Sources/HTTPWire
library HTTPCompression Sources/HTTPCompression
library WebSocket Sources/WebSocket
library HTTPBunCore Sources/HTTPBunCore -enable-testing
rm -f "$out/fuzz-httpbun"
swiftc $flags -module-name HTTPBunFuzz -package-name httpbun -I "$out" -I Sources/CZlib fuzz/FuzzTargets.swift \
    "$out/libHTTPBunCore.a" "$out/libWebSocket.a" "$out/libHTTPCompression.a" "$out/libHTTPWire.a" "$out/libJSONValue.a" \
    -lz -o "$out/fuzz-httpbun" 2>&1 | grep -v "Cannot export local symbol" || true
test -x "$out/fuzz-httpbun"
echo "built $out/fuzz-httpbun"
