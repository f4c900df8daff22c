"""What moderators (and, for answers, the addressed agency) do to the Q&A."""

import re

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from api import events as api_events
from live import permissions
from live.errors import LiveError
from live.models import Question, RoomDevice, RoomMute, Vote
from live.payloads import person_name, question_payload
from live.rooms import Room, Viewer
from live.services.events import event_record, seq_allocate
from live.services.questions import (
    clean_text,
    muted_message,
    question_event,
    question_locked,
)
from seminars.models import Session

State = Question.State
PERSON_KEY = re.compile(r"u[0-9]{1,18}|d[0-9a-f]{8,32}")


def require_moderator(viewer: Viewer) -> None:
    if not permissions.is_room_moderator(viewer):
        raise LiveError("forbidden", _("Only the room's moderators can do that."))


def _action(old: str, new: str) -> str:
    if new == State.APPROVED:
        if old == State.PENDING:
            return "approved"
        return "unhighlighted" if old == State.HIGHLIGHTED else "reopened"
    if new == State.PENDING:
        return "reopened"
    return str(new)


def _set_state(*, room: Room, question: Question, state: str) -> None:
    was_public, old = question.is_public, question.state
    question.state = state
    question.save(update_fields=["state", "updated_at"])
    question_event(
        room=room,
        question=question,
        kind="question.updated",
        action=_action(old, state),
        was_public=was_public,
        removed_reason="dismissed" if state == State.DISMISSED else "reopened",
    )


def question_set_state(*, room: Room, viewer: Viewer, question_id: object, state: object) -> dict:
    """Move a question to another state; highlighting one takes the previous one off screen.

    Broadcasts one question.updated per question changed.
    """
    require_moderator(viewer)
    if state not in State.values:
        raise LiveError("invalid", _("Unknown question state."), field="state")
    with transaction.atomic():
        question = question_locked(room=room, question_id=question_id)
        if question.merged_into_id:
            raise LiveError("conflict", _("This question was merged into another one."))
        if question.state == state:
            raise LiveError("conflict", _("The question is already in that state."))
        if state == State.HIGHLIGHTED:
            previous = (
                Question.objects.select_for_update(of=("self",))
                .select_related("author", "author_device")
                .filter(session_id=room.session_id, state=State.HIGHLIGHTED)
                .exclude(pk=question.pk)
            )
            for other in previous:
                _set_state(room=room, question=other, state=State.APPROVED)
        _set_state(room=room, question=question, state=state)
    return {"question_id": question.pk}


def question_pin(*, room: Room, viewer: Viewer, question_id: object, pinned: object) -> dict:
    """Pin or unpin a question; broadcasts question.updated."""
    require_moderator(viewer)
    if not isinstance(pinned, bool):
        raise LiveError("invalid", _("“Pinned” must be yes or no."), field="pinned")
    with transaction.atomic():
        question = question_locked(room=room, question_id=question_id)
        if question.merged_into_id:
            raise LiveError("conflict", _("This question was merged into another one."))
        if question.pinned == pinned:
            raise LiveError("conflict", _("The question is already like that."))
        question.pinned = pinned
        question.save(update_fields=["pinned", "updated_at"])
        question_event(
            room=room,
            question=question,
            kind="question.updated",
            action="pinned" if pinned else "unpinned",
            was_public=question.is_public,
        )
    return {"question_id": question.pk}


def _move_votes(duplicate: Question, target: Question) -> None:
    """Carry the duplicate's votes over; a person who voted on both keeps one vote."""
    on_target = Vote.objects.filter(question=target)
    Vote.objects.filter(question=duplicate).exclude(
        Q(voter__isnull=False, voter_id__in=on_target.values("voter_id"))
        | Q(device__isnull=False, device_id__in=on_target.values("device_id"))
    ).update(question=target)
    Vote.objects.filter(question=duplicate).delete()
    target.vote_count = Vote.objects.filter(question=target).count()
    duplicate.vote_count = 0


def _merge_event(room: Room, duplicate: Question, target: Question, was_public: bool) -> None:
    seq = seq_allocate(room=room)
    for question in (duplicate, target):
        question.last_seq = seq
        question.save(update_fields=["last_seq", "vote_count", "merged_into", "updated_at"])
    full = {
        "type": "question.merged",
        "id": duplicate.pk,
        "into": question_payload(target, room, reveal=True),
    }
    removed = {"type": "question.removed", "id": duplicate.pk, "reason": "merged"}
    public = None
    if target.is_public:
        public = {**full, "into": question_payload(target, room, reveal=False)}
    elif was_public:
        public = removed
    event_record(
        room=room,
        seq=seq,
        full=full,
        public=public,
        owner_key=duplicate.author_key,
        owner=public or removed,
        agency_id=target.addressed_agency_id or duplicate.addressed_agency_id,
    )


def question_merge(*, room: Room, viewer: Viewer, question_id: object, into_id: object) -> dict:
    """Merge a duplicate into another question, votes carried over; broadcasts question.merged."""
    require_moderator(viewer)
    if question_id == into_id:
        raise LiveError("conflict", _("A question cannot be merged into itself."))
    ids: list[int] = []
    for value, field in ((question_id, "question_id"), (into_id, "into_id")):
        if not isinstance(value, int) or isinstance(value, bool):
            raise LiveError("invalid", _("Which question?"), field=field)
        ids.append(value)
    a, b = ids
    with transaction.atomic():
        # Lock in id order so two merges of the same pair cannot deadlock.
        locked = {
            q.pk: q for q in (question_locked(room=room, question_id=i) for i in sorted([a, b]))
        }
        duplicate, target = locked[a], locked[b]
        if duplicate.merged_into_id or target.merged_into_id:
            raise LiveError("conflict", _("One of these questions was already merged."))
        was_public = duplicate.is_public
        _move_votes(duplicate, target)
        duplicate.merged_into = target
        _merge_event(room, duplicate, target, was_public)
    return {"question_id": duplicate.pk, "into_id": target.pk}


def question_answer(
    *, room: Room, viewer: Viewer, question_id: object, text: object = None, live: object = False
) -> dict:
    """Post a written answer or mark the question answered live; broadcasts question.updated."""
    if not isinstance(live, bool):
        raise LiveError("invalid", _("“Answered live” must be yes or no."), field="live")
    answer = "" if live and text in (None, "") else None
    if answer is None:
        answer = clean_text(text, field="text", max_chars=Question.ANSWER_MAX_CHARS)
    with transaction.atomic():
        question = question_locked(room=room, question_id=question_id)
        if not permissions.may_answer(viewer, question.addressed_agency_id):
            raise LiveError(
                "forbidden",
                _("Only a moderator or the agency the question is addressed to can answer it."),
            )
        if question.merged_into_id:
            raise LiveError("conflict", _("This question was merged into another one."))
        if not viewer.is_moderator and not question.is_public:
            raise LiveError("conflict", _("A moderator must approve this question first."))
        was_public = question.is_public
        question.answer_text = answer or question.answer_text
        question.answered_live = question.answered_live or live
        question.answered_by_id = viewer.user_id
        question.state = State.ANSWERED
        question.save()
        question_event(
            room=room,
            question=question,
            kind="question.updated",
            action="answered",
            was_public=was_public,
        )
        api_events.question_answered(question, room.seminar_id)
    return {"question_id": question.pk}


def session_set_moderation(*, room: Room, viewer: Viewer, qa_moderated: object) -> dict:
    """Switch the room between pre-moderated and open; broadcasts session.moderation."""
    require_moderator(viewer)
    if not isinstance(qa_moderated, bool):
        raise LiveError("invalid", _("Moderation must be on or off."), field="qa_moderated")
    with transaction.atomic():
        Session.objects.filter(pk=room.session_id).update(qa_moderated=qa_moderated)
        payload = {"type": "session.moderation", "qa_moderated": qa_moderated}
        event_record(room=room, seq=seq_allocate(room=room), full=payload, public=payload)
    return {"qa_moderated": qa_moderated}


def _person_name(room: Room, key: str) -> str:
    """The name moderators of this room already see for the key, or "" (the key alone).

    Moderators see the author of every question asked in their room, hidden names included;
    nobody else's name. Muting ``u<id>`` of someone who never asked here must not turn the
    room into a directory of every account's full name.
    """
    if key.startswith("u"):
        user = get_user_model().objects.filter(pk=int(key[1:])).first()
        if user is None:
            raise LiveError("not_found", _("Nobody with that key is known."))
        asked_here = Question.objects.filter(session_id=room.session_id, author=user).exists()
        return person_name(user) if asked_here else ""
    if not RoomDevice.objects.filter(session_id=room.session_id, device_id=key[1:]).exists():
        raise LiveError("not_found", _("Nobody with that key is known."))
    return ""


def person_mute(*, room: Room, viewer: Viewer, person: object, muted: object) -> dict:
    """Mute or unmute a person in the room; broadcasts person.muted (with a notice to them)."""
    require_moderator(viewer)
    if not isinstance(person, str) or not PERSON_KEY.fullmatch(person):
        raise LiveError("invalid", _("Which person?"), field="person")
    if not isinstance(muted, bool):
        raise LiveError("invalid", _("“Muted” must be yes or no."), field="muted")
    if person == viewer.person_key:
        raise LiveError("conflict", _("You cannot mute yourself."))
    name = _person_name(room, person)
    with transaction.atomic():
        if muted:
            RoomMute.objects.get_or_create(
                session_id=room.session_id,
                person_key=person,
                defaults={"muted_by_id": viewer.user_id},
            )
            message = muted_message()
        else:
            RoomMute.objects.filter(session_id=room.session_id, person_key=person).delete()
            message = _("A moderator has unmuted you: you can ask and vote again.")
        full = {"type": "person.muted", "person": {"key": person, "name": name}, "muted": muted}
        event_record(
            room=room,
            seq=seq_allocate(room=room),
            full=full,
            owner_key=person,
            owner={**full, "message": message},
        )
    return {"person": person, "muted": muted}
