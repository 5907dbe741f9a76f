"""Python client peers for bench/run, run with the venv's python.

usage: clients.py requests-seq|httpx-seq|httpx-gather URL N
Prints one JSON line like client-bench's. The first request (connection set-up) is made before the
clock starts; every response body is read.
"""
import asyncio
import json
import sys
import time


def main() -> None:
    mode, url, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    ok = 0
    if mode == "requests-seq":
        import requests
        with requests.Session() as s:
            s.get(url).content
            start = time.perf_counter()
            for _ in range(n):
                ok += s.get(url).status_code == 200
            wall = time.perf_counter() - start
    elif mode == "httpx-seq":
        import httpx
        with httpx.Client() as c:
            c.get(url).content
            start = time.perf_counter()
            for _ in range(n):
                ok += c.get(url).status_code == 200
            wall = time.perf_counter() - start
    elif mode == "httpx-gather":
        import httpx

        async def run() -> tuple[int, float]:
            async with httpx.AsyncClient(timeout=30) as c:
                await c.get(url)
                start = time.perf_counter()
                responses = await asyncio.gather(*(c.get(url) for _ in range(n)))
                return sum(r.status_code == 200 for r in responses), time.perf_counter() - start

        ok, wall = asyncio.run(run())
    else:
        raise SystemExit(f"unknown mode {mode}")
    print(json.dumps({"mode": mode, "n": n, "ok": ok, "wall_s": wall, "rps": n / wall}))


if __name__ == "__main__":
    main()
