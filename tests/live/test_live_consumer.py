"""The live socket: who may connect, at which level, the clock, limits and resume."""

import asyncio

import pytest
from channels.db import database_sync_to_async

from live.models import Attendance, LiveConnection, Question
from live.services import room_device_join, room_invite_create
from live.services.attendance import attendance_flush
from tests.live.live_helpers import live_outlet, live_room_data, live_socket

pytestmark = pytest.mark.django_db(transaction=True)


def _phone_join(session_id: int):
    """Scan the projector's QR code (both steps read the invite version: database calls)."""
    return room_device_join(invite=room_invite_create(session_id=session_id))


@pytest.fixture
def room(transactional_db):
    return live_room_data()


async def test_signed_in_vendor_gets_hello_and_snapshot_as_attendee(room):
    async with live_socket(room.session.pk, user=room.vendor) as client:
        assert client.hello["type"] == "hello"
        assert client.hello["level"] == "attendee"
        assert client.hello["person"] == {
            "key": f"u{room.vendor.pk}",
            "name": "Grace Banda",
            "guest": False,
        }
        assert client.hello["session"]["qa_moderated"] is True
        assert {a["acronym"] for a in client.hello["session"]["agencies"]} == {"UNA", "UNB"}
        assert client.sync["type"] == "snapshot"
        assert client.sync["seq"] == 0
        assert client.sync["questions"] == []
        assert client.sync["presence"] == 1


@pytest.mark.parametrize(
    ("who", "level", "agency"),
    [
        ("moderator", "moderator", None),
        ("organizer", "moderator", None),
        ("presenter_a", "agency", "agency_a"),
        ("presenter_b", "agency", "agency_b"),
        ("vendor", "attendee", None),
    ],
)
async def test_level_follows_the_seminar_role(room, who, level, agency):
    async with live_socket(room.session.pk, user=getattr(room, who)) as client:
        assert client.hello["level"] == level
        expected = getattr(room, agency).pk if agency else None
        assert client.hello["agency_id"] == expected


async def test_moderator_can_join_as_attendee_for_the_projector(room):
    async with live_socket(room.session.pk, user=room.moderator, query="view=attendee") as client:
        assert client.hello["level"] == "attendee"


async def test_anonymous_socket_is_refused_with_4401(room):
    async with live_socket(room.session.pk, expect_open=False) as client:
        assert client.close_code == 4401


async def test_unknown_session_is_refused_with_4404(room):
    async with live_socket(999999, user=room.vendor, expect_open=False) as client:
        assert client.close_code == 4404


async def test_draft_seminar_refuses_a_vendor_but_not_its_moderator(room):
    room.seminar.status = "draft"
    await database_sync_to_async(room.seminar.save)()
    async with live_socket(room.session.pk, user=room.vendor, expect_open=False) as client:
        assert client.close_code == 4403
    async with live_socket(room.session.pk, user=room.moderator) as client:
        assert client.hello["level"] == "moderator"


async def test_foreign_origin_is_refused_at_the_handshake(room):
    async with live_socket(
        room.session.pk, user=room.vendor, origin="https://evil.example", expect_open=False
    ) as client:
        assert client.hello is None
        assert client.close_code is not None
    assert await database_sync_to_async(LiveConnection.objects.count)() == 0


async def test_missing_origin_is_refused(room):
    async with live_socket(room.session.pk, user=room.vendor, origin="", expect_open=False) as c:
        assert c.hello is None


async def test_room_token_phone_joins_as_guest_and_can_ask(room):
    device, token = await database_sync_to_async(_phone_join)(room.session.pk)
    async with live_socket(room.session.pk, token=token) as phone:
        assert phone.hello["level"] == "attendee"
        assert phone.hello["person"]["key"] == f"d{device.device_id}"
        assert phone.hello["person"]["guest"] is True
        reply = await phone.command({"type": "question.ask", "text": "From the room"})
        assert reply["type"] == "ack"
        created = await phone.recv_type("question.created")
        assert created["question"]["mine"] is True
        assert created["question"]["author"]["guest"] is True
    question = await database_sync_to_async(Question.objects.get)()
    assert question.author_device_id == device.pk and question.author_id is None


async def test_room_token_cannot_moderate_even_on_a_moderators_browser(room):
    _device, token = await database_sync_to_async(_phone_join)(room.session.pk)
    async with live_socket(room.session.pk, user=room.moderator, token=token) as phone:
        assert phone.hello["level"] == "attendee"
        reply = await phone.command({"type": "session.set_moderation", "qa_moderated": False})
        assert reply["code"] == "forbidden"


async def test_room_token_for_another_session_is_refused(room):
    _device, token = await database_sync_to_async(_phone_join)(room.other_session.pk)
    async with live_socket(room.session.pk, token=token, expect_open=False) as phone:
        assert phone.close_code == 4401


async def test_expired_or_tampered_room_token_is_refused(room, settings):
    _device, token = await database_sync_to_async(_phone_join)(room.session.pk)
    async with live_socket(room.session.pk, token=token[:-2] + "xx", expect_open=False) as c:
        assert c.close_code == 4401
    settings.LIVE_ROOM_TOKEN_MAX_AGE = -1
    async with live_socket(room.session.pk, token=token, expect_open=False) as c:
        assert c.close_code == 4401


async def test_connection_cap_per_person(room, settings):
    settings.LIVE_MAX_CONNECTIONS_PER_PERSON = 2
    async with live_socket(room.session.pk, user=room.vendor):
        async with live_socket(room.session.pk, user=room.vendor):
            async with live_socket(room.session.pk, user=room.vendor, expect_open=False) as third:
                assert third.close_code == 4429
            async with live_socket(room.session.pk, user=room.vendor2) as other:
                assert other.hello["level"] == "attendee"


async def test_two_tabs_count_once_and_attendance_is_recorded(room):
    async with live_socket(room.session.pk, user=room.vendor):
        async with live_socket(room.session.pk, user=room.vendor) as second:
            assert second.sync["presence"] == 1
            async with live_socket(room.session.pk, user=room.vendor2) as other:
                assert other.sync["presence"] == 2
    await database_sync_to_async(attendance_flush)()  # the leaves are written in a batch
    attendance = await database_sync_to_async(Attendance.objects.get)(user=room.vendor)
    assert attendance.present_since is None
    assert attendance.last_left_at is not None
    assert attendance.joins == 1
    assert await database_sync_to_async(LiveConnection.objects.count)() == 0


async def test_presence_event_reaches_everyone_when_the_count_changes(room):
    from live.transport.hub import hub_get

    async with live_socket(room.session.pk, user=room.vendor) as first:
        await hub_get().presence_tick()
        assert (await first.recv_type("presence"))["count"] == 1
        async with live_socket(room.session.pk, user=room.moderator):
            await database_sync_to_async(attendance_flush)()  # joins are written in batches
            await hub_get().presence_tick()
            assert (await first.recv_type("presence"))["count"] == 2


async def test_clock_sync_echoes_client_time_with_server_time(room):
    import time

    async with live_socket(room.session.pk, user=room.vendor) as client:
        before = int(time.time() * 1000)
        await client.send({"type": "clock.sync", "client_time": 1234})
        clock = await client.recv_type("clock")
        assert clock["client_time"] == 1234
        assert before <= clock["server_time"] <= int(time.time() * 1000)
        await client.send({"type": "clock.sync", "client_time": "soon"})
        error = await client.recv_type("error")
        assert error["code"] == "invalid" and error["field"] == "client_time"
        await client.send({"type": "ping"})
        assert (await client.recv_type("pong")) == {"type": "pong"}


async def test_bad_frames_get_clear_errors(room):
    async with live_socket(room.session.pk, user=room.vendor) as client:
        await client.communicator.send_to(text_data="not json")
        assert (await client.recv_type("error"))["code"] == "bad_frame"
        await client.communicator.send_to(text_data="[1, 2]")
        assert (await client.recv_type("error"))["code"] == "bad_frame"
        await client.communicator.send_to(text_data='{"type": "x", "pad": "' + "a" * 9000 + '"}')
        assert (await client.recv_type("error"))["code"] == "bad_frame"
        reply = await client.command({"type": "question.explode"})
        assert reply["code"] == "unknown_type" and reply["message"]


async def test_error_messages_follow_the_language_cookie(room):
    async with live_socket(room.session.pk, user=room.vendor) as client:
        reply = await client.command({"type": "question.ask", "text": ""})
        assert reply["code"] == "empty"
        assert reply["message"] == "Please write something first."


async def test_frame_rate_limit_per_socket(room, settings):
    settings.LIVE_FRAME_RATE = (3, 60)
    async with live_socket(room.session.pk, user=room.vendor) as client:
        for _ in range(3):
            await client.send({"type": "ping"})
            await client.recv_type("pong")
        reply = await client.command({"type": "ping"})
        assert reply["code"] == "rate_limited"
        assert reply["retry_after"] >= 1


async def test_slow_client_is_closed_with_4008_when_its_queue_overflows(room):
    from live.transport.hub import CLOSE_TOO_SLOW

    sent = []
    blocker = asyncio.Event()

    async def slow_send(message):
        sent.append(message)
        await blocker.wait()

    outlet = live_outlet(slow_send, "u1", limit=3)
    outlet.release(0)
    outlet.push('{"n": 0}')
    await asyncio.sleep(0)  # the first frame is being written (and waits) in every transport
    for n in range(1, 10):
        outlet.push(f'{{"n": {n}}}')
    blocker.set()
    await asyncio.sleep(0.05)
    assert sent[0]["text"] == '{"n": 0}'
    assert sent[-1] == {"type": "websocket.close", "code": CLOSE_TOO_SLOW}
    assert outlet.closed
    outlet.push('{"n": 99}')
    assert all(m.get("text") != '{"n": 99}' for m in sent)
