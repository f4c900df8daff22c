"""Q&A over the socket: every command, and who receives what (and who must not)."""

import contextlib

import pytest
from channels.db import database_sync_to_async

from live.models import Question, RoomEvent, RoomMute, Vote
from seminars.models import Session
from tests.live.live_helpers import live_room_data, live_socket

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def room(transactional_db):
    return live_room_data()


@contextlib.asynccontextmanager
async def everyone(room):
    """Sockets for a vendor, a second vendor, the moderator and both agencies."""
    async with contextlib.AsyncExitStack() as stack:
        people = {}
        for name in ("vendor", "vendor2", "moderator", "presenter_a", "presenter_b"):
            people[name] = await stack.enter_async_context(
                live_socket(room.session.pk, user=getattr(room, name))
            )
        yield people


async def ask(client, **fields) -> int:
    reply = await client.command({"type": "question.ask", "text": "How do we register?", **fields})
    assert reply["type"] == "ack", reply
    return reply["question_id"]


async def set_state(client, question_id: int, state: str) -> dict:
    return await client.command(
        {"type": "question.set_state", "question_id": question_id, "state": state}
    )


async def count(model, **filters) -> int:
    return await database_sync_to_async(model.objects.filter(**filters).count)()


async def test_pending_question_reaches_moderators_addressed_agency_and_asker_only(room):
    async with everyone(room) as p:
        question_id = await ask(p["vendor"], agency_id=room.agency_a.pk, text="Minimum turnover?")
        mine = await p["vendor"].recv_type("question.created")
        assert mine["question"]["mine"] is True and mine["question"]["state"] == "pending"
        for name in ("moderator", "presenter_a"):
            event = await p[name].recv_type("question.created")
            assert event["question"]["id"] == question_id
            assert event["question"]["author"]["name"] == "Grace Banda"
        for name in ("vendor2", "presenter_b"):
            assert await p[name].recv_type("seq") == {"type": "seq", "seq": mine["seq"]}
            await p[name].drain()
            assert "Minimum turnover" not in p[name].text_received()


async def test_hidden_name_never_reaches_another_attendee_or_another_agency(room):
    async with everyone(room) as p:
        question_id = await ask(
            p["vendor"], agency_id=room.agency_a.pk, hide_name=True, text="Anonymous one"
        )
        reply = await p["moderator"].command(
            {"type": "question.set_state", "question_id": question_id, "state": "approved"}
        )
        assert reply["type"] == "ack"
        approved = await p["vendor2"].recv_type("question.updated")
        assert approved["question"]["author"] is None
        assert approved["question"]["text"] == "Anonymous one"
        await p["moderator"].recv_type("question.updated")
        moderator_copy = p["moderator"].frames
        assert any(
            (f.get("question") or {}).get("author", {}) == {
                "key": f"u{room.vendor.pk}", "name": "Grace Banda", "guest": False
            }
            for f in moderator_copy
        )  # fmt: skip
        agency_copy = await p["presenter_a"].recv_type("question.updated")
        assert agency_copy["question"]["author"]["name"] == "Grace Banda"
        for name in ("vendor2", "presenter_b"):
            await p[name].drain()
            received = p[name].text_received()
            assert "Banda" not in received and f'"u{room.vendor.pk}"' not in received
    async with live_socket(room.session.pk, user=room.vendor3) as late:
        assert late.sync["questions"][0]["author"] is None
        assert "Banda" not in late.text_received() + str(late.sync)


async def test_attendees_never_receive_moderation_events(room):
    async with everyone(room) as p:
        question_id = await ask(p["vendor"])
        await p["moderator"].command(
            {"type": "question.set_state", "question_id": question_id, "state": "dismissed"}
        )
        await p["moderator"].command(
            {"type": "person.mute", "person": f"u{room.vendor.pk}", "muted": True}
        )
        muted = await p["moderator"].recv_type("person.muted")
        assert muted["person"]["name"] == "Grace Banda"
        frames = await p["vendor2"].drain()
        assert [f["type"] for f in frames] == ["seq", "seq", "seq"]
        assert {f["seq"] for f in frames} == {1, 2, 3}
        notice = await p["vendor"].recv_type("person.muted")
        assert notice["muted"] is True and "muted you" in notice["message"]


async def test_approve_highlight_answer_dismiss_flow_for_attendees(room):
    async with everyone(room) as p:
        first, second = await ask(p["vendor"], text="First"), await ask(p["vendor2"], text="Two")
        mod = p["moderator"]
        for question_id in (first, second):
            reply = await mod.command(
                {"type": "question.set_state", "question_id": question_id, "state": "approved"}
            )
            assert reply["type"] == "ack"
        watcher = p["vendor2"]
        assert (await watcher.recv_type("question.updated"))["action"] == "approved"
        await set_state(mod, first, "highlighted")
        await set_state(mod, second, "highlighted")
        actions = [
            (f["question"]["id"], f["action"])
            for f in await watcher.drain()
            if f["type"] == "question.updated"
        ]
        assert actions[-3:] == [
            (first, "highlighted"), (first, "unhighlighted"), (second, "highlighted")
        ]  # fmt: skip
        assert await count(Question, state="highlighted") == 1
        await set_state(mod, second, "answered")
        assert (await watcher.recv_type("question.updated"))["question"]["state"] == "answered"
        await set_state(mod, first, "dismissed")
        assert await watcher.recv_type("question.removed") == {
            "type": "question.removed", "seq": 9, "id": first, "reason": "dismissed"
        }  # fmt: skip
        again = await mod.command(
            {"type": "question.set_state", "question_id": first, "state": "dismissed"}
        )
        assert again["code"] == "conflict"
        reopened = await mod.command(
            {"type": "question.set_state", "question_id": first, "state": "approved"}
        )
        assert reopened["type"] == "ack"
        assert (await watcher.recv_type("question.updated"))["action"] == "reopened"


async def test_attendee_and_agency_cannot_moderate(room):
    async with everyone(room) as p:
        question_id = await ask(p["vendor"])
        for name in ("vendor", "vendor2", "presenter_a"):
            for frame in (
                {"type": "question.set_state", "question_id": question_id, "state": "approved"},
                {"type": "question.pin", "question_id": question_id, "pinned": True},
                {"type": "question.merge", "question_id": question_id, "into_id": question_id},
                {"type": "session.set_moderation", "qa_moderated": False},
                {"type": "person.mute", "person": f"u{room.vendor2.pk}", "muted": True},
            ):
                reply = await p[name].command(frame)
                assert reply["code"] == "forbidden", (name, frame)
        question = await database_sync_to_async(Question.objects.get)(pk=question_id)
        assert question.state == "pending" and not question.pinned
        assert await count(RoomEvent) == 1
        assert await count(RoomMute) == 0


async def test_votes_one_per_person_withdrawable_and_only_on_public_questions(room):
    async with everyone(room) as p:
        question_id = await ask(p["vendor"])
        pending = await p["vendor2"].command({"type": "question.vote", "question_id": question_id})
        assert pending["code"] == "conflict"
        await p["moderator"].command(
            {"type": "question.set_state", "question_id": question_id, "state": "approved"}
        )
        voter = p["vendor2"]
        assert (await voter.command({"type": "question.vote", "question_id": question_id}))[
            "votes"
        ] == 1
        own = await voter.recv_type("question.votes")
        assert own["voted"] is True and own["votes"] == 1
        seen = await p["vendor"].recv_type("question.votes")
        assert seen["votes"] == 1 and "voted" not in seen
        twice = await voter.command({"type": "question.vote", "question_id": question_id})
        assert twice["code"] == "already_voted" and twice["message"]
        assert await count(Vote) == 1
        await voter.command({"type": "question.unvote", "question_id": question_id})
        assert (await voter.recv_type("question.votes"))["voted"] is False
        nothing = await voter.command({"type": "question.unvote", "question_id": question_id})
        assert nothing["code"] == "not_voted"
        assert await count(Vote) == 0
        missing = await voter.command({"type": "question.vote", "question_id": 99999})
        assert missing["code"] == "not_found"


async def test_merge_carries_votes_over_without_double_votes(room):
    async with everyone(room) as p:
        mod = p["moderator"]
        original, duplicate = await ask(p["vendor"], text="Original"), await ask(p["vendor2"])
        for question_id in (original, duplicate):
            await mod.command(
                {"type": "question.set_state", "question_id": question_id, "state": "approved"}
            )
        await p["vendor"].command({"type": "question.vote", "question_id": duplicate})
        await p["vendor2"].command({"type": "question.vote", "question_id": duplicate})
        await p["vendor2"].command({"type": "question.vote", "question_id": original})
        merge = {"type": "question.merge", "question_id": duplicate, "into_id": original}
        assert (await mod.command(merge))["type"] == "ack"
        merged = await p["vendor"].recv_type("question.merged")
        assert merged["id"] == duplicate and merged["into"]["votes"] == 2
        assert await count(Vote, question_id=original) == 2
        assert await count(Vote, question_id=duplicate) == 0
        again = await mod.command(merge)
        assert again["code"] == "conflict"
        into_self = {"type": "question.merge", "question_id": original, "into_id": original}
        assert (await mod.command(into_self))["code"] == "conflict"
    async with live_socket(room.session.pk, user=room.vendor3) as late:
        assert [q["id"] for q in late.sync["questions"]] == [original]


async def test_muted_person_gets_a_clear_error_and_can_be_unmuted(room):
    async with everyone(room) as p:
        mute = {"type": "person.mute", "person": f"u{room.vendor.pk}", "muted": True}
        assert (await p["moderator"].command(mute))["type"] == "ack"
        refused = await p["vendor"].command({"type": "question.ask", "text": "Hello?"})
        assert refused["code"] == "muted" and "muted" in refused["message"]
        assert await count(Question) == 0
        await p["moderator"].command({**mute, "muted": False})
        assert (await p["vendor"].recv_type("person.muted"))["muted"] is True
        assert (await p["vendor"].recv_type("person.muted"))["muted"] is False
        assert await ask(p["vendor"])
        unknown = await p["moderator"].command({**mute, "person": "u999999"})
        assert unknown["code"] == "not_found"


async def test_answers_by_the_addressed_agency_or_a_moderator(room):
    async with everyone(room) as p:
        to_a = await ask(p["vendor"], agency_id=room.agency_a.pk)
        early = await p["presenter_a"].command(
            {"type": "question.answer", "question_id": to_a, "text": "Soon"}
        )
        assert early["code"] == "conflict"
        await p["moderator"].command(
            {"type": "question.set_state", "question_id": to_a, "state": "approved"}
        )
        other_agency = await p["presenter_b"].command(
            {"type": "question.answer", "question_id": to_a, "text": "Not ours"}
        )
        assert other_agency["code"] == "forbidden"
        attendee = await p["vendor2"].command(
            {"type": "question.answer", "question_id": to_a, "text": "Me"}
        )
        assert attendee["code"] == "forbidden"
        answer = {"type": "question.answer", "question_id": to_a, "text": "Yes, in French too."}
        assert (await p["presenter_a"].command(answer))["type"] == "ack"
        answered = await p["vendor2"].recv_until(lambda f: f.get("action") == "answered")
        assert answered["question"]["answer_text"] == "Yes, in French too."
        assert answered["question"]["state"] == "answered"
        live = await p["moderator"].command(
            {"type": "question.answer", "question_id": await ask(p["vendor2"]), "live": True}
        )
        assert live["type"] == "ack"
    assert await count(Question, answered_live=True, state="answered") == 1


async def test_open_session_approves_on_arrival_and_can_be_switched_live(room):
    async with everyone(room) as p:
        switch = {"type": "session.set_moderation", "qa_moderated": False}
        assert (await p["moderator"].command(switch))["type"] == "ack"
        assert (await p["vendor2"].recv_type("session.moderation"))["qa_moderated"] is False
        question_id = await ask(p["vendor"], text="Straight in")
        created = await p["vendor2"].recv_type("question.created")
        assert created["question"]["id"] == question_id
        assert created["question"]["state"] == "approved"
        await p["moderator"].command({**switch, "qa_moderated": True})
        await ask(p["vendor"], text="Waits again")
        assert await count(Question, state="pending") == 1
    assert await database_sync_to_async(
        Session.objects.filter(pk=room.session.pk, qa_moderated=True).exists
    )()


async def test_pin_and_unpin(room):
    async with everyone(room) as p:
        question_id = await ask(p["vendor"])
        pin = {"type": "question.pin", "question_id": question_id, "pinned": True}
        assert (await p["moderator"].command(pin))["type"] == "ack"
        assert (await p["moderator"].recv_type("question.updated"))["action"] == "pinned"
        assert (await p["moderator"].command(pin))["code"] == "conflict"
        await p["moderator"].command({**pin, "pinned": False})
    assert await count(Question, pinned=False) == 1


async def test_ask_rate_limit_stores_and_broadcasts_nothing_past_the_limit(room, settings):
    settings.LIVE_ASK_RATE = (2, 60)
    async with everyone(room) as p:
        await ask(p["vendor"], text="one")
        await ask(p["vendor"], text="two")
        refused = await p["vendor"].command({"type": "question.ask", "text": "three"})
        assert refused["code"] == "rate_limited"
        assert 1 <= refused["retry_after"] <= 60
        assert "too quickly" in refused["message"]
        assert await ask(p["vendor2"], text="someone else may still ask")
        await p["moderator"].drain()
        created = [f for f in p["moderator"].frames if f["type"] == "question.created"]
        assert [f["question"]["text"] for f in created] == [
            "one", "two", "someone else may still ask"
        ]  # fmt: skip
    assert await count(Question) == 3


async def test_vote_rate_limit(room, settings):
    settings.LIVE_VOTE_RATE = (2, 60)
    async with everyone(room) as p:
        question_id = await ask(p["vendor"])
        await p["moderator"].command(
            {"type": "question.set_state", "question_id": question_id, "state": "approved"}
        )
        vote = {"type": "question.vote", "question_id": question_id}
        await p["vendor2"].command(vote)
        await p["vendor2"].command({**vote, "type": "question.unvote"})
        refused = await p["vendor2"].command(vote)
        assert refused["code"] == "rate_limited" and refused["retry_after"] >= 1
    assert await count(Vote) == 0


async def test_overlong_empty_and_malformed_questions_are_refused_and_not_stored(room):
    async with everyone(room) as p:
        vendor = p["vendor"]
        too_long = await vendor.command({"type": "question.ask", "text": "x" * 501})
        assert too_long["code"] == "too_long" and "500" in too_long["message"]
        assert (await vendor.command({"type": "question.ask", "text": "   "}))["code"] == "empty"
        wrong_agency = await vendor.command(
            {"type": "question.ask", "text": "Hi", "agency_id": room.agency_a.pk + 1000}
        )
        assert wrong_agency["code"] == "invalid" and wrong_agency["field"] == "agency_id"
        bad_language = await vendor.command(
            {"type": "question.ask", "text": "Hi", "language": "<en>"}
        )
        assert bad_language["field"] == "language"
        assert await count(Question) == 0
        assert await count(RoomEvent) == 0
        await p["moderator"].drain()
        assert p["moderator"].frames == []
        assert await ask(vendor, text="y" * 500)


async def test_html_is_stored_and_sent_as_plain_text(room):
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)> & <b>bold</b>'
    async with everyone(room) as p:
        question_id = await ask(p["vendor"], text=payload)
        event = await p["moderator"].recv_type("question.created")
        assert event["question"]["text"] == payload
    question = await database_sync_to_async(Question.objects.get)(pk=question_id)
    assert question.text == payload  # stored as typed: escaping is the renderer's job
    assert "&lt;" not in p["moderator"].text_received()


async def test_snapshot_is_filtered_per_viewer(room):
    async with everyone(room) as p:
        await ask(p["vendor"], text="Vendor pending", agency_id=room.agency_a.pk, hide_name=True)
        approved = await ask(p["vendor2"], text="Approved one", hide_name=True)
        await p["moderator"].command(
            {"type": "question.set_state", "question_id": approved, "state": "approved"}
        )
    snapshots = {}
    for name in ("vendor", "vendor3", "moderator", "presenter_a", "presenter_b"):
        async with live_socket(room.session.pk, user=getattr(room, name)) as client:
            snapshots[name] = {q["text"]: q for q in client.sync["questions"]}
    assert set(snapshots["vendor3"]) == {"Approved one"}
    assert set(snapshots["presenter_b"]) == {"Approved one"}
    assert set(snapshots["vendor"]) == {"Vendor pending", "Approved one"}
    assert snapshots["vendor"]["Vendor pending"]["mine"] is True
    assert set(snapshots["moderator"]) == {"Vendor pending", "Approved one"}
    assert snapshots["moderator"]["Approved one"]["author"]["name"] == "Kofi Mensah"
    assert snapshots["presenter_a"]["Vendor pending"]["author"]["name"] == "Grace Banda"
    assert snapshots["vendor3"]["Approved one"]["author"] is None
