"""The projector's room invitations: they expire, and a moderator can rotate them, which
also ends the phones that joined with the old ones."""

import pytest
from django.test import Client
from django.urls import reverse

from live.errors import LiveError
from live.models import RoomDevice
from live.services import (
    room_device_join,
    room_invite_create,
    room_invites_rotate,
    room_token_verify,
)
from live.views import ROOM_TOKENS_KEY
from tests import factories


def _url(name, session, **extra):
    kwargs = {"slug": session.seminar.slug, "session_id": session.pk, **extra}
    return reverse(f"live:{name}", kwargs=kwargs)


@pytest.fixture
def room(db):
    seminar = factories.SeminarFactory()
    session = factories.SessionFactory(seminar=seminar)
    other = factories.SessionFactory(seminar=seminar)
    moderator = factories.RoleFactory(seminar=seminar, role="moderator").user
    return session, other, moderator


def test_rotation_refuses_old_invites_and_room_tokens_of_that_session_only(room):
    session, other, _moderator = room
    invite = room_invite_create(session_id=session.pk)
    _device, token = room_device_join(invite=invite)
    other_invite = room_invite_create(session_id=other.pk)
    room_invites_rotate(session_id=session.pk)
    with pytest.raises(LiveError) as old_invite:
        room_device_join(invite=invite)
    assert old_invite.value.code == "token_expired" and old_invite.value.close_code == 4401
    with pytest.raises(LiveError):
        room_token_verify(token=token, session_id=session.pk)
    device, fresh = room_device_join(invite=room_invite_create(session_id=session.pk))
    assert room_token_verify(token=fresh, session_id=session.pk) == device
    assert room_device_join(invite=other_invite)[0].session_id == other.pk


def test_invites_last_an_hour_and_the_projector_refreshes_them_well_before(client, room, settings):
    session, _other, moderator = room
    client.force_login(moderator)
    page = client.get(_url("screen", session))
    assert page.context["qr_refresh_seconds"] == 900
    invite = room_invite_create(session_id=session.pk)
    settings.LIVE_ROOM_INVITE_MAX_AGE = 3600
    assert room_device_join(invite=invite)[0].session_id == session.pk
    settings.LIVE_ROOM_INVITE_MAX_AGE = -1
    with pytest.raises(LiveError) as expired:
        room_device_join(invite=invite)
    assert expired.value.code == "token_expired"


def test_moderator_rotates_from_the_projector_and_phones_must_scan_again(room):
    session, _other, moderator = room
    projector = Client()
    projector.force_login(moderator)
    old_join = projector.get(_url("screen", session)).context["join_url"]
    phone = Client()
    assert phone.get(old_join).status_code == 302
    assert str(session.pk) in phone.session[ROOM_TOKENS_KEY]

    page = projector.get(_url("screen", session)).content.decode()
    assert _url("screen_rotate", session) in page
    response = projector.post(_url("screen_rotate", session))
    assert response.status_code == 302 and response["Location"] == _url("screen", session)

    # The phone that joined with the old code is out; the old code makes no one new.
    room_page = phone.get(_url("room", session))
    assert str(session.pk) not in phone.session[ROOM_TOKENS_KEY]
    assert 'id="ask-form"' not in room_page.content.decode()
    stranger = Client()
    refused = stranger.get(old_join)
    assert refused.status_code == 400 and "expired" in refused.content.decode()
    assert RoomDevice.objects.filter(session=session).count() == 1
    new_join = projector.get(_url("screen", session)).context["join_url"]
    assert stranger.get(new_join).status_code == 302


def test_only_moderators_may_rotate_and_only_by_post(client, room):
    session, _other, moderator = room
    invite = room_invite_create(session_id=session.pk)
    assert client.post(_url("screen_rotate", session)).status_code == 302  # to sign in
    client.force_login(factories.UserFactory())
    assert client.post(_url("screen_rotate", session)).status_code == 403
    client.force_login(moderator)
    assert client.get(_url("screen_rotate", session)).status_code == 405
    assert room_device_join(invite=invite)[0].session_id == session.pk  # nothing rotated
