"""The socket's ``snapshot`` carries what the stage shows (docs/websocket-protocol.md), so a
client that joins, or resumes too far behind, learns it without the page; never a key."""

import json

import pytest
from channels.db import database_sync_to_async

from live.models import Stage, StageFeed
from live.services import room_device_join, room_invite_create
from live.services.stage import stage_key_rotate, stage_set_source
from tests.live.live_helpers import live_room_data, live_socket

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def room(transactional_db):
    return live_room_data()


def _on_air(room) -> str:
    """The session's stage live and on air; returns its main stream key."""
    stage_set_source(session=room.session, user=room.organizer, source=Stage.Source.LIVE)
    key = stage_key_rotate(session=room.session, user=room.organizer)
    stage_key_rotate(session=room.session, user=room.organizer, language="fr")
    Stage.objects.filter(session=room.session).update(state=Stage.State.ON_AIR)
    return key


def _secrets(room) -> list[str]:
    return list(
        StageFeed.objects.filter(stage__session=room.session).values_list("key_hash", flat=True)
    )


async def test_an_attendee_joining_gets_the_stage_on_air_and_never_a_key(room):
    key = await database_sync_to_async(_on_air)(room)
    digests = await database_sync_to_async(_secrets)(room)
    device, token = await database_sync_to_async(room_device_join)(
        invite=await database_sync_to_async(room_invite_create)(session_id=room.session.pk)
    )
    async with live_socket(room.session.pk, user=room.vendor) as vendor:
        async with live_socket(room.session.pk, token=token) as phone:
            for client in (vendor, phone):
                assert client.hello["level"] == "attendee"
                assert client.sync["type"] == "snapshot"
                assert client.sync["stage"] == {
                    "type": "stage",
                    "source": "live",
                    "state": "on_air",
                    "problem": "",
                    "on_air": True,
                    "hls": f"/live-hls/{room.session.pk}/master.m3u8",
                    "embed": "",
                    "link": "",
                }
                sent = json.dumps([client.hello, client.sync])
                assert key not in sent
                assert not [digest for digest in digests if digest in sent]


async def test_a_resume_too_far_behind_gets_the_stage_in_its_snapshot(room):
    await database_sync_to_async(_on_air)(room)
    async with live_socket(room.session.pk, user=room.vendor, query="last_seq=9999") as back:
        assert back.sync["type"] == "snapshot"
        assert back.sync["stage"]["state"] == "on_air"
        assert back.sync["stage"]["hls"].endswith("/master.m3u8")


async def test_a_session_without_a_stage_shows_its_presentation_in_the_snapshot(room):
    async with live_socket(room.session.pk, user=room.vendor) as client:
        assert client.sync["stage"]["source"] == "prerecorded"
        assert client.sync["stage"]["state"] == "idle"
        assert client.sync["stage"]["on_air"] is False
        assert client.sync["stage"]["hls"] == ""


async def test_a_live_stage_with_a_problem_is_in_the_snapshot_without_its_playlist(room):
    await database_sync_to_async(_on_air)(room)
    await database_sync_to_async(Stage.objects.filter(session=room.session).update)(
        state=Stage.State.PROBLEM, problem="codec"
    )
    async with live_socket(room.session.pk, user=room.vendor) as client:
        stage = client.sync["stage"]
        assert (stage["state"], stage["problem"], stage["on_air"]) == ("problem", "codec", False)
        assert stage["hls"] == ""
