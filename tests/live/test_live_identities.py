"""In-room identities per browser and per client address: reopening the invite link does not
multiply people, so the ask limit and moderators' mutes hold (HTTP side and socket)."""

from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse

from live.errors import LiveError
from live.models import Question, RoomDevice, RoomMute
from live.services import room_identity_join, room_invite_create
from live.views import ROOM_TOKENS_KEY
from tests import factories


@pytest.fixture(autouse=True)
def _rates(settings):
    settings.LIVE_ROOM_IDENTITY_RATE = (30, 600)
    settings.LIVE_GUEST_ASK_RATE_PER_CLIENT = (10, 60)
    settings.LIVE_ASK_RATE = (3, 60)
    settings.TRUSTED_PROXY_COUNT = 0


@pytest.fixture
def room(db):
    seminar = factories.SeminarFactory()
    session = factories.SessionFactory(seminar=seminar, qa_moderated=True)
    moderator = factories.RoleFactory(seminar=seminar, role="moderator").user
    invite = room_invite_create(session_id=session.pk)
    return SimpleNamespace(seminar=seminar, session=session, moderator=moderator, invite=invite)


def _url(name, room, **extra):
    kwargs = {"slug": room.seminar.slug, "session_id": room.session.pk, **extra}
    return reverse(f"live:{name}", kwargs=kwargs)


def _join(client, room, address="203.0.113.7"):
    return client.get(_url("join", room, token=room.invite), REMOTE_ADDR=address)


def _ask(client, room, text, address="203.0.113.7"):
    return client.post(_url("room", room), {"text": text, "language": "en"}, REMOTE_ADDR=address)


def test_reopening_the_invite_fifty_times_in_one_browser_keeps_one_identity(client, room, now):
    statuses = {_join(client, room).status_code for _ in range(50)}
    assert statuses == {302}
    assert RoomDevice.objects.count() == 1
    assert len(client.session[ROOM_TOKENS_KEY]) == 1


def test_a_client_dropping_its_cookies_gets_at_most_thirty_identities(room, now):
    responses = [_join(Client(), room) for _ in range(50)]
    assert [r.status_code for r in responses] == [302] * 30 + [429] * 20
    assert RoomDevice.objects.count() == 30
    refused = responses[-1]
    assert refused["Retry-After"] == "600"
    page = refused.content.decode()
    assert "Too many new room identities were asked for from your network." in page
    assert "Please try again in 10 minutes." in page
    assert "Sign in to ask questions with your account" in page  # the other way in
    # A phone on another network still joins.
    assert _join(Client(), room, address="192.0.2.44").status_code == 302
    # And once the window has passed, this network may join again.
    now["t"] += 600
    assert _join(Client(), room).status_code == 302
    assert RoomDevice.objects.count() == 32


def test_fifty_questions_in_a_minute_from_one_client_store_ten(room, now):
    stored = 0
    for number in range(50):
        phone = Client()
        if _join(phone, room).status_code != 302:
            continue
        for attempt in range(3):
            stored += _ask(phone, room, f"Question {number}.{attempt}").status_code == 302
    assert stored == Question.objects.count() == 10
    # The refusal says why and when: the network's questions, within the minute.
    phone = Client()
    now["t"] += 600  # a fresh identity window; the ask window has passed as well
    _join(phone, room)
    assert _ask(phone, room, "After the minute").status_code == 302
    assert Question.objects.count() == 11


def test_guests_of_another_network_and_signed_in_people_are_not_held_back(room, now):
    for number in range(10):
        phone = Client()
        _join(phone, room)
        _ask(phone, room, f"Guest {number}")
    late_guest = Client()
    _join(late_guest, room)
    refused = _ask(late_guest, room, "One more from this network")
    assert refused.status_code == 400
    assert "Too many questions are coming from your network." in refused.content.decode()
    elsewhere = Client()
    _join(elsewhere, room, address="192.0.2.44")
    assert _ask(elsewhere, room, "From another network", address="192.0.2.44").status_code == 302
    vendor = Client()
    vendor.force_login(factories.UserFactory())
    assert _ask(vendor, room, "Signed in, same network").status_code == 302


def test_a_muted_phone_stays_muted_however_often_it_reopens_the_invite(client, room, now):
    _join(client, room)
    device = RoomDevice.objects.get()
    RoomMute.objects.create(
        session=room.session, person_key=device.person_key, muted_by=room.moderator
    )
    for _ in range(50):
        _join(client, room)
    assert RoomDevice.objects.count() == 1
    response = _ask(client, room, "Still here")
    assert response.status_code == 400 and "muted" in response.content.decode()
    assert not Question.objects.exists()


def test_the_identity_limit_is_translated(room, now, settings):
    settings.LIVE_ROOM_IDENTITY_RATE = (1, 600)
    _join(Client(), room)
    response = Client().get(
        _url("join", room, token=room.invite),
        REMOTE_ADDR="203.0.113.7",
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.status_code == 429
    assert "Veuillez réessayer dans 10 minutes." in response.content.decode()


def test_a_refused_identity_writes_nothing(room, now, settings):
    settings.LIVE_ROOM_IDENTITY_RATE = (1, 600)
    room_identity_join(invite=room.invite, client="203.0.113.7")
    with pytest.raises(LiveError) as refused:
        room_identity_join(invite=room.invite, client="203.0.113.7")
    assert refused.value.code == "rate_limited" and refused.value.retry_after == 600
    assert RoomDevice.objects.count() == 1


@pytest.fixture
def socket_room(transactional_db):
    from tests.live.live_helpers import live_room_data

    return live_room_data()


@pytest.mark.django_db(transaction=True)
async def test_over_the_socket_guests_of_one_network_share_the_ask_limit(socket_room, settings):
    from channels.db import database_sync_to_async

    from tests.live.live_helpers import live_socket

    settings.LIVE_GUEST_ASK_RATE_PER_CLIENT = (2, 60)
    # An invitation reads its revocation version from the database: a sync call.
    invite = await database_sync_to_async(room_invite_create)(session_id=socket_room.session.pk)
    join = database_sync_to_async(room_identity_join)
    _first, first_token = await join(invite=invite, client="203.0.113.7")
    _second, second_token = await join(invite=invite, client="203.0.113.7")
    _other, other_token = await join(invite=invite, client="192.0.2.44")
    async with live_socket(socket_room.session.pk, token=first_token) as phone:
        for text in ("One", "Two"):
            assert (await phone.command({"type": "question.ask", "text": text}))["type"] == "ack"
    async with live_socket(socket_room.session.pk, token=second_token) as phone:
        refused = await phone.command({"type": "question.ask", "text": "Three"})
        assert refused["code"] == "rate_limited" and refused["retry_after"] >= 1
        assert "your network" in refused["message"]
    async with live_socket(socket_room.session.pk, token=other_token) as phone:
        assert (await phone.command({"type": "question.ask", "text": "Four"}))["type"] == "ack"
    assert await database_sync_to_async(Question.objects.count)() == 3
