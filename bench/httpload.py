"""HTTP requests per second of a page, with keep-alive connections, in a pinned process.

A small asyncio HTTP/1.1 client (GET or form POST, Content-Length bodies as Daphne sends
them) rather than an external tool: nothing to install, and the same pinning as the
WebSocket load. Bounded by a duration and a request cap.
"""

from __future__ import annotations

import asyncio
import multiprocessing as mp
import time

from bench import procs

MAX_REQUESTS = 200_000


async def _one_connection(port: int, request: bytes, deadline: float, out: dict) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while time.monotonic() < deadline and out["count"] < MAX_REQUESTS:
            started = time.monotonic()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            await reader.readexactly(length)
            out["latencies"].append(time.monotonic() - started)
            out["count"] += 1
            out["status"][status] = out["status"].get(status, 0) + 1
            if b"connection: close" in head.lower():
                break
    finally:
        writer.close()


async def _run(port: int, path: str, concurrency: int, seconds: float, headers: dict) -> dict:
    extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    request = (f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{extra}\r\n").encode()
    out: dict = {"count": 0, "status": {}, "latencies": []}
    started = time.monotonic()
    deadline = started + seconds
    results = await asyncio.gather(
        *(_one_connection(port, request, deadline, out) for _ in range(concurrency)),
        return_exceptions=True,
    )
    wall = time.monotonic() - started
    errors = [repr(r)[:120] for r in results if isinstance(r, BaseException)]
    latencies = sorted(out["latencies"])
    n = len(latencies)
    return {
        "path": path,
        "requests": out["count"],
        "seconds": round(wall, 2),
        "requests_per_s": round(out["count"] / wall, 1),
        "status": {str(k): v for k, v in out["status"].items()},
        "p50_ms": round(latencies[n // 2] * 1000, 1) if n else None,
        "p99_ms": round(latencies[min(n - 1, int(n * 0.99))] * 1000, 1) if n else None,
        "connection_errors": errors[:5],
    }


def _child(conn, cores, args) -> None:
    procs.pin(0, cores)
    conn.send(asyncio.run(_run(*args)))


def measure(
    port: int,
    path: str,
    *,
    cores: set[int],
    concurrency: int = 16,
    seconds: float = 5.0,
    headers: dict | None = None,
) -> dict:
    """Run the client in a pinned child process and return its figures."""
    ctx = mp.get_context("spawn")
    ours, theirs = ctx.Pipe()
    child = ctx.Process(
        target=_child, args=(theirs, cores, (port, path, concurrency, seconds, headers or {}))
    )
    child.start()
    try:
        if not ours.poll(seconds + 60):
            raise TimeoutError(f"HTTP load on {path} did not finish")
        return ours.recv()
    finally:
        child.join(10)
        if child.is_alive():
            child.kill()
