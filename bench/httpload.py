"""HTTP requests per second of a page, with keep-alive connections, in a pinned process.

A small asyncio HTTP/1.1 client (GET or form POST, Content-Length bodies as Daphne sends
them) rather than an external tool: nothing to install, and the same pinning as the
WebSocket load. Bounded by a duration and a request cap.
"""

from __future__ import annotations

import asyncio
import multiprocessing as mp
import os
import re
import time
from urllib.parse import urlencode

from bench import procs

MAX_REQUESTS = 200_000


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    return status, head, await reader.readexactly(length)


class _Form:
    """A form POSTed once per request, after a GET of ``page`` for the CSRF cookie and token
    (as a browser does). ``{n}`` in a value becomes a number unique to the request, so that
    each submission is a new one (a distinct e-mail address per registration)."""

    def __init__(self, page: str, fields: dict[str, str | list[str]]) -> None:
        self.page, self.fields = page, fields

    async def prepare(self, reader, writer, host: str) -> tuple[str, str]:
        writer.write(f"GET {self.page} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
        status, head, body = await _read_response(reader)
        cookie = re.search(rb"set-cookie: csrftoken=([^;\r]+)", head, re.IGNORECASE)
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        if status != 200 or not cookie or not token:
            raise RuntimeError(f"GET {self.page}: {status}, no CSRF cookie or token")
        return cookie.group(1).decode(), token.group(1).decode()

    def request(self, path: str, host: str, csrf: tuple[str, str], n: str) -> bytes:
        fields = {k: [v] if isinstance(v, str) else v for k, v in self.fields.items()}
        pairs = [("csrfmiddlewaretoken", csrf[1])]
        pairs += [(k, v.replace("{n}", n)) for k, values in fields.items() for v in values]
        body = urlencode(pairs).encode()
        return (
            f"POST {path} HTTP/1.1\r\nHost: {host}\r\nCookie: csrftoken={csrf[0]}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode() + body


async def _open(port: int, form: _Form | None):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        csrf = await form.prepare(reader, writer, f"127.0.0.1:{port}") if form else None
    except BaseException:
        writer.close()
        raise
    return reader, writer, csrf


async def _one_connection(opened, port, path, headers, form, index, deadline, out) -> None:
    reader, writer, csrf = opened
    host = f"127.0.0.1:{port}"
    get = (f"GET {path} HTTP/1.1\r\nHost: {host}\r\n{headers}\r\n").encode()
    try:
        while time.monotonic() < deadline and out["count"] < MAX_REQUESTS:
            sent = time.monotonic()
            unique = f"{os.getpid()}-{index}-{out['count']}"
            writer.write(form.request(path, host, csrf, unique) if form else get)
            status, head, _body = await _read_response(reader)
            out["latencies"].append(time.monotonic() - sent)
            out["count"] += 1
            out["status"][status] = out["status"].get(status, 0) + 1
            if b"connection: close" in head.lower():
                break
    finally:
        writer.close()


async def _run(
    port: int, path: str, concurrency: int, seconds: float, headers: dict, form: dict | None
) -> dict:
    extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    poster = _Form(form["page"], form["fields"]) if form else None
    out: dict = {"count": 0, "status": {}, "latencies": []}
    # Connections open (and fetch their CSRF token) before the clock starts.
    opened = await asyncio.gather(
        *(_open(port, poster) for _ in range(concurrency)), return_exceptions=True
    )
    started = time.monotonic()
    deadline = started + seconds
    results = [r for r in opened if isinstance(r, BaseException)]
    results += await asyncio.gather(
        *(
            _one_connection(o, port, path, extra, poster, i, deadline, out)
            for i, o in enumerate(opened)
            if not isinstance(o, BaseException)
        ),
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
    form: dict | None = None,
) -> dict:
    """Run the client in a pinned child process and return its figures. With ``form``
    (``{"page": path with the form, "fields": {...}}``) each request POSTs it to ``path``."""
    ctx = mp.get_context("spawn")
    ours, theirs = ctx.Pipe()
    child = ctx.Process(
        target=_child, args=(theirs, cores, (port, path, concurrency, seconds, headers or {}, form))
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
