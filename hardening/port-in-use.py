#!/usr/bin/env python3
"""Port in use: a second server started on a port another one already serves must exit non-zero
within a few seconds, say on stderr that the port is in use (naming it), and never print a URL.
SO_REUSEPORT (used so that --threads N daemons share one port) must not let a second process share it:
it would silently take part of the traffic.

Pairs (first --threads, second --threads): 2-2, 2-1, 1-2, 1-1. After each, the first server must
still answer /get. Then the first is not httpbun but a plain listener of this script with
SO_REUSEPORT set (any process of the same user can do that), and httpbun --threads 2 comes second:
it must refuse as well, and all of 20 new connections must reach the first listener. Standard library only, 127.0.0.1 only, bounded in time (about 1 s per pair when
it passes, --timeout s per pair when the second one keeps running).

Usage: hardening/port-in-use.py [--bin .build/release/httpbun] [--timeout 5]
"""
import argparse
import os
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness

PAIRS = [(2, 2), (2, 1), (1, 2), (1, 1)]


def launch(binary, port, threads):
    return harness.launch([binary, "--port", str(port), "--threads", str(threads), "--log-level", "warning"])


def get(port):
    try:
        with harness.connect(port, timeout=3) as s:
            s.sendall(b"GET /get HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            data = harness.recv_until_close(s)
        return data.split(b"\r\n", 1)[0].decode(errors="replace")
    except OSError as e:
        return f"{type(e).__name__}: {e}"


def pair(binary, first_threads, second_threads, timeout):
    label = f"first --threads {first_threads}, second --threads {second_threads}"
    port = harness.free_port()
    first = launch(binary, port, first_threads)
    second = None
    try:
        url = harness.wait_for_url(first, 10)
        if url != f"http://127.0.0.1:{port}":
            print(f"{label}: the first server did not start on {port} (printed {url!r}): {harness.stderr_of(first)[-500:]}")
            return False
        t = time.monotonic()
        second = launch(binary, port, second_threads)
        try:
            status = second.wait(timeout)
        except subprocess.TimeoutExpired:
            status = None
        elapsed = time.monotonic() - t
        out, err = harness.stdout_of(second), harness.stderr_of(second)
        message = err.strip().splitlines()[-1] if err.strip() else ""
        printed_url = "http" in out
        says_in_use = "in use" in err.lower() and str(port) in err
        first_answers = get(port)
        first_alive = first.poll() is None
        ok = (status is not None and status != 0 and not printed_url and says_in_use
              and first_alive and first_answers.startswith("HTTP/1.1 200"))
        if status is None:
            outcome = f"still running after {timeout:.0f} s"
        else:
            outcome = f"exited with status {status} after {elapsed:.2f} s"
        print(f"{label}: second {outcome}; stdout {out.strip()!r}; stderr names the port as in use: "
              f"{says_in_use} ({message[:160]!r}); first alive: {first_alive}, /get on {port}: "
              f"{first_answers!r} -> {'PASS' if ok else 'FAIL'}")
        if status == 0:
            print("  (exit status 0 for a server that could not serve)")
        if not says_in_use and err.strip():
            print("  second's stderr:", err.strip()[-600:])
        return ok
    finally:
        if second is not None:
            harness.stop(second)
        harness.stop(first)


def foreign_listener(binary, timeout):
    label = "a foreign SO_REUSEPORT listener first, httpbun --threads 2 second"
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    port = listener.getsockname()[1]
    second = launch(binary, port, 2)
    try:
        try:
            status = second.wait(timeout)
        except subprocess.TimeoutExpired:
            status = None
        out, err = harness.stdout_of(second), harness.stderr_of(second)
        # Which process gets new connections: the kernel spreads them over every SO_REUSEPORT listener.
        clients = [harness.connect(port, timeout=2) for _ in range(20)]
        listener.setblocking(False)
        reached = 0
        time.sleep(0.2)
        while True:
            try:
                conn, _ = listener.accept()
                conn.close()
                reached += 1
            except BlockingIOError:
                break
        for c in clients:
            c.close()
        says_in_use = "in use" in err.lower() and str(port) in err
        ok = status is not None and status != 0 and "http" not in out and says_in_use and reached == 20
        outcome = f"still running after {timeout:.0f} s" if status is None else f"exited with status {status}"
        message = err.strip().splitlines()[-1] if err.strip() else ""
        print(f"{label}: httpbun {outcome}; stdout {out.strip()!r}; stderr names the port as in use: "
              f"{says_in_use} ({message[:160]!r}); new connections reaching the first listener: "
              f"{reached}/20 -> {'PASS' if ok else 'FAIL'}")
        return ok
    finally:
        harness.stop(second)
        listener.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=".build/release/httpbun")
    ap.add_argument("--timeout", type=float, default=5.0, help="how long the second server may take to give up")
    args = ap.parse_args()
    results = [pair(args.bin, a, b, args.timeout) for a, b in PAIRS]
    results.append(foreign_listener(args.bin, args.timeout))
    print("port-in-use:", "PASS" if all(results) else "FAIL")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
