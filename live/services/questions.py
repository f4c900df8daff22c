"""Asking and voting: what every person in a room may do."""

import re

from django.db import transaction
from django.utils.translation import gettext as _

from live import conf
from live.errors import LiveError
from live.models import Question, RoomMute, Vote
from live.payloads import question_payload
from live.ratelimit import person_rate_check
from live.rooms import Room, Viewer
from live.services.events import event_record, seq_allocate
from live.services.identities import guest_client_ask_check
from seminars.models import Session

LANGUAGE_TAG = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}")


def muted_message() -> str:
    return _("A moderator has muted you in this room: you can watch, but not ask or vote.")


def check_not_muted(*, room: Room, viewer: Viewer) -> None:
    if RoomMute.objects.filter(session_id=room.session_id, person_key=viewer.person_key).exists():
        raise LiveError("muted", muted_message())


def clean_text(value: object, *, field: str, max_chars: int) -> str:
    """Plain text, trimmed, without NUL characters; never interpreted as HTML."""
    if not isinstance(value, str):
        raise LiveError("invalid", _("Please write your text."), field=field)
    text = value.replace("\x00", "").strip()
    if not text:
        raise LiveError("empty", _("Please write something first."), field=field)
    if len(text) > max_chars:
        raise LiveError(
            "too_long",
            _("Please keep it under %(max)s characters (yours has %(count)s).")
            % {"max": max_chars, "count": len(text)},
            field=field,
        )
    return text


def _clean_ask(
    room: Room, agency_id: object, language: object, hide_name: object
) -> tuple[int | None, str]:
    if agency_id is not None and (
        not isinstance(agency_id, int)
        or isinstance(agency_id, bool)
        or agency_id not in room.agency_ids
    ):
        raise LiveError(
            "invalid",
            _("Questions can only be addressed to an agency presenting in this session."),
            field="agency_id",
        )
    language = room.language if language in (None, "") else language
    if not isinstance(language, str) or not LANGUAGE_TAG.fullmatch(language):
        raise LiveError("invalid", _("Unknown language."), field="language")
    if not isinstance(hide_name, bool):
        raise LiveError("invalid", _("“Hide my name” must be yes or no."), field="hide_name")
    return agency_id, language


def question_event(
    *,
    room: Room,
    question: Question,
    kind: str,
    action: str | None = None,
    was_public: bool = False,
    removed_reason: str = "",
) -> int:
    """Record the event of a change to one question (already saved but for its seq).

    The attendees' version hides a hidden name; a question that left the public list is
    announced to them as ``question.removed``; one they never saw, not at all.
    """
    seq = seq_allocate(room=room)
    question.last_seq = seq
    question.save(update_fields=["last_seq"])
    extra = {"action": action} if action else {}
    full_question = question_payload(question, room, reveal=True)
    full = {"type": kind, **extra, "question": full_question}
    public: dict[str, object] | None = None
    if question.is_public:
        public = {
            "type": kind,
            **extra,
            "question": question_payload(question, room, reveal=False),
        }
    elif was_public:
        public = {"type": "question.removed", "id": question.pk, "reason": removed_reason}
    owner = {**full, "question": {**full_question, "mine": True}}
    return event_record(
        room=room,
        seq=seq,
        full=full,
        public=public,
        owner_key=question.author_key,
        owner=owner,
        agency_id=question.addressed_agency_id,
    )


def question_ask(
    *,
    room: Room,
    viewer: Viewer,
    text: object,
    agency_id: object = None,
    language: object = None,
    hide_name: object = False,
) -> dict:
    """Store a question (pending, or approved in an open session); broadcasts question.created."""
    text = clean_text(text, field="text", max_chars=Question.MAX_CHARS)
    agency_id, language = _clean_ask(room, agency_id, language, hide_name)
    check_not_muted(room=room, viewer=viewer)
    person_rate_check(
        kind="ask",
        session_id=room.session_id,
        person_key=viewer.person_key,
        rate=conf.get("LIVE_ASK_RATE"),
    )
    guest_client_ask_check(room=room, viewer=viewer)
    with transaction.atomic():
        moderated = Session.objects.values_list("qa_moderated", flat=True).get(pk=room.session_id)
        question = Question.objects.create(
            session_id=room.session_id,
            author_id=viewer.user_id,
            author_device_id=viewer.device_pk,
            addressed_agency_id=agency_id,
            text=text,
            language=language,
            hide_name=bool(hide_name),  # a bool already (_clean_ask); typed for mypy
            state=Question.State.PENDING if moderated else Question.State.APPROVED,
        )
        question_event(room=room, question=question, kind="question.created")
    return {"question_id": question.pk}


def question_locked(*, room: Room, question_id: object) -> Question:
    """A question of this room, row-locked for the rest of the transaction."""
    if not isinstance(question_id, int) or isinstance(question_id, bool):
        raise LiveError("invalid", _("Which question?"), field="question_id")
    question = (
        Question.objects.select_for_update(of=("self",))
        .select_related("author", "author_device")
        .filter(session_id=room.session_id, pk=question_id)
        .first()
    )
    if question is None:
        raise LiveError("not_found", _("That question is not in this room."))
    return question


def _voter(viewer: Viewer) -> dict:
    if viewer.user_id is not None:
        return {"voter_id": viewer.user_id}
    return {"device_id": viewer.device_pk}


def _votes_event(*, room: Room, viewer: Viewer, question: Question, voted: bool) -> None:
    seq = seq_allocate(room=room)
    question.last_seq = seq
    question.save(update_fields=["vote_count", "last_seq"])
    full = {"type": "question.votes", "id": question.pk, "votes": question.vote_count}
    event_record(
        room=room,
        seq=seq,
        full=full,
        public=full if question.is_public else None,
        owner_key=viewer.person_key,
        owner={**full, "voted": voted},
        agency_id=question.addressed_agency_id,
    )


def question_vote(*, room: Room, viewer: Viewer, question_id: object, voted: bool = True) -> dict:
    """Cast (``voted``) or withdraw one person's vote; broadcasts question.votes.

    A muted person may still withdraw a vote they cast before.
    """
    if voted:
        check_not_muted(room=room, viewer=viewer)
    person_rate_check(
        kind="vote",
        session_id=room.session_id,
        person_key=viewer.person_key,
        rate=conf.get("LIVE_VOTE_RATE"),
    )
    with transaction.atomic():
        question = question_locked(room=room, question_id=question_id)
        if not question.is_public:
            raise LiveError("conflict", _("Only questions on the public list can be voted on."))
        existing = Vote.objects.filter(question=question, **_voter(viewer))
        if voted:
            if existing.exists():
                raise LiveError("already_voted", _("You have already voted for this question."))
            Vote.objects.create(question=question, **_voter(viewer))
            question.vote_count += 1
        else:
            if not existing.delete()[0]:
                raise LiveError("not_voted", _("You have not voted for this question."))
            question.vote_count = max(0, question.vote_count - 1)
        _votes_event(room=room, viewer=viewer, question=question, voted=voted)
    return {"question_id": question.pk, "votes": question.vote_count}
