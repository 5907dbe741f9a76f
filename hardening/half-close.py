#!/usr/bin/env python3
"""Half-close: a client that shuts down its write side right after its request (one sendall, then
shutdown(SHUT_WR)) must get its whole answer and then see the server close the connection promptly.

libmicrohttpd 0.9.75's edge-triggered epoll loop can miss a FIN that arrives together with the
request; such a connection is then held until the idle timeout (60 s). Each try measures the
"close delay", the time from the last byte of the answer to EOF (or a reset); a try is "held" when
that is over 1 s, and we stop waiting at --wait (2 s) and count it held.

Variants (each run --tries times, --concurrency at a time):
  get         GET /get, FIN: one complete 200 (body of its Content-Length), then EOF
  short-body  POST /post announcing Content-Length: 100, 9 body bytes, FIN: the server must close
              within 1 s of the FIN (no answer, or an error answer; a 2xx would be wrong)
  pipelined   two GETs in one write, FIN: two complete 200s, then EOF
  post        POST /post with its whole 100-byte body, FIN: a complete 200, then EOF
  post-100k   the same with 100 KiB, more than the 32 KiB of per-connection memory
A try whose answers are missing or incomplete is "bad" (a failure for us; the floor, which serves
/get only, may answer any status).

The same tries run against the C floor (bench/c-floor/floor.c, libmicrohttpd with httpbun's daemon
set-up and no Swift): its figures are printed beside ours, not judged; they show whether a fault is
libmicrohttpd's. PASS when our server has no held try and no bad answer in every variant.
Standard library only, 127.0.0.1 only, bounded in time: at most about
variants x 2 servers x tries / concurrency x 2 s (200 s with the defaults; about 80 s in practice,
nearly all of it the C floor's held tries).

Usage: hardening/half-close.py [--bin .build/release/httpbun] [--floor .build/bench/floor]
                               [--tries 200] [--concurrency 20] [--threads 1] [--variants get,pipelined]
"""
import argparse
import concurrent.futures
import os
import socket
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness

HELD = 1.0   # a close delay longer than this is a held connection

VARIANTS = {
    # name: (request bytes, complete answers expected, statuses allowed)
    "get": (b"GET /get HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 1, "200"),
    "short-body": (b"POST /post HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n"
                   b"Content-Length: 100\r\n\r\n123456789", 0, "error"),
    "pipelined": (b"GET /get?n=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                  b"GET /get?n=2 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 2, "200"),
    # A complete body before the FIN must be answered: small, and larger than the 32 KiB of
    # per-connection memory (libmicrohttpd then hands it over in several calls).
    "post": (b"POST /post HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n"
             b"Content-Length: 100\r\n\r\n" + b"x" * 100, 1, "200"),
    "post-100k": (b"POST /post HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\n"
                  b"Content-Length: 102400\r\n\r\n" + b"x" * 102400, 1, "200"),
}


def one_try(port, variant, wait, strict):
    """Returns (problem or None, close delay in seconds or None when still open after `wait`)."""
    request, expected, allowed = VARIANTS[variant]
    try:
        s = harness.connect(port, timeout=5)
    except OSError as e:
        return f"connect: {e}", None
    try:
        s.sendall(request)
        s.shutdown(socket.SHUT_WR)
        t_fin = time.monotonic()
        data, pos, answers = b"", 0, []
        # The clock starts at the last byte of the expected answers (short-body: at the FIN).
        t_done = t_fin if expected == 0 else None
        while True:
            now = time.monotonic()
            remaining = (t_fin + 5.0 - now) if t_done is None else (t_done + wait - now)
            if remaining <= 0:
                break
            s.settimeout(remaining)
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                break
            except ConnectionError:
                chunk = b""   # a reset ends the connection as well as a FIN does
            now = time.monotonic()
            if not chunk:
                if t_done is None:
                    return f"EOF after {len(answers)} of {expected} answers ({len(data)} bytes)", None
                return check(answers, expected, allowed if strict else "any", data, pos), now - t_done
            data += chunk
            while pos < len(data):
                parsed = harness.parse_answer(data, pos)
                if parsed is None:
                    break
                answers.append(parsed[0])
                pos = parsed[2]
            if t_done is None and len(answers) >= expected:
                t_done = now
        if t_done is None:
            return f"only {len(answers)} of {expected} answers within 5 s", None
        return check(answers, expected, allowed if strict else "any", data, pos), None
    except (OSError, ValueError) as e:
        return f"{type(e).__name__}: {e}", None
    finally:
        s.close()


def check(answers, expected, allowed, data, pos):
    if allowed == "200":
        if len(answers) != expected or any(a != 200 for a in answers):
            return f"answers {answers}, expected {expected} x 200"
    elif allowed == "any":
        if len(answers) < expected:
            return f"answers {answers}, expected {expected}"
    elif any(200 <= a < 300 for a in answers):
        return f"answered {answers} to a truncated body"
    if pos < len(data):
        return f"{len(data) - pos} stray bytes after the answers"
    return None


def run_variant(port, variant, tries, concurrency, wait, strict):
    with concurrent.futures.ThreadPoolExecutor(max_workers=concurrency) as pool:
        results = list(pool.map(lambda _: one_try(port, variant, wait, strict), range(tries)))
    problems = [p for p, _ in results if p]
    delays = [d for p, d in results if not p]
    held = sum(1 for d in delays if d is None or d > HELD)
    # A try still open after `wait` counts as an infinite delay: the median of a mostly held row is
    # then "> 2.0 s", not the median of the few tries that did close.
    delays = [float("inf") if d is None else d for d in delays]
    return {"tries": tries, "bad": len(problems), "held": held, "problems": problems,
            "median": statistics.median(delays) if delays else None,
            "max": max(delays) if delays else None}


def fmt(seconds, wait):
    if seconds is None:
        return "-"
    if seconds == float("inf"):
        return f">{wait:.1f} s"
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=".build/release/httpbun")
    ap.add_argument("--floor", default=".build/bench/floor")
    ap.add_argument("--tries", type=int, default=200)
    ap.add_argument("--concurrency", type=int, default=20, help="tries in flight at once")
    ap.add_argument("--threads", type=int, default=1, help="--threads of both servers")
    ap.add_argument("--wait", type=float, default=2.0, help="stop waiting for EOF after this (counted held)")
    ap.add_argument("--variants", default=",".join(VARIANTS))
    args = ap.parse_args()
    variants = args.variants.split(",")
    servers = [("httpbun", [args.bin, "--port", "0", "--log-level", "warning", "--threads", str(args.threads)])]
    if os.path.exists(args.floor):
        servers.append(("C floor", [args.floor, "--port", "0", "--threads", str(args.threads)]))
    else:
        print(f"C floor not found at {args.floor} (make half-close builds it); only httpbun is measured")
    rows = []
    ours_ok = True
    for name, argv in servers:
        proc, port = harness.start(argv)
        try:
            for variant in variants:
                # The floor serves /get only (/post is its 404): any complete answer will do there.
                r = run_variant(port, variant, args.tries, args.concurrency, args.wait, strict=name == "httpbun")
                rows.append((name, variant, r))
                if name == "httpbun":
                    ours_ok = ours_ok and r["bad"] == 0 and r["held"] == 0
                    alive = proc.poll() is None
                    if not alive:
                        print(f"httpbun exited (status {proc.returncode}) during {variant}")
                        ours_ok = False
                        break
        finally:
            harness.stop(proc)
    print(f"\nhalf-close: {args.tries} tries per row, {args.concurrency} at a time, --threads {args.threads}; "
          f"close delay = last byte of the answer (short-body: the FIN) to EOF; held = over {HELD:.0f} s "
          f"or still open after {args.wait:.0f} s")
    print(f"{'server':<9} {'variant':<11} {'tries':>5} {'bad':>4} {'held > 1 s':>10} {'median':>10} {'max':>10}")
    for name, variant, r in rows:
        print(f"{name:<9} {variant:<11} {r['tries']:>5} {r['bad']:>4} {r['held']:>10} "
              f"{fmt(r['median'], args.wait):>10} {fmt(r['max'], args.wait):>10}")
    for name, variant, r in rows:
        for problem in sorted(set(r["problems"]))[:3]:
            print(f"  {name} {variant}: bad answer: {problem}")
    print("(the C floor is the baseline, not judged: held tries there are libmicrohttpd's own)")
    print("half-close:", "PASS" if ours_ok else "FAIL")
    return 0 if ours_ok else 1


if __name__ == "__main__":
    sys.exit(main())
