#!/usr/bin/env bash
# httpbun's LLM SDK tests (sharat87/httpbun's llm-sdk-tests/: pytest with the official `openai` and
# `anthropic` Python SDKs) against our binary, default flavor. Fetches nothing from git: give it a
# snapshot of the httpbun repository (a checkout or `git archive`).
#
# usage: conformance/llm-sdk/run.sh SNAPSHOT_DIR BINARY [PYTEST_ARGS...]
#
# The SDKs and pytest come from PyPI into conformance/llm-sdk/venv (ignored by git, reused while the
# pins stay the same), at the versions the snapshot's uv.lock pins, so the SDKs judge our answers
# as they judge httpbun's. The snapshot asks for Python >= 3.13 (its uv setup); the tests run on
# the machine's python3 (3.11) unchanged. PYTHON=... picks another interpreter.
#
# The server listens on 127.0.0.1 on a port the system picks (--port 0; the URL is the first line
# it prints), and the tests get BASE_URL=http://127.0.0.1:PORT/llm, the base URL both SDKs append
# their paths to (/chat/completions, /responses, /v1/messages). Our own streaming checks
# (test_streams.py beside this script) run after httpbun's tests, which have none. Prints pytest's
# summary line for each, then `passed N / M`.
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 SNAPSHOT_DIR BINARY [PYTEST_ARGS...]" >&2; exit 2; }
snapshot=$(cd "$1" && pwd); binary=$2; shift 2
here=$(cd "$(dirname "$0")" && pwd)
python=${PYTHON:-python3}
tests="$snapshot/llm-sdk-tests/tests"
[ -d "$tests" ] || { echo "error: $snapshot has no llm-sdk-tests/tests: give a snapshot of sharat87/httpbun" >&2; exit 1; }
[ -x "$binary" ] || { echo "error: $binary is not an executable (swift build --product httpbun)" >&2; exit 1; }

# The pins: every package uv.lock names, but the project itself, ruff (a linter) and colorama
# (Windows only).
venv="$here/venv"
requirements=$("$python" - "$snapshot/llm-sdk-tests/uv.lock" <<'PY'
import sys, tomllib
with open(sys.argv[1], "rb") as lock:
    packages = tomllib.load(lock)["package"]
skip = {"llm-sdk-tests", "ruff", "colorama"}
print("\n".join(sorted(f"{p['name']}=={p['version']}" for p in packages if p["name"] not in skip)))
PY
)
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$venv/requirements.txt" 2>/dev/null)" != "$requirements" ]; then
    rm -rf "$venv"
    "$python" -m venv "$venv"
    printf '%s\n' "$requirements" >"$venv/requirements.in"
    "$venv/bin/pip" install -q --disable-pip-version-check -r "$venv/requirements.in" >&2
    printf '%s\n' "$requirements" >"$venv/requirements.txt"
fi

work=$(mktemp -d)
server=
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
"$binary" --host 127.0.0.1 --port 0 --log-level warning >"$work/stdout" &
server=$!
url=
for _ in $(seq 100); do
    url=$(head -n 1 "$work/stdout")
    [ -n "$url" ] || ! kill -0 "$server" 2>/dev/null && break
    sleep 0.1
done
case "$url" in
    http://127.0.0.1:*) ;;
    *) echo "error: the server did not start (first line: '$url')" >&2; exit 1 ;;
esac

export BASE_URL="$url/llm" PYTHONDONTWRITEBYTECODE=1
status=0
# pytest's cache and Python's bytecode stay out of the snapshot, which may be read-only. The snapshot's pyproject.toml
# sets asyncio_mode=auto for its tests; ours get it on the command line.
"$venv/bin/python" -m pytest -p no:cacheprovider -q "$tests" "$@" >"$work/httpbun.txt" 2>&1 || status=$?
"$venv/bin/python" -m pytest -p no:cacheprovider -q -o asyncio_mode=auto -o asyncio_default_fixture_loop_scope=function \
    "$here/test_streams.py" "$@" >"$work/ours.txt" 2>&1 || status=$?
[ "$status" -eq 0 ] || cat "$work/httpbun.txt" "$work/ours.txt" >&2

summary() { grep -E '(passed|failed|error|no tests ran)' "$1" | tail -1 | sed -E 's/^=+ //; s/ =+$//'; }
count() { grep -oE "[0-9]+ $2" "$1" | tail -1 | cut -d' ' -f1; }
echo "httpbun's llm-sdk-tests: $(summary "$work/httpbun.txt")"
echo "our streaming checks (test_streams.py): $(summary "$work/ours.txt")"
passed=$(( $(count "$work/httpbun.txt" passed || echo 0) + 0 ))
total=$(( passed + $(count "$work/httpbun.txt" failed || echo 0) + $(count "$work/httpbun.txt" error || echo 0) ))
echo "passed $passed / $total (httpbun's llm-sdk-tests; pytest exit $status)"
exit "$status"
