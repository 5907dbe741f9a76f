#!/bin/sh
# Builds .build-fuzz/fuzz-httpbun: the server's HTTP and Routes sources plus FuzzTargets.swift in
# one module, with libFuzzer and AddressSanitizer (swiftc -sanitize=fuzzer,address).
# swift-crypto is replaced by fuzz/support/Crypto.swift (see there why).
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
# The zlib wrapper the server shares with the client (Sources/Zlib, over the CZlib module map).
if [ ! -f "$out/libZlib.a" ] || [ -n "$(find Sources/Zlib Sources/CZlib -newer "$out/libZlib.a")" ]; then
swiftc $flags -module-name Zlib -I Sources/CZlib -emit-library -static -emit-module -emit-module-path "$out/Zlib.swiftmodule" \
    Sources/Zlib/*.swift -o "$out/libZlib.a"
fi
if [ ! -f "$out/libCrypto.a" ] || [ fuzz/support/Crypto.swift -nt "$out/libCrypto.a" ]; then
swiftc $flags -module-name Crypto -emit-library -static -emit-module -emit-module-path "$out/Crypto.swiftmodule" \
    fuzz/support/Crypto.swift -o "$out/libCrypto.a"
fi
rm -f "$out/fuzz-httpbun"
swiftc $flags -module-name HTTPBunFuzz -I "$out" -I Sources/CZlib \
    Sources/HTTPBun/HTTP/*.swift Sources/HTTPBun/Routes/*.swift Sources/HTTPBun/Configuration.swift Sources/HTTPBun/Version.swift \
    Sources/HTTPBun/TLS/TLSIdentity.swift \
    fuzz/FuzzTargets.swift "$out/libJSONValue.a" "$out/libZlib.a" "$out/libCrypto.a" -lz -o "$out/fuzz-httpbun" 2>&1 | grep -v "Cannot export local symbol" || true
test -x "$out/fuzz-httpbun"
echo "built $out/fuzz-httpbun"
