#!/usr/bin/env python3
"""Shutdown under load: SIGTERM must end the server within 1 s (or as --drain-timeout says), with
exit status 0 and no abort.

Scenario 1: 1,000 requests parked in /delay/30 (suspended connections), then SIGTERM.
Scenario 2: SIGTERM in the middle of a 100 MiB upload the server accepts (--max-body-size 200 MiB).
Scenario 3: SIGTERM while a client still pushes a 100 MiB body the server refused with 413
            (default --max-body-size 16 MiB).
Scenario 4: SIGTERM 0.5 s into /delay/3 (1 request, then --inflight 50 at once): no request may
            get an answer (not a 200, not a byte); each connection is closed without one.
Scenario 5: SIGTERM in the middle of streams: --drips 100 x /drip?numbytes=10&duration=5&delay=0, 20 x
            /drip-lines and 20 x /sse?count=10&delay=1 (httpbun's whole seconds), then 100 drips again while 4 threads load
            the server with keep-alive /get. Every stream must end truncated, without the last chunk
            (0 CRLF CRLF): a client must be able to tell a cut stream from a finished one. (Stream
            starts are spread over 0.5 s; a short stream that ends before SIGTERM must be seen
            complete, which proves the check can tell the two apart.)
Scenario 6: --drain-timeout (env HTTPBUN_DRAIN_TIMEOUT, default 0). With 5: 20 x /delay/2 in
            flight at SIGTERM all get their complete 200, none before its 2 s; connections opened
            after SIGTERM get no answer; the process exits within 1 s of the last answer (idle
            keep-alive connections must not hold it); 2 s drips in flight end complete. With 1 and
            a /delay/4 in flight: exit at ~1 s, no answer, 5 s drips cut without their last chunk.
            The environment twin with 5: as the flag.
Each prints the time from SIGTERM to exit and the exit status (0, no abort). Standard library only,
127.0.0.1 only, bounded in time (about a minute).

Usage: hardening/shutdown.py [--bin .build/release/httpbun] [--parked 1000] [--inflight 50]
                             [--drips 100] [--only NAME,NAME] (names: --list)
"""
import argparse
import os
import signal
import socket
import subprocess
import statistics
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness

MiB = 1024 * 1024


def start(binary, *extra, env=None):
    try:
        return harness.start([binary, "--port", "0", "--log-level", "warning", *extra], env=env)
    except harness.StartError as e:
        raise RuntimeError(f"the server did not start with {list(extra)} {env or ''}: status {e.status}, "
                           f"stderr: {e.stderr[-600:].strip()!r}") from None


def terminate(proc, label, within=(0.0, 1.0), during=None):
    """SIGTERM, then wait for the exit; `during` runs right after the signal. The exit must come
    `within` (low, high) seconds, with status 0 and no abort. Sets proc.sigterm_at and proc.exit_at
    (time.monotonic()) for the callers that time their clients against them."""
    t = proc.sigterm_at = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    if during:
        during()
    try:
        status = proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        status = proc.wait()
        proc.exit_at = time.monotonic()
        print(f"{label}: did NOT exit within 10 s after SIGTERM (killed)")
        return False
    proc.exit_at = time.monotonic()
    elapsed = proc.exit_at - t
    err = harness.stderr_of(proc)
    aborted = any(w in err for w in ("Fatal error", "Backtrace", "abort", "Program crashed"))
    ok = within[0] <= elapsed < within[1] and status == 0 and not aborted
    window = f"< {within[1]:g} s" if within[0] == 0 else f"{within[0]:g}-{within[1]:g} s"
    print(f"{label}: exited {elapsed * 1000:.0f} ms after SIGTERM (want {window}), status {status}, "
          f"{'abort/crash in stderr' if aborted else 'no abort'} -> {'PASS' if ok else 'FAIL'}")
    if not ok:
        print(err[-2000:])
    return ok


def parked_delays(binary, count):
    proc, port = start(binary)
    socks = []
    for _ in range(count):
        s = harness.connect(port)
        s.sendall(b"GET /delay/30 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        socks.append(s)
    time.sleep(1.5)   # let the server read and park all of them
    # Prove they are parked: none has an answer yet.
    answered = 0
    for s in socks:
        s.setblocking(False)
        try:
            if s.recv(1):
                answered += 1
        except BlockingIOError:
            pass
    print(f"{count} requests sent to /delay/30; answered before SIGTERM: {answered}")
    ok = terminate(proc, f"SIGTERM with {count} parked /delay/30")
    # Ended means the server's side went away: EOF or a reset. A client still waiting after 2 s was
    # left hanging by the exit, which is what this case is here to catch.
    closed = 0
    for s in socks:
        s.setblocking(True)
        s.settimeout(2)
        try:
            harness.recv_until_close(s)
            closed += 1
        except ConnectionError:
            closed += 1
        except (socket.timeout, OSError):
            pass
        s.close()
    print(f"parked clients whose connection ended: {closed}/{count}")
    parked = answered == 0
    if not parked:
        print("FAIL: some requests were answered before SIGTERM, so they were not parked")
    if closed != count:
        print("FAIL: some parked clients were left waiting after the exit")
    return ok and parked and closed == count


def upload(binary, extra, label, total=100 * MiB):
    proc, port = start(binary, *extra)
    s = harness.connect(port)
    s.sendall(b"POST /post HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\n"
              b"Content-Length: %d\r\n\r\n" % total)
    sent = [0]
    error = [None]

    def pump():
        block = b"x" * (256 * 1024)
        try:
            while sent[0] < total:
                s.sendall(block)
                sent[0] += len(block)
                time.sleep(0.01)   # ~25 MiB/s: the upload is still going when SIGTERM comes
        except OSError as e:
            error[0] = e

    thread = threading.Thread(target=pump, daemon=True)
    thread.start()
    time.sleep(1.0)
    print(f"{label}: {sent[0] // MiB} MiB of {total // MiB} MiB sent when SIGTERM is sent"
          + (f" (client already got {type(error[0]).__name__})" if error[0] else ""))
    ok = terminate(proc, label)
    thread.join(5)
    s.close()
    return ok


# ---- In-flight requests and streams at SIGTERM --------------------------------------------------

class Exchange(threading.Thread):
    """One connection, one request; reads until EOF, a reset or `timeout` and timestamps what came:
    t_send, t_headers (status line and headers in), t_answer (a complete answer, chunked ones with
    their last chunk), t_end; end is "eof", "reset", "timeout" or "connect: ..."."""

    def __init__(self, port, request, timeout):
        super().__init__(daemon=True)
        self.port, self.request, self.timeout = port, request, timeout
        self.t_send = self.t_headers = self.t_answer = self.t_end = None
        self.status, self.data, self.end = None, b"", None

    def run(self):
        try:
            s = harness.connect(self.port, timeout=self.timeout)
        except OSError as e:
            self.end, self.t_end = f"connect: {type(e).__name__}", time.monotonic()
            return
        try:
            s.sendall(self.request)
            self.t_send = time.monotonic()
            deadline = self.t_send + self.timeout
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    self.end = "timeout"
                    break
                s.settimeout(remaining)
                try:
                    chunk = s.recv(65536)
                except socket.timeout:
                    self.end = "timeout"
                    break
                except ConnectionError:
                    self.end = "reset"
                    break
                if not chunk:
                    self.end = "eof"
                    break
                now = time.monotonic()
                self.data += chunk
                if self.t_headers is None and b"\r\n\r\n" in self.data:
                    self.t_headers = now
                    self.status = int(self.data.split(b" ", 2)[1])
                if self.t_answer is None and harness.complete_answer(self.data):
                    self.t_answer = now
        except OSError as e:
            self.end = f"error: {type(e).__name__}"
        finally:
            self.t_end = time.monotonic()
            s.close()


def launch(port, path, count, timeout, close_every=0, spread=0.0):
    """`count` Exchanges for GET `path`; with close_every=N, every Nth sends Connection: close;
    with `spread`, their starts are spaced over that many seconds."""
    exchanges = []
    for i in range(count):
        if spread and i:
            time.sleep(spread / count)
        close = b"Connection: close\r\n" if close_every and i % close_every == 0 else b""
        x = Exchange(port, b"GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n%s\r\n" % (path.encode(), close), timeout)
        x.start()
        exchanges.append(x)
    return exchanges


def tally(items):
    counts = {}
    for item in items:
        counts[item] = counts.get(item, 0) + 1
    return counts


def inflight_delay(binary, count):
    """SIGTERM 0.5 s into /delay/3: no answer at all, the connection closed."""
    label = f"SIGTERM 0.5 s into {count} x /delay/3"
    proc, port = start(binary)
    xs = launch(port, "/delay/3", count, timeout=6)
    time.sleep(0.5)
    early = sum(1 for x in xs if x.data)
    ok = terminate(proc, label)
    for x in xs:
        x.join(8)
    answered = [x for x in xs if x.data]
    after = [x.t_headers - proc.sigterm_at for x in answered if x.t_headers]
    print(f"{label}: answered {len(answered)}/{count} (complete 200s: "
          f"{sum(1 for x in answered if x.t_answer and x.status == 200)}"
          + (f", {min(after):.2f}-{max(after):.2f} s after SIGTERM" if after else "")
          + f"); before SIGTERM: {early}; ends: {tally(x.end for x in xs)}")
    closed = all(x.end in ("eof", "reset") for x in xs)
    if answered:
        print(f"FAIL: requests in flight at SIGTERM were answered (first bytes: {answered[0].data[:40]!r})")
    if not closed:
        print("FAIL: some connections were not closed by the exit")
    return ok and not answered and closed


def loader(port, stop, stats):
    """Keep-alive GET /get in a loop until `stop` is set or the server goes away."""
    request = b"GET /get HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    s, data = None, b""
    while not stop.is_set():
        try:
            if s is None:
                s = harness.connect(port, timeout=3)
                data = b""
            s.sendall(request)
            _, _, data = harness.read_answer(s, data)
            stats.append(time.monotonic())
        except (OSError, harness.MalformedAnswer):
            if s:
                s.close()
            s = None
            if stop.is_set():
                break
            time.sleep(0.01)   # refused after the exit: retry until stopped
    if s:
        s.close()


def inflight_streams(binary, path, count, control, load_threads=0):
    """SIGTERM in the middle of `count` streams: each must end without its last chunk. The starts
    are spread over 0.5 s (one /drip byte interval) so that SIGTERM meets streams at every point
    between two writes. `control`, a short stream of the same kind that ends before SIGTERM, must
    be seen complete: proof that the check can tell a finished stream from a cut one."""
    label = f"SIGTERM 1.2-1.7 s into {count} x {path}" + (f" under {load_threads} keep-alive /get loaders" if load_threads else "")
    proc, port = start(binary)
    stop, stats, loaders = threading.Event(), [], []
    for _ in range(load_threads):
        t = threading.Thread(target=loader, args=(port, stop, stats), daemon=True)
        t.start()
        loaders.append(t)
    [finished] = launch(port, control, 1, timeout=5)
    xs = launch(port, path, count, timeout=9, spread=0.5)
    time.sleep(1.2)
    finished.join(0.1)
    streaming = sum(1 for x in xs if x.status == 200 and x.t_end is None)
    answered_before = len(stats)
    recent = sum(1 for t in stats if t > time.monotonic() - 0.5)
    ok = terminate(proc, label)
    for x in xs:
        x.join(10)
    stop.set()
    for t in loaders:
        t.join(5)
    clean = [x for x in xs if x.t_answer]
    body_bytes = []
    for x in xs:
        head_end = x.data.find(b"\r\n\r\n")
        body_bytes.append(len(x.data) - head_end - 4 if head_end >= 0 else 0)
    print(f"{label}: streaming at SIGTERM {streaming}/{count}; ended with a valid last chunk: "
          f"{len(clean)}/{count}; ends: {tally(x.end for x in xs)}; bytes after the headers "
          f"(chunk framing included) median {statistics.median(body_bytes):.0f}; control {control} "
          f"finished before SIGTERM seen complete: {bool(finished.t_answer)}")
    good = (ok and not clean and streaming == count and all(x.end in ("eof", "reset") for x in xs)
            and finished.t_answer is not None)
    if finished.t_answer is None:
        print(f"FAIL: the control stream was not seen complete ({finished.data[-40:]!r}): the check is blind")
    if load_threads:
        print(f"  load: {answered_before} /get answered before SIGTERM, {recent} in its last 0.5 s")
        good = good and recent > 0
        if not recent:
            print("FAIL: the load was not running at SIGTERM")
    if streaming != count:
        print("FAIL: not every stream was in progress at SIGTERM, so the case was not tested")
    if clean:
        print(f"FAIL: {len(clean)} streams cut by SIGTERM ended like finished ones "
              f"(tail {clean[0].data[-12:]!r}): a client cannot tell they were truncated")
    return good


# ---- --drain-timeout --------------------------------------------------------------------------------

def drain_completes(binary, count=20, env_twin=False):
    """--drain-timeout 5 (or HTTPBUN_DRAIN_TIMEOUT=5): the /delay/2 in flight get their whole 200,
    never early; new connections get nothing; the exit follows the last answer within 1 s."""
    how = "HTTPBUN_DRAIN_TIMEOUT=5" if env_twin else "--drain-timeout 5"
    label = f"{how}, SIGTERM 0.5 s into {count} x /delay/2"
    proc, port = (start(binary, env={"HTTPBUN_DRAIN_TIMEOUT": "5"}) if env_twin
                  else start(binary, "--drain-timeout", "5"))
    # Every other client keeps its connection open after the answer (keep-alive, as pools do):
    # an idle connection must not hold the drain until its timeout.
    xs = launch(port, "/delay/2", count, timeout=8, close_every=2)
    # Streams are requests in flight too: a 2 s drip started now ends inside the drain, complete.
    drips = launch(port, "/drip?numbytes=4&duration=2&delay=0", 2, timeout=8)
    time.sleep(0.5)
    probes = []

    def probe():
        for _ in range(3):
            time.sleep(0.3)
            p = Exchange(port, b"GET /get HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", 7)
            p.start()
            probes.append(p)

    prober = threading.Thread(target=probe, daemon=True)
    ok = terminate(proc, label, within=(0.0, 4.0), during=prober.start)
    prober.join(2)
    for x in xs + probes + drips:
        x.join(9)
    drips_whole = sum(1 for x in drips if x.t_answer and harness.complete_answer(x.data)[1] == b"****")
    complete = [x for x in xs if x.t_answer and x.status == 200]
    waits = [x.t_answer - x.t_send for x in complete]
    early = [w for w in waits if w < 2.0 - 0.01]
    last = max((x.t_answer for x in complete), default=None)
    tail = proc.exit_at - last if last else None
    answered_probes = [p for p in probes if p.data]
    print(f"{label}: complete 200s {len(complete)}/{count}"
          + (f", {min(waits):.4f}-{max(waits):.4f} s after their request" if waits else "")
          + f"; early (< 2 s): {len(early)}; exit {tail if tail is None else round(tail, 3)} s after the last answer; "
          f"connections opened after SIGTERM: {tally(p.end for p in probes)}, answered {len(answered_probes)}; "
          f"2 s drips complete: {drips_whole}/{len(drips)}")
    good = (ok and len(complete) == count and not early and tail is not None and tail <= 1.0 and not answered_probes
            and drips_whole == len(drips))
    if len(complete) != count:
        print(f"FAIL: {count - len(complete)} requests in flight were not answered in full during the drain "
              f"(ends: {tally(x.end for x in xs if x not in complete)})")
    if early:
        print(f"FAIL: {len(early)} delayed answers came early (shortest {min(early):.3f} s)")
    if tail is not None and tail > 1.0:
        print("FAIL: the process outlived its last answer by more than 1 s")
    if answered_probes:
        print(f"FAIL: a connection opened after SIGTERM was served ({answered_probes[0].data[:30]!r})")
    if drips_whole != len(drips):
        print("FAIL: a drip in flight that ends within the drain timeout was not delivered whole")
    return good


def drain_expires(binary):
    """--drain-timeout 1 with a /delay/4 in flight: exit at ~1 s, the request gets no answer."""
    label = "--drain-timeout 1, SIGTERM 0.5 s into /delay/4"
    proc, port = start(binary, "--drain-timeout", "1")
    [x] = launch(port, "/delay/4", 1, timeout=7)
    drips = launch(port, "/drip?numbytes=10&duration=5&delay=0", 2, timeout=8)
    time.sleep(0.5)
    ok = terminate(proc, label, within=(0.9, 1.6))
    for y in [x] + drips:
        y.join(8)
    cut = sum(1 for y in drips if y.status == 200 and not y.t_answer and y.end in ("eof", "reset"))
    print(f"{label}: the delayed request got {len(x.data)} bytes, ended by {x.end}"
          + (f" {x.t_end - proc.sigterm_at:.2f} s after SIGTERM" if x.t_end else "")
          + f"; 5 s drips cut without a last chunk: {cut}/{len(drips)}")
    good = ok and not x.data and x.end in ("eof", "reset") and cut == len(drips)
    if x.data:
        print(f"FAIL: answered after the drain timeout ({x.data[:30]!r})")
    if cut != len(drips):
        print("FAIL: a drip still running at the drain timeout did not end truncated")
    return good


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=".build/release/httpbun")
    ap.add_argument("--parked", type=int, default=1000)
    ap.add_argument("--inflight", type=int, default=50, help="concurrent /delay/3 in flight at SIGTERM")
    ap.add_argument("--drips", type=int, default=100, help="concurrent /drip streams at SIGTERM")
    ap.add_argument("--only", help="comma-separated scenario names (see --list)")
    ap.add_argument("--list", action="store_true")
    args = ap.parse_args()
    harness.raise_fd_limit(args.parked + 1024)
    b = args.bin
    drip, short_drip = "/drip?numbytes=10&duration=5&delay=0", "/drip?numbytes=2&duration=0.2&delay=0"
    scenarios = [
        ("parked", lambda: parked_delays(b, args.parked)),
        ("upload-accepted", lambda: upload(b, ["--max-body-size", str(200 * MiB)], "SIGTERM during an accepted 100 MiB upload")),
        ("upload-refused", lambda: upload(b, [], "SIGTERM during a 100 MiB upload refused with 413")),
        ("inflight-delay", lambda: inflight_delay(b, 1)),
        ("inflight-delays", lambda: inflight_delay(b, args.inflight)),
        ("drip", lambda: inflight_streams(b, drip, args.drips, short_drip)),
        ("drip-lines", lambda: inflight_streams(b, "/drip-lines?numbytes=10&duration=5&delay=0", 20, "/drip-lines?numbytes=2&duration=0.2&delay=0")),
        ("sse", lambda: inflight_streams(b, "/sse?count=10&delay=1", 20, "/sse?count=1&delay=1")),
        ("drip-under-load", lambda: inflight_streams(b, drip, args.drips, short_drip, load_threads=4)),
        ("drain", lambda: drain_completes(b)),
        ("drain-expires", lambda: drain_expires(b)),
        ("drain-env", lambda: drain_completes(b, count=4, env_twin=True)),
    ]
    if args.list:
        print("\n".join(name for name, _ in scenarios))
        return 0
    if args.only:
        wanted = args.only.split(",")
        unknown = set(wanted) - {name for name, _ in scenarios}
        if unknown:
            ap.error(f"unknown scenario {sorted(unknown)}; --list shows them")
        scenarios = [(name, run) for name, run in scenarios if name in wanted]
    results = []
    for name, run in scenarios:
        try:
            ok = run()
        except Exception as e:   # a server that does not start (an unknown flag) fails its case clearly
            print(f"{name}: FAIL ({type(e).__name__}: {e})")
            ok = False
        results.append((name, ok))
    print("failed:", ", ".join(name for name, ok in results if not ok) or "none")
    passed = all(ok for _, ok in results)
    print("shutdown:", "PASS" if passed else "FAIL")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
