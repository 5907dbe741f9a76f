#!/usr/bin/env bash
# Runs the fixture recipes of examples/fixtures against the built httpbun: pytest, Node's test
# runner, and Go's testing when a Go toolchain is installed (skipped with a note otherwise).
set -uo pipefail
cd "$(dirname "$0")/.."
swift build --product httpbun >/dev/null || exit 1
export HTTPBUN_BIN="$(swift build --show-bin-path)/httpbun"
passed=0; failed=0; skipped=0
run() {
    local name=$1; shift
    if "$@"; then echo "ok    $name"; passed=$((passed + 1)); else echo "FAIL  $name"; failed=$((failed + 1)); fi
}
if python3 -c 'import pytest' 2>/dev/null; then
    run pytest python3 -m pytest -q -p no:cacheprovider examples/fixtures/pytest
else echo "skip  pytest (not installed: pip install pytest)"; skipped=$((skipped + 1)); fi
if command -v node >/dev/null; then
    run node node --test examples/fixtures/node/
else echo "skip  node (not installed)"; skipped=$((skipped + 1)); fi
if command -v go >/dev/null; then
    run go bash -c 'cd examples/fixtures/go && go test ./...'
else echo "skip  go (no Go toolchain: apt-get install golang-go)"; skipped=$((skipped + 1)); fi
echo "fixture recipes: $passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ]
