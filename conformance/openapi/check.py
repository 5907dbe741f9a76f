#!/usr/bin/env python3
"""The OpenAPI document against the server that serves it, for each flavor (make openapi-check).

For each flavor a fresh server on 127.0.0.1, port 0, with short limits, so that every timed answer
(/delay, /drip, /sse, /stream-bytes, /range?duration=) ends within about a second; the httpbin
flavor under --path-prefix /bin, so the document's `servers` entry is checked too. Then:
1. openapi-spec-validator judges the document /openapi.json serves;
2. schemathesis sends generated requests to every operation (positive cases: values the document's
   schemas allow) and fails on any answer the document does not declare: a status it does not list,
   a Content-Type it does not list, a 5xx where the operation declares none, a missing header the
   answer declares (Location on redirects, WWW-Authenticate on 401s), an echo without its keys.

Operations schemathesis cannot judge are listed in NOT_TESTED with the reason, and the run prints
them; nothing else is left out. Bounded in time: ALL_SECONDS per flavor, then it fails.

Usage: conformance/openapi/check.py --bin .build/release/httpbun [--max-examples 6] [--seed 20261207]
"""
import argparse
import json
import os
import pathlib
import re
import subprocess
import sys
import time
import urllib.request

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent / "hardening"))
import harness  # noqa: E402  (starting and stopping the server, as the hardening scripts do)

VENV = HERE / "venv" / "bin"
REPORT = HERE / "report"

# Limits that bound every answer that waits: a 400 past them, which the document declares.
LIMITS = ["--max-duration", "1", "--max-body-size", "65536"]
FLAVORS = [("httpbun", "", []), ("httpbin", "/bin", ["--flavor", "httpbin"])]
CHECKS = ",".join([
    "not_a_server_error", "status_code_conformance", "content_type_conformance",
    "response_headers_conformance", "response_schema_conformance",
])
# Operations that give no HTTP answer to judge, by design; each is covered by the route tests
# (FaultTests) and the hardening scripts instead.
NOT_TESTED = {
    "/fault/close": "closes the connection without any answer: there is no response to check",
    "/fault/truncate/{n}": "announces a longer Content-Length than it sends, then closes: every client reports a broken body",
}
ALL_SECONDS = 150


def server_error_config(document, path):
    """schemathesis's not_a_server_error takes a 5xx only where the operation declares one (/status,
    /unstable, /mix, /drip?code=): those operations expect their own declared statuses."""
    lines = []
    for template, item in document["paths"].items():
        for method, operation in item.items():
            declared = [code for code in operation["responses"] if code.upper().startswith("5")]
            if declared:
                statuses = ", ".join(f'"{code.lower()}"' for code in ["2xx", "3xx", "4xx", *declared])
                lines += ["[[operations]]", f'include-path = "{template}"', f'include-method = "{method.upper()}"',
                          f"checks.not_a_server_error.expected-statuses = [{statuses}]", ""]
    path.write_text("\n".join(lines))


def run_flavor(binary, name, prefix, extra, args):
    argv = [binary, "--host", "127.0.0.1", "--port", "0", "--log-level", "warning", *LIMITS, *extra]
    process, port = harness.start(argv + (["--path-prefix", prefix] if prefix else []))
    base = f"http://127.0.0.1:{port}{prefix}"
    out = REPORT / name
    out.mkdir(parents=True, exist_ok=True)
    try:
        with urllib.request.urlopen(base + "/openapi.json", timeout=10) as response:
            assert response.headers["Content-Type"] == "application/json", response.headers["Content-Type"]
            document = json.load(response)
        (out / "openapi.json").write_text(json.dumps(document, indent=2))
        assert document["servers"] == [{"url": prefix or "/"}], document["servers"]
        validator = subprocess.run([str(VENV / "openapi-spec-validator"), str(out / "openapi.json")], capture_output=True, text=True)
        print(f"{name}: openapi-spec-validator: {validator.stdout.strip()} {validator.stderr.strip()}".strip())
        if validator.returncode != 0:
            return False
        operations = sum(len(item) for item in document["paths"].values())
        print(f"{name}: {len(document['paths'])} paths, {operations} operations")
        for path, why in NOT_TESTED.items():
            if path in document["paths"]:
                print(f"{name}: not tested by schemathesis: {path}: {why}")
        server_error_config(document, out / "schemathesis.toml")
        command = [
            str(VENV / "st"), "--no-color", "--config-file", str(out / "schemathesis.toml"), "run", base + "/openapi.json",
            "--url", base, "--checks", CHECKS, "--mode", "positive", "--max-examples", str(args.max_examples),
            "--seed", str(args.seed), "--workers", str(args.workers), "--request-timeout", "10", "--max-redirects", "0",
            "--generation-database", "none", "--suppress-health-check", "all", "--no-shrink",
            "--report", "junit", "--report-dir", str(out),
        ]
        for path in NOT_TESTED:
            command += ["--exclude-path", path]
        if args.phases:
            command += ["--phases", args.phases]
        started = time.monotonic()
        # In the report folder: schemathesis keeps a cache of crashes in its working directory.
        result = subprocess.run(command, capture_output=True, text=True, timeout=ALL_SECONDS, cwd=out)
        (out / "schemathesis.txt").write_text(result.stdout + result.stderr)
        summary = [line for line in result.stdout.splitlines() if re.search(r"(API Operations|Test Phases|Test cases|Failures|Errors|passed|failed|Selected|Tested|Seed)", line)]
        tail = result.stdout.splitlines()[-40:] if result.returncode != 0 else []
        for line in (summary[-12:] + ["..."] + tail if tail else summary[-12:]):
            print(f"{name}: {line}")
        print(f"{name}: schemathesis exit {result.returncode} in {time.monotonic() - started:.0f} s "
              f"(full output: {out / 'schemathesis.txt'})")
        if process.poll() is not None:
            print(f"{name}: the server died (exit {process.returncode})")
            return False
        return result.returncode == 0
    finally:
        harness.stop(process)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", default=".build/release/httpbun")
    parser.add_argument("--max-examples", type=int, default=6)
    parser.add_argument("--seed", type=int, default=20261207)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--phases", default="", help="schemathesis phases (all by default)")
    parser.add_argument("--flavor", action="append", help="only these flavors")
    args = parser.parse_args()
    results = []
    for name, prefix, extra in FLAVORS:
        if args.flavor and name not in args.flavor:
            continue
        results.append(run_flavor(os.path.abspath(args.bin), name, prefix, extra, args))
    passed = sum(results)
    print(f"openapi-check: {passed} passed, {len(results) - passed} failed")
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
