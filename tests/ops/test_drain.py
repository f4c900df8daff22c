"""The drain on SIGTERM (ops/serve.py, live/transport/server.py, ops/drain.py) on a real
server process."""

import asyncio
import contextlib
import signal
import socket
import subprocess
import sys

import pytest
from django.conf import settings

from tests.live.live_helpers import live_room_data, session_cookie
from tests.ops.processes import ROOT, child_env, free_port, wait_listening

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]


def test_daphne_internals_the_drain_relies_on_are_there():
    """Fails by name when Daphne changes what live/transport/server.py uses."""
    import inspect

    from daphne.cli import CommandLineInterface
    from daphne.http_protocol import WebRequest
    from daphne.server import Server

    assert CommandLineInterface.server_class is Server
    assert "signal_handlers" in inspect.signature(Server.__init__).parameters
    assert callable(Server.listen_success) and callable(Server.stop)
    assert "self.connections = {}" in inspect.getsource(Server.run)
    assert "application_instance" in inspect.getsource(Server.create_application)
    assert WebRequest.__name__ == "WebRequest"
    from autobahn.websocket.protocol import WebSocketProtocol

    assert "isReply" in inspect.signature(WebSocketProtocol.sendCloseFrame).parameters


def _start(port: int, log_path, drain_seconds: str) -> subprocess.Popen:
    env = {
        **child_env(),
        "DEBUG": "true",
        "ALLOWED_HOSTS": "127.0.0.1",
        "CSRF_TRUSTED_ORIGINS": f"http://127.0.0.1:{port}",
        "DRAIN_SECONDS": drain_seconds,
        "DRAIN_GRACE_SECONDS": "10",
    }
    with log_path.open("wb") as log:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "ops.serve",
                "-e",
                f"tcp:port={port}:interface=127.0.0.1",
                "config.asgi:application",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )


async def _open(port: int, session_id: int, cookie: str):
    from websockets.asyncio.client import connect

    ws = await connect(
        f"ws://127.0.0.1:{port}/ws/sessions/{session_id}/",
        origin=f"http://127.0.0.1:{port}",
        additional_headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}"},
    )
    assert "hello" in await asyncio.wait_for(ws.recv(), 10)
    return ws


async def _close_code(ws) -> int:
    from websockets.exceptions import ConnectionClosed

    with contextlib.suppress(ConnectionClosed):
        while True:
            await asyncio.wait_for(ws.recv(), 30)
    return ws.close_code


def test_sigterm_sends_live_sockets_away_with_1001_and_stops_listening(tmp_path):
    room = live_room_data()
    cookies = [session_cookie(user) for user in (room.vendor, room.vendor2, room.moderator)]
    port = free_port()
    log = tmp_path / "serve.log"
    server = _start(port, log, drain_seconds="1")
    try:
        assert wait_listening(port, server), log.read_text()

        async def scenario() -> list[int]:
            sockets = [await _open(port, room.session.pk, cookie) for cookie in cookies]
            server.send_signal(signal.SIGTERM)
            return await asyncio.gather(*(_close_code(ws) for ws in sockets))

        codes = asyncio.run(scenario())
        assert codes == [1001, 1001, 1001], log.read_text()
        assert server.wait(timeout=30) == 0, log.read_text()
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    text = log.read_text()
    assert "drained in" in text and "3 live sockets sent away" in text, text
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), 1).close()


def test_readyz_says_draining_once_the_drain_started(client, settings, tmp_path, monkeypatch):
    from ops import health

    settings.MEDIA_ROOT = tmp_path
    assert client.get("/readyz").status_code == 200
    monkeypatch.setattr(health, "_draining", False)
    health.draining_start()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"]["process"] == "draining: this process is stopping"
