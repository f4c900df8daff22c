"""A lean asyncio WebSocket client for the load generator.

Why not `websockets`' own client for every connection: its per-message cost (a task, a
queue, a frame object, UTF-8 validation) is about as high as the server's, so on a
2-core machine the load generator would saturate before the server under test. This
client uses the `websockets` library for what is easy to get wrong (handshake key,
accept check, masking with its C speedup) and parses the server's frames itself in
`data_received`: unmasked frames, lengths 7/16/64 bit, fragmentation, ping → pong,
close. It is a protocol-complete client for text frames, not a subset that happens to
work with one server; `tests/bench/test_harness.py` runs it against all three servers.
"""

from __future__ import annotations

import asyncio
import base64
import os
import struct
from collections.abc import Callable

from websockets.utils import accept_key

try:
    from websockets.speedups import apply_mask
except ImportError:  # pragma: no cover - pure-Python fallback of the same library
    from websockets.utils import apply_mask

OP_CONT, OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG = 0, 1, 2, 8, 9, 10


def encode_frame(opcode: int, payload: bytes) -> bytes:
    """A masked client frame (RFC 6455 5.3: clients always mask)."""
    mask = os.urandom(4)
    length = len(payload)
    if length < 126:
        header = struct.pack("!BB", 0x80 | opcode, 0x80 | length)
    elif length < 1 << 16:
        header = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, length)
    else:
        header = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, length)
    return header + mask + apply_mask(payload, mask)


class RawClient(asyncio.Protocol):
    """One WebSocket connection; calls ``on_text(payload_bytes)`` for every text message."""

    def __init__(
        self,
        *,
        host: str,
        port: int,
        path: str,
        headers: dict[str, str],
        on_text: Callable[[bytes], None],
        on_lost: Callable[[RawClient], None],
    ) -> None:
        self.host, self.port, self.path, self.headers = host, port, path, headers
        self.on_text, self.on_lost = on_text, on_lost
        self.key = base64.b64encode(os.urandom(16)).decode()
        self.transport: asyncio.Transport | None = None
        self.opened: asyncio.Future = asyncio.get_running_loop().create_future()
        self.buf = bytearray()
        self.is_open = False
        self.fragments: list[bytes] = []
        self.closed = False

    # asyncio callbacks -------------------------------------------------------------
    def connection_made(self, transport) -> None:
        self.transport = transport
        lines = [
            f"GET {self.path} HTTP/1.1",
            f"Host: {self.host}:{self.port}",
            "Upgrade: websocket",
            "Connection: Upgrade",
            f"Sec-WebSocket-Key: {self.key}",
            "Sec-WebSocket-Version: 13",
            *(f"{name}: {value}" for name, value in self.headers.items()),
        ]
        transport.write(("\r\n".join(lines) + "\r\n\r\n").encode())

    def data_received(self, data: bytes) -> None:
        self.buf += data
        if not self.is_open and not self._handshake():
            return
        self._frames()

    def connection_lost(self, exc) -> None:
        self.closed = True
        if not self.opened.done():
            self.opened.set_exception(ConnectionError(f"closed during handshake: {exc}"))
        self.on_lost(self)

    # handshake and frames ------------------------------------------------------------
    def _handshake(self) -> bool:
        end = self.buf.find(b"\r\n\r\n")
        if end < 0:
            return False
        head = bytes(self.buf[:end]).decode("latin-1")
        del self.buf[: end + 4]
        status = head.split("\r\n", 1)[0]
        accept = ""
        for line in head.split("\r\n")[1:]:
            name, _, value = line.partition(":")
            if name.strip().lower() == "sec-websocket-accept":
                accept = value.strip()
        if self.opened.done():  # the opener gave up (cancelled at its deadline)
            self.transport.close()
            return False
        if " 101 " not in status + " " or accept != accept_key(self.key):
            self.opened.set_exception(ConnectionError(f"handshake refused: {status}"))
            self.transport.close()
            return False
        self.is_open = True
        self.opened.set_result(True)
        return True

    def _frames(self) -> None:  # noqa: C901 - one tight loop is the point of this class
        buf = self.buf
        pos = 0
        size = len(buf)
        while size - pos >= 2:
            b0, b1 = buf[pos], buf[pos + 1]
            length = b1 & 0x7F
            head = 2
            if length == 126:
                if size - pos < 4:
                    break
                length = (buf[pos + 2] << 8) | buf[pos + 3]
                head = 4
            elif length == 127:
                if size - pos < 10:
                    break
                length = struct.unpack_from("!Q", buf, pos + 2)[0]
                head = 10
            if b1 & 0x80:
                raise ConnectionError("server frames must not be masked (RFC 6455 5.1)")
            if size - pos < head + length:
                break
            payload = bytes(buf[pos + head : pos + head + length])
            pos += head + length
            opcode = b0 & 0x0F
            if opcode == OP_TEXT or opcode == OP_BINARY:
                if b0 & 0x80:
                    self.on_text(payload)
                else:
                    self.fragments = [payload]
            elif opcode == OP_CONT:
                self.fragments.append(payload)
                if b0 & 0x80:
                    self.on_text(b"".join(self.fragments))
                    self.fragments = []
            elif opcode == OP_PING:
                self.transport.write(encode_frame(OP_PONG, payload))
            elif opcode == OP_CLOSE:
                self.transport.write(encode_frame(OP_CLOSE, payload[:2]))
                self.transport.close()
                break
        del buf[:pos]

    # sending ---------------------------------------------------------------------------
    def send_text(self, text: bytes) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(encode_frame(OP_TEXT, text))

    def close(self) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(encode_frame(OP_CLOSE, struct.pack("!H", 1000)))
            self.transport.close()


async def connect(
    *,
    host: str,
    port: int,
    path: str,
    headers: dict[str, str],
    on_text: Callable[[bytes], None],
    on_lost: Callable[[RawClient], None],
    local_host: str | None = None,
    timeout: float = 30.0,
) -> RawClient:
    """Open a connection and wait for the handshake; raises ConnectionError on refusal."""
    loop = asyncio.get_running_loop()
    _, client = await asyncio.wait_for(
        loop.create_connection(
            lambda: RawClient(
                host=host, port=port, path=path, headers=headers, on_text=on_text, on_lost=on_lost
            ),
            host,
            port,
            local_addr=(local_host, 0) if local_host else None,
        ),
        timeout,
    )
    await asyncio.wait_for(client.opened, timeout)
    return client
