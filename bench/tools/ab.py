#!/usr/bin/env python3
"""Interleaved A/B rounds of ours under wrk: the same binary with different flags, each round a
fresh server per variant, standard error to a file on disk (as shipped), reporting req/s and the
server's CPU time per request (all its threads). For a change too small for make bench's medians.

    bench/tools/ab.py                                    # as shipped against --access-log off
    bench/tools/ab.py --rounds 6 -- "" "--journal-size 0" "--access-log off --journal-size 0"
"""
import argparse, os, re, shlex, statistics, subprocess, tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def cpu_seconds(pid: int) -> float:
    total = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        fields = Path(f"/proc/{pid}/task/{tid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def one_round(binary: str, flags: list[str], seconds: int, path: str, log: Path) -> tuple[float, float]:
    with open(log, "wb") as errors:
        server = subprocess.Popen([binary, "--port", "0", *flags], stdout=subprocess.PIPE, stderr=errors, text=True)
    try:
        url = server.stdout.readline().strip() + path
        subprocess.run(["wrk", "-t2", "-c64", "-d1s", url], capture_output=True, check=True)   # warm-up
        before = cpu_seconds(server.pid)
        out = subprocess.run(["wrk", "-t2", "-c64", f"-d{seconds}s", url], capture_output=True, text=True, check=True).stdout
        used = cpu_seconds(server.pid) - before
        requests = int(re.search(r"(\d+) requests in", out).group(1))
        return requests / seconds, used * 1e6 / requests
    finally:
        server.terminate()
        server.wait()
        log.unlink(missing_ok=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", default=str(ROOT / ".build/release/httpbun"))
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--path", default="/get?a=1&b=2")
    ap.add_argument("variants", nargs="*", default=["", "--access-log off"], help="flag sets, one string each")
    args = ap.parse_args()
    results: dict[str, list[tuple[float, float]]] = {v: [] for v in args.variants}
    with tempfile.TemporaryDirectory(prefix="httpbun-ab-") as tmp:
        for round_ in range(args.rounds):
            for variant in args.variants:
                rps, cpu = one_round(args.binary, shlex.split(variant), args.seconds, args.path, Path(tmp) / "stderr.log")
                results[variant].append((rps, cpu))
                print(f"round {round_ + 1} [{variant or 'as shipped'}]: {rps:,.0f} req/s, {cpu:.2f} µs CPU per request", flush=True)
    base_rps = statistics.median(r for r, _ in results[args.variants[0]])
    base_cpu = statistics.median(c for _, c in results[args.variants[0]])
    print("\n| flags | req/s (median) | vs first | CPU per request (median) | vs first (as throughput) |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for variant, values in results.items():
        rps, cpu = statistics.median(r for r, _ in values), statistics.median(c for _, c in values)
        print(f"| {variant or 'as shipped'} | {rps:,.0f} | {rps / base_rps:.3f}x | {cpu:.2f} µs | {base_cpu / cpu:.3f}x |")


if __name__ == "__main__":
    main()
