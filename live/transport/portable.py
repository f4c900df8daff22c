"""The portable transport: a socket's outbox written through public ASGI and Channels APIs.

Correct on any ASGI server (Daphne, uvicorn, hypercorn): every frame goes to the socket
through the consumer's own ``send(text_data=...)`` and ``close(code=...)``, awaited in order
in one task per socket while it has frames to write. The consumer keeps Channels' own
``dispatch`` and its default channel layer alias. The Daphne fast path (``fastpath.py``)
subclasses ``Outlet`` and replaces only how a frame reaches the socket.
"""

import asyncio

from channels import DEFAULT_CHANNEL_LAYER
from channels.consumer import AsyncConsumer

from live import conf
from live.transport.broadcast import encode
from ops import metrics as ops_metrics

CLOSE_TOO_SLOW = 4008
_CLOSE = object()

NAME = "portable"


class Outlet:
    """One socket's bounded outbox.

    ``send`` is an ASGI-style send (``{"type": "websocket.send", "text": ...}`` or
    ``{"type": "websocket.close", "code": ...}``). Frames queue up to ``limit``; past that
    the socket is closed with 4008 so that the client resumes from its last seq instead of
    lagging for ever. While ``holding`` (between connect and the snapshot) live frames are
    kept aside with their seq and released after the snapshot, skipping what the snapshot
    already covers.
    """

    __slots__ = (
        "send",
        "person_key",
        "limit",
        "queue",
        "writing",
        "closed",
        "held",
        "task",
        "close_code",
    )

    def __init__(self, send, person_key: str, *, limit: int | None = None) -> None:
        self.send = send
        self.person_key = person_key
        self.limit = limit or conf.get("LIVE_SEND_QUEUE_FRAMES")
        # A list, not a deque: an empty deque costs 760 bytes per socket, and the queue is
        # almost always empty and at most ``limit`` long.
        self.queue: list = []
        self.writing = False
        self.closed = False
        self.held: list[tuple[int, str]] | None = []
        self.task: asyncio.Task | None = None
        self.close_code = CLOSE_TOO_SLOW

    def push_live(self, seq: int, text: str, prepared: object = None) -> None:
        """A room event (``prepared`` is the transport's shared form of it, or None)."""
        if self.held is not None:
            self.held.append((seq, text))
            return
        self.push(text)

    def release(self, covered_seq: int) -> None:
        """Stop holding; send the held frames the snapshot or replay did not cover."""
        held, self.held = self.held or [], None
        for seq, text in held:
            if seq > covered_seq:
                self.push(text)

    def push(self, text) -> None:
        if self.closed:
            return
        if self._behind():
            self._give_up()
            return
        self.queue.append(text)
        if not self.writing:
            self._pump()

    def push_frame(self, frame: dict) -> None:
        self.push(encode(frame))

    def close(self, code: int) -> None:
        """Close the socket after what is already queued is dropped; its client resumes."""
        self._give_up(code)

    def _behind(self) -> bool:
        return len(self.queue) >= self.limit

    def _give_up(self, code: int = CLOSE_TOO_SLOW) -> None:
        """Too far behind (or see ``close``): nothing more but a close, 4008 unless said
        otherwise, after which the client resumes from its last seq."""
        if self.closed:
            return
        self.closed = True
        self.close_code = code
        if code == CLOSE_TOO_SLOW:
            ops_metrics.socket_closed_behind()
        self.queue.clear()
        self.queue.append(_CLOSE)
        if not self.writing:
            self._pump()

    def _message(self) -> dict:
        text = self.queue.pop(0)
        if text is _CLOSE:
            self.queue.clear()
            return {"type": "websocket.close", "code": self.close_code}
        return {"type": "websocket.send", "text": text}

    def _pump(self) -> None:
        """Start the task that writes the queue, in order."""
        self.writing = True
        self.task = asyncio.ensure_future(self._drain())

    async def _drain(self) -> None:
        try:
            while self.queue:
                await self.send(self._message())
        except Exception:  # the socket went away under us; its consumer cleans up
            self.closed = True
            self.queue.clear()
        finally:
            self.writing = False


def consumer_send(consumer):
    """An ASGI-style send for ``Outlet`` made of the consumer's public ``send``/``close``."""

    async def send(message: dict) -> None:
        if message["type"] == "websocket.close":
            await consumer.close(code=message["code"])
        else:
            await consumer.send(text_data=message["text"])

    return send


def outlet(consumer, person_key: str) -> Outlet:
    return Outlet(consumer_send(consumer), person_key)


def install() -> None:
    """Nothing to set up: public APIs only."""


def prepare(text: str) -> None:
    """Nothing is shared between the sockets of a feed: each gets the text."""
    return None


# The consumer keeps Channels' defaults: its own channel on the default layer (unused: the
# hub subscribes once per room feed) and AsyncConsumer.dispatch.
CHANNEL_LAYER_ALIAS = DEFAULT_CHANNEL_LAYER


async def dispatch(consumer, message: dict) -> None:
    await AsyncConsumer.dispatch(consumer, message)


OUTLET = Outlet
