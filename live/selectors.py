"""Reads of the live room: who a socket is, and the room as that viewer may see it."""

import time
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from live import conf, groups, permissions
from live.errors import LiveError
from live.models import Attendance, Question, RoomEvent, RoomMute, RoomSequence, Vote
from live.payloads import event_for, person_name, question_payload
from live.rooms import Room, Viewer
from live.services.tokens import room_token_verify
from seminars.models import Session

# Rooms by (session id, its updated_at): every socket of a room shares one Room, built with
# one query for its agencies. Agencies are a many-to-many that does not touch updated_at, so
# an entry also ages out: a room's agency list in ``hello`` is at most this old.
ROOM_CACHE_SECONDS = 30.0
_rooms: dict[int, tuple[tuple, float, Room]] = {}


def _room(session: Session) -> Room:
    version = (session.updated_at, session.title, session.language)
    now = time.monotonic()
    cached = _rooms.get(session.pk)
    if cached is not None and cached[0] == version and now - cached[1] < ROOM_CACHE_SECONDS:
        return cached[2]
    agencies: tuple[dict[str, Any], ...] = tuple(
        {"id": a.pk, "acronym": a.acronym, "name": a.name}
        for a in session.agencies.order_by("acronym", "name", "pk")
    )
    room = Room(
        session_id=session.pk,
        seminar_id=session.seminar_id,
        title=session.title,
        language=session.language,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        agencies=agencies,
        agency_map={a["id"]: a for a in agencies},
    )
    _rooms[session.pk] = (version, now, room)
    return room


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


def viewer_state(*, room: Room, viewer: Viewer) -> dict:
    """What the ``hello`` frame says about the room and the viewer, read now (one query)."""
    state = _room_state(room=room, viewer=viewer)
    del state["seq"]
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
        .values("muted", "qa_moderated", "seq")
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
    if presence is None:
        presence = presence_counts(session_ids=[room.session_id]).get(room.session_id, 0)
    return {"type": "snapshot", **state, "questions": questions, "presence": presence}


def room_events_since(*, room: Room, viewer: Viewer, last_seq: int) -> dict:
    """The events a viewer missed after ``last_seq``, as ``replay``; a ``snapshot`` when they
    are too many, no longer kept, or ``last_seq`` is from the future."""
    limit = conf.get("LIVE_REPLAY_MAX_EVENTS")
    current = room_last_seq(session_id=room.session_id)
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
