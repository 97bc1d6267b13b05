"""Latency of the web app under load: p50/p95 of POST /api/check and of a code
page (GET /codes/CODE) with 50 concurrent clients on loopback.

Starts `clearclaim serve` on a free 127.0.0.1 port (the user's store, built
first if needed), warms it, then sends a bounded number of requests per
endpoint from 50 concurrent keep-alive connections (a raw asyncio client: see
Connection) and prints the figures. Checks are
sent with audit off so the user's audit trail is left alone.

Usage: python benchmarks/web.py [--requests N] [--clients C] [--workers W]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import yaml

ROOT = Path(__file__).resolve().parents[1]
CODES = ("76000", "77001", "77002", "77003", "62323", "64493", "20610", "22511", "25605")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


CASE_FILES = sorted((ROOT / "tests" / "check_cases").glob("cc*.yaml"))


def check_bodies() -> Iterator[dict[str, Any]]:
    cases = [yaml.safe_load(path.read_text(encoding="utf-8")) for path in CASE_FILES]
    bodies = [
        {
            "note": c["note"],
            "codes": c.get("codes") or [],
            "pos": c.get("pos"),
            "equipment": c.get("equipment"),
            "date": str(c["date"]) if c.get("date") else None,
            "setting": c.get("setting", "professional"),
            "audit": False,
        }
        for c in cases
    ]
    return itertools.cycle(bodies)


class Connection:
    """One keep-alive HTTP/1.1 connection on loopback, as thin as a client gets.

    httpx's pool costs more CPU per request than the server's code page at 50
    concurrent connections on two shared cores (measured: 50 req/s through
    httpx against 870 req/s through this), so the load is sent raw.
    """

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, body: bytes = b"") -> int:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        assert self.reader is not None
        head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        if body:
            head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        self.writer.write(head.encode() + b"\r\n" + body)
        await self.writer.drain()
        raw = await self.reader.readuntil(b"\r\n\r\n")
        lines = raw.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        length = next(int(v) for k, _, v in (ln.partition(":") for ln in lines[1:])
                      if k.lower() == "content-length")  # fmt: skip
        await self.reader.readexactly(length)
        return status

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


async def load(
    port: int, clients: int, total: int, send: Callable[[Connection], Awaitable[int]]
) -> tuple[list[float], float, int]:
    timings: list[float] = []
    errors = 0
    remaining = total

    async def worker() -> None:
        nonlocal remaining, errors
        connection = Connection(port)
        try:
            while remaining > 0:
                remaining -= 1
                started = time.perf_counter()
                status = await send(connection)
                timings.append((time.perf_counter() - started) * 1000)
                if status != 200:
                    errors += 1
        finally:
            connection.close()

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(clients)))
    return timings, time.perf_counter() - began, errors


def report(name: str, timings: list[float], elapsed: float, errors: int, clients: int) -> None:
    print(
        f"{name}: {len(timings)} requests, {clients} concurrent clients, "
        f"p50 {percentile(timings, 0.50):.1f} ms, p95 {percentile(timings, 0.95):.1f} ms, "
        f"p99 {percentile(timings, 0.99):.1f} ms, {len(timings) / elapsed:.0f} req/s, "
        f"{errors} non-200"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=1000, help="per endpoint")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()

    from clearclaim import Checker

    Checker.open().close()  # build the store first, outside the timings
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    scratch = Path(tempfile.mkdtemp(prefix="clearclaim-web-bench-"))
    env = {
        **os.environ,
        "CLEARCLAIM_WEB_DATA": str(scratch / "web"),
        "CLEARCLAIM_AUDIT": str(scratch / "audit.jsonl"),
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "clearclaim.cli.main",
            "serve",
            "--port",
            str(port),
            "--workers",
            str(args.workers),
            "--no-access-log",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(base + "/openapi.json", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("the server did not start")
            time.sleep(0.2)
        bodies = check_bodies()
        codes = itertools.cycle(CODES)

        def check(connection: Connection) -> Awaitable[int]:
            return connection.request("POST", "/api/check", json.dumps(next(bodies)).encode())

        def code_page(connection: Connection) -> Awaitable[int]:
            return connection.request("GET", f"/codes/{next(codes)}")

        # warm: every case and code page twice per worker, over as many connections
        # as the measured run (a connection stays with the worker that accepted it)
        asyncio.run(load(port, args.clients, 2 * len(CASE_FILES) * args.workers, check))
        asyncio.run(load(port, args.clients, len(CODES) * 2 * args.workers, code_page))
        print(f"server: clearclaim serve --workers {args.workers}, {os.cpu_count()} cores")
        for name, send in (
            ("code page GET /codes/CODE", code_page),
            ("check POST /api/check", check),
        ):
            timings, elapsed, errors = asyncio.run(load(port, args.clients, args.requests, send))
            report(name, timings, elapsed, errors, args.clients)
        timings, elapsed, errors = asyncio.run(load(port, 1, 200, code_page))
        report("code page, one client", timings, elapsed, errors, 1)
        timings, elapsed, errors = asyncio.run(load(port, 1, 200, check))
        report("check, one client", timings, elapsed, errors, 1)
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    main()
