"""``python -m ops.serve`` (which calls ``main`` here): Daphne, with the drain on SIGTERM
(ops/drain.py). It lives in the transport because it reaches into Daphne, Twisted and
autobahn, which nothing outside ``live/transport/`` may (tests/live/test_transport_imports.py).

Takes Daphne's own command-line options (``python -m ops.serve -e tcp:port=8001 ...
config.asgi:application``). Daphne stops at once on SIGTERM, cancelling every request and
dropping every socket without a close frame; here the first SIGTERM or SIGINT drains and a
second one stops at once.

This reaches into Daphne (4.2): ``CommandLineInterface.server_class``,
``Server(signal_handlers=...)``, ``Server.listen_success`` (the listening ports),
``Server.connections`` (the protocols in flight) and Autobahn's ``sendCloseFrame``.
``tests/ops/test_drain.py`` fails by name when one of them changes. Upstream source:
daphne/server.py and daphne/cli.py.
"""

import asyncio
import signal
import sys

from daphne.cli import CommandLineInterface
from daphne.http_protocol import WebRequest
from daphne.server import Server
from twisted.internet import reactor

from live.transport import fastpath
from ops import drain


class DrainingServer(Server):
    def __init__(self, *args, **kwargs) -> None:
        kwargs["signal_handlers"] = False  # ours instead: see on_signal
        super().__init__(*args, **kwargs)
        self.ports: list = []
        self.draining = False

    def listen_success(self, port) -> None:
        self.ports.append(port)
        super().listen_success(port)

    def run(self) -> None:
        reactor.callWhenRunning(self._install_signal_handlers)
        super().run()

    def _install_signal_handlers(self) -> None:
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, self.on_signal)

    def on_signal(self, signum, frame) -> None:
        if self.draining:  # a second signal: stop now
            reactor.callFromThread(self.stop)
            return
        self.draining = True
        reactor.callFromThread(self._start_drain)

    def _start_drain(self) -> None:
        asyncio.ensure_future(
            drain.drain(
                stop_listening=self.stop_listening,
                requests_in_flight=self.requests_in_flight,
                stop=self.stop,
                close_socket=self.close_socket,
            )
        )

    def stop_listening(self) -> None:
        for port in self.ports:
            port.stopListening()

    @staticmethod
    def close_socket(outlet, code: int) -> None:
        """Send a close frame with ``code`` now; frames still queued for it are dropped.

        Not through the ASGI ``websocket.close`` message: Autobahn (under Daphne) refuses
        every application close code but 1000 and 3000-4999 (its ``sendClose`` raises for
        1001), so the frame is sent with the lower ``sendCloseFrame``, as RFC 6455 allows
        a server to. Upstream: autobahn/websocket/protocol.py, ``sendClose``.
        """
        # The fast path's outlets know their protocol; a portable outlet's is found behind its
        # send (Daphne's handle_reply), as the fast path finds it. None: the socket drops when
        # the process exits, and its client resumes all the same.
        protocol = getattr(outlet, "protocol", None) or fastpath.server_protocol(outlet.send)
        outlet.closed = True
        outlet.queue.clear()
        if protocol is not None and protocol.state == protocol.STATE_OPEN:
            protocol.sendCloseFrame(code=code, isReply=False)

    def requests_in_flight(self) -> int:
        return sum(
            1
            for protocol, details in list(self.connections.items())
            if isinstance(protocol, WebRequest)
            and "application_instance" in details
            and not details["application_instance"].done()
        )


class DrainingCommandLineInterface(CommandLineInterface):
    server_class = DrainingServer


def main() -> None:
    DrainingCommandLineInterface.entrypoint()


if __name__ == "__main__":
    sys.exit(main())
