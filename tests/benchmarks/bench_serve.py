"""Benchmark: `POST /v1/evaluate` against a real local server (uvicorn in a child process).

    .venv/bin/python tests/benchmarks/bench_serve.py [--requests 10000] [--clients 8] [--facts FILE]

Starts `shequn serve` on a free port, warms it up, then sends the requests
from concurrent clients (asyncio + httpx, one connection each) and prints
requests/s, p50/p99 latency, the error count, the server's CPU time per
request and its resident memory (VmRSS from /proc/<pid>/status) before and after. Not collected by pytest;
figures go in docs/performance.md.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import pathlib
import signal
import socket
import statistics
import subprocess
import sys
import time
from typing import Any

import httpx
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_kb(pid: int) -> int:
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return -1


def cpu_s(pid: int) -> float:
    """The process's CPU time so far (user + system), from /proc/<pid>/stat."""
    fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_up(base: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"the server exited with {proc.returncode}")
        try:
            if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    sys.exit("the server did not come up within 60 s")


async def client(base: str, body: dict[str, Any], todo: list[int], latencies: list[float], errors: list[str]) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        while todo:
            todo.pop()
            start = time.perf_counter()
            try:
                response = await http.post("/v1/evaluate", json=body)
                if response.status_code != 200:
                    errors.append(f"{response.status_code}: {response.text[:200]}")
            except httpx.HTTPError as exc:
                errors.append(repr(exc))
            latencies.append(time.perf_counter() - start)


async def run(base: str, body: dict[str, Any], n: int, clients: int) -> tuple[float, list[float], list[str]]:
    todo = list(range(n))
    latencies: list[float] = []
    errors: list[str] = []
    start = time.perf_counter()
    await asyncio.gather(*(client(base, body, todo, latencies, errors) for _ in range(clients)))
    return time.perf_counter() - start, latencies, errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--facts", default=str(ROOT / "facts" / "examples" / "jd-seller.yaml"))
    args = parser.parse_args()
    body = yaml.safe_load(pathlib.Path(args.facts).read_text(encoding="utf-8"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([sys.executable, "-m", "shequn", "serve", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_up(base, proc)
        asyncio.run(run(base, body, args.warmup, args.clients))
        before, cpu_before = rss_kb(proc.pid), cpu_s(proc.pid)
        elapsed, latencies, errors = asyncio.run(run(base, body, args.requests, args.clients))
        after, cpu = rss_kb(proc.pid), cpu_s(proc.pid) - cpu_before
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            _, err = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            _, err = proc.communicate()
    q = statistics.quantiles(latencies, n=100)
    print(f"{args.requests:,} POST /v1/evaluate from {args.clients} clients ({pathlib.Path(args.facts).name}), "
          f"{os.cpu_count()} cores")
    print(f"  {args.requests / elapsed:,.0f} requests/s   p50 {q[49] * 1000:.1f} ms   p99 {q[98] * 1000:.1f} ms   "
          f"errors {len(errors)}")
    print(f"  server CPU {cpu * 1000 / args.requests:.2f} ms a request (all threads; the load on the machine "
          f"does not inflate it as it does the wall-clock figures)")
    print(f"  server RSS {before / 1024:.0f} MB before, {after / 1024:.0f} MB after")
    print(f"  server exit status {proc.returncode}" + ("" if b"Traceback" not in err else " (with a traceback!)"))
    for e in errors[:5]:
        print("  error:", e)


if __name__ == "__main__":
    main()
