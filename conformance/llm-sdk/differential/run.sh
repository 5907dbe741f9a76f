#!/usr/bin/env bash
# httpbun's own LLM handlers and ours, side by side: the snapshot's routes/llm built with Go behind a
# bare net/http server (oracle/*.go.in stand in for the few helpers of httpbun's ex and util packages
# they call; its c/ and response/ packages come from the snapshot), then compare.py sends both ~600
# requests and compares the answers. Fetches nothing: give it a snapshot of sharat87/httpbun.
#
# usage: conformance/llm-sdk/differential/run.sh SNAPSHOT_DIR BINARY [-v]
#
# Builds in GOPATH mode with whatever go is on PATH, else Debian's Go 1.19 (apt-get install
# golang-1.19-go), as conformance/httpbun-api does: the handlers need nothing newer. Prints a diff
# per disagreement not listed as deliberate in compare.py, then `agree: N / total: M`.
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 SNAPSHOT_DIR BINARY [-v]" >&2; exit 2; }
snapshot=$(cd "$1" && pwd); binary=$2; shift 2
here=$(cd "$(dirname "$0")" && pwd)
go=${GO:-$(command -v go || echo /usr/lib/go-1.19/bin/go)}
[ -x "$go" ] || { echo "error: no go: apt-get install golang-1.19-go" >&2; exit 1; }
[ -d "$snapshot/routes/llm" ] || { echo "error: $snapshot has no routes/llm: give a snapshot of sharat87/httpbun" >&2; exit 1; }
work=$(mktemp -d)
pids=()
trap 'for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null; rm -rf "$work"' EXIT

package="$work/src/github.com/sharat87/httpbun"
mkdir -p "$package/routes/llm" "$package/c" "$package/response" "$package/ex" "$package/util" "$package/oracle"
cp "$snapshot"/routes/llm/*.go "$package/routes/llm/"
cp "$snapshot"/c/*.go "$package/c/"
cp "$snapshot"/response/*.go "$package/response/"
rm -f "$package"/*/*_test.go "$package"/*/*/*_test.go
cp "$here/oracle/ex.go.in" "$package/ex/ex.go"
cp "$here/oracle/util.go.in" "$package/util/util.go"
cp "$here/oracle/main.go.in" "$package/oracle/main.go"
(cd "$package/oracle" && GOPATH="$work" GO111MODULE=off GOCACHE="$work/cache" "$go" build -o "$work/oracle" .)

# start NAME COMMAND...: starts a server that prints its URL as its first line, into $url. Its
# standard error goes to $work/NAME.log (httpbun's handler panics on a negative n, by design).
start() {
    local name=$1; shift
    "$@" >"$work/$name.out" 2>"$work/$name.log" &
    pids+=("$!")
    for _ in $(seq 100); do
        url=$(head -n 1 "$work/$name.out")
        [ -n "$url" ] && return 0
        sleep 0.1
    done
    echo "error: $name did not start:" >&2
    cat "$work/$name.log" >&2
    exit 1
}
start oracle "$work/oracle"; oracle=$url
start ours "$binary" --host 127.0.0.1 --port 0 --log-level warning; ours=$url
python3 "$here/compare.py" --ours "$ours" --httpbun "$oracle" "$@"
