#!/usr/bin/env python3
"""httpbun's benchmark harness: builds, starts each server on 127.0.0.1, loads it, writes bench/RESULTS.md.

Run it through `bench/run` (or `make bench`). Not a test: it does not run in CI, and it takes a few
minutes. Every load is bounded in count and time and goes to 127.0.0.1 only.

Runs of our server and of its peers are interleaved (run 1 of every server, then run 2, ...) so that
they see the same noise on a shared machine; the tables show medians.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import signal
import socket
import urllib.parse
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
BIN = ROOT / ".build" / "bench"          # the C floor and the load generator (.build is ignored)
RAW = BENCH / "results-raw"              # ignored: raw output of every run
VENV = BENCH / "venv"                    # ignored: python httpbin, gunicorn, requests, httpx
PY = VENV / "bin" / "python"


def log(*parts: object) -> None:
    print("[bench]", *parts, file=sys.stderr, flush=True)


def run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, check=True, text=True, **kw)


def median(values: list[float]) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_kb(pid: int, key: str = "VmRSS") -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def tree_rss_kb(pid: int) -> int:
    """RSS of a process and its children (gunicorn's master and workers)."""
    total = rss_kb(pid)
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        children = []
    return total + sum(tree_rss_kb(int(c)) for c in children)


def tree_cpu_seconds(pid: int) -> float:
    """User plus system CPU time a process and its children have used so far."""
    try:
        # Fields after the command name, which may hold spaces: utime and stime are the 12th and 13th.
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return 0.0
    return own + sum(tree_cpu_seconds(int(c)) for c in children)


# ---------------------------------------------------------------------------------------------------
# Servers


@dataclass
class Server:
    name: str
    proc: subprocess.Popen
    port: int
    log_path: Path | None = None   # where its standard error goes, as a container runtime keeps it

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.log_path:
            self.log_path.unlink(missing_ok=True)

    def access_lines(self, target: str) -> int:
        """Access lines for `target` in the log file now."""
        if not self.log_path:
            return 0
        needle = f" {target} ".encode()
        with open(self.log_path, "rb") as f:
            return sum(1 for line in f if needle in line)


def wait_ready(port: int, path: str = "/", timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
                if s.recv(16).startswith(b"HTTP/1."):
                    return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"server on port {port} did not answer within {timeout}s")


def start_printing_url(name: str, cmd: list[str], log_path: Path | None = None) -> Server:
    """Servers that print their URL on the first stdout line (ours, the C floor)."""
    with open(log_path, "wb") if log_path else open(os.devnull, "wb") as errors:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=errors, text=True)
    line = proc.stdout.readline().strip()
    if not line:
        raise RuntimeError(f"{name} printed no URL: {cmd}")
    port = urllib.parse.urlsplit(line.strip()).port
    return Server(name, proc, port, log_path)


class Peers:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.httpbun = str(ROOT / ".build" / "release" / "httpbun")
        self.floor = str(BIN / "floor")
        self.go_httpbin = os.environ.get("GO_HTTPBIN_BIN")
        self.logs = Path(tempfile.gettempdir())   # main() points it at the run's own folder
        self.started = 0

    def ours(self, threads: int = 1, *extra: str) -> Server:
        """Ours as shipped (access log on, journal on for loopback), standard error to a file on
        disk, as a container runtime or a CI job keeps it."""
        self.started += 1
        return start_printing_url(
            f"httpbun t{threads}", [self.httpbun, "--port", "0", "--threads", str(threads), *extra],
            log_path=self.logs / f"httpbun-{self.started}.log")

    def c_floor(self, threads: int = 1, *extra: str) -> Server:
        return start_printing_url(f"C floor t{threads}", [self.floor, "--threads", str(threads), *extra])

    def httpbin(self) -> Server:
        port = free_port()
        proc = subprocess.Popen(
            [str(VENV / "bin" / "gunicorn"), "-w", "2", "-k", "sync", "-b", f"127.0.0.1:{port}",
             "--log-level", "warning", "httpbin:app"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tempfile.gettempdir())
        wait_ready(port, "/get")
        return Server("python httpbin", proc, port)

    def go(self) -> Server:
        port = free_port()
        proc = subprocess.Popen([self.go_httpbin, "-host", "127.0.0.1", "-port", str(port)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_ready(port, "/get")
        return Server("go-httpbin", proc, port)


# ---------------------------------------------------------------------------------------------------
# Load


def wrk(url: str, seconds: float, threads: int = 2, connections: int = 64, script: Path | None = None) -> dict:
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{int(round(seconds))}s", "--timeout", "5s"]
    if script:
        cmd += ["-s", str(script)]
    out = run(cmd + [url], capture_output=True, timeout=seconds + 30).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    return {"rps": rps, "requests": requests, "non2xx": int(errors.group(1)) if errors else 0,
            "socket_errors": socket_errors.group(1) if socket_errors else "", "raw": out}


def lua_post_script(path: Path, body_file: Path, content_type: str) -> Path:
    path.write_text(
        'wrk.method = "POST"\n'
        f'wrk.headers["Content-Type"] = "{content_type}"\n'
        f'local f = io.open("{body_file}", "rb")\nwrk.body = f:read("*a")\nf:close()\n')
    return path


# ---------------------------------------------------------------------------------------------------
# The suite


@dataclass
class Results:
    rows: dict[str, dict[str, list]] = field(default_factory=dict)   # section -> label -> values
    notes: list[str] = field(default_factory=list)
    raw: list[dict] = field(default_factory=list)

    def add(self, section: str, label: str, value, raw: dict | None = None) -> None:
        self.rows.setdefault(section, {}).setdefault(label, []).append(value)
        self.raw.append({"section": section, "label": label, "value": value, **({"raw": raw} if raw else {})})

    def med(self, section: str, label: str, key: str | None = None):
        values = self.rows.get(section, {}).get(label, [])
        if key:
            values = [v[key] for v in values if v and v.get(key) is not None]
        return median(values)


def bench_get(p: Peers, r: Results, runs: int, seconds: float) -> None:
    url_path = "/get?a=1&b=2"
    configs = [(f"httpbun t{t}", lambda t=t: p.ours(t)) for t in (1, 2)]
    # The access log and the request journal are on by default (the journal on loopback): the same
    # server without each, side by side.
    configs.insert(1, ("httpbun t1 access log off", lambda: p.ours(1, "--access-log", "off")))
    configs.insert(2, ("httpbun t1 journal off", lambda: p.ours(1, "--journal-size", "0")))
    configs += [(f"C floor t{t}", lambda t=t: p.c_floor(t)) for t in (1, 2)]
    configs.append(("python httpbin", p.httpbin))
    if p.go_httpbin:
        configs.append(("go-httpbin", p.go))
    for i in range(runs):
        for label, start in configs:
            server = start()
            try:
                warm = wrk(server.base + url_path, 1)                # warm-up
                cpu_before = tree_cpu_seconds(server.proc.pid)
                result = wrk(server.base + url_path, seconds)
                if server.log_path and "access log off" not in label:
                    # Every answered request's line must be on disk within a second of its answer.
                    time.sleep(1)
                    answered, logged = warm["requests"] + result["requests"], server.access_lines(url_path)
                    r.add("get log", label, logged >= answered)
                    if logged < answered:
                        r.notes.append(f"/get {label} run {i + 1}: {logged} access lines on disk 1 s after "
                                       f"{answered} answers")
                # The server's CPU time per request: steadier than req/s on a shared machine, where
                # wrk and other tenants take CPU from the server unevenly from run to run.
                result["cpu_us"] = (tree_cpu_seconds(server.proc.pid) - cpu_before) * 1e6 / max(result["requests"], 1)
                log(f"get run {i + 1}/{runs} {label}: {result['rps']:.0f} req/s, {result['cpu_us']:.2f} µs CPU per request")
                r.add("get", label, result["rps"], {k: v for k, v in result.items() if k != "raw"})
                r.add("get cpu", label, result["cpu_us"])
                if result["non2xx"] or result["socket_errors"]:
                    r.notes.append(f"/get {label} run {i + 1}: non-2xx {result['non2xx']}, socket errors {result['socket_errors']}")
            finally:
                server.stop()


def bench_post(p: Peers, r: Results, runs: int, seconds: float, work: Path) -> None:
    json_body = work / "body-1k.json"
    items = ",".join(f'"k{i:03d}": "v{i:03d}-xxxxxxxx"' for i in range(44))
    json_body.write_text("{" + items + "}")
    assert 1000 <= json_body.stat().st_size <= 1100, json_body.stat().st_size
    multipart = work / "body-1m.multipart"
    boundary = "benchboundary7MA4YWxkTrZu0gW"
    payload = (b"0123456789abcdef" * 64 + b"\n")[:1024] * 1024   # 1 MiB of text
    multipart.write_bytes(
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n"
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n"
        "Content-Type: text/plain\r\n\r\n".encode() + payload + f"\r\n--{boundary}--\r\n".encode())
    shapes = [
        ("post-json", lua_post_script(work / "post-json.lua", json_body, "application/json"), 64, json_body.stat().st_size),
        ("post-multipart", lua_post_script(work / "post-multipart.lua", multipart, f"multipart/form-data; boundary={boundary}"),
         8, multipart.stat().st_size),
    ]
    configs = [("httpbun t2", lambda: p.ours(2)), ("python httpbin", p.httpbin)]
    if p.go_httpbin:
        configs.append(("go-httpbin", p.go))
    for i in range(runs):
        for label, start in configs:
            server = start()
            try:
                for section, script, conns, size in shapes:
                    wrk(server.base + "/post", 1, connections=conns, script=script)
                    result = wrk(server.base + "/post", seconds, connections=conns, script=script)
                    value = {"rps": result["rps"], "mbps": result["rps"] * size / 1e6}
                    log(f"{section} run {i + 1}/{runs} {label}: {value['rps']:.0f} req/s, {value['mbps']:.1f} MB/s")
                    r.add(section, label, value, {k: v for k, v in result.items() if k != "raw"})
                    if result["non2xx"] or result["socket_errors"]:
                        r.notes.append(f"{section} {label} run {i + 1}: non-2xx {result['non2xx']}, socket errors {result['socket_errors']}")
            finally:
                server.stop()


def bench_upload_rss(p: Peers, r: Results, runs: int, work: Path) -> None:
    """Peak RSS of a fresh server (1 thread) around one 16 MiB multipart upload to /post."""
    boundary = "benchboundary16"
    body = work / "body-16m.multipart"
    payload = (b"0123456789abcdef" * 64 + b"\n")[:1024] * (16 * 1024)
    body.write_bytes(
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.txt\"\r\n"
        "Content-Type: text/plain\r\n\r\n".encode() + payload + f"\r\n--{boundary}--\r\n".encode())
    for i in range(runs):
        server = p.ours(1, "--max-body-size", str(17 * 1024 * 1024))
        try:
            wait_ready(server.port, "/health")
            before = rss_kb(server.proc.pid)
            out = run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code} %{time_total}", "-X", "POST",
                       "-H", f"Content-Type: multipart/form-data; boundary={boundary}",
                       "--data-binary", f"@{body}", server.base + "/post"], capture_output=True, timeout=60).stdout
            status, seconds = out.split()
            peak = rss_kb(server.proc.pid, "VmHWM")
            value = {"status": int(status), "before_kb": before, "peak_kb": peak, "growth_kb": peak - before,
                     "seconds": float(seconds), "body_bytes": body.stat().st_size}
            log(f"upload-16m run {i + 1}/{runs}: {value}")
            r.add("upload-16m", "httpbun t1", value)
        finally:
            server.stop()


def sample_rss_while(proc: subprocess.Popen, pid: int, interval: float = 0.02) -> int:
    peak = 0
    while proc.poll() is None:
        try:
            peak = max(peak, rss_kb(pid))
        except OSError:
            break
        time.sleep(interval)
    return peak


def bench_delay(p: Peers, r: Results, runs: int, n: int) -> None:
    limit = str(n + 1000)
    configs = [("httpbun t1", lambda: p.ours(1, "--connection-limit", limit)),
               ("httpbun t2", lambda: p.ours(2, "--connection-limit", limit)),
               ("C floor t1", lambda: p.c_floor(1, "--connection-limit", limit))]
    for i in range(runs):
        for label, start in configs:
            server = start()
            try:
                wait_ready(server.port, "/health")
                proc = subprocess.Popen([str(BIN / "loadgen"), "burst", str(server.port), str(n), "/delay/1", "20"],
                                        stdout=subprocess.PIPE, text=True)
                peak = sample_rss_while(proc, server.proc.pid)
                result = json.loads(proc.stdout.read())
                result["peak_rss_kb"] = max(peak, rss_kb(server.proc.pid))
                result["ok"] = result["statuses"].get("200", 0)
                log(f"delay run {i + 1}/{runs} {label}: {result}")
                r.add("delay", label, result)
            finally:
                server.stop()
            time.sleep(1)   # let TIME_WAIT sockets and the backlog settle between bursts


def bench_startup(p: Peers, r: Results, runs: int) -> None:
    configs = [("httpbun t1", [p.httpbun, "--port", "0"]),
               ("C floor t1", [p.floor])]
    for i in range(runs):
        for label, cmd in configs:
            out = run([str(BIN / "loadgen"), "startup", cmd[0], "/health", "--", *cmd[1:]],
                      capture_output=True, timeout=30).stdout
            result = json.loads(out)
            r.add("startup", label, result)
    for label, _ in configs:
        log(f"startup {label}: median {r.med('startup', label, 'micros') / 1000:.1f} ms")


def bench_idle(p: Peers, r: Results, runs: int, n: int) -> None:
    configs = [("httpbun t1", lambda: p.ours(1)), ("C floor t1", lambda: p.c_floor(1))]
    for i in range(runs):
        for label, start in configs:
            server = start()
            try:
                wait_ready(server.port, "/health")
                run([str(BIN / "loadgen"), "burst", str(server.port), "200", "/get", "10"], capture_output=True)
                time.sleep(0.3)
                before = rss_kb(server.proc.pid)
                holder = subprocess.Popen([str(BIN / "loadgen"), "idle", str(server.port), str(n), "/get", "20"],
                                          stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
                ready = holder.stdout.readline().split()
                time.sleep(0.5)
                after = rss_kb(server.proc.pid)
                holder.stdin.close()
                holder.wait(10)
                ok = int(ready[1]) if ready and ready[0] == "ready" else 0
                value = {"n": n, "ok": ok, "before_kb": before, "after_kb": after,
                         "per_conn_bytes": (after - before) * 1024 / max(ok, 1)}
                log(f"idle run {i + 1}/{runs} {label}: {value}")
                r.add("idle", label, value)
            finally:
                server.stop()


def bench_clients(p: Peers, r: Results, runs: int, n_seq: int, n_conc: int, client_bin: Path | None) -> None:
    server = p.ours(1)
    try:
        wait_ready(server.port, "/health")
        url = server.base + "/get"
        for i in range(runs):
            for label, cmd in [
                ("AsyncHTTPClient (raw)", [str(client_bin), "ahc-seq", url, str(n_seq)] if client_bin else None),
                # What Session.get cannot beat on AsyncHTTPClient: its read timeout, gzip decoding and default headers.
                ("AsyncHTTPClient (as Requests configures it)", [str(client_bin), "ahc-like-seq", url, str(n_seq)] if client_bin else None),
                ("Requests Session.get", [str(client_bin), "requests-seq", url, str(n_seq)] if client_bin else None),
                ("curl (one process)", "curl"),
                ("python requests.Session", [str(PY), str(BENCH / "clients.py"), "requests-seq", url, str(n_seq)]),
                ("python httpx.Client", [str(PY), str(BENCH / "clients.py"), "httpx-seq", url, str(n_seq)]),
            ]:
                if cmd is None:
                    continue
                if cmd == "curl":
                    args = ["curl", "-s"]
                    for _ in range(n_seq + 1):
                        args += ["-o", "/dev/null", url]
                    start = time.perf_counter()
                    run(args, timeout=120)
                    wall = time.perf_counter() - start
                    # one extra request opens the connection; curl's process start is inside the clock
                    value = {"n": n_seq, "ok": n_seq, "wall_s": wall, "rps": n_seq / wall}
                else:
                    value = json.loads(run(cmd, capture_output=True, timeout=300).stdout.strip().splitlines()[-1])
                log(f"client-seq run {i + 1}/{runs} {label}: {value['rps']:.0f} req/s")
                r.add("client-seq", label, value)
            for label, cmd in [
                ("AsyncHTTPClient (raw, task group)", [str(client_bin), "ahc-concurrent", url, str(n_conc)] if client_bin else None),
                ("Requests Session.gather", [str(client_bin), "requests-gather", url, str(n_conc)] if client_bin else None),
                ("python httpx.AsyncClient + gather", [str(PY), str(BENCH / "clients.py"), "httpx-gather", url, str(n_conc)]),
            ]:
                if cmd is None:
                    continue
                value = json.loads(run(cmd, capture_output=True, timeout=300).stdout.strip().splitlines()[-1])
                log(f"client-conc run {i + 1}/{runs} {label}: {value['wall_s'] * 1000:.0f} ms, ok {value['ok']}")
                r.add("client-conc", label, value)
    finally:
        server.stop()


# ---------------------------------------------------------------------------------------------------
# Report


def fmt(value, spec: str = ",.0f", suffix: str = "") -> str:
    return "–" if value is None else format(value, spec) + suffix


def ratio(a, b) -> str:
    return "–" if a is None or not b else f"{a / b:.2f}x"


def verdict(ok: bool | None) -> str:
    return "–" if ok is None else ("met" if ok else "**missed**")


def report(r: Results, args: argparse.Namespace, load: dict, peers: Peers, started: str) -> str:
    lines: list[str] = []
    w = lines.append
    w("# Benchmark results\n")
    w(f"Produced by `{args.command_line}` on {started} (UTC), commit `{git_rev()}`.")
    w(f"Machine: {os.cpu_count()} cores, shared; load average {load['before']} before, {load['after']} after. "
      f"Medians of {args.runs} runs (start-up: {args.startup_runs}); runs of each server and its peers interleaved.\n")
    targets: list[tuple[str, str, str]] = []

    # /get
    w("## `GET /get?a=1&b=2`, keep-alive, `wrk -t2 -c64`\n")
    w(f"{args.seconds:g} s per run after a 1 s warm-up; a fresh server per run. Ours runs as shipped (default "
      "flags: access log and journal on), its standard error to a file; the rows marked off turn one of them off.\n")
    w("| server | req/s (median) | runs | vs C floor, same threads | server CPU per request (median) | vs C floor |")
    w("| --- | ---: | --- | ---: | ---: | ---: |")
    get = r.rows.get("get", {})
    for label, values in get.items():
        floor_label = (label.replace("httpbun", "C floor").removesuffix(" journal off").removesuffix(" access log off")
                       if label.startswith("httpbun") else None)
        cpu = r.med("get cpu", label)
        # As a throughput ratio (the floor's CPU over ours), so that above 1 is better, like req/s.
        w(f"| {label} | {fmt(median(values))} | {', '.join(fmt(v) for v in values)} | "
          f"{ratio(median(values), r.med('get', floor_label)) if floor_label else ''} | "
          f"{fmt(cpu, '.2f', ' µs') if cpu else ''} | "
          f"{ratio(r.med('get cpu', floor_label), cpu) if floor_label and cpu else ''} |")
    for t in (1, 2):
        ours, floor = r.med("get", f"httpbun t{t}"), r.med("get", f"C floor t{t}")
        if ours and floor:
            targets.append((f"/get as shipped (access log and journal on) ≥ 0.9x C floor, {t} thread{'s' if t > 1 else ''}",
                            f"{ours / floor:.2f}x", verdict(ours / floor >= 0.9)))
    def on_against_off(off_label: str, text: str, floor: float) -> None:
        """A default-on feature: ours as shipped against the same server with it turned off, 1 thread."""
        on, off = r.med("get", "httpbun t1"), r.med("get", off_label)
        if on and off:
            cpu_on, cpu_off = r.med("get cpu", "httpbun t1"), r.med("get cpu", off_label)
            cpu = f", CPU per request {cpu_off / cpu_on:.3f}x" if cpu_on and cpu_off else ""
            targets.append((text, f"{on / off:.3f}x{cpu}", verdict(on / off >= floor)))

    on_against_off("httpbun t1 access log off",
                   "/get with the access log (default, stderr to a file) ≥ 0.95x without (--access-log off), 1 thread", 0.95)
    checks = [ok for values in r.rows.get("get log", {}).values() for ok in values]
    if checks:
        targets.append(("every /get access line on disk 1 s after the run (runs with the log on)",
                        f"{sum(checks)} of {len(checks)} runs", verdict(all(checks))))
    on_against_off("httpbun t1 journal off", "/get with the journal (default) ≥ 0.97x without (--journal-size 0), 1 thread", 0.97)
    best = max((r.med("get", f"httpbun t{t}") or 0) for t in (1, 2))
    hb = r.med("get", "python httpbin")
    if hb:
        targets.append(("/get ≥ 20x python httpbin (best thread count)", f"{best / hb:.1f}x", verdict(best / hb >= 20)))
    w("\nServer CPU per request: the server's user and system time during the run (its children's too, "
      "for gunicorn), over the requests wrk counted. On a shared machine it moves less than req/s, which "
      "also depends on how much CPU wrk and other tenants leave the server; its ratio is the floor's "
      "CPU over ours, so above 1 is better, as for req/s.")
    if not peers.go_httpbin:
        w("\ngo-httpbin: skipped (set `GO_HTTPBIN_BIN` to a go-httpbin binary to include it).")
    w("\npython httpbin 0.10.4: gunicorn, 2 sync workers (one per core); sync workers close every "
      "connection, so wrk reconnects for each request: that is how it is deployed.\n")

    # POST
    w("## `POST /post`\n")
    w("1 KiB JSON with `wrk -t2 -c64`; a 1 MiB multipart upload (one text file part) with `wrk -t2 -c8`. "
      "MB/s counts request bodies. Our server with 2 threads.\n")
    w("| shape | server | req/s | MB/s | vs python httpbin |")
    w("| --- | --- | ---: | ---: | ---: |")
    for section, name in (("post-json", "1 KiB JSON"), ("post-multipart", "1 MiB multipart")):
        for label in r.rows.get(section, {}):
            w(f"| {name} | {label} | {fmt(r.med(section, label, 'rps'))} | {fmt(r.med(section, label, 'mbps'), ',.1f')} | "
              f"{ratio(r.med(section, label, 'rps'), r.med(section, 'python httpbin', 'rps')) if label != 'python httpbin' else ''} |")
    up = r.rows.get("upload-16m", {}).get("httpbun t1", [])
    if up:
        body = up[0]["body_bytes"]
        peak = median([v["peak_kb"] for v in up]) * 1024
        growth = median([v["growth_kb"] for v in up]) * 1024
        w(f"\n16 MiB multipart upload to `/post` (curl, one request, fresh 1-thread server, "
          f"`--max-body-size` 17 MiB): status {up[0]['status']}, peak RSS (VmHWM) {peak / 2**20:.1f} MiB, "
          f"of which {growth / 2**20:.1f} MiB above the idle server ({growth / body:.2f}x the body); "
          f"{median([v['seconds'] for v in up]) * 1000:.0f} ms.\n")
        targets.append(("16 MiB upload: peak RSS ≤ 4x body", f"{peak / body:.2f}x (growth {growth / body:.2f}x)", verdict(peak / body <= 4)))

    # delay
    w(f"## {args.delay_n:,} concurrent `GET /delay/1`\n")
    w(f"`loadgen burst`: {args.delay_n:,} connections opened at once, one request each (`Connection: close`), "
      f"wall time from the first connect to the last answer; server RSS sampled every 20 ms from /proc. "
      f"`--connection-limit {args.delay_n + 1000}` (the default, 10,000, counts the listening socket's peers "
      "exactly at the edge).\n")
    w("Phases (medians, from the first connect): every request written, and the first answer read, which "
      "is 1 s after the server handled its first request. The wall time beyond 1 s is the time the server "
      "takes to accept and handle all of them (the listen queue holds 4,096: a server that falls behind "
      "makes clients retransmit their SYNs, 1 s later).\n")
    w("| server | all 200 | wall (median) | runs | all sent | first answer | peak RSS (median) |")
    w("| --- | --- | ---: | --- | ---: | ---: | ---: |")
    for label, values in r.rows.get("delay", {}).items():
        all_ok = all(v["ok"] == v["n"] for v in values)
        phases = all("sent_s" in v for v in values)
        w(f"| {label} | {'yes' if all_ok else 'no: ' + '; '.join(json.dumps(v['statuses']) + (' failed ' + str(v['failed']) if v['failed'] else '') for v in values)} | "
          f"{fmt(r.med('delay', label, 'wall_s'), '.3f', ' s')} | {', '.join(fmt(v['wall_s'], '.3f') for v in values)} | "
          f"{fmt(r.med('delay', label, 'sent_s'), '.3f', ' s') if phases else '–'} | "
          f"{fmt(r.med('delay', label, 'first_answer_s'), '.3f', ' s') if phases else '–'} | "
          f"{fmt(r.med('delay', label, 'peak_rss_kb') / 1024, '.0f', ' MB')} |")
        if label.startswith("httpbun"):
            wall = r.med("delay", label, "wall_s")
            rss = r.med("delay", label, "peak_rss_kb") / 1024
            targets.append((f"{args.delay_n:,} × /delay/1, {label}: all 200, ≤ 1.5 s, ≤ 300 MB",
                            f"{'all 200' if all_ok else 'NOT all 200'}, {wall:.2f} s, {rss:.0f} MB",
                            verdict(all_ok and wall <= 1.5 and rss <= 300)))

    # start-up
    w("\n## Start-up: exec to first `GET /health` 200\n")
    w(f"`loadgen startup`: fork+exec, read the URL from the first stdout line (`--port 0`), then poll `/health` "
      f"in a tight loop; median of {args.startup_runs}.\n")
    w("CPU time is the server process's user + system time until that 200 (from `wait4`): what start-up "
      "costs when the machine is not shared.\n")
    w("| server | wall median | min | max | of which until the URL line | CPU time median |")
    w("| --- | ---: | ---: | ---: | ---: | ---: |")
    for label, values in r.rows.get("startup", {}).items():
        micros = [v["micros"] / 1000 for v in values]
        w(f"| {label} | {median(micros):.1f} ms | {min(micros):.1f} ms | {max(micros):.1f} ms | "
          f"{median([v['url_micros'] / 1000 for v in values]):.1f} ms | {median([v['cpu_micros'] / 1000 for v in values]):.1f} ms |")
    s = r.med("startup", "httpbun t1", "micros")
    cpu = r.med("startup", "httpbun t1", "cpu_micros")
    if s:
        targets.append(("start-up ≤ 30 ms", f"{s / 1000:.1f} ms wall (min {min(v['micros'] for v in r.rows['startup']['httpbun t1']) / 1000:.1f}), "
                        f"{cpu / 1000:.1f} ms CPU", verdict(s / 1000 <= 30)))

    # idle
    w(f"\n## Memory per idle keep-alive connection\n")
    w(f"{args.idle_n:,} connections, each after one `GET /get`, held open; RSS delta / connections, 1 thread.\n")
    w("| server | bytes per connection (median) | runs |")
    w("| --- | ---: | --- |")
    for label, values in r.rows.get("idle", {}).items():
        runs_text = ", ".join(fmt(v["per_conn_bytes"]) + ("" if v["ok"] == v["n"] else " (%d ok)" % v["ok"]) for v in values)
        w(f"| {label} | {fmt(r.med('idle', label, 'per_conn_bytes'))} | {runs_text} |")
    idle = r.med("idle", "httpbun t1", "per_conn_bytes")
    if idle:
        targets.append(("idle keep-alive connection ≤ 40 KB", f"{idle / 1000:.1f} KB", verdict(idle <= 40_000)))

    # client
    w("\n## Client: sequential keep-alive GETs\n")
    w(f"{args.client_n:,} sequential `GET /get` over one keep-alive connection against our server (1 thread); "
      "each client makes one untimed request first (curl: its process start is inside the clock).\n")
    w("| client | req/s (median) | runs | vs raw AsyncHTTPClient |")
    w("| --- | ---: | --- | ---: |")
    seq = r.rows.get("client-seq", {})
    ahc = r.med("client-seq", "AsyncHTTPClient (raw)", "rps")
    for label, values in seq.items():
        w(f"| {label} | {fmt(r.med('client-seq', label, 'rps'))} | {', '.join(fmt(v['rps']) for v in values)} | "
          f"{ratio(r.med('client-seq', label, 'rps'), ahc)} |")
    req = r.med("client-seq", "Requests Session.get", "rps")
    pyr = r.med("client-seq", "python requests.Session", "rps")
    if req and ahc and pyr:
        targets.append(("client Session.get ≥ 0.9x raw AHC", f"{req / ahc:.2f}x", verdict(req / ahc >= 0.9)))
        targets.append(("client Session.get ≥ 5x python requests", f"{req / pyr:.1f}x", verdict(req / pyr >= 5)))

    w(f"\n## Client: {args.conc_n:,} concurrent GETs\n")
    w("| client | wall (median) | runs | all 200 |")
    w("| --- | ---: | --- | --- |")
    conc = r.rows.get("client-conc", {})
    for label, values in conc.items():
        w(f"| {label} | {fmt(r.med('client-conc', label, 'wall_s') * 1000, ',.0f', ' ms')} | "
          f"{', '.join(fmt(v['wall_s'] * 1000) for v in values)} | {'yes' if all(v['ok'] == v['n'] for v in values) else 'no'} |")
    w("\nDefaults as shipped: AsyncHTTPClient's pool (8 HTTP/1 connections per host, soft limit), "
      "httpx's (100 connections), `Session.gather`'s `maxConcurrency` (64).\n")

    # targets
    w("## Targets\n")
    w("| target | measured | |")
    w("| --- | --- | --- |")
    for name, measured, v in targets:
        w(f"| {name} | {measured} | {v} |")
    if r.notes:
        w("\n## Notes from the runs\n")
        for note in r.notes:
            w(f"- {note}")
    w("")
    return "\n".join(lines)


def update_readme(results: str, args: argparse.Namespace) -> None:
    """Rewrites bench/README.md's Performance section: the command, then the results' tables."""
    readme = BENCH / "README.md"
    if Path(args.output).resolve() != (BENCH / "RESULTS.md").resolve() or not readme.exists():
        return
    text = readme.read_text()
    marker = "## Performance\n"
    if marker not in text:
        return
    body = results.split("\n", 1)[1].replace("\n## ", "\n### ")
    section = (marker + "\nThe latest full run, copied from [RESULTS.md](RESULTS.md) by the harness itself. "
               "Targets from the benchmark issue; where one is missed, RESULTS.md's notes and the commit "
               "log say why.\n" + body)
    readme.write_text(text.split(marker, 1)[0] + section)


def git_rev() -> str:
    try:
        rev = run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True).stdout.strip()
        dirty = run(["git", "-C", str(ROOT), "status", "--porcelain", "--", "Sources"], capture_output=True).stdout.strip()
        return rev + (" + uncommitted changes in Sources/" if dirty else "")
    except Exception:
        return "unknown"


# ---------------------------------------------------------------------------------------------------
# Build


def build(args: argparse.Namespace) -> None:
    if args.no_build:
        log("using the httpbun binary already in .build/release (--no-build)")
    else:
        log("building httpbun (release)")
        run(["swift", "build", "-c", "release", "--product", "httpbun"], cwd=ROOT)
    BIN.mkdir(parents=True, exist_ok=True)
    mhd = run(["pkg-config", "--cflags", "--libs", "libmicrohttpd"], capture_output=True).stdout.split()
    run(["cc", "-O2", "-Wall", "-o", str(BIN / "floor"), str(BENCH / "c-floor" / "floor.c"), *mhd, "-lpthread"])
    run(["cc", "-O2", "-Wall", "-o", str(BIN / "loadgen"), str(BENCH / "tools" / "loadgen.c")])
    if not PY.exists():
        log("creating bench/venv (python httpbin, gunicorn, requests, httpx)")
        run([sys.executable, "-m", "venv", str(VENV)])
        run([str(VENV / "bin" / "pip"), "install", "-q", "-r", str(BENCH / "requirements.txt")])


def build_client(args: argparse.Namespace) -> Path | None:
    """Built just before the client section, so the server sections need not wait for it."""
    client_bin = None
    if not args.skip_client_build:
        log("building bench/client-swift (release)")
        pkg = BENCH / "client-swift"
        run(["swift", "build", "-c", "release"], cwd=pkg)
        client_bin = Path(run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=pkg,
                              capture_output=True).stdout.strip()) / "client-bench"
    return client_bin


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5, help="rounds per section; 3 left medians ±5%% apart between runs")
    ap.add_argument("--seconds", type=float, default=8, help="wrk duration per run")
    ap.add_argument("--startup-runs", type=int, default=21)
    ap.add_argument("--delay-n", type=int, default=10_000)
    ap.add_argument("--idle-n", type=int, default=2_000)
    ap.add_argument("--client-n", type=int, default=2_000)
    ap.add_argument("--conc-n", type=int, default=1_000)
    ap.add_argument("--only", default="get,post,upload,delay,startup,idle,client",
                    help="comma-separated sections to run")
    ap.add_argument("--skip-client-build", action="store_true", help="no Swift client benchmark")
    ap.add_argument("--no-build", action="store_true", help="use .build/release/httpbun as it is")
    ap.add_argument("--keep-from", help="a bench/results-raw/*.json whose sections not run now go into the report "
                    "(to re-run one section, e.g. the client once Requests lands, without re-running the rest)")
    ap.add_argument("--output", default=str(BENCH / "RESULTS.md"))
    args = ap.parse_args()
    args.command_line = "bench/run " + " ".join(sys.argv[1:]) if len(sys.argv) > 1 else "make bench"
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if hard < 2 * args.delay_n + 100:
        log(f"warning: open-file hard limit {hard} is low for {args.delay_n} connections")
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (Debian: apt-get install wrk)")
    build(args)
    started = time.strftime("%Y-%m-%d %H:%M", time.gmtime())
    peers = Peers(args)
    r = Results()
    only = set(args.only.split(","))
    if args.keep_from:
        kept = json.loads(Path(args.keep_from).read_text())
        sections = {"get": ["get"], "post": ["post-json", "post-multipart"], "upload": ["upload-16m"],
                    "delay": ["delay"], "startup": ["startup"], "idle": ["idle"], "client": ["client-seq", "client-conc"]}
        rerun = {name for key in only for name in sections.get(key, [])}
        for entry in kept["results"]:
            if entry["section"] not in rerun:
                r.add(entry["section"], entry["label"], entry["value"], entry.get("raw"))
        r.notes.append(f"sections other than {', '.join(sorted(only))} are from {Path(args.keep_from).name} "
                       f"(load average then: {kept['load']['before']} / {kept['load']['after']})")
    load = {"before": ", ".join(f"{x:.2f}" for x in os.getloadavg())}
    with tempfile.TemporaryDirectory(prefix="httpbun-bench-") as tmp:
        work = Path(tmp)
        peers.logs = work
        if "startup" in only:
            bench_startup(peers, r, args.startup_runs)
        if "get" in only:
            bench_get(peers, r, args.runs, args.seconds)
        if "post" in only:
            bench_post(peers, r, args.runs, max(3, args.seconds / 2), work)
        if "upload" in only:
            bench_upload_rss(peers, r, args.runs, work)
        if "delay" in only:
            bench_delay(peers, r, args.runs, args.delay_n)
        if "idle" in only:
            bench_idle(peers, r, args.runs, args.idle_n)
        if "client" in only:
            client_bin = build_client(args)
            bench_clients(peers, r, args.runs, args.client_n, args.conc_n, client_bin)
    load["after"] = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    text = report(r, args, load, peers, started)
    Path(args.output).write_text(text)
    RAW.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    (RAW / f"{stamp}.json").write_text(json.dumps({"args": {k: v for k, v in vars(args).items()}, "load": load,
                                                    "results": r.raw, "notes": r.notes}, indent=1))
    (RAW / f"{stamp}.md").write_text(text)
    update_readme(text, args)
    log(f"wrote {args.output}, bench/README.md and {RAW / (stamp + '.json')}")
    print(text)


if __name__ == "__main__":
    main()
