#!/usr/bin/env python3
"""Loads the home page in headless Chromium and holds it to the route catalogue.

For each flavor (and once under a path prefix): starts the binary on 127.0.0.1, port 0; reads the
catalogue from `httpbun --list-endpoints`; loads `/` in Chromium (`--dump-dom`, so the page is what a
browser built, not the bytes we sent); asserts that the page's endpoint links are exactly the
catalogue's patterns, each pointing at the endpoint's example path; then follows every link whose
pattern takes no parameters (faults, streams and waits excepted) and expects neither 404 nor 5xx.

usage: scripts/check-home-page.py --bin .build/release/httpbun [--chromium chromium]
"""
import argparse
import http.client
import json
import shutil
import subprocess
import urllib.parse
import sys
from html.parser import HTMLParser

SKIPPED = ("/fault/", "/sse", "/drip", "/delay")


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and "data-pattern" in attrs:
            self.links.append((attrs["data-pattern"], attrs.get("href", "")))


def start(binary, args):
    server = subprocess.Popen([binary, "--port", "0", "--log-level", "warning", *args],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    url = server.stdout.readline().strip()
    if not url.startswith("http://"):
        server.kill()
        sys.exit(f"the server printed no URL: {url!r}")
    return server, url


def check(binary, chromium, flavor, prefix):
    label = f"{flavor}{' under ' + prefix if prefix else ''}"
    catalogue = [json.loads(line) for line in
                 subprocess.run([binary, "--list-endpoints", "--flavor", flavor], check=True,
                                capture_output=True, text=True).stdout.splitlines()]
    args = ["--flavor", flavor] + (["--path-prefix", prefix] if prefix else [])
    server, url = start(binary, args)
    failures = []
    try:
        dom = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom",
                              url + "/"], check=True, capture_output=True, text=True, timeout=60).stdout
        parser = Links()
        parser.feed(dom)
        found = {pattern: href for pattern, href in parser.links}
        expected = {entry["pattern"]: prefix + entry["example"] for entry in catalogue}
        if len(parser.links) != len(found):
            failures.append("a pattern is linked twice")
        for pattern in sorted(set(expected) - set(found)):
            failures.append(f"missing from the page: {pattern}")
        for pattern in sorted(set(found) - set(expected)):
            failures.append(f"on the page but not in the catalogue: {pattern}")
        for pattern, href in found.items():
            if pattern in expected and href != expected[pattern]:
                failures.append(f"{pattern} links to {href}, not {expected[pattern]}")
        # The printed URL ends with the prefix (the server's baseURL).
        parts = urllib.parse.urlsplit(url)
        host, port = parts.hostname, parts.port
        followed = 0
        for entry in catalogue:
            pattern = entry["pattern"]
            if "{" in pattern or pattern.startswith(SKIPPED):
                continue
            method = (entry["methods"] or ["GET"])[0]
            connection = http.client.HTTPConnection(host, int(port), timeout=10)
            connection.request(method, found.get(pattern, prefix + pattern))
            status = connection.getresponse().status
            connection.close()
            followed += 1
            if status == 404 or status >= 500:
                failures.append(f"{method} {pattern}: {status}")
        print(f"{label}: {len(found)} links, catalogue {len(expected)}; followed {followed}: "
              + ("ok" if not failures else f"{len(failures)} failures"))
    finally:
        server.terminate()
        server.wait(timeout=10)
    for failure in failures:
        print(f"  {label}: {failure}")
    return not failures


def main():
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--bin", required=True)
    arguments.add_argument("--chromium", default=shutil.which("chromium") or "chromium")
    options = arguments.parse_args()
    results = [check(options.bin, options.chromium, flavor, prefix)
               for flavor, prefix in [("httpbun", ""), ("httpbin", ""), ("httpbun", "/api")]]
    print("home page: PASS" if all(results) else "home page: FAIL")
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
