"""Polls over the live socket: every command, who may send it, who sees what."""

import contextlib

import pytest
from channels.db import database_sync_to_async

from live.services import room_device_join, room_invite_create
from polls.models import Poll, PollVote
from tests.live.live_helpers import live_room_data, live_socket

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def room(transactional_db):
    return live_room_data()


def _phone_token(session_id: int) -> str:
    return room_device_join(invite=room_invite_create(session_id=session_id))[1]


async def create(client, **fields) -> dict:
    frame = {"type": "poll.create", "kind": "single", "question": "Where do you sell?"}
    frame.setdefault("options", ["Locally", "Abroad"])
    return await client.command({**frame, **fields})


async def options_of(poll_id: int) -> list[int]:
    poll = await database_sync_to_async(Poll.objects.prefetch_related("options").get)(pk=poll_id)
    return [o.pk for o in poll.options.all()]


async def launched_poll(moderator, **fields) -> tuple[int, list[int]]:
    reply = await create(moderator, **fields)
    assert reply["type"] == "ack", reply
    launch = await moderator.command({"type": "poll.launch", "poll_id": reply["poll_id"]})
    assert launch["type"] == "ack", launch
    return reply["poll_id"], await options_of(reply["poll_id"])


def totals_with(voters: int):
    return lambda f: f["type"] == "poll.totals" and f["voters"] == voters


@contextlib.asynccontextmanager
async def sockets(room, *names):
    async with contextlib.AsyncExitStack() as stack:
        yield [
            await stack.enter_async_context(live_socket(room.session.pk, user=getattr(room, n)))
            for n in names
        ]


async def test_a_draft_reaches_moderators_only_and_a_launched_poll_everyone(room):
    async with sockets(room, "moderator", "vendor") as (moderator, vendor):
        reply = await create(moderator, options=["Yes", "No", "Maybe"])
        draft = await moderator.room_event(reply["seq"])
        assert draft["type"] == "poll.updated" and draft["poll"]["state"] == "draft"
        assert await vendor.room_event(reply["seq"]) == {"type": "seq", "seq": reply["seq"]}
        assert (await vendor.command({"type": "poll.list"}))["polls"] == []
        launch = await moderator.command({"type": "poll.launch", "poll_id": reply["poll_id"]})
        opened = await vendor.room_event(launch["seq"])
        assert opened["poll"]["state"] == "open"
        assert [o["text"] for o in opened["poll"]["options"]] == ["Yes", "No", "Maybe"]


@pytest.mark.parametrize("command", ["poll.create", "poll.launch", "poll.close"])
async def test_attendees_and_room_phones_cannot_prepare_launch_or_close(room, command):
    token = await database_sync_to_async(_phone_token)(room.session.pk)
    async with sockets(room, "moderator", "vendor") as (moderator, vendor):
        poll_id = (await create(moderator))["poll_id"]
        if command == "poll.close":
            await moderator.command({"type": "poll.launch", "poll_id": poll_id})
        frame = {"type": command, "poll_id": poll_id, "kind": "single", "question": "Q?"}
        frame["options"] = ["a", "b"]
        async with live_socket(room.session.pk, token=token) as phone:
            for client in (vendor, phone):
                reply = await client.command(frame)
                assert reply["type"] == "error" and reply["code"] == "forbidden", reply
    expected = Poll.State.OPEN if command == "poll.close" else Poll.State.DRAFT
    assert await database_sync_to_async(Poll.objects.count)() == 1
    assert (await database_sync_to_async(Poll.objects.get)()).state == expected


async def test_presenter_runs_their_agencys_polls_only(room):
    async with sockets(room, "presenter_a", "presenter_b", "moderator") as (a, b, moderator):
        mine = await create(a)
        assert mine["type"] == "ack", mine
        theirs = await b.command({"type": "poll.launch", "poll_id": mine["poll_id"]})
        assert theirs["code"] == "forbidden"
        assert (await a.command({"type": "poll.launch", "poll_id": mine["poll_id"]}))[
            "type"
        ] == "ack"
        shown = await a.command(
            {"type": "poll.set_results", "poll_id": mine["poll_id"], "shown": True}
        )
        assert shown["code"] == "forbidden"
        assert (await moderator.command({"type": "poll.close", "poll_id": mine["poll_id"]}))[
            "type"
        ] == "ack"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"options": ["Only one"]}, "options"),
        ({"options": []}, "options"),
        ({"kind": "survey"}, "kind"),
        ({"question": "  "}, "question"),
        ({"kind": "multiple", "options": ["a", "b"], "max_choices": 3}, "max_choices"),
    ],
)
async def test_bad_polls_are_refused_with_a_message_and_nothing_saved(room, fields, field):
    async with sockets(room, "moderator") as (moderator,):
        reply = await create(moderator, **fields)
    assert reply["type"] == "error" and reply["field"] == field and reply["message"]
    assert await database_sync_to_async(Poll.objects.count)() == 0


async def test_one_vote_per_person_changeable_while_open_and_kept_across_reconnects(room):
    async with sockets(room, "moderator") as (moderator,):
        poll_id, (yes, no) = await launched_poll(moderator)
        async with live_socket(room.session.pk, user=room.vendor) as vendor:
            first = await vendor.command(
                {"type": "poll.vote", "poll_id": poll_id, "option_ids": [yes]}
            )
            assert first["type"] == "ack" and first["changed"] is False
        async with live_socket(room.session.pk, user=room.vendor) as vendor:
            polls = (await vendor.command({"type": "poll.list"}))["polls"]
            assert polls[0]["mine"] == {"option_ids": [yes]}
            again = await vendor.command(
                {"type": "poll.vote", "poll_id": poll_id, "option_ids": [no]}
            )
            assert again["changed"] is True
        totals = await moderator.recv_until(
            lambda f: f["type"] == "poll.totals" and f["options"][1]["count"] == 1, timeout=5
        )
        assert totals["voters"] == 1 and totals["options"][0]["count"] == 0
        await moderator.command({"type": "poll.close", "poll_id": poll_id})
        async with live_socket(room.session.pk, user=room.vendor) as vendor:
            late = await vendor.command(
                {"type": "poll.vote", "poll_id": poll_id, "option_ids": [yes]}
            )
            assert late["type"] == "error" and late["code"] == "poll_closed"
    votes = await database_sync_to_async(list)(
        PollVote.objects.values_list("option_ids", flat=True)
    )
    assert votes == [[no]]


async def test_room_phone_votes_once_and_changes_its_vote(room):
    token = await database_sync_to_async(_phone_token)(room.session.pk)
    async with sockets(room, "moderator") as (moderator,):
        poll_id, _options = await launched_poll(moderator, kind="rating", options=None)
        for rating in (2, 5):
            async with live_socket(room.session.pk, token=token) as phone:
                reply = await phone.command(
                    {"type": "poll.vote", "poll_id": poll_id, "rating": rating}
                )
                assert reply["type"] == "ack", reply
        final = await moderator.recv_until(
            lambda f: f["type"] == "poll.totals" and f["average"] == 5, timeout=5
        )
    assert final["voters"] == 1
    assert [r["count"] for r in final["ratings"]] == [0, 0, 0, 0, 1]


async def test_bad_votes_are_refused(room):
    async with sockets(room, "moderator", "vendor") as (moderator, vendor):
        poll_id, (a, b, c) = await launched_poll(
            moderator, kind="multiple", options=["a", "b", "c"], max_choices=2
        )
        for bad, code in (
            ({"option_ids": [a, b, c]}, "too_many"),
            ({"option_ids": [a, a]}, "invalid"),
            ({"option_ids": [999999]}, "invalid"),
            ({"option_ids": []}, "invalid"),
        ):
            reply = await vendor.command({"type": "poll.vote", "poll_id": poll_id, **bad})
            assert reply["type"] == "error" and reply["code"] == code, (bad, reply)
        ok = await vendor.command({"type": "poll.vote", "poll_id": poll_id, "option_ids": [a, c]})
        assert ok["mine"] == {"option_ids": sorted([a, c])}
    assert await database_sync_to_async(PollVote.objects.count)() == 1


async def test_hidden_results_never_reach_the_audience(room):
    async with sockets(room, "moderator", "vendor", "vendor2") as (moderator, vendor, vendor2):
        poll_id, (yes, _no) = await launched_poll(moderator, options=["Secret yes", "No"])
        await vendor.command({"type": "poll.vote", "poll_id": poll_id, "option_ids": [yes]})
        totals = await moderator.recv_until(totals_with(1), timeout=5)
        assert await vendor2.room_event(totals["seq"]) == {"type": "seq", "seq": totals["seq"]}
        listed = (await vendor2.command({"type": "poll.list"}))["polls"]
        assert "totals" not in listed[0]
        closed = await moderator.command({"type": "poll.close", "poll_id": poll_id})
        assert await vendor2.room_event(closed["seq"]) == {"type": "seq", "seq": closed["seq"]}
        shown = await moderator.command(
            {"type": "poll.set_results", "poll_id": poll_id, "shown": True}
        )
        public = await vendor2.room_event(shown["seq"])
        assert public["type"] == "poll.totals" and public["options"][0]["count"] == 1
        assert "pending" not in public


async def test_results_while_voting_reach_the_audience_live(room):
    async with sockets(room, "moderator", "vendor", "vendor2") as (moderator, vendor, vendor2):
        poll_id, (yes, _no) = await launched_poll(moderator, results_while_voting=True)
        shown = await moderator.command(
            {"type": "poll.set_results", "poll_id": poll_id, "shown": True}
        )
        assert shown["type"] == "ack"
        await vendor.command({"type": "poll.vote", "poll_id": poll_id, "option_ids": [yes]})
        live = await vendor2.recv_until(totals_with(1), timeout=5)
        assert live["options"][0] == {"id": yes, "count": 1}


async def test_text_answers_are_shown_only_once_a_moderator_allows_them(room):
    async with sockets(room, "moderator", "vendor", "vendor2") as (moderator, vendor, vendor2):
        poll_id, _ = await launched_poll(
            moderator, kind="text", options=None, results_while_voting=True
        )
        await moderator.command({"type": "poll.set_results", "poll_id": poll_id, "shown": True})
        await vendor.command({"type": "poll.vote", "poll_id": poll_id, "text": "Textiles"})
        waiting = await moderator.recv_until(
            lambda f: f["type"] == "poll.totals" and f["pending"], timeout=5
        )
        public = await vendor2.room_event(waiting["seq"])
        assert public["words"] == [] and "Textiles" not in vendor2.text_received()
        denied = await vendor.command(
            {
                "type": "poll.moderate_answer",
                "vote_id": waiting["pending"][0]["vote_id"],
                "allowed": True,
            }
        )
        assert denied["code"] == "forbidden"
        allowed = await moderator.command(
            {
                "type": "poll.moderate_answer",
                "vote_id": waiting["pending"][0]["vote_id"],
                "allowed": True,
            }
        )
        assert allowed["type"] == "ack"
        shown = await vendor2.recv_until(
            lambda f: f["type"] == "poll.totals" and f["words"], timeout=5
        )
        assert shown["words"] == [{"text": "textiles", "count": 1}]


async def test_many_votes_cost_the_room_far_fewer_totals_frames(room):
    async with sockets(room, "moderator", "vendor") as (moderator, watcher):
        poll_id, (yes, _no) = await launched_poll(moderator)
        async with contextlib.AsyncExitStack() as stack:
            voters = [room.vendor, room.vendor2, room.vendor3, room.presenter_a, room.presenter_b]
            for user in voters:
                client = await stack.enter_async_context(live_socket(room.session.pk, user=user))
                for option in (yes, yes, yes, yes):  # each voter votes, then changes it again
                    reply = await client.command(
                        {"type": "poll.vote", "poll_id": poll_id, "option_ids": [option]}
                    )
                    assert reply["type"] == "ack"
        await moderator.recv_until(totals_with(len(voters)), timeout=5)
        frames = [f for f in moderator.frames if f["type"] == "poll.totals"]
    assert len(frames) < len(voters) * 4
    assert all(a["seq"] < b["seq"] for a, b in zip(frames, frames[1:], strict=False))
