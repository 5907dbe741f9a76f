#!/usr/bin/env bash
# pytest-httpbin 2.1.0's own tests (its PyPI sdist) with our plugin (python/) in its place.
# usage: conformance/pytest-httpbin/run.sh path/to/httpbun
# Their tests import `pytest_httpbin` (certs.where(), the class decorators, serve.Server): a shim of
# that name, made in a temporary folder for the run, re-exports ours. Our package never takes the name.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
export HTTPBUN_BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
venv=$here/venv
if [ ! -x "$venv/bin/pytest" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q -r "$root/conformance/requirements.txt" pytest==8.3.4 requests==2.32.3 urllib3==2.2.3
fi
# Installed as a user installs it (not editable), so the entry point is what registers the fixtures.
"$venv/bin/pip" install -q --force-reinstall --no-deps "$root/python"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$venv/bin/pip" download -q --no-deps --no-binary :all: -d "$work" pytest-httpbin==2.1.0
tar -xzf "$work"/pytest_httpbin-2.1.0.tar.gz -C "$work"
suite=$work/pytest_httpbin-2.1.0
# The sdist's own package and its egg-info (whose entry point would load its plugin) go.
rm -rf "$suite/pytest_httpbin" "$suite/pytest_httpbin.egg-info"
mkdir "$work/shim" "$work/shim/pytest_httpbin"
printf 'from httpbun_pytest import *  # noqa\nfrom httpbun_pytest import certs, serve  # noqa\n' >"$work/shim/pytest_httpbin/__init__.py"
printf 'from httpbun_pytest.certs import where  # noqa\n' >"$work/shim/pytest_httpbin/certs.py"
printf 'from httpbun_pytest.serve import Server, SecureServer  # noqa\n' >"$work/shim/pytest_httpbin/serve.py"
cd "$suite"
# test_dont_crash_on_handshake_timeout reads the message pytest-httpbin's own WSGI server prints
# when a TLS handshake times out: it tests that server, which is not in use here.
PYTHONPATH="$work/shim:$suite/tests" "$venv/bin/python" -m pytest -q -p no:cacheprovider tests \
    --deselect tests/test_server.py::test_dont_crash_on_handshake_timeout
# Then our plugin's own checks (the httpbun fixture, the CA bundle, the redirect setting).
cd "$root/python"
"$venv/bin/python" -m pytest -q -p no:cacheprovider tests
