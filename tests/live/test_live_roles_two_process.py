"""Roles take effect on open sockets across two real Daphne processes on PostgreSQL and the
Redis pub/sub layer: a role changed in a third process (this test's, as the admin would)
closes the person's sockets in both servers with 4010; they reconnect at the new level."""

import asyncio
import time

import orjson
import pytest
from websockets.exceptions import ConnectionClosed

from seminars.models import SeminarRole
from tests import factories
from tests.live.live_helpers import live_room_data, session_cookie
from tests.live.test_live_two_process import (
    Client,
    _free_port,
    _start_daphne,
    _stop,
    _wait_listening,
)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]

WAIT_SECONDS = 5  # generous; the effect is expected within 2 s and the figure is printed


async def _close_code(client: Client) -> int:
    """Read until the server closes the socket; its close code."""
    try:
        async with asyncio.timeout(WAIT_SECONDS):
            while True:
                await client.ws.recv()
    except ConnectionClosed as closed:
        return closed.rcvd.code if closed.rcvd else None


async def _change_and_wait(change, clients: list[Client], what: str) -> list[int]:
    started = time.monotonic()
    await asyncio.to_thread(change)
    codes = await asyncio.gather(*(_close_code(c) for c in clients))
    print(f"{what}: {len(clients)} sockets on 2 processes closed "
          f"{time.monotonic() - started:.3f} s after the commit")  # fmt: skip
    return codes


async def _error_of(client: Client, frame: dict) -> dict:
    client.refs += 1
    await client.ws.send(orjson.dumps({**frame, "ref": client.refs}).decode())
    while True:
        reply = await client.next()
        if reply["type"] in {"ack", "error"} and reply.get("ref") == client.refs:
            return reply


async def _scenario(room, ports: list[int], cookies: dict) -> None:
    sid = room.session.pk
    asker = Client(ports[0], sid, cookies["vendor2"])
    await asker.open()
    vendor = [Client(port, sid, cookies["vendor"]) for port in ports]
    moderator = [Client(port, sid, cookies["moderator"]) for port in ports]
    for client in (*vendor, *moderator):
        await client.open()

    # Grant: an attendee becomes a moderator on both processes.
    def grant():
        factories.RoleFactory(seminar=room.seminar, user=room.vendor, role="moderator")

    assert await _change_and_wait(grant, vendor, "grant") == [4010, 4010]
    for client in vendor:
        await client.open()  # with ?last_seq=
    first = await asker.command({"type": "question.ask", "text": "Seen by the new moderator?"})
    for client in vendor:
        created = await client.next_of({"question.created"})
        assert created["question"]["id"] == first["question_id"]
        assert created["question"]["state"] == "pending"

    # Revoke: a moderator becomes an attendee on both processes.
    def revoke():
        SeminarRole.objects.filter(user=room.moderator, seminar=room.seminar).delete()

    for client in moderator:
        await client.next_of({"question.created"})
    assert await _change_and_wait(revoke, moderator, "revoke") == [4010, 4010]
    for client in moderator:
        sync = await client.open()
        assert sync["type"] == "replay", sync
    await asker.command({"type": "question.ask", "text": "Hidden from the former one"})
    for client in moderator:
        event = await client.next_of({"seq", "question.created"})
        assert event["type"] == "seq", event  # a pending question: only its seq, no text
        approve = {"type": "question.set_state", "question_id": first["question_id"],
                   "state": "approved"}  # fmt: skip
        refused = await _error_of(client, approve)
        assert refused["type"] == "error" and refused["code"] == "forbidden", refused
    for client in (asker, *vendor, *moderator):
        await client.ws.close()


def test_role_granted_and_revoked_reach_sockets_on_both_processes(room_committed, tmp_path):
    room = room_committed
    cookies = {name: session_cookie(getattr(room, name)) for name in
               ("vendor", "vendor2", "moderator")}  # fmt: skip
    ports = [_free_port(), _free_port()]
    processes = []
    try:
        for n, port in enumerate(ports):
            log = tmp_path / f"daphne-{n}.log"
            processes.append(_start_daphne(port, log))
            _wait_listening(processes[-1], port, log)
        asyncio.run(_scenario(room, ports, cookies))
    finally:
        for process in processes:
            _stop(process)


@pytest.fixture
def room_committed(transactional_db):
    return live_room_data()
