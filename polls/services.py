"""Writes of polls. Every change but a vote is a room event with its seq; votes are counted
and their totals sent at most once a second per poll (``polls/tally.py``)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from live.errors import LiveError
from live.rooms import Room, Viewer
from live.selectors import room_load
from live.services.events import event_record, seq_allocate
from live.services.questions import check_not_muted, clean_text
from polls import permissions, selectors, tally, vote_store
from polls.models import Poll, PollOption, PollVote


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _forbidden() -> LiveError:
    return LiveError("forbidden", _("You are not allowed to do that here."))


def _poll_or_error(room: Room, poll_id: object, *, lock: bool = False) -> Poll:
    poll = selectors.poll_get(session_id=room.session_id, poll_id=poll_id)
    if poll is None:
        raise _no_such_poll()
    if lock:
        Poll.objects.select_for_update().filter(pk=poll.pk).get()
    return poll


def _record_poll(room: Room, poll: Poll) -> int:
    """Record ``poll.updated`` (inside the caller's transaction): drafts to those who run the
    poll only, the rest to everyone."""
    full = {"type": "poll.updated", "poll": selectors.poll_payload(poll)}
    public = None if poll.state == Poll.State.DRAFT else full
    return event_record(
        room=room, seq=seq_allocate(room=room), full=full, public=public, agency_id=poll.agency_id
    )


def _record_totals(room: Room, poll: Poll) -> int:
    totals = selectors.poll_totals(poll)
    public = selectors.public_totals(totals) if poll.results_public else None
    return event_record(
        room=room, seq=seq_allocate(room=room), full=totals, public=public, agency_id=poll.agency_id
    )


def _clean_options(kind: str, options: object, max_choices: object) -> tuple[list[str], int]:
    if kind in (Poll.Kind.RATING, Poll.Kind.TEXT):
        return [], 1
    if not isinstance(options, list):
        options = []
    texts = [
        clean_text(o, field="options", max_chars=Poll.OPTION_MAX_CHARS)
        for o in options
        if isinstance(o, str) and o.strip()
    ]
    if len(texts) < 2:
        raise LiveError("invalid", _("A poll needs at least two options."), field="options")
    if len(texts) > Poll.MAX_OPTIONS:
        message = _("A poll can have at most %(max)s options.") % {"max": Poll.MAX_OPTIONS}
        raise LiveError("invalid", message, field="options")
    if kind == Poll.Kind.SINGLE:
        return texts, 1
    if max_choices is None:
        return texts, len(texts)
    if not _is_int(max_choices) or not 1 <= max_choices <= len(texts):  # type: ignore[operator]
        message = _("Choose a maximum between 1 and the number of options.")
        raise LiveError("invalid", message, field="max_choices")
    return texts, max_choices  # type: ignore[return-value]


def poll_create(
    *,
    room: Room,
    viewer: Viewer,
    kind: object,
    question: object,
    options: object = None,
    max_choices: object = None,
    results_while_voting: object = False,
) -> dict:
    """Prepare a poll (a draft). Records ``poll.updated`` for those who run it."""
    if not permissions.may_prepare(viewer):
        raise _forbidden()
    if kind not in Poll.Kind.values:
        raise LiveError("invalid", _("Unknown kind of poll."), field="kind")
    text = clean_text(question, field="question", max_chars=Poll.QUESTION_MAX_CHARS)
    texts, most = _clean_options(str(kind), options, max_choices)
    if not isinstance(results_while_voting, bool):
        message = _("“Results while voting” must be yes or no.")
        raise LiveError("invalid", message, field="results_while_voting")
    with transaction.atomic():
        poll = Poll.objects.create(
            session_id=room.session_id,
            agency_id=None if viewer.is_moderator else viewer.agency_id,
            created_by_id=viewer.user_id,
            kind=kind,
            question=text,
            max_choices=most,
            results_while_voting=results_while_voting,
        )
        PollOption.objects.bulk_create(
            PollOption(poll=poll, position=i, text=t) for i, t in enumerate(texts)
        )
        poll = selectors.poll_get(session_id=room.session_id, poll_id=poll.pk)  # type: ignore[assignment]
        seq = _record_poll(room, poll)
    return {"poll_id": poll.pk, "seq": seq}


def _change_state(room: Room, viewer: Viewer, poll_id: object, *, to: str) -> dict:
    with transaction.atomic():
        poll = _poll_or_error(room, poll_id, lock=True)
        if not permissions.may_run(viewer, poll):
            raise _forbidden()
        allowed_from: dict[str, str] = {
            Poll.State.OPEN: Poll.State.DRAFT,
            Poll.State.CLOSED: Poll.State.OPEN,
        }
        poll.refresh_from_db(fields=["state"])
        if poll.state != allowed_from[to]:
            message = (
                _("Only a prepared poll can be launched.")
                if to == Poll.State.OPEN
                else _("Only an open poll can be closed.")
            )
            raise LiveError("invalid_state", message, field="poll_id")
        poll.state = to
        now = timezone.now()
        if to == Poll.State.OPEN:
            poll.opened_at = now
        else:
            poll.closed_at = now
        poll.save(update_fields=["state", "opened_at", "closed_at"])
        seq = _record_poll(room, poll)
        if to == Poll.State.CLOSED:
            seq = _record_totals(room, poll)  # the final totals, at once
    return {"poll_id": poll.pk, "seq": seq}


def poll_launch(*, room: Room, viewer: Viewer, poll_id: object) -> dict:
    """Open a prepared poll for voting. Records ``poll.updated``."""
    return _change_state(room, viewer, poll_id, to=Poll.State.OPEN)


def poll_close(*, room: Room, viewer: Viewer, poll_id: object) -> dict:
    """Close an open poll. Records ``poll.updated`` and the final ``poll.totals``."""
    return _change_state(room, viewer, poll_id, to=Poll.State.CLOSED)


def poll_set_results(
    *, room: Room, viewer: Viewer, poll_id: object, shown: object, while_voting: object = None
) -> dict:
    """Show or hide a poll's results to the audience (and whether while voting runs).
    Records ``poll.updated`` and ``poll.totals`` (public when the results now are)."""
    if not viewer.is_moderator or viewer.token:
        raise _forbidden()
    if not isinstance(shown, bool):
        raise LiveError("invalid", _("“Show results” must be yes or no."), field="shown")
    if while_voting is not None and not isinstance(while_voting, bool):
        message = _("“Results while voting” must be yes or no.")
        raise LiveError("invalid", message, field="while_voting")
    with transaction.atomic():
        poll = _poll_or_error(room, poll_id, lock=True)
        poll.results_shown = shown
        if while_voting is not None:
            poll.results_while_voting = while_voting
        poll.save(update_fields=["results_shown", "results_while_voting"])
        _record_poll(room, poll)
        seq = _record_totals(room, poll)
    return {"poll_id": poll.pk, "seq": seq}


def _clean_vote(poll: selectors.PollShape, frame: dict) -> dict:
    if poll.kind == Poll.Kind.RATING:
        rating = frame.get("rating")
        if not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 5:
            raise LiveError("invalid", _("Choose a rating from 1 to 5."), field="rating")
        return {"rating": rating, "option_ids": [], "text": ""}
    if poll.kind == Poll.Kind.TEXT:
        text = clean_text(frame.get("text"), field="text", max_chars=Poll.TEXT_MAX_CHARS)
        return {"text": text, "rating": None, "option_ids": []}
    chosen = frame.get("option_ids")
    if (
        not isinstance(chosen, list)
        or not chosen
        or not all(_is_int(c) and c in poll.option_ids for c in chosen)
        or len(set(chosen)) != len(chosen)
    ):
        raise LiveError("invalid", _("Choose among this poll's options."), field="option_ids")
    if len(chosen) > poll.max_choices:
        message = _("Choose at most %(max)s options.") % {"max": poll.max_choices}
        raise LiveError("too_many", message, field="option_ids")
    return {"option_ids": sorted(chosen), "rating": None, "text": ""}


def _not_open(state: str) -> LiveError:
    message = (
        _("This poll is closed.")
        if state == Poll.State.CLOSED
        else _("This poll has not started yet.")
    )
    return LiveError("poll_closed", message, field="poll_id")


def _no_such_poll() -> LiveError:
    return LiveError("not_found", _("There is no such poll in this room."), field="poll_id")


def _why_not_stored(room: Room, viewer: Viewer, shape: selectors.PollShape) -> LiveError:
    """The vote's statement stored nothing: say why (the error path only)."""
    state = Poll.objects.filter(pk=shape.poll_id).values_list("state", flat=True).first()
    if state is None:
        return _no_such_poll()
    if state != Poll.State.OPEN:
        if state == Poll.State.CLOSED:
            selectors.poll_shape_closed(shape)
        return _not_open(state)
    check_not_muted(room=room, viewer=viewer)  # raises when muted
    return _no_such_poll()


def poll_vote(*, room: Room, viewer: Viewer, poll_id: object, frame: dict) -> dict:
    """A person's vote, made or changed while the poll is open (one per person and poll), in
    one statement (``polls/vote_store.py``). Queues the poll's coalesced totals
    (``tally.totals_soon``)."""
    shape = selectors.poll_shape(session_id=room.session_id, poll_id=poll_id)
    if shape is None:
        raise _no_such_poll()
    if shape.closed:
        raise _not_open(Poll.State.CLOSED)
    values = _clean_vote(shape, frame)
    stored = vote_store.vote_upsert(
        poll_id=shape.poll_id,
        session_id=room.session_id,
        kind=shape.kind,
        person_key=viewer.person_key,
        voter_id=None if viewer.token else viewer.user_id,
        device_id=viewer.device_pk if viewer.token else None,
        **values,
    )
    if stored is None:
        raise _why_not_stored(room, viewer, shape)
    transaction.on_commit(lambda: tally.totals_soon(shape.poll_id))
    mine = selectors.vote_payload(kind=shape.kind, text_state=stored.text_state, **values)
    return {"poll_id": shape.poll_id, "changed": not stored.first, "mine": mine}


def poll_answer_moderate(*, room: Room, viewer: Viewer, vote_id: object, allowed: object) -> dict:
    """Allow (or not) a short text answer into the word list. Queues the totals."""
    if not viewer.is_moderator or viewer.token:
        raise _forbidden()
    if not isinstance(allowed, bool):
        raise LiveError("invalid", _("“Allowed” must be yes or no."), field="allowed")
    vote = (
        PollVote.objects.filter(pk=vote_id, poll__session_id=room.session_id).first()
        if isinstance(vote_id, int) and not isinstance(vote_id, bool)
        else None
    )
    if vote is None:
        raise LiveError("not_found", _("There is no such answer in this room."), field="vote_id")
    state = PollVote.TextState.ALLOWED if allowed else PollVote.TextState.REJECTED
    PollVote.objects.filter(pk=vote.pk).update(text_state=state)
    transaction.on_commit(lambda: tally.totals_soon(vote.poll_id))
    return {"vote_id": vote.pk, "text_state": state}


def poll_totals_publish(*, poll_id: int) -> int | None:
    """Record the poll's current totals as a ``poll.totals`` room event (the tally's flush);
    None when the poll no longer exists."""
    poll = Poll.objects.filter(pk=poll_id).prefetch_related("options").first()
    if poll is None:
        return None
    room = room_load(session_id=poll.session_id)
    with transaction.atomic():
        return _record_totals(room, poll)
