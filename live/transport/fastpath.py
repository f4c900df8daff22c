"""The Daphne fast path: every internal of Twisted, autobahn, Daphne and Channels the live
room touches, in this one module, with a self-check of each (``self_check``).

What it does differently from the portable transport (``portable.py``):

- an event's WebSocket frame is built once by autobahn (``prepareMessage().payloadHybi``)
  and the same bytes are written to every Daphne socket of the feed, straight into Twisted's
  ``tcp.Server`` (``writeSomeData``; ``dataBuffer``/``offset``/``_tempDataLen`` say how much
  a slow reader has not taken). The benchmark (BENCHMARKS.md) measured about 120 us of
  server CPU per socket per event through the ASGI ``send`` path;
- the Daphne protocol behind a socket is found in the ``send`` Daphne gives the application
  (``functools.partial(Server.handle_reply, protocol)``, kept by Channels' session wrapper
  as ``real_send`` and by the consumer as ``base_send``);
- other frames (replies, snapshots) go through that ``send``, whose coroutine is stepped by
  hand: Daphne's ``handle_reply`` never waits, so no task is created per frame;
- the consumer gets no channel of its own (``channel_layer_alias`` names no configured
  layer: ``get_channel_layer`` then returns None and Channels starts no per-socket
  receive), and its ``dispatch`` is Channels' minus the ``aclose_old_connections`` thread
  hop per message (the consumer reaches the database only through
  ``database_sync_to_async``, which closes old connections in its own thread);
- autobahn's per-connection debug line is formatted only when debug logging is on
  (``install``, at server start-up: ``_pformat_when_logged``).

``tests/live/test_transport_contract.py`` pins each of these with a test named after it.
"""

import functools
import importlib
import importlib.metadata
import importlib.util
import inspect
import pprint
import types
from collections.abc import Callable

from live.transport.portable import CLOSE_TOO_SLOW, Outlet

NAME = "daphne"

# The release series the fast path was checked against (contract tests): another version
# makes ``auto`` choose the portable transport until the contract tests pass on it.
VERSIONS = {"twisted": "26.10", "autobahn": "26.10", "daphne": "4.2", "channels": "4.3"}

# An alias no CHANNEL_LAYERS entry has: Channels gives the consumer no layer (see above).
CHANNEL_LAYER_ALIAS = "openips-live-hub-only"


class Prepared:
    """One event's WebSocket frame bytes, built once (by autobahn) on first use."""

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


def prepare(text: str) -> Prepared:
    return Prepared(text)


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
    from twisted.internet import tcp

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


def server_protocol(send):
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


class DaphneOutlet(Outlet):
    """A socket's outbox that writes prepared frames to Daphne's socket directly.

    Frames are written at once while the server's ``send`` completes without waiting
    (Daphne's always does): the send coroutine is stepped by hand, so no task is created
    per frame. When a send has to wait, it is finished in a task and later frames queue up
    to ``limit``. Under Daphne a send never waits: the bytes a slow reader has not taken
    pile up in the server's transport instead, so that is bounded too
    (``LIVE_SEND_BUFFER_BYTES``), with the same 4008.
    """

    __slots__ = ("protocol", "buffer_limit")

    def __init__(self, send, person_key: str, *, limit: int | None = None) -> None:
        from live import conf

        super().__init__(send, person_key, limit=limit)
        self.protocol = server_protocol(send)
        self.buffer_limit = conf.get("LIVE_SEND_BUFFER_BYTES")

    def push_live(self, seq: int, text: str, prepared: object = None) -> None:
        if self.held is not None:
            self.held.append((seq, text))
            return
        protocol = self.protocol
        if (
            prepared is not None
            and protocol is not None
            and not self.queue
            and not self.writing
            and not self.closed
            and protocol.state == protocol.STATE_OPEN
        ):
            if self._behind():
                self._give_up()
                return
            # Nothing queued before it, so order is kept: write the event's frame, framed
            # once for every socket of the feed, straight to this socket.
            write_frame(protocol.transport, prepared.frame(protocol))
            return
        self.push(text)

    def _give_up(self, code: int = CLOSE_TOO_SLOW) -> None:
        """As the portable outlet's, but a code autobahn's ``sendClose`` refuses (anything
        but 1000 and 3000-4999: the protocol's 1001, 1011 and 1012) is sent as a close frame
        with ``sendCloseFrame``, as RFC 6455 lets a server do: through ASGI it would be
        dropped, and the socket would stay open with nothing more written to it."""
        protocol = self.protocol
        if (
            self.closed
            or protocol is None
            or code == 1000
            or 3000 <= code <= 4999
            or protocol.state != protocol.STATE_OPEN
        ):
            super()._give_up(code)
            return
        self.closed = True
        self.close_code = code
        self.queue.clear()
        protocol.sendCloseFrame(code=code, isReply=False)

    def _behind(self) -> bool:
        """Too many frames queued here, or too many bytes the server holds unsent."""
        if len(self.queue) >= self.limit:
            return True
        return (
            self.protocol is not None
            and buffered_bytes(self.protocol.transport) > self.buffer_limit
        )

    def _pump(self) -> None:
        """Write queued frames now; hand over to a task at the first send that must wait."""
        import asyncio

        while self.queue:
            sending = self.send(self._message())
            try:
                pending = sending.send(None)
            except StopIteration:
                continue
            except Exception:  # the socket went away under us; its consumer cleans up
                self.closed = True
                self.queue.clear()
                return
            self.writing = True
            self.task = asyncio.ensure_future(self._finish(_Continue(sending, pending)))
            return

    async def _finish(self, waiting: "_Continue") -> None:
        try:
            await waiting
        except BaseException as error:
            self.writing = False
            if not isinstance(error, Exception):  # cancelled: let it through
                raise
            self.closed = True  # as in _pump
            self.queue.clear()
            return
        await self._drain()


class _Continue:
    """Awaitable that carries on a coroutine already stepped once (it yielded ``pending``),
    speaking the same protocol a Task uses with the coroutines it runs."""

    __slots__ = ("coroutine", "pending")

    def __init__(self, coroutine, pending) -> None:
        self.coroutine, self.pending = coroutine, pending

    def __await__(self):
        coroutine, pending = self.coroutine, self.pending
        while True:
            try:
                value = yield pending
            except BaseException as error:  # cancellation reaches the inner send too
                try:
                    pending = coroutine.throw(error)
                except StopIteration as stop:
                    return stop.value
                continue
            try:
                pending = coroutine.send(value)
            except StopIteration as stop:
                return stop.value


OUTLET = DaphneOutlet


def outlet(consumer, person_key: str) -> Outlet:
    """A Daphne socket gets a ``DaphneOutlet``; any other (the test communicator, another
    server behind a router) the portable one."""
    from live.transport import portable

    if server_protocol(consumer.base_send) is None:
        return portable.outlet(consumer, person_key)
    return DaphneOutlet(consumer.base_send, person_key)


async def dispatch(consumer, message: dict) -> None:
    """Channels' ``AsyncConsumer.dispatch`` without its ``aclose_old_connections()``."""
    from channels.consumer import get_handler_name

    handler = getattr(consumer, get_handler_name(message), None)
    if handler is None:
        raise ValueError(f"No handler for message type {message['type']}")
    await handler(message)


# --- The self-check: one named check per internal -------------------------------------------


class MismatchError(Exception):
    """An internal the fast path uses is not what it was written against."""


def _pformat_when_logged(obj, *args, **kwargs):
    """autobahn's ``pformat``, minus the one autobahn calls for a debug line per connection.

    ``WebSocketProtocol._connectionMade`` runs ``pformat`` over its list of about thirty
    options for every socket, as an argument of ``log.debug``, so it is paid even when debug
    logging is off: 7 % of a Daphne process's CPU in a join storm after the join's query was
    compiled once (py-spy, issue 11). That list is left unformatted unless autobahn's
    debug logging is on; everything else autobahn formats (its ``Timings``, the client
    handshake's details, both dicts) is formatted as before.
    """
    if isinstance(obj, list) and not _autobahn_debug():
        return "(not formatted: autobahn's debug logging is off)"
    return pprint.pformat(obj, *args, **kwargs)


def _autobahn_debug() -> bool:
    from autobahn.twisted.websocket import WebSocketAdapterProtocol
    from txaio.interfaces import log_levels

    level = getattr(WebSocketAdapterProtocol.log, "_log_level", "debug")
    return log_levels.index(level) >= log_levels.index("debug")


def install() -> None:
    """At server start-up, once the fast path is chosen: autobahn's per-connection debug
    line is formatted only when it is logged (``_pformat_when_logged``)."""
    _module("autobahn.websocket.protocol").pformat = _pformat_when_logged


def _require(condition: bool, what: str) -> None:
    if not condition:
        raise MismatchError(what)


def _module(name: str) -> types.ModuleType:
    return importlib.import_module(name)


def _version(package: str) -> None:
    version = importlib.metadata.version(package)
    series = VERSIONS[package]
    _require(
        version == series or version.startswith(series + "."),
        f"{package} {version} is not the checked series {series}",
    )


def _source(function: Callable) -> str:
    return inspect.getsource(function)


def _params(function: Callable) -> list[str]:
    return list(inspect.signature(function).parameters)


def _check_tcp_server() -> None:
    tcp = _module("twisted.internet.tcp")
    _require(isinstance(tcp.Server, type), "twisted.internet.tcp.Server is not a class")
    for name in ("dataBuffer", "offset", "connected", "disconnecting"):
        _require(hasattr(tcp.Server, name), f"tcp.Server has no {name}")


def _check_write_some_data() -> None:
    server = _module("twisted.internet.tcp").Server
    _require(
        _params(server.writeSomeData) == ["self", "data"], "tcp.Server.writeSomeData(self, data)"
    )
    _require(len(_params(server.write)) == 2, "tcp.Server.write(self, data)")


def _check_temp_data() -> None:
    source = _source(_module("twisted.internet.abstract").FileDescriptor.__init__)
    for name in ("self._tempDataBuffer", "self._tempDataLen"):
        _require(name in source, f"FileDescriptor.__init__ no longer sets {name}")


def _check_prepare_message() -> None:
    protocol = _module("autobahn.websocket.protocol")
    factory = protocol.WebSocketFactory
    _require(
        _params(factory.prepareMessage)[:2] == ["self", "payload"],
        "WebSocketFactory.prepareMessage(self, payload, ...)",
    )
    prepared = factory.prepareMessage(types.SimpleNamespace(isServer=True), b"ok")
    _require(
        getattr(prepared, "payloadHybi", None) == b"\x81\x02ok",
        "prepareMessage(...).payloadHybi is not the unmasked text frame",
    )


def _check_send_close_frame() -> None:
    protocol = _module("autobahn.websocket.protocol").WebSocketProtocol
    _require(
        {"code", "isReply"} <= set(_params(protocol.sendCloseFrame)),
        "WebSocketProtocol.sendCloseFrame(self, code=..., reasonUtf8=..., isReply=...)",
    )


def _check_server_protocol() -> None:
    protocol = _module("autobahn.websocket.protocol").WebSocketServerProtocol
    for name in ("sendPreparedMessage", "STATE_OPEN"):
        _require(hasattr(protocol, name), f"WebSocketServerProtocol has no {name}")


def _check_daphne_send() -> None:
    spec = importlib.util.find_spec("daphne.server")
    _require(spec is not None and spec.origin is not None, "daphne.server is not installed")
    # Read, not imported: importing daphne.server installs Twisted's asyncio reactor.
    with open(spec.origin, encoding="utf-8") as file:
        source = file.read()
    _require(
        "send=partial(self.handle_reply, protocol)" in source,
        "daphne.server.Server no longer passes partial(self.handle_reply, protocol) as send",
    )
    _require(
        "async def handle_reply(self, protocol, message)" in source,
        "daphne.server.Server.handle_reply(self, protocol, message) is not a coroutine",
    )


def _check_daphne_protocol() -> None:
    spec = importlib.util.find_spec("daphne.ws_protocol")
    _require(spec is not None and spec.origin is not None, "daphne.ws_protocol is missing")
    with open(spec.origin, encoding="utf-8") as file:
        source = file.read()
    _require(
        "class WebSocketProtocol(WebSocketServerProtocol)" in source,
        "daphne's WebSocketProtocol is not autobahn's WebSocketServerProtocol",
    )


def _check_real_send() -> None:
    sessions = _module("channels.sessions")
    _require(
        "self.real_send = send" in _source(sessions.InstanceSessionWrapper.__init__),
        "channels.sessions.InstanceSessionWrapper no longer keeps real_send",
    )


def _check_base_send() -> None:
    consumer = _module("channels.consumer").AsyncConsumer
    _require(
        "self.base_send = send" in _source(consumer.__call__),
        "channels AsyncConsumer no longer keeps base_send",
    )


def _check_channel_layer_alias() -> None:
    channels = _module("channels.consumer")
    _require(
        "get_channel_layer(self.channel_layer_alias)" in _source(channels.AsyncConsumer.__call__),
        "AsyncConsumer.__call__ no longer reads channel_layer_alias",
    )
    layers = _module("channels.layers")
    _require(
        layers.get_channel_layer(CHANNEL_LAYER_ALIAS) is None,
        "get_channel_layer(<unconfigured alias>) is no longer None",
    )


def _check_dispatch() -> None:
    consumer = _module("channels.consumer")
    _require(
        consumer.get_handler_name({"type": "websocket.receive"}) == "websocket_receive",
        "channels.consumer.get_handler_name changed",
    )
    source = _source(consumer.AsyncConsumer.dispatch)
    for line in (
        "handler = getattr(self, get_handler_name(message), None)",
        "await aclose_old_connections()",
        "await handler(message)",
    ):
        _require(line in source, f"AsyncConsumer.dispatch no longer does `{line}`")


def _check_connection_made_pformat() -> None:
    protocol = _module("autobahn.websocket.protocol")
    _require(
        protocol.pformat in (pprint.pformat, _pformat_when_logged),
        "autobahn.websocket.protocol.pformat is not pprint.pformat",
    )
    source = _source(protocol.WebSocketProtocol._connectionMade)
    for line in ("configAttrLog = []", "pformat(configAttrLog)"):
        _require(line in source, f"WebSocketProtocol._connectionMade no longer does `{line}`")
    log = _module("autobahn.twisted.websocket").WebSocketAdapterProtocol.log
    _require(hasattr(log, "_log_level"), "autobahn's WebSocketAdapterProtocol.log has no level")


CHECKS: dict[str, Callable[[], None]] = {
    **{f"version:{package}": functools.partial(_version, package) for package in VERSIONS},
    "twisted.internet.tcp.Server": _check_tcp_server,
    "twisted.internet.tcp.Server.writeSomeData": _check_write_some_data,
    "twisted.internet.abstract.FileDescriptor._tempDataLen": _check_temp_data,
    "autobahn.WebSocketFactory.prepareMessage.payloadHybi": _check_prepare_message,
    "autobahn.WebSocketServerProtocol": _check_server_protocol,
    "autobahn.websocket.protocol.WebSocketProtocol.sendCloseFrame": _check_send_close_frame,
    "daphne.server.Server.handle_reply": _check_daphne_send,
    "daphne.ws_protocol.WebSocketProtocol": _check_daphne_protocol,
    "channels.sessions.InstanceSessionWrapper.real_send": _check_real_send,
    "channels.consumer.AsyncConsumer.base_send": _check_base_send,
    "channels.consumer.AsyncConsumer.channel_layer_alias": _check_channel_layer_alias,
    "channels.consumer.AsyncConsumer.dispatch": _check_dispatch,
    "autobahn.websocket.protocol.WebSocketProtocol._connectionMade": (
        _check_connection_made_pformat
    ),
}


def self_check() -> list[str]:
    """What does not match, one line per failed check (empty: the fast path may run)."""
    failures = []
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as error:  # an ImportError or a changed type counts as a mismatch
            failures.append(f"{name}: {error}")
    return failures
