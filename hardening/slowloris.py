#!/usr/bin/env python3
"""Slow clients: 1,000 slowloris connections vs. one normal client, then the idle timeout.

Phase 1: opens SLOW connections that send a request line and then one header byte every 2-3 s
(never finishing their headers), while a separate process measures /get latency for DURATION
seconds over keep-alive, and over a fresh connection per request. Pass: p99 < 10 ms for both.
Phase 2: restarts the server with --idle-timeout 3 and checks that idle connections (connected,
nothing sent; and keep-alive after one answer) are closed by the server within ~3 s + slack.
Note: a connection that keeps dribbling bytes is not idle; MHD closes it when its headers outgrow
the per-connection memory (32 KiB: 431), i.e. never at this pace. The connection limit is what
bounds them (docs/limits.md). Standard library only; 127.0.0.1 only; bounded in time.

Usage: hardening/slowloris.py [--bin .build/release/httpbun] [--slow 1000] [--duration 20]
"""
import argparse
import asyncio
import os
import random
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness

REQUEST = b"GET /get HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"


def start(binary, *extra):
    return harness.start([binary, "--port", "0", "--log-level", "error", *extra])


def read_response(sock):
    status, _, _ = harness.read_answer(sock)
    assert status == 200, status


def measure(port, duration):
    """The normal client (run in its own process, so the slow clients' event loop cannot delay it)."""
    keep, fresh = [], []
    end = time.monotonic() + duration
    s = harness.connect(port)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    while time.monotonic() < end:
        t = time.perf_counter()
        s.sendall(REQUEST)
        read_response(s)
        keep.append(time.perf_counter() - t)
        t = time.perf_counter()
        f = harness.connect(port)
        f.sendall(REQUEST)
        read_response(f)
        f.close()
        fresh.append(time.perf_counter() - t)
        time.sleep(0.005)
    def p(values, q):
        values = sorted(values)
        return values[min(len(values) - 1, int(len(values) * q))] * 1000
    print(f"{len(keep)} {p(keep, 0.5):.3f} {p(keep, 0.99):.3f} {max(keep) * 1000:.3f} "
          f"{len(fresh)} {p(fresh, 0.5):.3f} {p(fresh, 0.99):.3f} {max(fresh) * 1000:.3f}")


async def slow_client(port, stop, stats):
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        stats["refused"] += 1
        return
    stats["open"] += 1
    try:
        writer.write(b"GET /get HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        await writer.drain()
        while not stop.is_set():
            await asyncio.sleep(random.uniform(2.0, 3.0))
            writer.write(b"a")
            await writer.drain()
            stats["bytes"] += 1
    except (ConnectionError, OSError):
        stats["dropped"] += 1
    finally:
        stats["open"] -= 1
        writer.close()


async def phase_slowloris(binary, slow, duration):
    proc, port = start(binary)
    stats = {"open": 0, "refused": 0, "dropped": 0, "bytes": 0}
    stop = asyncio.Event()
    tasks = [asyncio.create_task(slow_client(port, stop, stats)) for _ in range(slow)]
    await asyncio.sleep(3)
    print(f"slowloris: {stats['open']} slow connections open ({stats['refused']} refused)")
    m = await asyncio.create_subprocess_exec(sys.executable, __file__, "--measure", str(port), "--duration", str(duration),
                                             stdout=asyncio.subprocess.PIPE)
    out, _ = await m.communicate()
    still_open = stats["open"]
    stop.set()
    await asyncio.gather(*tasks)
    alive = proc.poll() is None
    harness.stop(proc)
    n, p50, p99, mx, fn, fp50, fp99, fmx = out.decode().split()
    print(f"normal client during slowloris, keep-alive: {n} requests, p50 {p50} ms, p99 {p99} ms, max {mx} ms")
    print(f"normal client during slowloris, new connection each: {fn} requests, p50 {fp50} ms, p99 {fp99} ms, max {fmx} ms")
    print(f"slow connections still open at the end: {still_open}, dropped by server: {stats['dropped']}, "
          f"header bytes dribbled: {stats['bytes']}, server alive: {alive}")
    return alive and float(p99) < 10 and float(fp99) < 10 and still_open >= slow * 0.99


def phase_idle(binary, timeout=3):
    proc, port = start(binary, "--idle-timeout", str(timeout))
    silent = [harness.connect(port) for _ in range(50)]
    kept = []
    for _ in range(50):
        s = harness.connect(port)
        s.sendall(REQUEST)
        read_response(s)
        kept.append(s)
    start_time = time.monotonic()
    closed_at = {}
    for s in silent + kept:
        s.settimeout(0.2)
    while len(closed_at) < 100 and time.monotonic() - start_time < timeout + 5:
        for i, s in enumerate(silent + kept):
            if i in closed_at:
                continue
            try:
                if s.recv(1) == b"":
                    closed_at[i] = time.monotonic() - start_time
            except socket.timeout:
                pass
            except ConnectionError:
                closed_at[i] = time.monotonic() - start_time
    latest = max(closed_at.values()) if closed_at else float("inf")
    ok = len(closed_at) == 100 and latest <= timeout + 2
    print(f"idle timeout {timeout}s: {len(closed_at)}/100 idle connections closed by the server "
          f"(50 silent, 50 keep-alive), last after {latest:.1f}s")
    harness.stop(proc)
    return ok


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=".build/release/httpbun")
    ap.add_argument("--slow", type=int, default=1000)
    ap.add_argument("--duration", type=float, default=20)
    ap.add_argument("--measure", type=int)
    args = ap.parse_args()
    if args.measure:
        measure(args.measure, args.duration)
        return 0
    harness.raise_fd_limit(args.slow + 1024)
    ok1 = asyncio.run(phase_slowloris(args.bin, args.slow, args.duration))
    ok2 = phase_idle(args.bin)
    print("slowloris:", "PASS" if ok1 else "FAIL", "| idle timeout:", "PASS" if ok2 else "FAIL")
    return 0 if ok1 and ok2 else 1


if __name__ == "__main__":
    sys.exit(main())
