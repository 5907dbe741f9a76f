#!/usr/bin/env python3
"""Announced-but-unsent bodies must not cost the server their announced size up front.

Starts the server under an address-space limit (RLIMIT_AS, like a CI container with strict memory
accounting), opens CONNECTIONS connections that each announce a body just under --max-body-size
and send 1 KB of it (then, on a fresh server, 200 KB: past the engine's first 64 KiB slice, where
its buffer starts to grow), then checks that the server still answers /get and survives. Before
the fix, the engine reserved the whole announced length per connection (16 MiB x 300 = 4.8 GB >
the 2 GB limit here) and the process died when an allocation failed. The buffer now grows with
what arrives, capped at the announced length.

Usage: hardening/announced-bodies.py [--bin .build/release/httpbun] [--connections 300]
"""
import argparse
import os
import resource
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=".build/release/httpbun")
    ap.add_argument("--connections", type=int, default=300)
    ap.add_argument("--address-space-mb", type=int, default=2048)
    args = ap.parse_args()
    limit = args.address_space_mb * 1024 * 1024

    def constrain():
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    resource.setrlimit(resource.RLIMIT_NOFILE, (4096, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))
    results = [attempt(args, constrain, sent) for sent in (1024, 200 * 1024)]
    return 0 if all(results) else 1


def attempt(args, constrain, sent):
    proc, port = harness.start([args.bin, "--port", "0", "--log-level", "error"], preexec_fn=constrain)
    announced = 16 * 1024 * 1024 - 1
    socks = []
    for _ in range(args.connections):
        try:
            s = harness.connect(port)
            s.sendall(b"POST /post HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % announced + b"x" * sent)
            socks.append(s)
        except OSError:
            break
    time.sleep(1.5)
    alive = proc.poll() is None
    answer = b""
    if alive:
        s = harness.connect(port, timeout=5)
        s.sendall(b"GET /get HTTP/1.1\r\nHost: x\r\n\r\n")
        answer = s.recv(12)
    for s in socks:
        s.close()
    harness.stop(proc)
    err = harness.stderr_of(proc)
    ok = alive and answer.startswith(b"HTTP/1.1 200")
    print(f"{len(socks)} connections announcing {announced} bytes and sending {sent} under a {args.address_space_mb} MB "
          f"address space: server {'alive' if alive else 'DIED (status %s)' % proc.returncode}, /get {answer!r} -> {'PASS' if ok else 'FAIL'}")
    if not ok:
        print(err[-1500:])
    return ok


if __name__ == "__main__":
    sys.exit(main())
