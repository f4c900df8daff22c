"""Two real Daphne processes share PostgreSQL and the Redis pub/sub layer: a question asked
through one reaches sockets on the other, and when one process stops, its clients resume on
the other without missing anything."""

import asyncio
import contextlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest
from django.conf import settings
from django.db import connection

from tests.live.live_helpers import live_room_data, session_cookie

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]

ROOT = Path(__file__).resolve().parents[2]
DAPHNE = Path(sys.executable).with_name("daphne")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def _start_daphne(port: int, log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CSRF_TRUSTED_ORIGINS": f"http://127.0.0.1:{port}",
        "DEBUG": "true",
    }
    with log.open("wb") as output:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(
            [str(DAPHNE), "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def _assert_transport(log: Path) -> None:
    """The server runs the transport this suite run is for (LIVE_TRANSPORT, passed on)."""
    wanted = "portable" if os.environ.get("LIVE_TRANSPORT") == "portable" else "daphne"
    assert f"live transport: {wanted} " in log.read_text(errors="replace"), log.read_text()


def _wait_listening(process: subprocess.Popen, port: int, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"daphne on {port} exited:\n{log.read_text(errors='replace')}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            _assert_transport(log)
            return
        time.sleep(0.2)
    pytest.fail(f"daphne on {port} did not listen within 60 s:\n{log.read_text(errors='replace')}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


class Client:
    """A websockets client that keeps every room event it sees and its last seq."""

    def __init__(self, port: int, session_id: int, cookie: str) -> None:
        self.port, self.session_id, self.cookie = port, session_id, cookie
        self.events: dict[int, dict] = {}
        self.last_seq = 0
        self.ws = None
        self.refs = 0

    async def open(self, port: int | None = None) -> dict:
        from websockets.asyncio.client import connect

        self.port = port or self.port
        query = f"?last_seq={self.last_seq}" if self.last_seq else ""
        self.ws = await connect(
            f"ws://127.0.0.1:{self.port}/ws/sessions/{self.session_id}/{query}",
            origin=f"http://127.0.0.1:{self.port}",
            additional_headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={self.cookie}"},
            compression=None,
        )
        hello = await self.next()
        assert hello["type"] == "hello", hello
        return await self.next_of({"snapshot", "replay"})

    async def next(self, timeout: float = 10) -> dict:
        frame = orjson.loads(await asyncio.wait_for(self.ws.recv(), timeout))
        if frame["type"] == "replay":
            for event in frame["events"]:
                self.keep(event)
        elif frame["type"] == "snapshot":
            self.last_seq = max(self.last_seq, frame["seq"])
        elif "seq" in frame:
            self.keep(frame)
        return frame

    def keep(self, event: dict) -> None:
        self.events[event["seq"]] = event
        while self.last_seq + 1 in self.events:
            self.last_seq += 1

    async def next_of(self, kinds: set[str], timeout: float = 10) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            frame = await self.next(max(0.1, deadline - time.monotonic()))
            if frame["type"] in kinds:
                return frame

    async def command(self, frame: dict) -> dict:
        self.refs += 1
        await self.ws.send(orjson.dumps({**frame, "ref": self.refs}).decode())
        while True:
            reply = await self.next()
            if reply["type"] in {"ack", "error"} and reply.get("ref") == self.refs:
                assert reply["type"] == "ack", reply
                return reply

    async def wait_seq(self, seq: int, timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        while self.last_seq < seq:
            await self.next(max(0.1, deadline - time.monotonic()))


async def _scenario(room, ports: list[int], cookies: dict, stop_first) -> None:
    sid = room.session.pk
    asker = Client(ports[0], sid, cookies["vendor"])
    watcher_1 = Client(ports[0], sid, cookies["vendor2"])
    watcher_2 = Client(ports[1], sid, cookies["vendor3"])
    moderator = Client(ports[1], sid, cookies["moderator"])
    for client in (asker, watcher_1, watcher_2, moderator):
        await client.open()
    question = await asker.command({"type": "question.ask", "text": "Across processes?"})
    created = await moderator.next_of({"question.created"})
    assert created["question"]["id"] == question["question_id"]
    assert created["question"]["author"]["name"] == "Grace Banda"
    approve = {"type": "question.set_state", "question_id": question["question_id"]}
    await moderator.command({**approve, "state": "approved"})
    approved = await watcher_1.next_of({"question.updated"})  # asked on 1, approved on 2
    assert approved["question"]["text"] == "Across processes?"

    await asyncio.to_thread(stop_first)
    while_down = await watcher_2.command({"type": "question.ask", "text": "While 1 is down"})
    await moderator.command(
        {"type": "question.set_state", "question_id": while_down["question_id"],
         "state": "approved"}
    )  # fmt: skip
    await moderator.command({"type": "question.vote", "question_id": question["question_id"]})
    await moderator.wait_seq(5)

    for client in (asker, watcher_1):
        with contextlib.suppress(Exception):
            await client.ws.close()
        sync = await client.open(port=ports[1])
        assert sync["type"] == "replay", sync
        await client.wait_seq(5)
        assert sorted(client.events) == [1, 2, 3, 4, 5]
    assert watcher_1.events[4]["question"]["text"] == "While 1 is down"
    assert watcher_1.events[5] == {
        "type": "question.votes", "seq": 5, "id": question["question_id"], "votes": 1
    }  # fmt: skip
    for client in (asker, watcher_1, watcher_2, moderator):
        await client.ws.close()


def test_question_crosses_processes_and_clients_resume_on_the_survivor(
    room_data_committed, tmp_path
):
    room = room_data_committed
    cookies = {name: session_cookie(getattr(room, name)) for name in
               ("vendor", "vendor2", "vendor3", "moderator")}  # fmt: skip
    ports = [_free_port(), _free_port()]
    processes = []
    try:
        for n, port in enumerate(ports):
            log = tmp_path / f"daphne-{n}.log"
            processes.append(_start_daphne(port, log))
            _wait_listening(processes[-1], port, log)
        asyncio.run(_scenario(room, ports, cookies, lambda: _stop(processes[0])))
    finally:
        for process in processes:
            _stop(process)


@pytest.fixture
def room_data_committed(transactional_db):
    return live_room_data()
