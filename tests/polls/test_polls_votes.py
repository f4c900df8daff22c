"""A vote is one statement (``polls/vote_store.py``): its query count pinned, and every rule it
folds in (open poll, one vote per person, phones too, muted people, text moderation)."""

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from live import groups
from live.errors import LiveError
from live.models import RoomEvent, RoomMute
from live.rooms import Viewer
from live.selectors import room_load
from live.services import room_device_join, room_invite_create
from polls import selectors, services
from polls.models import Poll, PollVote
from tests.live.live_helpers import live_room_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def room():
    data = live_room_data()
    data.room = room_load(session_id=data.session.pk)
    data.mod = _person(data.moderator, groups.MODERATOR)
    return data


def _person(user, level: str = groups.ATTENDEE) -> Viewer:
    return Viewer(level=level, person_key=f"u{user.pk}", name=user.first_name, user_id=user.pk)


def _phone(session_id: int) -> Viewer:
    device, _token = room_device_join(invite=room_invite_create(session_id=session_id))
    return Viewer(
        level=groups.ATTENDEE,
        person_key=f"d{device.pk}",
        name="phone",
        device_pk=device.pk,
        token=True,
    )


def _open_poll(room, *, launch: bool = True, **fields) -> selectors.PollShape:
    fields.setdefault("kind", "single")
    fields.setdefault("options", ["Locally", "Abroad", "Both"])
    created = services.poll_create(
        room=room.room, viewer=room.mod, question="Where do you sell?", **fields
    )
    if launch:
        services.poll_launch(room=room.room, viewer=room.mod, poll_id=created["poll_id"])
    shape = selectors.poll_shape(session_id=room.session.pk, poll_id=created["poll_id"])
    assert shape is not None
    return shape


def _vote(room, viewer: Viewer, poll_id: int, **frame) -> dict:
    return services.poll_vote(room=room.room, viewer=viewer, poll_id=poll_id, frame=frame)


def test_a_vote_first_or_changed_is_one_query_once_the_poll_is_known(room):
    poll = _open_poll(room)
    first, second, third = sorted(poll.option_ids)
    phone = _phone(room.session.pk)
    with CaptureQueriesContext(connection) as queries:
        reply = _vote(room, _person(room.vendor), poll.poll_id, option_ids=[first])
    assert len(queries) == 1, [q["sql"] for q in queries]
    assert reply["changed"] is False and reply["mine"] == {"option_ids": [first]}
    with CaptureQueriesContext(connection) as queries:
        again = _vote(room, _person(room.vendor), poll.poll_id, option_ids=[second])
        by_phone = _vote(room, phone, poll.poll_id, option_ids=[third])
        phone_again = _vote(room, phone, poll.poll_id, option_ids=[first])
    assert len(queries) == 3, [q["sql"] for q in queries]
    assert again["changed"] is True and again["mine"] == {"option_ids": [second]}
    assert by_phone["changed"] is False and phone_again["changed"] is True
    rows = PollVote.objects.filter(poll_id=poll.poll_id).order_by("pk")
    assert [(v.voter_id, v.device_id, v.option_ids) for v in rows] == [
        (room.vendor.pk, None, [second]),
        (None, phone.device_pk, [first]),
    ]


def test_the_first_vote_of_a_process_reads_the_poll_once(room):
    poll = _open_poll(room)
    selectors.poll_shapes_forget()
    with CaptureQueriesContext(connection) as queries:
        _vote(room, _person(room.vendor), poll.poll_id, option_ids=[min(poll.option_ids)])
    assert len(queries) == 3  # the poll, its options, the vote


def test_a_closed_poll_refuses_votes_and_then_costs_no_query(room):
    poll = _open_poll(room)
    _vote(room, _person(room.vendor), poll.poll_id, option_ids=[min(poll.option_ids)])
    services.poll_close(room=room.room, viewer=room.mod, poll_id=poll.poll_id)
    for _attempt in (1, 2):
        with pytest.raises(LiveError) as refused:
            _vote(room, _person(room.vendor2), poll.poll_id, option_ids=[min(poll.option_ids)])
        assert refused.value.code == "poll_closed"
        assert str(refused.value.message) == "This poll is closed."
    with CaptureQueriesContext(connection) as queries, pytest.raises(LiveError):
        _vote(room, _person(room.vendor), poll.poll_id, option_ids=[max(poll.option_ids)])
    assert len(queries) == 0
    vote = PollVote.objects.get(poll_id=poll.poll_id)
    assert (vote.voter_id, vote.option_ids) == (room.vendor.pk, [min(poll.option_ids)])


def test_a_prepared_poll_and_another_rooms_poll_refuse_votes(room):
    draft = _open_poll(room, launch=False)
    with pytest.raises(LiveError) as refused:
        _vote(room, _person(room.vendor), draft.poll_id, option_ids=[min(draft.option_ids)])
    assert str(refused.value.message) == "This poll has not started yet."
    poll = _open_poll(room)
    elsewhere = room_load(session_id=room.other_session.pk)
    with pytest.raises(LiveError) as refused:
        services.poll_vote(
            room=elsewhere,
            viewer=_person(room.vendor),
            poll_id=poll.poll_id,
            frame={"option_ids": [min(poll.option_ids)]},
        )
    assert refused.value.code == "not_found"
    assert not PollVote.objects.exists()


def test_a_muted_person_and_phone_cannot_vote(room):
    poll = _open_poll(room)
    phone = _phone(room.session.pk)
    for viewer in (_person(room.vendor), phone):
        RoomMute.objects.create(session=room.session, person_key=viewer.person_key)
        with pytest.raises(LiveError) as refused:
            _vote(room, viewer, poll.poll_id, option_ids=[min(poll.option_ids)])
        assert refused.value.code == "muted"
    assert not PollVote.objects.exists()


def test_multiple_choice_keeps_its_maximum(room):
    poll = _open_poll(room, kind="multiple", max_choices=2)
    a, b, c = sorted(poll.option_ids)
    with pytest.raises(LiveError) as refused:
        _vote(room, _person(room.vendor), poll.poll_id, option_ids=[a, b, c])
    assert refused.value.code == "too_many"
    assert _vote(room, _person(room.vendor), poll.poll_id, option_ids=[c, a])["mine"] == {
        "option_ids": [a, c]
    }


def test_a_changed_text_answer_waits_for_a_moderator_again_an_unchanged_one_does_not(room):
    poll = _open_poll(room, kind="text")
    vendor = _person(room.vendor)
    first = _vote(room, vendor, poll.poll_id, text="Textiles")
    assert first["mine"] == {"text": "Textiles", "text_state": "pending"}
    vote = PollVote.objects.get(poll_id=poll.poll_id)
    services.poll_answer_moderate(room=room.room, viewer=room.mod, vote_id=vote.pk, allowed=True)
    same = _vote(room, vendor, poll.poll_id, text="  Textiles ")
    assert same["mine"] == {"text": "Textiles", "text_state": "allowed"}
    changed = _vote(room, vendor, poll.poll_id, text="Coffee")
    assert changed["mine"] == {"text": "Coffee", "text_state": "pending"}
    vote.refresh_from_db()
    assert (vote.text, vote.text_state, vote.times_changed) == ("Coffee", "pending", 2)


def test_a_stale_cached_poll_of_another_kind_stores_nothing(room):
    poll = _open_poll(room, kind="rating")
    Poll.objects.filter(pk=poll.poll_id).update(kind="text")
    with pytest.raises(LiveError):
        _vote(room, _person(room.vendor), poll.poll_id, rating=4)
    assert not PollVote.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_vote_outside_a_transaction_is_one_query_and_leaves_the_connection_as_it_was(room):
    """The live socket's case (autocommit): one statement, committed like every other write
    (a vote is never traded for speed: nothing is lost on a database crash)."""
    poll = _open_poll(room)
    with CaptureQueriesContext(connection) as queries:
        reply = _vote(room, _person(room.vendor), poll.poll_id, option_ids=[min(poll.option_ids)])
    assert len(queries) == 1 and reply["changed"] is False
    assert PollVote.objects.get(poll_id=poll.poll_id).voter_id == room.vendor.pk
    assert "synchronous_commit" not in queries[0]["sql"]
    assert _totals_recorded(room.session.pk, voters=1)  # the coalesced totals follow


def _totals_recorded(session_id: int, *, voters: int) -> bool:
    """Wait (up to 10 s) for the tally's flush, a thread of its own, to record the totals."""
    for _attempt in range(200):
        kinds = RoomEvent.objects.filter(session_id=session_id, kind="poll.totals")
        if any(e.payload_full["voters"] == voters for e in kinds):
            return True
        time.sleep(0.05)
    return False


def test_only_a_vote_leaves_the_rooms_database_thread():
    """Votes run in a pool's threads (one statement, order-free); every other command keeps
    the room's one database thread and so its order."""
    from live.handlers import COMMANDS

    assert [name for name, c in COMMANDS.items() if c.concurrent] == ["poll.vote"]
