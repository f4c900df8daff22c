"""Writing a live frame to a socket under Daphne: what Twisted and autobahn need to know.

The hub (``hub.py``) decides what goes to which socket; this module only knows how bytes
reach a socket cheaply and in order, and how much a socket has not taken yet.
"""

import functools
from collections.abc import Awaitable, Callable

from twisted.internet import tcp

Send = Callable[[dict], Awaitable[None]]


class Prepared:
    """One event's WebSocket frame bytes, built once (by autobahn, under Daphne) on first use.

    The benchmark (BENCHMARKS.md) measured about 120 us of server CPU per socket per event
    through the ASGI ``send`` path (session wrapper, Daphne's reply handling, UTF-8 encoding
    and framing per socket); a prepared message is framed once and its bytes written to
    every socket.
    """

    __slots__ = ("text", "bytes")

    def __init__(self, text: str) -> None:
        self.text = text
        self.bytes: bytes | None = None

    def frame(self, protocol) -> bytes:
        if self.bytes is None:
            # Compression is off (Daphne offers no permessage-deflate), so the prepared
            # message's framed bytes are what autobahn itself would write.
            self.bytes = protocol.factory.prepareMessage(self.text.encode()).payloadHybi
        return self.bytes


def buffered_bytes(transport) -> int:
    """Bytes a Twisted transport holds that the kernel has not taken yet (0 if unknown)."""
    try:
        return len(transport.dataBuffer) - transport.offset + transport._tempDataLen
    except (AttributeError, TypeError):
        return 0


def write_frame(transport, data: bytes) -> None:
    """Write a framed message to a socket now, or buffer it behind what is queued.

    Twisted's ``transport.write`` always buffers and writes on the reactor's next turn: under
    Daphne's asyncio reactor that is an ``add_writer``/``remove_writer`` pair (two epoll
    calls, a callback) per socket per event, and autobahn's ``sendData`` formats debug-log
    arguments on every call. When the transport has nothing buffered, the bytes are handed
    to the kernel here, as asyncio's own transports do; what the kernel does not take (a
    slow reader) is buffered by Twisted as usual, behind nothing, so order is kept.
    """
    if (
        type(transport) is tcp.Server
        and transport.connected
        and not transport.disconnecting
        and not transport.dataBuffer
        and not getattr(transport, "_tempDataBuffer", True)
    ):
        written = transport.writeSomeData(data)
        if isinstance(written, int):
            if written < len(data):
                transport.write(data[written:])
            return
    # Another transport (TLS, a test double), something already buffered, or a socket that
    # failed just now: Twisted's own path orders, retries or reports the loss.
    transport.write(data)


def server_protocol(send: Send):
    """Daphne's WebSocket protocol behind an ASGI ``send``, or None.

    Daphne gives each application ``functools.partial(server.handle_reply, protocol)``;
    Channels' session middleware keeps it as ``real_send``. Anything else (the test
    communicator, another server) gets None and every frame goes through ``send``.
    """
    for _ in range(4):
        if isinstance(send, functools.partial):
            for arg in send.args:
                if hasattr(arg, "sendPreparedMessage") and hasattr(arg, "factory"):
                    return arg
            return None
        send = getattr(getattr(send, "__self__", None), "real_send", None)
        if send is None:
            return None
    return None
