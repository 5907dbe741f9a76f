#!/usr/bin/env python3
"""Overload: more connections than --connection-limit. Nothing may crash; past the limit new
connections wait in the kernel's listen queue (MHD stops accepting while it is at the limit) or
are closed, and are served once slots free up. Standard library only, 127.0.0.1 only, bounded.

Scenario: --connection-limit LIMIT (default 100); HOLD connections park in /delay/3; then EXTRA
more connections each send /get. We record for the extra ones: answered while the limit was full,
closed/reset, or answered after the holders finished (queued). Afterwards /get must still work.

Usage: hardening/overload.py [--bin .build/release/httpbun] [--limit 100] [--extra 200]
"""
import argparse
import os
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness

REQ = b"GET /get HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"


def fetch(port, request, results, index, started):
    try:
        s = harness.connect(port, timeout=15)
    except OSError as e:
        results[index] = ("refused", time.monotonic() - started, str(e))
        return
    try:
        s.sendall(request)
        data = harness.recv_until_close(s)
        outcome = data[:12].decode(errors="replace") if data else "closed"
        results[index] = (outcome, time.monotonic() - started, "")
    except socket.timeout:
        results[index] = ("timeout", time.monotonic() - started, "")
    except OSError as e:
        results[index] = ("reset", time.monotonic() - started, str(e))
    finally:
        s.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=".build/release/httpbun")
    ap.add_argument("--limit", type=int, default=100)
    ap.add_argument("--extra", type=int, default=200)
    args = ap.parse_args()
    harness.raise_fd_limit(4096)
    proc, port = harness.start([args.bin, "--port", "0", "--log-level", "warning", "--connection-limit", str(args.limit)])
    started = time.monotonic()
    hold = args.limit
    holders = [None] * hold
    threads = [threading.Thread(target=fetch, args=(port, b"GET /delay/3 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", holders, i, started)) for i in range(hold)]
    for t in threads:
        t.start()
    time.sleep(1.0)
    extra = [None] * args.extra
    more = [threading.Thread(target=fetch, args=(port, REQ, extra, i, started)) for i in range(args.extra)]
    for t in more:
        t.start()
    for t in threads + more:
        t.join(30)
    alive = proc.poll() is None
    check = [None]
    fetch(port, REQ, check, 0, started)
    status = harness.stop(proc)
    err = harness.stderr_of(proc)
    def summary(results):
        counts = {}
        for r in results:
            key = r[0] if r else "none"
            counts[key] = counts.get(key, 0) + 1
        return counts
    # "While full": before the first holder's /delay/3 ended and freed a slot.
    first_free = min(r[1] for r in holders if r)
    early = sum(1 for r in extra if r and r[0].startswith("HTTP/1.1 200") and r[1] < first_free)
    late = sum(1 for r in extra if r and r[0].startswith("HTTP/1.1 200") and r[1] >= first_free)
    print(f"limit {args.limit}: {hold} holders in /delay/3 -> {summary(holders)}")
    print(f"{args.extra} connections past the limit -> {summary(extra)}; "
          f"answered while full: {early}, answered after the holders left (queued): {late}; first slot freed at {first_free:.2f}s, "
          f"extra answers between {min(r[1] for r in extra if r):.2f}s and {max(r[1] for r in extra if r):.2f}s")
    mhd_lines = sorted({line.split('libmicrohttpd: ')[-1][:80] for line in err.splitlines() if 'libmicrohttpd' in line})
    print("server log about the limit:", mhd_lines[:3])
    ok = alive and check[0][0].startswith("HTTP/1.1 200") and status == 0 and "Fatal" not in err
    print(f"server alive: {alive}, /get afterwards: {check[0][0]!r}, exit status {status} ->", "PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
