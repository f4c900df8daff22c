"""Contract tests: every internal of Twisted, autobahn, Daphne and Channels the Daphne fast
path (live/transport/fastpath.py) relies on, one test per internal, named after it. An
upgrade that changes one fails the test of that name (and ``LIVE_TRANSPORT=auto`` falls
back to the portable transport, see test_transport_choice.py). What a frame written this
way looks like on a real Twisted socket is in test_live_hub_writes.py.
"""

import functools
import importlib.metadata
import importlib.util
import inspect
import types
from pathlib import Path

from live.transport import fastpath


def _params(function) -> list[str]:
    return list(inspect.signature(function).parameters)


def _source_of(module: str) -> str:
    return Path(importlib.util.find_spec(module).origin).read_text(encoding="utf-8")


def test_versions_are_the_checked_series():
    for package, series in fastpath.VERSIONS.items():
        version = importlib.metadata.version(package)
        assert version == series or version.startswith(series + "."), (package, version)


def test_twisted_internet_tcp_Server():  # noqa: N802 - named after the internal
    from twisted.internet import tcp

    assert isinstance(tcp.Server, type)
    server = tcp.Server.__new__(tcp.Server)
    # Class-level defaults the fast path reads before a connection has written anything.
    assert (tcp.Server.dataBuffer, tcp.Server.offset) == (b"", 0)
    assert hasattr(server, "connected") and hasattr(server, "disconnecting")


def test_twisted_internet_tcp_Server_writeSomeData():  # noqa: N802
    from twisted.internet import tcp

    assert _params(tcp.Server.writeSomeData) == ["self", "data"]
    assert len(_params(tcp.Server.write)) == 2


def test_twisted_internet_abstract_FileDescriptor_tempDataLen():  # noqa: N802
    from twisted.internet import abstract

    source = inspect.getsource(abstract.FileDescriptor.__init__)
    assert "self._tempDataBuffer" in source and "self._tempDataLen = 0" in source
    descriptor = abstract.FileDescriptor(reactor=types.SimpleNamespace())
    assert descriptor._tempDataBuffer == [] and descriptor._tempDataLen == 0
    assert fastpath.buffered_bytes(descriptor) == 0


def test_autobahn_WebSocketFactory_prepareMessage_payloadHybi():  # noqa: N802
    from autobahn.websocket.protocol import WebSocketFactory

    server = types.SimpleNamespace(isServer=True)
    assert WebSocketFactory.prepareMessage(server, b"hello").payloadHybi == b"\x81\x05hello"
    prepared = fastpath.Prepared("hello")
    protocol = types.SimpleNamespace(
        factory=types.SimpleNamespace(
            prepareMessage=functools.partial(WebSocketFactory.prepareMessage, server)
        )
    )
    assert prepared.frame(protocol) == b"\x81\x05hello"


def test_autobahn_WebSocketServerProtocol():  # noqa: N802
    from autobahn.websocket.protocol import WebSocketServerProtocol

    assert callable(WebSocketServerProtocol.sendPreparedMessage)
    assert isinstance(WebSocketServerProtocol.STATE_OPEN, int)


def test_autobahn_websocket_protocol_WebSocketProtocol_sendCloseFrame():  # noqa: N802
    """The fast path closes with 1001/1011/1012 through it: ``sendClose`` refuses them."""
    import inspect

    from autobahn.websocket.protocol import WebSocketProtocol

    parameters = inspect.signature(WebSocketProtocol.sendCloseFrame).parameters
    assert {"code", "isReply"} <= set(parameters)
    # Why: sendClose still refuses the protocol's 1001, 1011 and 1012.
    assert "must be 1000 or from [3000, 4999]" in inspect.getsource(WebSocketProtocol.sendClose)


def test_daphne_server_Server_handle_reply():  # noqa: N802
    source = _source_of("daphne.server")
    assert "send=partial(self.handle_reply, protocol)" in source
    assert "async def handle_reply(self, protocol, message)" in source


def test_daphne_ws_protocol_WebSocketProtocol():  # noqa: N802
    assert "class WebSocketProtocol(WebSocketServerProtocol)" in _source_of("daphne.ws_protocol")


def test_channels_sessions_InstanceSessionWrapper_real_send():  # noqa: N802
    from channels.sessions import InstanceSessionWrapper

    assert "self.real_send = send" in inspect.getsource(InstanceSessionWrapper.__init__)


def test_channels_consumer_AsyncConsumer_base_send():  # noqa: N802
    from channels.consumer import AsyncConsumer

    assert "self.base_send = send" in inspect.getsource(AsyncConsumer.__call__)


def test_channels_consumer_AsyncConsumer_channel_layer_alias():  # noqa: N802
    from channels.consumer import AsyncConsumer
    from channels.layers import get_channel_layer

    assert "get_channel_layer(self.channel_layer_alias)" in inspect.getsource(
        AsyncConsumer.__call__
    )
    assert get_channel_layer(fastpath.CHANNEL_LAYER_ALIAS) is None


def test_channels_consumer_AsyncConsumer_dispatch():  # noqa: N802
    from channels.consumer import AsyncConsumer, get_handler_name

    assert get_handler_name({"type": "websocket.receive"}) == "websocket_receive"
    source = inspect.getsource(AsyncConsumer.dispatch)
    assert "handler = getattr(self, get_handler_name(message), None)" in source
    assert "await aclose_old_connections()" in source


def test_autobahn_websocket_protocol_WebSocketProtocol_connectionMade():  # noqa: N802
    import pprint

    from autobahn.twisted.websocket import WebSocketAdapterProtocol
    from autobahn.websocket import protocol
    from txaio.interfaces import log_levels

    source = inspect.getsource(protocol.WebSocketProtocol._connectionMade)
    assert "configAttrLog = []" in source and "pformat(configAttrLog)" in source
    assert protocol.pformat in (pprint.pformat, fastpath._pformat_when_logged)
    assert WebSocketAdapterProtocol.log._log_level in log_levels
    options = [("openHandshakeTimeout", 5, "WebSocketFactory")]
    log = WebSocketAdapterProtocol.log
    level = log._log_level
    try:
        log._log_level = "info"  # as Daphne runs: the options list is not formatted
        assert "openHandshakeTimeout" not in fastpath._pformat_when_logged(options)
        assert fastpath._pformat_when_logged({"a": 1}) == "{'a': 1}"  # a dict always is
        log._log_level = "debug"
        assert fastpath._pformat_when_logged(options) == pprint.pformat(options)
    finally:
        log._log_level = level


def test_server_protocol_finds_daphnes_protocol_behind_the_session_wrapper():
    from channels.sessions import InstanceSessionWrapper

    protocol = types.SimpleNamespace(sendPreparedMessage=None, factory=None)

    async def handle_reply(protocol, message):
        return None

    wrapper = InstanceSessionWrapper.__new__(InstanceSessionWrapper)
    wrapper.real_send = functools.partial(handle_reply, protocol)
    assert fastpath.server_protocol(functools.partial(handle_reply, protocol)) is protocol
    assert fastpath.server_protocol(wrapper.send) is protocol
    assert fastpath.server_protocol(handle_reply) is None


def test_every_self_check_has_its_contract_test():
    """A new internal in fastpath.CHECKS needs a test above named after it."""
    names = set(globals())
    for internal in fastpath.CHECKS:
        if internal.startswith("version:"):
            continue
        wanted = "test_" + internal.replace("._", "_").replace(".", "_")
        assert wanted in names, f"no contract test {wanted}"
