"""Reads of polls: payloads ready for orjson, totals, a viewer's polls and vote."""

import dataclasses
import threading
from collections import Counter, OrderedDict

from django.db.models import Prefetch, Q

from live.rooms import Room, Viewer
from polls import permissions
from polls.models import Poll, PollOption, PollVote

PENDING_SHOWN = 50  # text answers waiting for a moderator, sent to moderators with totals
WORDS_SHOWN = 40  # allowed text answers in the word list


def _polls(session_id: int):
    return Poll.objects.filter(session_id=session_id).prefetch_related(
        Prefetch("options", queryset=PollOption.objects.order_by("position", "pk"))
    )


def poll_get(*, session_id: int, poll_id: object) -> Poll | None:
    if not isinstance(poll_id, int) or isinstance(poll_id, bool):
        return None
    return _polls(session_id).filter(pk=poll_id).first()


@dataclasses.dataclass(frozen=True)
class PollShape:
    """What a vote needs to know of its poll and never changes once the poll exists (its
    options are written with it and never edited). Only ``closed`` changes, once: a closed
    poll never reopens, so a shape known closed refuses votes without a query; any other
    state is only a hint, the vote's statement checks the poll is open."""

    poll_id: int
    session_id: int
    kind: str
    max_choices: int
    option_ids: frozenset[int]
    closed: bool = False


SHAPES_KEPT = 2048
_shapes: OrderedDict[int, PollShape] = OrderedDict()
_shapes_lock = threading.Lock()


def poll_shape(*, session_id: int, poll_id: object) -> PollShape | None:
    """The poll's shape, from this process's cache (two queries the first time; None, never
    cached, when there is no such poll in the session)."""
    if not isinstance(poll_id, int) or isinstance(poll_id, bool):
        return None
    with _shapes_lock:
        shape = _shapes.get(poll_id)
        if shape is not None:
            _shapes.move_to_end(poll_id)
    if shape is not None:
        return shape if shape.session_id == session_id else None
    poll = poll_get(session_id=session_id, poll_id=poll_id)
    if poll is None:
        return None
    shape = PollShape(
        poll_id=poll.pk,
        session_id=poll.session_id,
        kind=poll.kind,
        max_choices=poll.max_choices,
        option_ids=frozenset(o.pk for o in poll.options.all()),
        closed=poll.state == Poll.State.CLOSED,
    )
    _shape_keep(shape)
    return shape


def _shape_keep(shape: PollShape) -> None:
    with _shapes_lock:
        _shapes[shape.poll_id] = shape
        _shapes.move_to_end(shape.poll_id)
        while len(_shapes) > SHAPES_KEPT:
            _shapes.popitem(last=False)


def poll_shape_closed(shape: PollShape) -> None:
    """Remember that the poll is closed (for good)."""
    _shape_keep(dataclasses.replace(shape, closed=True))


def poll_shapes_forget() -> None:
    """Empty this process's cache (tests)."""
    with _shapes_lock:
        _shapes.clear()


def poll_payload(poll: Poll) -> dict:
    return {
        "id": poll.pk,
        "kind": poll.kind,
        "question": poll.question,
        "state": poll.state,
        "max_choices": poll.max_choices,
        "results_shown": poll.results_shown,
        "results_while_voting": poll.results_while_voting,
        "agency_id": poll.agency_id,
        "options": [{"id": o.pk, "text": o.text} for o in poll.options.all()],
    }


def poll_totals(poll: Poll) -> dict:
    """The poll's totals as moderators see them (``pending``: text answers waiting)."""
    rows = PollVote.objects.filter(poll=poll).values_list(
        "pk", "option_ids", "rating", "text", "text_state"
    )
    chosen: Counter = Counter()
    ratings: Counter = Counter()
    words: Counter = Counter()
    pending: list[dict] = []
    voters = 0
    for pk, option_ids, rating, text, text_state in rows:
        voters += 1
        chosen.update(option_ids or [])
        if rating:
            ratings[rating] += 1
        if text and text_state == PollVote.TextState.ALLOWED:
            words[text.casefold()] += 1
        elif text and text_state == PollVote.TextState.PENDING and len(pending) < PENDING_SHOWN:
            pending.append({"vote_id": pk, "text": text})
    totals: dict = {"type": "poll.totals", "poll_id": poll.pk, "voters": voters}
    if poll.kind in (Poll.Kind.SINGLE, Poll.Kind.MULTIPLE):
        totals["options"] = [{"id": o.pk, "count": chosen[o.pk]} for o in poll.options.all()]
    elif poll.kind == Poll.Kind.RATING:
        rated = sum(ratings.values())
        totals["ratings"] = [{"value": v, "count": ratings[v]} for v in range(1, 6)]
        totals["average"] = (
            round(sum(v * n for v, n in ratings.items()) / rated, 2) if rated else None
        )
    else:
        totals["words"] = [{"text": t, "count": n} for t, n in words.most_common(WORDS_SHOWN)]
        totals["pending"] = pending
    return totals


def public_totals(totals: dict) -> dict:
    return {key: value for key, value in totals.items() if key != "pending"}


def vote_of(poll: Poll, vote: PollVote | None) -> dict | None:
    if vote is None:
        return None
    return vote_payload(
        kind=poll.kind,
        option_ids=vote.option_ids,
        rating=vote.rating,
        text=vote.text,
        text_state=vote.text_state,
    )


def vote_payload(
    *, kind: str, option_ids: list[int], rating: int | None, text: str, text_state: str
) -> dict:
    """A person's own vote as their socket sees it."""
    if kind == Poll.Kind.RATING:
        return {"rating": rating}
    if kind == Poll.Kind.TEXT:
        return {"text": text, "text_state": text_state}
    return {"option_ids": list(option_ids)}


def person_filter(viewer: Viewer) -> Q:
    if viewer.token:
        return Q(device_id=viewer.device_pk)
    return Q(voter_id=viewer.user_id)


def polls_for_viewer(*, room: Room, viewer: Viewer) -> list[dict]:
    """The room's polls this viewer may see, each with their own vote and the totals they may
    see (three queries, plus one per poll whose totals they see)."""
    polls = [p for p in _polls(room.session_id) if permissions.sees_poll(viewer, p)]
    mine = {
        v.poll_id: v
        for v in PollVote.objects.filter(person_filter(viewer), poll__in=[p.pk for p in polls])
    }
    listed = []
    for poll in polls:
        item = {**poll_payload(poll), "mine": vote_of(poll, mine.get(poll.pk))}
        if permissions.sees_totals(viewer, poll):
            totals = poll_totals(poll)
            item["totals"] = (
                totals if permissions.sees_everything(viewer, poll) else public_totals(totals)
            )
        listed.append(item)
    return listed


def session_polls(*, session_id: int) -> list[Poll]:
    return list(_polls(session_id))
