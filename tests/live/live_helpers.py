"""Helpers for live room tests: a room with people in every role, and a socket client."""

import asyncio
import contextlib
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from types import SimpleNamespace

import orjson
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connections
from django.utils import timezone

from tests import factories

ORIGIN = "http://localhost"


def live_outlet(send, person_key: str, **kwargs):
    """An outlet of the transport under test (LIVE_TRANSPORT): the Daphne fast path's steps
    the send coroutine by hand, the portable one writes in a task."""
    from live.transport import choice

    return choice.current().OUTLET(send, person_key, **kwargs)


def live_room_data() -> SimpleNamespace:
    """A published seminar with one pre-moderated session presented by agencies A and B, and
    a moderator, an organiser, a presenter for each agency and three vendors."""
    seminar = factories.SeminarFactory()
    agency_a = factories.AgencyFactory(acronym="UNA")
    agency_b = factories.AgencyFactory(acronym="UNB")
    session = factories.SessionFactory(seminar=seminar, qa_moderated=True)
    session.agencies.set([agency_a, agency_b])
    other_session = factories.SessionFactory(seminar=seminar)

    def role(role: str, agency=None):
        return factories.RoleFactory(seminar=seminar, role=role, agency=agency).user

    return SimpleNamespace(
        seminar=seminar,
        session=session,
        other_session=other_session,
        agency_a=agency_a,
        agency_b=agency_b,
        moderator=role("moderator"),
        organizer=role("organizer"),
        presenter_a=role("presenter", agency_a),
        presenter_b=role("presenter", agency_b),
        vendor=factories.UserFactory(first_name="Grace", last_name="Banda"),
        vendor2=factories.UserFactory(first_name="Kofi", last_name="Mensah"),
        vendor3=factories.UserFactory(first_name="Ana", last_name="Lima"),
    )


def server_process(*, beat_seconds_ago: float = 0) -> uuid.UUID:
    """A server process (its LiveProcess row) that last beat that many seconds ago."""
    from live.models import LiveProcess

    beat_at = timezone.now() - timedelta(seconds=beat_seconds_ago)
    process = LiveProcess.objects.create(
        id=uuid.uuid4(), hostname="test", pid=1, started_at=beat_at, beat_at=beat_at
    )
    return process.pk


def session_cookie(user) -> str:
    """A signed-in Django session for the user, as the value of the session cookie."""
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


@dataclass
class LiveClient:
    communicator: WebsocketCommunicator
    frames: list = field(default_factory=list)
    pending: list = field(default_factory=list)
    hello: dict | None = None
    sync: dict | None = None
    close_code: int | None = None
    refs: int = 0

    async def recv(self, timeout: float = 2) -> dict:
        """The next frame from the socket (frames kept aside by ``recv_until`` first)."""
        if self.pending:
            return self.pending.pop(0)
        return await self._read(timeout)

    async def _read(self, timeout: float) -> dict:
        # Not communicator.receive_from: on a timeout it cancels the application, and these
        # tests wait on purpose (to show that nothing else arrives) and then go on.
        communicator = self.communicator
        if communicator.future.done():
            communicator.future.result()
        async with asyncio.timeout(timeout):
            message = await communicator.output_queue.get()
        assert message["type"] == "websocket.send", message
        frame = orjson.loads(message["text"])
        self.frames.append(frame)
        return frame

    async def recv_until(self, predicate, timeout: float = 2) -> dict:
        """The first frame matching ``predicate``; other frames stay for later calls."""
        for index, frame in enumerate(self.pending):
            if predicate(frame):
                return self.pending.pop(index)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            frame = await self._read(timeout=max(0.01, deadline - loop.time()))
            if predicate(frame):
                return frame
            self.pending.append(frame)

    async def recv_type(self, kind: str, timeout: float = 2) -> dict:
        return await self.recv_until(lambda f: f["type"] == kind, timeout)

    async def send(self, frame: dict) -> None:
        await self.communicator.send_to(text_data=orjson.dumps(frame).decode())

    async def command(self, frame: dict, timeout: float = 3) -> dict:
        """Send a command and return its ack or error (other frames are kept in ``frames``)."""
        self.refs += 1
        ref = f"r{self.refs}"
        await self.send({**frame, "ref": ref})
        return await self.recv_until(
            lambda f: f["type"] in {"ack", "error"} and f.get("ref") == ref, timeout
        )

    async def drain(self, timeout: float = 0.3) -> list[dict]:
        """Every frame that arrives within ``timeout`` of the previous one."""
        got, self.pending = self.pending, []
        while True:
            try:
                got.append(await self._read(timeout=timeout))
            except TimeoutError:
                return got

    async def room_event(self, seq: int, timeout: float = 2) -> dict:
        return await self.recv_until(lambda f: f.get("seq") == seq and "type" in f, timeout)

    def text_received(self) -> str:
        return orjson.dumps(self.frames).decode()


@contextlib.asynccontextmanager
async def live_socket(
    session_id: int,
    *,
    user=None,
    token: str | None = None,
    query: str = "",
    origin: str = ORIGIN,
    expect_open: bool = True,
):
    """A connected socket to a room, with its hello and snapshot/replay already read."""
    from config.asgi import application

    headers = [(b"host", b"localhost")]
    if origin:
        headers.append((b"origin", origin.encode()))
    if user is not None:
        key = await database_sync_to_async(session_cookie)(user)
        headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={key}".encode()))
    params = "&".join(p for p in (f"token={token}" if token else "", query) if p)
    path = f"/ws/sessions/{session_id}/" + (f"?{params}" if params else "")
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, subprotocol_or_code = await communicator.connect(timeout=5)
    client = LiveClient(communicator)
    try:
        if connected and expect_open:
            first = await client.recv()
            if first["type"] == "websocket.close":  # pragma: no cover - refused late
                raise AssertionError(first)
            client.hello = first
            client.sync = await client.recv()
            client.frames.clear()
        elif connected:
            output = await communicator.receive_output(timeout=5)
            client.close_code = output.get("code") if output["type"] == "websocket.close" else None
        else:
            client.close_code = subprotocol_or_code
        yield client
    finally:
        # A consumer that already ended re-raises its end here; the test's own error (if
        # any) is the one worth seeing.
        with contextlib.suppress(Exception, asyncio.CancelledError):
            await communicator.disconnect()
        # The consumer's database thread keeps its connection open; PostgreSQL would then
        # refuse to drop the test database at the end of the run.
        await database_sync_to_async(connections.close_all)()
