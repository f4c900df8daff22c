"""The hub's direct write of a prepared frame to a Twisted transport (the path a live event
takes to every socket under Daphne): bytes reach the kernel at once when nothing is
buffered, stay in order behind anything that is, and a reader that stopped reading is
closed with 4008 instead of growing the server's memory."""

import asyncio
import functools
import socket

import pytest
from autobahn.twisted.websocket import WebSocketServerFactory, WebSocketServerProtocol
from twisted.internet import tcp

from live.transport.fastpath import DaphneOutlet as Outlet
from live.transport.fastpath import Prepared, buffered_bytes, write_frame
from live.transport.hub import CLOSE_TOO_SLOW


class FakeReactor:
    """Records what a transport asks of the reactor; runs nothing."""

    def __init__(self) -> None:
        self.writers: set = set()

    def addReader(self, reader) -> None:  # noqa: N802 - Twisted's interface
        pass

    def removeReader(self, reader) -> None:  # noqa: N802
        pass

    def addWriter(self, writer) -> None:  # noqa: N802
        self.writers.add(writer)

    def removeWriter(self, writer) -> None:  # noqa: N802
        self.writers.discard(writer)


@pytest.fixture
def pair():
    """A real Twisted TCP server transport over one end of a socket pair; the other end is
    the client, which reads only when the test says so."""
    server_end, client_end = socket.socketpair()
    for end in (server_end, client_end):
        end.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
        end.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    client_end.setblocking(False)
    reactor = FakeReactor()
    protocol = WebSocketServerProtocol()
    protocol.factory = WebSocketServerFactory()
    transport = tcp.Server(server_end, protocol, ("127.0.0.1", 1), None, 0, reactor)
    protocol.transport = transport
    protocol.state = protocol.STATE_OPEN
    yield transport, client_end, reactor, protocol
    server_end.close()
    client_end.close()


def read_all(client_end: socket.socket) -> bytes:
    chunks = []
    while True:
        try:
            chunk = client_end.recv(65536)
        except BlockingIOError:
            return b"".join(chunks)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def flush(transport) -> None:
    """What the reactor would do when the socket is writable again."""
    transport.doWrite()


def test_an_idle_transport_hands_the_frame_to_the_kernel_at_once(pair):
    transport, client_end, reactor, protocol = pair
    frame = Prepared('{"type":"question.votes","seq":1}').frame(protocol)
    write_frame(transport, frame)
    assert reactor.writers == set()  # no epoll registration, no turn of the reactor
    assert buffered_bytes(transport) == 0
    assert read_all(client_end) == frame
    assert frame[0] == 0x81 and frame.endswith(b'"seq":1}')  # one final text frame


def test_what_the_kernel_does_not_take_is_buffered_and_later_frames_queue_behind_it(pair):
    transport, client_end, reactor, _protocol = pair
    first, second, third = b"a" * 200_000, b"b" * 10, b"c" * 10
    write_frame(transport, first)
    assert 0 < buffered_bytes(transport) < len(first)  # the kernel took part of it
    assert reactor.writers == {transport}
    write_frame(transport, second)  # must not overtake the buffered rest of `first`
    write_frame(transport, third)
    received = bytearray()
    for _ in range(1000):
        received += read_all(client_end)
        if buffered_bytes(transport) == 0:
            break
        flush(transport)
    received += read_all(client_end)
    assert bytes(received) == first + second + third


def test_a_reader_that_stopped_reading_is_closed_with_4008(pair, settings):
    settings.LIVE_SEND_BUFFER_BYTES = 64 * 1024
    transport, client_end, _reactor, protocol = pair
    sent = []

    async def handle_reply(protocol, message):
        sent.append(message)

    texts = [f'{{"type":"question.created","seq":{n},"text":"{"x" * 400}"}}' for n in range(400)]

    async def run():
        outlet = Outlet(functools.partial(handle_reply, protocol), "u1")
        assert outlet.protocol is protocol
        outlet.release(0)
        for seq, text in enumerate(texts):
            outlet.push_live(seq, text, Prepared(text))
        return outlet

    outlet = asyncio.run(run())
    assert outlet.closed
    assert sent == [{"type": "websocket.close", "code": CLOSE_TOO_SLOW}]
    # Bounded: the limit plus at most one frame more, not 400 frames.
    assert buffered_bytes(transport) <= 64 * 1024 + 512
    assert read_all(client_end).startswith(Prepared(texts[0]).frame(protocol))
