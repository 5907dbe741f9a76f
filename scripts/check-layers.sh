#!/bin/sh
# The layers of Package.swift, held by a check the compiler cannot make: a target may name a module
# it does not depend on when the platform offers it (Glibc, Foundation, Dispatch), so this fails when
#   - the core (HTTPBunCore), the shared wire plumbing (HTTPWire), JSONValue or the WebSocket codec
#     imports a C module, the C library or Foundation: they stay pure Swift, deterministic and
#     testable as functions;
#   - HTTPWire, HTTPCompression, JSONValue or WebSocket import either product: both products build on them;
#   - the client imports the server or its core, or the core imports the server.
# Run by `make test`.
set -eu
cd "$(dirname "$0")/.."
status=0
refuse() {
    # $1 folder, $2 extended regex of module names, $3 why
    found=$(grep -rnE "^[[:space:]]*(@_exported |@testable |@_implementationOnly |public |package |internal )*import +(class |struct |enum |func |var |protocol )?($2)([. ]|$)" "$1" --include='*.swift' || true)
    if [ -n "$found" ]; then
        echo "check-layers: $1 $3:" >&2
        echo "$found" >&2
        status=1
    fi
}
c_and_platform='Glibc|Darwin|Musl|WinSDK|Foundation|FoundationEssentials|FoundationNetworking|Dispatch|CMicroHTTPD|CZlib'
for pure in Sources/HTTPBunCore Sources/HTTPWire Sources/JSONValue Sources/WebSocket; do
    refuse "$pure" "$c_and_platform" "must not import a C module, the C library or Foundation"
done
for shared in Sources/HTTPWire Sources/HTTPCompression Sources/JSONValue Sources/WebSocket; do
    refuse "$shared" 'HTTPBun|HTTPBunCore|Requests' "is shared by both products and must import neither"
done
refuse Sources/Requests 'HTTPBun|HTTPBunCore' "is the client and must not import the server"
refuse Sources/HTTPBunCore 'HTTPBun|Requests' "is the server's core and must not import the server or the client"
# Only Server/ (and the compression target) may reach C in the server.
found=$(grep -rlE '^import +CMicroHTTPD' Sources --include='*.swift' | grep -v '^Sources/HTTPBun/Server/' || true)
if [ -n "$found" ]; then
    echo "check-layers: only Sources/HTTPBun/Server may import CMicroHTTPD:" >&2
    echo "$found" >&2
    status=1
fi
[ $status -eq 0 ] && echo "check-layers: HTTPBunCore, HTTPWire, JSONValue and WebSocket are pure Swift; no product imports the other"
exit $status
