"""Reads of the live room: who a socket is, and the room as that viewer may see it."""

import collections
import threading
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from live import conf, groups, permissions
from live.compiled import CompiledQuery
from live.errors import LiveError
from live.models import (
    Attendance,
    LiveConnection,
    Question,
    RoomDevice,
    RoomEvent,
    RoomMute,
    RoomSequence,
    Vote,
)
from live.payloads import STAGE_FIELDS, event_for, person_name, question_payload, stage_payload_of
from live.rooms import Room, Viewer
from live.services.presence import connections_alive, dead_before
from live.services.tokens import (
    room_token_check,
    room_token_claim,
    room_token_verify,
    room_token_version_query,
    room_token_version_scope,
)
from seminars.models import Organization, Session

# Rooms by (session id, its updated_at): every socket of a room shares one Room, built with
# one query for its agencies. Agencies are a many-to-many that does not touch updated_at, so
# an entry also ages out: a room's agency list in ``hello`` is at most this old.
ROOM_CACHE_SECONDS = 30.0
_rooms: dict[int, tuple[tuple, float, Room]] = {}


def _room(session: Session) -> Room:
    return _room_of(
        session.pk,
        {
            "seminar_id": session.seminar_id,
            "title": session.title,
            "language": session.language,
            "starts_at": session.starts_at,
            "ends_at": session.ends_at,
            "updated_at": session.updated_at,
        },
    )


def _room_of(session_id: int, row: dict) -> Room:
    """The process's Room for a session row just read: a cache hit while the row's version
    (updated_at, title, language) is unchanged and the entry is younger than
    ROOM_CACHE_SECONDS; otherwise rebuilt with one query for its agencies."""
    version = (row["updated_at"], row["title"], row["language"])
    now = time.monotonic()
    cached = _rooms.get(session_id)
    if cached is not None and cached[0] == version and now - cached[1] < ROOM_CACHE_SECONDS:
        return cached[2]
    agencies: tuple[dict[str, Any], ...] = tuple(
        {"id": a.pk, "acronym": a.acronym, "name": a.name}
        for a in Organization.objects.filter(presented_sessions=session_id).order_by(
            "acronym", "name", "pk"
        )
    )
    room = Room(
        session_id=session_id,
        seminar_id=row["seminar_id"],
        title=row["title"],
        language=row["language"],
        starts_at=row["starts_at"],
        ends_at=row["ends_at"],
        agencies=agencies,
        agency_map={a["id"]: a for a in agencies},
    )
    _rooms[session_id] = (version, now, room)
    return room


def room_forget(*, session_id: int) -> None:
    """Drop this process's Room of a session (its agencies changed); see live/cache.py."""
    _rooms.pop(session_id, None)


def room_load(*, session_id: int) -> Room:
    session = Session.objects.filter(pk=session_id).first()
    if session is None:
        raise LiveError("not_found", _("There is no such session."), close_code=4404)
    return _room(session)


def room_enter(
    *,
    session_id: int,
    user=None,
    token: str | None = None,
    view: str | None = None,
    agency: int | None = None,
) -> tuple[Room, Viewer]:
    """The room and who the socket is, or LiveError with the close code that refuses it.

    A room token wins over the session cookie: a phone in the room is a guest.
    """
    session = Session.objects.select_related("seminar").filter(pk=session_id).first()
    if session is None:
        raise LiveError("not_found", _("There is no such session."), close_code=4404)
    room = _room(session)
    if token:
        device = room_token_verify(token=token, session_id=session_id)
        viewer = Viewer(
            level=groups.ATTENDEE, person_key=device.person_key, name="", device_pk=device.pk,
            token=True,
        )  # fmt: skip
        return room, viewer
    user = user or AnonymousUser()
    if not user.is_authenticated:
        raise LiveError("not_authenticated", _("Please sign in first."), close_code=4401)
    if not permissions.can_enter_room(user, session.seminar):
        raise LiveError("forbidden", _("You may not see this seminar."), close_code=4403)
    level, agency_id = permissions.socket_level(user, session, room, view, agency)
    viewer = Viewer(
        level=level,
        person_key=f"u{user.pk}",
        name=person_name(user),
        user_id=user.pk,
        agency_id=agency_id,
    )
    return room, viewer


_ROOM_FIELDS = ("seminar_id", "title", "language", "starts_at", "ends_at", "updated_at")
# The stage's columns, read with the room's seq (a LEFT JOIN: no row is the default stage).
_STAGE_COLUMNS = tuple(f"stage__{field}" for field in STAGE_FIELDS)


def _stage_of(session_id: int, row: dict) -> dict:
    """The ``stage`` payload a snapshot carries, from a row with ``_STAGE_COLUMNS``."""
    columns = {
        field: row.get(f"stage__{field}") or default for field, default in STAGE_FIELDS.items()
    }
    return stage_payload_of(session_id=session_id, **columns)


def _entry_state(session_id: int, person_key: str, person: dict, process_id, extra: dict):
    """The one query of a join: the session's row, the room's seq and Q&A mode, and what is
    the person's there (muted, other processes' open sockets, votes, own hidden questions).
    ``person``: the person as Attendance/Vote/Question filters name them."""
    return _entry_query(session_id, person_key, person, process_id, extra, timezone.now()).first()


def _entry_query(session_id: int, person_key: str, person: dict, process_id, extra: dict, now):
    attendance = {f"attendance__{k}": v for k, v in person["attendance"].items()}
    others = connections_alive(
        LiveConnection.objects.filter(attendance__session_id=OuterRef("pk"), **attendance).exclude(
            process_id=process_id
        ),
        now,
    )
    return (
        Session.objects.filter(pk=session_id)
        .annotate(
            muted=Exists(RoomMute.objects.filter(session_id=OuterRef("pk"), person_key=person_key)),
            seq=Coalesce(
                Subquery(
                    RoomSequence.objects.filter(session_id=OuterRef("pk")).values("last_seq")[:1]
                ),
                0,
            ),
            others_open=Coalesce(
                Subquery(
                    others.order_by()
                    .values("attendance__session_id")
                    .annotate(n=Count("pk"))
                    .values("n")[:1]
                ),
                0,
            ),
            has_votes=Exists(
                Vote.objects.filter(question__session_id=OuterRef("pk"), **person["vote"])
            ),
            own_hidden=Exists(
                Question.objects.filter(
                    session_id=OuterRef("pk"), merged_into__isnull=True, **person["question"]
                ).exclude(state__in=Question.PUBLIC_STATES)
            ),
            **extra,
        )
        .values(
            *_ROOM_FIELDS,
            "qa_moderated",
            "muted",
            "seq",
            "others_open",
            "has_votes",
            "own_hidden",
            *_STAGE_COLUMNS,
            *extra,
        )  # fmt: skip
    )


def _token_entry_query(*, session_id: int, device_id: str, process_id, now):
    """``_entry_query`` for a room token's device."""
    device = {"session_id": session_id, "device_id": device_id}
    person = {
        "attendance": {f"device__{k}": v for k, v in device.items()},
        "vote": {f"device__{k}": v for k, v in device.items()},
        "question": {f"author_device__{k}": v for k, v in device.items()},
    }
    extra = {
        "device_pk": Subquery(RoomDevice.objects.filter(**device).values("pk")[:1]),
        "token_version": Subquery(room_token_version_query(session_id=session_id)),
    }
    return _entry_query(session_id, f"d{device_id}", person, process_id, extra, now)


def _token_entry_values(*, session_id: int, device_id: str, process_id, now) -> dict:
    """Every value ``_token_entry_query``'s parameters hold, by name."""
    return {
        "session_id": session_id,
        "device_id": device_id,
        "person_key": f"d{device_id}",
        "process_id": process_id,
        "dead_before": dead_before(now),
        "token_scope": room_token_version_scope(session_id=session_id),
    }


# Built and compiled once per process (live/compiled.py): most of a token join's CPU was
# building this query.
_token_entry = CompiledQuery(
    _token_entry_query,
    _token_entry_values,
    sentinels=tuple(  # type: ignore[arg-type]
        {
            "session_id": 2_000_000_000 + n,
            "device_id": f"sentinel-device-{n}",
            "process_id": uuid.UUID(int=n),
            "now": datetime(2000, 1, n, tzinfo=UTC),
        }
        for n in (1, 2)
    ),
)


def room_join(
    *,
    session_id: int,
    process_id,
    user=None,
    token: str | None = None,
    view: str | None = None,
    agency: int | None = None,
) -> tuple[Room, Viewer, dict]:
    """``room_enter`` and ``viewer_state`` for a socket that opens, plus what joining and its
    snapshot need (``others_open``, ``has_votes``, ``own_hidden``, ``seq``).

    A room token costs one query (the Room is cached per process, validated by that
    query's row); a signed-in person, the role reads of ``room_enter`` and then one."""
    if not token:
        room, viewer = room_enter(
            session_id=session_id, user=user, token=None, view=view, agency=agency
        )
        person = {
            "attendance": {"user_id": viewer.user_id},
            "vote": {"voter_id": viewer.user_id},
            "question": {"author_id": viewer.user_id},
        }
        state = _entry_state(session_id, viewer.person_key, person, process_id, {})
        return room, viewer, state
    claim = room_token_claim(token=token, session_id=session_id)
    device_id = claim.get("d")
    if not isinstance(device_id, str):  # signed by this site, so never; a bound parameter
        raise LiveError("token_invalid", _("This room code is not valid."), close_code=4401)
    state = _token_entry.first(
        session_id=session_id, device_id=device_id, process_id=process_id, now=timezone.now()
    )
    if state is None:
        raise LiveError("not_found", _("There is no such session."), close_code=4404)
    room_token_check(claim=claim, version=state["token_version"], device_pk=state["device_pk"])
    room = _room_of(session_id, state)
    viewer = Viewer(
        level=groups.ATTENDEE, person_key=f"d{device_id}", name="", device_pk=state["device_pk"],
        token=True,
    )  # fmt: skip
    return room, viewer, state


def viewer_state(*, room: Room, viewer: Viewer) -> dict:
    """What the ``hello`` frame says about the room and the viewer, read now (one query)."""
    state = _room_state(room=room, viewer=viewer)
    for column in ("seq", *_STAGE_COLUMNS):
        del state[column]
    return state


def _room_state(*, room: Room, viewer: Viewer) -> dict:
    """The room's last seq, its Q&A mode and whether the viewer is muted, in one statement
    (so all three are as of the same moment)."""
    return dict(
        Session.objects.filter(pk=room.session_id)
        .annotate(
            muted=Exists(
                RoomMute.objects.filter(session_id=OuterRef("pk"), person_key=viewer.person_key)
            ),
            seq=Coalesce(
                Subquery(
                    RoomSequence.objects.filter(session_id=OuterRef("pk")).values("last_seq")[:1]
                ),
                0,
            ),
        )
        .values("muted", "qa_moderated", "seq", *_STAGE_COLUMNS)
        .get()
    )


def room_last_seq(*, session_id: int) -> int:
    return (
        RoomSequence.objects.filter(session_id=session_id)
        .values_list("last_seq", flat=True)
        .first()
        or 0
    )


def _visible_questions(room: Room, viewer: Viewer):
    questions = Question.objects.filter(
        session_id=room.session_id, merged_into__isnull=True
    ).select_related("author", "author_device")
    if viewer.is_moderator:
        return questions
    own = Q(author_device_id=viewer.device_pk) if viewer.token else Q(author_id=viewer.user_id)
    visible = Q(state__in=Question.PUBLIC_STATES) | own
    if viewer.level == groups.AGENCY:
        visible |= Q(addressed_agency_id=viewer.agency_id)
    return questions.filter(visible)


def _voted_ids(room: Room, viewer: Viewer) -> set[int]:
    mine = Q(device_id=viewer.device_pk) if viewer.token else Q(voter_id=viewer.user_id)
    return set(
        Vote.objects.filter(mine, question__session_id=room.session_id).values_list(
            "question_id", flat=True
        )
    )


def room_snapshot(*, room: Room, viewer: Viewer, presence: int | None = None) -> dict:
    """The whole room as this viewer may see it, as of ``seq`` (three queries, four when
    ``presence``, the count the caller's hub last saw, is not given)."""
    state = _room_state(room=room, viewer=viewer)  # read first: later events come live
    voted = _voted_ids(room, viewer)
    questions = []
    for question in _visible_questions(room, viewer).order_by("created_at", "pk"):
        mine = bool(question.author_key) and question.author_key == viewer.person_key
        reveal = mine or viewer.sees_in_full(question.addressed_agency_id)
        payload = question_payload(question, room, reveal=reveal)
        payload.update(mine=mine, voted=question.pk in voted)
        questions.append(payload)
    return _snapshot_frame(room, state, questions, presence)


# The questions of a room as one level sees them, as of a seq, shared by every socket of
# that level that joins at that seq: (session id, level key) -> (seq, room, [(question,
# payload without per-person parts)]). One entry per level; a new seq replaces it.
_level_snapshots: dict[tuple[int, str], tuple[int, Room, list]] = {}
_level_locks: collections.defaultdict = collections.defaultdict(threading.Lock)


def _level_questions(room: Room, viewer: Viewer, seq: int) -> list:
    key = (room.session_id, viewer.level_key)
    cached = _level_snapshots.get(key)
    if cached is not None and cached[0] == seq and cached[1] is room:
        return cached[2]
    with _level_locks[key]:  # the joiners of one level and seq wait for one build
        cached = _level_snapshots.get(key)
        if cached is not None and cached[0] == seq and cached[1] is room:
            return cached[2]
        questions = Question.objects.filter(
            session_id=room.session_id, merged_into__isnull=True
        ).select_related("author", "author_device")
        if not viewer.is_moderator:
            visible = Q(state__in=Question.PUBLIC_STATES)
            if viewer.level == groups.AGENCY:
                visible |= Q(addressed_agency_id=viewer.agency_id)
            questions = questions.filter(visible)
        items = [
            (q, question_payload(q, room, reveal=viewer.sees_in_full(q.addressed_agency_id)))
            for q in questions.order_by("created_at", "pk")
        ]
        _level_snapshots[key] = (seq, room, items)
        return items


def room_join_snapshot(*, room: Room, viewer: Viewer, state: dict, presence: int | None) -> dict:
    """``room_snapshot`` for a socket that just joined with ``room_join``'s ``state``: the
    level's questions as of ``state["seq"]`` shared with the other joiners of that level
    (built once, one query), the person's own parts added: ``mine`` and ``voted`` from
    memory, and a query each only for a person who has voted or has questions of their own
    the level does not see."""
    items = _level_questions(room, viewer, state["seq"])
    if state["own_hidden"]:
        seen = {q.pk for q, _payload in items}
        own = Q(author_device_id=viewer.device_pk) if viewer.token else Q(author_id=viewer.user_id)
        extra = (
            Question.objects.filter(own, session_id=room.session_id, merged_into__isnull=True)
            .exclude(pk__in=seen)
            .select_related("author", "author_device")
        )
        mine_hidden = [(q, None) for q in extra]
        items = sorted([*items, *mine_hidden], key=lambda item: (item[0].created_at, item[0].pk))
    voted = _voted_ids(room, viewer) if state["has_votes"] else set()
    questions = []
    for question, shared in items:
        mine = bool(question.author_key) and question.author_key == viewer.person_key
        if shared is None or (mine and not viewer.sees_in_full(question.addressed_agency_id)):
            payload = question_payload(question, room, reveal=True)  # the person's own
        else:
            payload = dict(shared)
        payload["mine"] = mine
        payload["voted"] = question.pk in voted
        questions.append(payload)
    return _snapshot_frame(room, state, questions, presence)


def room_events_since(
    *, room: Room, viewer: Viewer, last_seq: int, current: int | None = None
) -> dict:
    """The events a viewer missed after ``last_seq``, as ``replay``; a ``snapshot`` when they
    are too many, no longer kept, or ``last_seq`` is from the future. ``current``: the room's
    last seq when the caller just read it (a resume then costs one query, none when nothing
    was missed)."""
    limit = conf.get("LIVE_REPLAY_MAX_EVENTS")
    if current is None:
        current = room_last_seq(session_id=room.session_id)
    if last_seq == current:
        return {"type": "replay", "from_seq": last_seq, "seq": last_seq, "events": []}
    if last_seq < 0 or last_seq > current or current - last_seq > limit:
        return room_snapshot(room=room, viewer=viewer)
    events = list(
        RoomEvent.objects.filter(session_id=room.session_id, seq__gt=last_seq).order_by("seq")[
            :limit
        ]
    )
    if events and events[0].seq != last_seq + 1:
        return room_snapshot(room=room, viewer=viewer)
    frames = [
        event_for(
            seq=event.seq,
            agency_id=event.agency_id,
            owner_key=event.owner_key,
            full=event.payload_full,
            public=event.payload_public,
            owner=event.payload_owner,
            person_key=viewer.person_key,
            level=viewer.level,
            viewer_agency_id=viewer.agency_id,
        )
        for event in events
    ]
    return {
        "type": "replay",
        "from_seq": last_seq,
        "seq": frames[-1]["seq"] if frames else last_seq,
        "events": frames,
    }


def room_heads(*, session_ids: list[int]) -> dict[int, int]:
    """The last seq of each room (one query)."""
    return dict(
        RoomSequence.objects.filter(session_id__in=session_ids).values_list(
            "session_id", "last_seq"
        )
    )


def room_events_by_seq(*, session_id: int, seqs: list[int]) -> list[dict]:
    """Stored events of a room, in the shape ``broadcast.event_messages`` takes."""
    return [
        {
            "seq": event.seq,
            "agency_id": event.agency_id,
            "owner_key": event.owner_key,
            "full": event.payload_full,
            "public": event.payload_public,
            "owner": event.payload_owner,
        }
        for event in RoomEvent.objects.filter(session_id=session_id, seq__in=seqs).order_by("seq")
    ]


def presence_counts(*, session_ids: list[int]) -> dict[int, int]:
    """People present per room (a person with several sockets counts once). One query."""
    rows = (
        Attendance.objects.filter(session_id__in=session_ids, present_since__isnull=False)
        .values("session_id")
        .annotate(count=Count("id"))
    )
    return {row["session_id"]: row["count"] for row in rows}


def session_of_seminar(*, seminar, session_id: int) -> Session | None:
    """A session of this seminar (its ``seminar`` set to the one given), or None."""
    session = Session.objects.filter(pk=session_id, seminar=seminar).first()
    if session is not None:
        session.seminar = seminar
    return session


def session_with_seminar(*, session_id: int) -> Session:
    """A session and its seminar (one query); DoesNotExist when there is none."""
    return Session.objects.select_related("seminar").get(pk=session_id)


def session_agencies(*, session: Session) -> list:
    """The agencies presenting in a session, in the order the room shows them."""
    return list(session.agencies.order_by("acronym", "name", "pk"))


def stage_read(*, session: Session):
    """The session's stage, or an unsaved default one (pre-recorded, idle) when it has none."""
    from live.models import Stage

    return Stage.objects.filter(session=session).first() or Stage(session=session)


def stage_feeds(stage) -> dict:
    """The stage's feeds by language (none for an unsaved stage)."""
    if stage.pk is None:
        return {}
    return {feed.language: feed for feed in stage.feeds.all()}


def _snapshot_frame(room: Room, state: dict, questions: list[dict], presence: int | None) -> dict:
    """The ``snapshot`` frame of both ways in (a plain join and a join's shared snapshot)."""
    if presence is None:
        presence = presence_counts(session_ids=[room.session_id]).get(room.session_id, 0)
    return {
        "type": "snapshot",
        "muted": state["muted"],
        "qa_moderated": state["qa_moderated"],
        "seq": state["seq"],
        "questions": questions,
        "presence": presence,
        "stage": _stage_of(room.session_id, state),
    }
