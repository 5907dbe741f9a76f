#!/usr/bin/env bash
# httpbun's own API tests (sharat87/httpbun's api-tests/, Go) against our binary, default flavor.
# Fetches nothing: give it a snapshot of the httpbun repository (a checkout or `git archive`). From a
# bare mirror whose tree lacks the committed `httpbun` binary's blob, `git archive HEAD` stops at that
# file: archive the paths the checks read instead (`git --git-dir=MIRROR archive HEAD api-tests assets c
# ex go.mod go.sum llm-sdk-tests main.go response routes server util | tar -x -C SNAPSHOT`).
#
# usage: conformance/httpbun-api/run.sh SNAPSHOT_DIR BINARY
#
# The snapshot's go.mod wants Go 1.25; Debian 12's newest is 1.19, so the tests run in GOPATH mode:
# the snapshot's c/ package and api-tests/ are laid out under a temporary GOPATH, main_test.go
# (which starts httpbun's own Go server) is replaced by harness_test.go.in, and testify comes from
# Debian's golang-github-stretchr-testify-dev. Prints Go's verdict per test, then `passed N / M`.
set -euo pipefail
snapshot=$(cd "$1" && pwd); binary=$2
here=$(cd "$(dirname "$0")" && pwd)
go=${GO:-$(command -v go || echo /usr/lib/go-1.19/bin/go)}
[ -x "$go" ] || { echo "error: no go: apt-get install golang-1.19-go golang-github-stretchr-testify-dev" >&2; exit 1; }
[ -d "$snapshot/api-tests" ] || { echo "error: $snapshot has no api-tests/: give a snapshot of sharat87/httpbun" >&2; exit 1; }
work=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
package="$work/src/github.com/sharat87/httpbun"
mkdir -p "$package/c" "$package/api-tests"
cp "$snapshot"/c/*.go "$package/c/"
for test in "$snapshot"/api-tests/*_test.go; do
    [ "$(basename "$test")" = main_test.go ] || cp "$test" "$package/api-tests/"
done
cp "$here/harness_test.go.in" "$package/api-tests/harness_test.go"
"$binary" --host 127.0.0.1 --port 30001 --log-level warning >/dev/null &
server=$!
cd "$package/api-tests"
status=0
GOPATH="$work:/usr/share/gocode" GO111MODULE=off GOFLAGS=-mod=mod GOCACHE="$work/cache" \
    "$go" test -count=1 -v . >"$work/out.txt" 2>&1 || status=$?
grep -E '^(=== RUN|--- (PASS|FAIL)|\s+--- (PASS|FAIL)|FAIL|ok)' "$work/out.txt" | grep -v '=== RUN' || true
if grep -qE '^--- FAIL|^FAIL' "$work/out.txt"; then
    grep -E '^\s+\S+_test\.go:[0-9]+:|Error:|expected|actual' "$work/out.txt" | head -400 >"${FAILURES_OUT:-/dev/null}" || true
fi
passed=$(grep -cE '^--- PASS' "$work/out.txt" || true)
failed=$(grep -cE '^--- FAIL' "$work/out.txt" || true)
echo "passed $passed / $((passed + failed)) (top-level tests; go test exit $status)"
[ "$failed" -eq 0 ]
