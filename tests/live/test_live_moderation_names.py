"""Moderation commands reveal no name the moderator could not already see in their room.

Moderators see the author of every question asked in their room (hidden names included) and
nobody else's name. Muting ``u<id>`` used to answer and broadcast any account's full name.
"""

import pytest

from live import groups
from live.models import RoomEvent, RoomMute
from live.rooms import Viewer
from live.selectors import room_load
from live.services import person_mute, question_ask
from tests import factories
from tests.live.live_helpers import live_room_data, live_socket

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def room_data(transactional_db):
    return live_room_data()


def viewer_of(user, level=groups.ATTENDEE) -> Viewer:
    return Viewer(level=level, person_key=f"u{user.pk}", name="", user_id=user.pk)


def stored_text(session_id: int) -> str:
    """Everything any viewer of the room could ever receive of its events, as text."""
    events = RoomEvent.objects.filter(session_id=session_id)
    return str(list(events.values("payload_full", "payload_public", "payload_owner")))


@pytest.mark.parametrize("muted", [True, False])
def test_muting_someone_who_never_asked_here_does_not_reveal_their_name(room_data, muted):
    room = room_load(session_id=room_data.session.pk)
    outsider = factories.UserFactory(first_name="Zara", last_name="Quellwater")
    # Asking in another session of the same seminar does not make the name visible here.
    other_room = room_load(session_id=room_data.other_session.pk)
    question_ask(room=other_room, viewer=viewer_of(outsider), text="Elsewhere")
    moderator = viewer_of(room_data.moderator, groups.MODERATOR)

    reply = person_mute(room=room, viewer=moderator, person=f"u{outsider.pk}", muted=muted)

    assert reply == {"person": f"u{outsider.pk}", "muted": muted}
    event = RoomEvent.objects.get(session_id=room.session_id, kind="person.muted")
    assert event.payload_full["person"] == {"key": f"u{outsider.pk}", "name": ""}
    assert "Quellwater" not in stored_text(room.session_id)
    assert "Quellwater" in stored_text(other_room.session_id)  # named where they asked
    assert RoomMute.objects.filter(person_key=f"u{outsider.pk}").exists() is muted


def test_muting_an_author_of_this_room_names_them_as_moderators_already_see(room_data):
    room = room_load(session_id=room_data.session.pk)
    vendor = room_data.vendor  # Grace Banda
    question_ask(room=room, viewer=viewer_of(vendor), text="Hidden name", hide_name=True)
    moderator = viewer_of(room_data.moderator, groups.MODERATOR)

    person_mute(room=room, viewer=moderator, person=f"u{vendor.pk}", muted=True)

    event = RoomEvent.objects.get(session_id=room.session_id, kind="person.muted")
    assert event.payload_full["person"]["name"] == "Grace Banda"
    assert event.payload_public is None  # attendees never learn who was muted


async def test_the_moderators_socket_never_receives_an_outsiders_name(room_data):
    from channels.db import database_sync_to_async

    outsider = await database_sync_to_async(factories.UserFactory)(
        first_name="Zara", last_name="Quellwater"
    )
    async with live_socket(room_data.session.pk, user=room_data.moderator) as moderator:
        reply = await moderator.command(
            {"type": "person.mute", "person": f"u{outsider.pk}", "muted": True}
        )
        assert reply["type"] == "ack"
        event = await moderator.recv_type("person.muted")
        assert event["person"] == {"key": f"u{outsider.pk}", "name": ""}
        assert "Quellwater" not in moderator.text_received() + str(reply)
