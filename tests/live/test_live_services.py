"""Live room services and the fan-out, without sockets."""

import asyncio
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from live import groups
from live.errors import LiveError
from live.models import Attendance, Question, RoomEvent
from live.ratelimit import person_rate_check
from live.rooms import Viewer
from live.selectors import presence_counts, room_load
from live.services import (
    attendance_join,
    attendance_leave,
    question_ask,
    question_set_state,
    room_device_join,
    room_invite_create,
    room_token_verify,
)
from live.transport import broadcast
from live.transport.hub import Feed, Hub
from tests.live.live_helpers import live_outlet, live_room_data, server_process


@pytest.fixture
def room_data(transactional_db):
    return live_room_data()


@pytest.fixture
def published(monkeypatch):
    """The events handed to the channel layer, in order."""
    calls = []
    monkeypatch.setattr(broadcast, "event_publish", lambda **kw: calls.append(kw))
    return calls


def viewer_of(user, level=groups.ATTENDEE, agency_id=None) -> Viewer:
    return Viewer(level=level, person_key=f"u{user.pk}", name="", user_id=user.pk,
                  agency_id=agency_id)  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_stores_no_event_and_publishes_nothing(room_data, published):
    room = room_load(session_id=room_data.session.pk)
    with pytest.raises(RuntimeError), transaction.atomic():
        question_ask(room=room, viewer=viewer_of(room_data.vendor), text="Lost?")
        raise RuntimeError("the request failed after the ask")
    assert not Question.objects.exists()
    assert not RoomEvent.objects.exists()
    assert published == []


@pytest.mark.django_db(transaction=True)
def test_event_is_published_only_after_commit_with_its_seq(room_data, published):
    room = room_load(session_id=room_data.session.pk)
    with transaction.atomic():
        question_ask(room=room, viewer=viewer_of(room_data.vendor), text="One")
        assert published == []
    assert [call["event"]["seq"] for call in published] == [1]
    question_ask(room=room, viewer=viewer_of(room_data.vendor2), text="Two")
    assert [call["event"]["seq"] for call in published] == [1, 2]
    assert list(RoomEvent.objects.values_list("seq", flat=True)) == [1, 2]
    assert list(Question.objects.values_list("last_seq", flat=True)) == [1, 2]


@pytest.mark.django_db(transaction=True)
def test_highlight_writes_one_event_per_changed_question(room_data, published):
    room = room_load(session_id=room_data.session.pk)
    moderator = viewer_of(room_data.moderator, groups.MODERATOR)
    ids = [
        question_ask(room=room, viewer=viewer_of(u), text="q")["question_id"]
        for u in (room_data.vendor, room_data.vendor2)
    ]
    for question_id in ids:
        question_set_state(
            room=room, viewer=moderator, question_id=question_id, state="highlighted"
        )
    kinds = list(RoomEvent.objects.order_by("seq").values_list("kind", "payload_full__action"))
    assert kinds[-3:] == [
        ("question.updated", "highlighted"),
        ("question.updated", "unhighlighted"),
        ("question.updated", "highlighted"),
    ]
    with pytest.raises(LiveError) as refused:
        question_set_state(
            room=room, viewer=viewer_of(room_data.vendor), question_id=ids[0], state="dismissed"
        )
    assert refused.value.code == "forbidden"


@pytest.mark.django_db(transaction=True)
def test_each_event_is_encoded_once_per_version_whatever_the_number_of_levels(
    room_data, published, monkeypatch
):
    room = room_load(session_id=room_data.session.pk)
    question_ask(
        room=room, viewer=viewer_of(room_data.vendor), text="Hi", agency_id=room_data.agency_a.pk
    )
    encoded = []
    real_encode = broadcast.encode
    monkeypatch.setattr(broadcast, "encode", lambda f: encoded.append(f) or real_encode(f))
    call = published[0]
    messages = broadcast.event_messages(call["event"], call["agency_ids"])
    assert len(encoded) == 3  # full, attendees' filler, the asker's copy
    a, b = room_data.agency_a.pk, room_data.agency_b.pk
    assert set(messages) == {"moderators", "attendees", f"agency-{a}", f"agency-{b}"}
    assert messages[f"agency-{a}"]["frame"] is messages["moderators"]["frame"]
    assert messages[f"agency-{b}"]["frame"] is messages["attendees"]["frame"]
    assert messages["attendees"]["frame"] == '{"type":"seq","seq":1}'
    assert messages["attendees"]["owner"] == f"u{room_data.vendor.pk}"


@pytest.mark.django_db
def test_hub_writes_the_same_frame_object_to_every_local_socket_without_queries(
    django_assert_num_queries,
):
    received = []

    async def run():
        async def send(message):
            received.append(message["text"])

        outlets = [live_outlet(send, f"u{n}") for n in range(1000)]
        feed = Feed(1, "attendees")
        for outlet in outlets:
            outlet.release(0)
            feed.outlets[outlet] = None
        frame = '{"type":"question.votes","seq":9,"id":1,"votes":3}'
        owner_frame = '{"type":"question.votes","seq":9,"id":1,"votes":3,"voted":true}'
        feed.deliver(
            {"type": "live.frame", "seq": 9, "frame": frame, "owner": "u7",
             "owner_frame": owner_frame}
        )  # fmt: skip

    with django_assert_num_queries(0):
        asyncio.run(run())
    assert len(received) == 1000
    assert sum(1 for text in received if text.endswith('"voted":true}')) == 1
    assert len({id(text) for text in received}) == 2


def test_hub_subscribes_once_per_feed_and_unsubscribes_when_empty():
    from channels.layers import InMemoryChannelLayer

    async def run():
        layer = InMemoryChannelLayer()
        hub = Hub(layer)

        async def send(message):
            pass

        first, second = live_outlet(send, "u1"), live_outlet(send, "u2")
        group = groups.group_name(5, "attendees")
        await hub.attach(5, "attendees", first)
        await hub.attach(5, "attendees", second)
        assert len(layer.groups[group]) == 1
        await hub.detach(5, "attendees", first)
        assert group in hub.feeds
        await hub.detach(5, "attendees", second)
        assert hub.feeds == {}
        assert not layer.groups.get(group)

    asyncio.run(run())


@pytest.mark.django_db
def test_attendance_counts_a_person_once_and_adds_up_their_time(room_data):
    import uuid

    room = room_load(session_id=room_data.session.pk)
    vendor = viewer_of(room_data.vendor)
    process = server_process()
    tabs = [uuid.uuid4(), uuid.uuid4()]
    for tab in tabs:
        attendance_join(room=room, viewer=vendor, connection_id=tab, process_id=process)
    attendance_join(
        room=room,
        viewer=viewer_of(room_data.vendor2),
        connection_id=uuid.uuid4(),
        process_id=process,
    )
    assert presence_counts(session_ids=[room.session_id]) == {room.session_id: 2}
    Attendance.objects.filter(user=room_data.vendor).update(
        present_since=timezone.now() - timedelta(minutes=10)
    )
    attendance_leave(connection_id=tabs[0])
    assert Attendance.objects.get(user=room_data.vendor).present_since is not None
    attendance_leave(connection_id=tabs[1])
    attendance = Attendance.objects.get(user=room_data.vendor)
    assert attendance.present_since is None
    assert 599 <= attendance.seconds_present <= 605
    assert attendance.joins == 1
    assert presence_counts(session_ids=[room.session_id]) == {room.session_id: 1}


@pytest.mark.django_db
def test_room_tokens_are_scoped_to_one_session_and_expire(room_data, settings):
    device, token = room_device_join(invite=room_invite_create(session_id=room_data.session.pk))
    assert room_token_verify(token=token, session_id=room_data.session.pk) == device
    with pytest.raises(LiveError) as other:
        room_token_verify(token=token, session_id=room_data.other_session.pk)
    assert other.value.code == "token_scope" and other.value.close_code == 4401
    with pytest.raises(LiveError) as forged:
        room_token_verify(token=token.replace(":", ";", 1), session_id=room_data.session.pk)
    assert forged.value.code == "token_invalid"
    with pytest.raises(LiveError):
        room_device_join(invite=token)  # a token is not an invite
    settings.LIVE_ROOM_TOKEN_MAX_AGE = -1
    with pytest.raises(LiveError) as expired:
        room_token_verify(token=token, session_id=room_data.session.pk)
    assert expired.value.code == "token_expired"


@pytest.mark.django_db
def test_two_devices_from_one_qr_code_are_two_people(room_data):
    invite = room_invite_create(session_id=room_data.session.pk)
    first, _token = room_device_join(invite=invite)
    second, _token = room_device_join(invite=invite)
    assert first.person_key != second.person_key


def test_person_rate_limit_is_shared_through_the_cache():
    for _ in range(2):
        person_rate_check(kind="ask", session_id=1, person_key="u1", rate=(2, 60))
    with pytest.raises(LiveError) as refused:
        person_rate_check(kind="ask", session_id=1, person_key="u1", rate=(2, 60))
    assert refused.value.code == "rate_limited"
    person_rate_check(kind="ask", session_id=1, person_key="u2", rate=(2, 60))
    person_rate_check(kind="ask", session_id=2, person_key="u1", rate=(2, 60))


@pytest.mark.django_db
def test_only_moderators_publish_the_faq(room_data):
    from django.core.exceptions import PermissionDenied

    from live.services import session_set_faq_published
    from seminars.models import Session

    with pytest.raises(PermissionDenied):
        session_set_faq_published(session=room_data.session, user=room_data.vendor, published=True)
    with pytest.raises(PermissionDenied):
        session_set_faq_published(
            session=room_data.session, user=room_data.presenter_a, published=True
        )
    assert not Session.objects.get(pk=room_data.session.pk).faq_published
    session_set_faq_published(session=room_data.session, user=room_data.moderator, published=True)
    assert Session.objects.get(pk=room_data.session.pk).faq_published


@pytest.mark.django_db(transaction=True)
def test_live_demo_fills_the_qa_room_through_the_services():
    from live import demo as live_demo
    from seminars import demo

    context: dict = {}
    demo.seed(context)
    live_demo.seed(context)
    questions = Question.objects.filter(session=context["live_session"])
    assert questions.count() == 4
    assert set(questions.values_list("state", flat=True)) == {
        "pending", "highlighted", "answered", "approved"
    }  # fmt: skip
    seqs = RoomEvent.objects.filter(session=context["live_session"]).values_list("seq", flat=True)
    assert list(seqs) == list(range(1, 12))  # 4 asks, 3 approvals, 2 votes, 1 answer, 1 highlight


def test_feed_passes_out_of_order_events_once_and_remembers_gaps():
    received = []

    async def run():
        async def send(message):
            received.append(message["text"])

        feed = Feed(1, "attendees")
        outlet = live_outlet(send, "u1")
        outlet.release(0)
        feed.outlets[outlet] = None
        for seq in (1, 3, 2, 2, 3, 5):
            feed.deliver({"seq": seq, "frame": str(seq), "owner": None, "owner_frame": None})
        assert feed.wanted(6) == {4, 6}

    asyncio.run(run())
    assert received == ["1", "3", "2", "5"]


def test_outlet_keeps_order_when_the_server_send_has_to_wait():
    sent = []

    async def run():
        async def waiting_send(message):
            await asyncio.sleep(0)  # a server applying back-pressure
            sent.append(message["text"])

        outlet = live_outlet(waiting_send, "u1", limit=100)
        outlet.release(0)
        for n in range(20):
            outlet.push(str(n))
        assert outlet.writing
        while outlet.writing:
            await asyncio.sleep(0)
        outlet.push("last")
        while outlet.writing:
            await asyncio.sleep(0)

    asyncio.run(run())
    assert sent == [str(n) for n in range(20)] + ["last"]


@pytest.mark.django_db(transaction=True)
def test_a_muted_person_may_still_withdraw_a_vote(room_data):
    from live.services import person_mute, question_vote

    room = room_load(session_id=room_data.session.pk)
    moderator = viewer_of(room_data.moderator, groups.MODERATOR)
    vendor = viewer_of(room_data.vendor2)
    question_id = question_ask(room=room, viewer=viewer_of(room_data.vendor), text="q")[
        "question_id"
    ]
    question_set_state(room=room, viewer=moderator, question_id=question_id, state="approved")
    question_vote(room=room, viewer=vendor, question_id=question_id)
    person_mute(room=room, viewer=moderator, person=vendor.person_key, muted=True)
    with pytest.raises(LiveError) as refused:
        question_vote(room=room, viewer=vendor, question_id=question_id)
    assert refused.value.code == "muted"
    assert question_vote(room=room, viewer=vendor, question_id=question_id, voted=False) == {
        "question_id": question_id, "votes": 0
    }  # fmt: skip


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_changes_get_unique_contiguous_seqs(room_data, settings):
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection as default_connection

    from tests import factories

    settings.LIVE_ASK_RATE = (100, 60)
    room = room_load(session_id=room_data.session.pk)
    askers = [viewer_of(factories.UserFactory()) for _ in range(6)]

    def ask_five(viewer: Viewer) -> None:
        try:
            for n in range(5):
                question_ask(room=room, viewer=viewer, text=f"{viewer.person_key} {n}")
        finally:
            default_connection.close()

    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(ask_five, askers))
    assert list(RoomEvent.objects.order_by("seq").values_list("seq", flat=True)) == list(
        range(1, 31)
    )
    assert sorted(Question.objects.values_list("last_seq", flat=True)) == list(range(1, 31))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_person_opening_sockets_at_the_same_instant_gets_one_attendance(room_data):
    import threading
    import uuid
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection as default_connection

    room = room_load(session_id=room_data.session.pk)
    vendor = viewer_of(room_data.vendor)
    process = server_process()
    start = threading.Barrier(4)

    def join(_n: int) -> int:
        try:
            start.wait(5)
            return attendance_join(
                room=room, viewer=vendor, connection_id=uuid.uuid4(), process_id=process
            ).pk
        finally:
            default_connection.close()

    with ThreadPoolExecutor(max_workers=4) as pool:
        attendance_ids = set(pool.map(join, range(4)))
    attendance = Attendance.objects.get(session=room_data.session, user=room_data.vendor)
    assert attendance_ids == {attendance.pk}
    assert attendance.connections.count() == 4
    assert attendance.joins == 1 and attendance.present_since is not None
