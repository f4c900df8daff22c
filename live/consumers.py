"""The live room socket (protocol: docs/websocket-protocol.md).

Thin: it authenticates, routes each frame to a registered command (``handlers.py``) run in
the database thread, and sends the reply. Room events do not pass through here at all: the
process's hub writes them straight to this socket's outlet.
"""

import logging
import time
import uuid
from urllib.parse import parse_qs

import orjson
from channels.db import database_sync_to_async
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from live import conf, groups, selectors, transport
from live.errors import LiveError
from live.handlers import COMMANDS
from live.models import Question
from live.ratelimit import FrameBucket
from live.rooms import Room, Viewer
from live.services import attendance
from ops import metrics as ops_metrics

logger = logging.getLogger(__name__)


def _query(scope: dict) -> dict[str, str]:
    parsed = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    return {key: values[-1] for key, values in parsed.items()}


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


def _language(scope: dict) -> str:
    """The language of error messages: the language cookie, else Accept-Language."""
    cookie = scope.get("cookies", {}).get(settings.LANGUAGE_COOKIE_NAME)
    candidates = [cookie] if cookie else []
    for name, value in scope.get("headers", []):
        if name == b"accept-language":
            parsed = translation.trans_real.parse_accept_lang_header(value.decode("latin-1"))
            candidates += [code for code, _q in parsed]
    for code in candidates:
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE


def _enter(
    session_id: int, user, query: dict, connection_id: uuid.UUID, presence: int | None
) -> tuple:
    """Who the socket is, its connection noted (written in the next batch), and its
    snapshot or replay when it already sits on its level's feed (one database-thread hop;
    for a room token, one query, see ``selectors.room_join``)."""
    room, viewer, state = selectors.room_join(
        session_id=session_id,
        process_id=transport.process_id(),
        user=user,
        token=query.get("token"),
        view=query.get("view"),
        agency=_int_or_none(query.get("agency")),
    )
    number = attendance.attendance_admit(
        session_id=room.session_id,
        user_id=viewer.user_id,
        device_pk=viewer.device_pk,
        connection_id=connection_id,
        process_id=transport.process_id(),
        others=state["others_open"],
    )
    frame = None
    if viewer.token:  # attached to the attendees' feed before this read: see connect
        last_seq = _int_or_none(query.get("last_seq"))
        frame = _sync_frame(room, viewer, state, last_seq, presence, number)
    return room, viewer, state, frame


def _sync_frame(room: Room, viewer: Viewer, state: dict, last_seq, presence, number) -> dict:
    if last_seq is not None:
        return selectors.room_events_since(
            room=room, viewer=viewer, last_seq=last_seq, current=state["seq"]
        )
    if presence is None:  # the first joins of a room in this process: count them too
        presence = attendance.presence_with(
            session_id=room.session_id,
            number=number,
            count=lambda: selectors.presence_counts(session_ids=[room.session_id]).get(
                room.session_id, 0
            ),
        )
    return selectors.room_join_snapshot(room=room, viewer=viewer, state=state, presence=presence)


def _hello(room: Room, viewer: Viewer, state: dict) -> dict:
    return {
        "type": "hello",
        "level": viewer.level,
        "agency_id": viewer.agency_id,
        "person": {"key": viewer.person_key, "name": viewer.name, "guest": viewer.token},
        "muted": state["muted"],
        "session": {
            "id": room.session_id,
            "title": room.title,
            "qa_moderated": state["qa_moderated"],
            "language": room.language,
            "starts_at": room.starts_at.isoformat().replace("+00:00", "Z"),
            "ends_at": room.ends_at.isoformat().replace("+00:00", "Z"),
            "agencies": list(room.agencies),
        },
        "limits": {
            "question_max_chars": Question.MAX_CHARS,
            "answer_max_chars": Question.ANSWER_MAX_CHARS,
            "ask_per_minute": _per_minute(conf.get("LIVE_ASK_RATE")),
            "vote_per_minute": _per_minute(conf.get("LIVE_VOTE_RATE")),
        },
    }


def _per_minute(rate: tuple) -> int:
    count, seconds = rate
    return int(count * 60 / seconds)


class LiveRoomConsumer(transport.SocketConsumer):
    # Room events never pass through the consumer: the transport subscribes once per room
    # feed and writes them to this socket's outlet.
    outlet: transport.Outlet | None = None
    connection_id: uuid.UUID | None = None
    listening: transport.Listening | None = None  # this socket's hold on role-change closes

    async def connect(self) -> None:
        self.language = _language(self.scope)
        query = _query(self.scope)
        session_id = int(self.scope["url_route"]["kwargs"]["session_id"])
        connection_id = uuid.uuid4()
        # Listen for role changes before the level is read, so none committed after is missed.
        self.listening = await transport.listen()
        # Accepted before any database work: Daphne drops a handshake that is not accepted
        # within its websocket_connect_timeout (5 s), which a room filling at once reached.
        # A refusal is a close code, as the protocol says, before any other frame.
        await self.accept()
        self.outlet = transport.outlet(self, "")
        early = None
        if query.get("token"):
            # A room token is always an attendee: sit on that feed first (live frames are
            # held), so the one query of the join also reads the seq of its snapshot.
            early = groups.level_key(groups.ATTENDEE, None)
            await transport.attach(session_id, early, self.outlet)
        try:
            with translation.override(self.language):
                room, viewer, state, frame = await transport.socket_work(_enter)(
                    session_id,
                    self.scope.get("user"),
                    query,
                    connection_id,
                    transport.presence(session_id),
                )
        except LiveError as error:
            outlet, self.outlet = self.outlet, None
            if early is not None:
                await transport.detach(session_id, early, outlet)
            await self.close(code=error.close_code or 4403)
            return
        attendance.ensure_flusher()
        self.connection_id = connection_id
        self.room, self.viewer = room, viewer
        self.outlet.person_key = viewer.person_key
        self.bucket = FrameBucket(conf.get("LIVE_FRAME_RATE"))
        if early is None:
            await transport.attach(room.session_id, viewer.level_key, self.outlet)
        ops_metrics.socket_opened(viewer.level_key)
        changed = transport.closed_since(self.listening, viewer.person_key)
        if changed is not None:  # roles changed while the level was being read
            self.outlet.close(changed)
        transport.deliver(self.outlet, _hello(room, viewer, state))
        if frame is None:
            await self._catch_up(_int_or_none(query.get("last_seq")))
        else:
            self._synced(frame)

    async def _catch_up(self, last_seq: int | None) -> None:
        """Send a snapshot (or the missed events), holding live frames until it is out."""
        transport.hold(self.outlet)
        if last_seq is None:
            if transport.presence(self.room.session_id) is None and attendance.pending():
                # count the first joins too
                await transport.socket_work(attendance.attendance_flush)()
            frame = await transport.socket_work(selectors.room_snapshot)(
                room=self.room,
                viewer=self.viewer,
                # The count this process's hub last sent the room: a count over every
                # attendance row per connect would make a room of N cost N squared.
                presence=transport.presence(self.room.session_id),
            )
        else:
            frame = await transport.socket_work(selectors.room_events_since)(
                room=self.room, viewer=self.viewer, last_seq=last_seq
            )
        self._synced(frame)

    def _synced(self, frame: dict) -> None:
        transport.deliver(self.outlet, frame)
        transport.release(self.outlet, frame["seq"])
        transport.synced(self.room.session_id, self.viewer.level_key, frame["seq"])

    async def disconnect(self, code: int) -> None:
        if self.outlet is not None and self.connection_id is not None:
            ops_metrics.socket_closed(self.viewer.level_key)
            await transport.detach(self.room.session_id, self.viewer.level_key, self.outlet)
        if self.connection_id is not None:
            attendance.attendance_note_leave(connection_id=self.connection_id)
            attendance.ensure_flusher()
            self.connection_id = None
        if self.listening is not None:
            await transport.unlisten(self.listening)
            self.listening = None

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None):
        if self.outlet is None or self.connection_id is None:
            return
        with translation.override(self.language):
            await self._receive(text_data if text_data is not None else bytes_data or b"")

    def _error(self, code: str, message: str, frame: dict | None = None, **extra) -> None:
        reply = {"type": "error", "code": code, "message": str(message), **extra}
        if frame is not None:
            reply["command"] = frame.get("type")
            if "ref" in frame:
                reply["ref"] = frame["ref"]
        self.outlet.push_frame(reply)

    async def _receive(self, data: str | bytes) -> None:
        if len(data) > conf.MAX_FRAME_BYTES:
            return self._error("bad_frame", _("That message is too large."))
        try:
            frame = orjson.loads(data)
        except orjson.JSONDecodeError:
            return self._error("bad_frame", _("That message is not valid JSON."))
        if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
            return self._error("bad_frame", _("Every message needs a type."))
        if not isinstance(frame.get("ref", ""), str | int) or len(str(frame.get("ref", ""))) > 64:
            frame.pop("ref")
        wait = self.bucket.take()
        if wait is not None:
            message = _("Too many messages. Please wait %(seconds)s seconds.") % {"seconds": wait}
            return self._error("rate_limited", message, frame, retry_after=wait)
        direct = self.DIRECT.get(frame["type"])
        if direct is not None:
            return await direct(self, frame)
        await self._command(frame)

    async def _command(self, frame: dict) -> None:
        command = COMMANDS.get(frame["type"])
        if command is None:
            return self._error("unknown_type", _("Unknown message type."), frame)
        if not command.allows(self.viewer):
            return self._error("forbidden", _("You are not allowed to do that here."), frame)
        try:
            run = database_sync_to_async(self._run, thread_sensitive=not command.concurrent)
            result = await run(command, frame)
        except LiveError as error:
            return self.outlet.push_frame(self._with_ref(error.as_frame(), frame))
        except Exception:
            logger.exception("live command %s failed", frame["type"])
            return self._error("server_error", _("Something went wrong; please try again."), frame)
        self.outlet.push_frame(self._with_ref({"type": "ack", **result}, frame))

    def _run(self, command, frame: dict) -> dict:
        with translation.override(self.language):
            return command.execute(self.room, self.viewer, frame)

    @staticmethod
    def _with_ref(reply: dict, frame: dict) -> dict:
        reply["command"] = frame["type"]
        if "ref" in frame:
            reply["ref"] = frame["ref"]
        return reply

    async def _resume(self, frame: dict) -> None:
        last_seq = frame.get("last_seq")
        if not isinstance(last_seq, int) or isinstance(last_seq, bool):
            return self._error("invalid", _("last_seq must be a number."), frame, field="last_seq")
        await self._catch_up(last_seq)

    async def _clock(self, frame: dict) -> None:
        client_time = frame.get("client_time")
        if not isinstance(client_time, int | float) or isinstance(client_time, bool):
            message = _("client_time must be a number.")
            return self._error("invalid", message, frame, field="client_time")
        server_time = int(time.time() * 1000)
        self.outlet.push_frame(
            {"type": "clock", "client_time": client_time, "server_time": server_time}
        )

    async def _ping(self, frame: dict) -> None:
        self.outlet.push_frame({"type": "pong"})

    DIRECT = {"resume": _resume, "clock.sync": _clock, "ping": _ping}
