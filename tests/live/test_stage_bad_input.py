"""Bad input on the live stage, against a real nginx with the RTMP module and real ffmpeg
encoders: a video codec the stage does not take, a second encoder on a key that streams,
an encoder away for 20 s that comes back. Each gets a clear state in the room and on the
organisers' page, and the recording keeps what was streamed."""

import subprocess
import time

import pytest
from django.test import Client
from django.urls import reverse

from live.models import RoomEvent, Stage, StageFeed
from live.services.stage import stage_key_rotate
from media_library.models import MediaAsset
from tests.live.stage_helpers import push, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _stage(session) -> Stage:
    return Stage.objects.get(session=session)


def _states(session) -> list[str]:
    events = RoomEvent.objects.filter(session=session, kind="stage").order_by("seq")
    return [event.payload_public["state"] for event in events]


def _page(session, user, name: str = "stage") -> str:
    client = Client()
    client.force_login(user)
    response = client.get(
        reverse(f"live:{name}", kwargs={"slug": session.seminar.slug, "session_id": session.pk})
    )
    assert response.status_code == 200
    return response.content.decode()


def _video_codecs(path) -> list[str]:
    probe = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "v", "-show_entries", "stream=codec_name",
         "-of", "csv=p=0", str(path)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    return probe.stdout.split()


def test_an_unsupported_video_codec_is_a_problem_and_its_recording_is_kept(rtmp, live_session):
    session, organiser = live_session
    key = stage_key_rotate(session=session, user=organiser)
    encoder = push(rtmp.url(key), codec="flv")  # Sorenson H.263, as old Flash encoders send
    rtmp.encoders.append(encoder)
    stage = wait_for(
        lambda: Stage.objects.filter(session=session, state=Stage.State.PROBLEM).first(),
        seconds=90,
        what="the codec problem",
    )
    assert stage.problem == "codec"
    assert "on_air" not in _states(session)
    page = _page(session, organiser)
    assert "format cannot be read: use H.264 video and AAC sound." in page
    room = _page(session, organiser, name="room")
    assert "The live stream cannot be shown: the organisers are fixing it." in room

    encoder.terminate()
    encoder.wait(timeout=30)
    wait_for(lambda: _stage(session).state == Stage.State.ENDED, seconds=60, what="ended")
    # What was streamed stays on disk as it came (an MP4 cannot hold it: no version made).
    recordings = wait_for(
        lambda: list(rtmp.records.glob(f"s{session.pk}-*.flv")), seconds=30, what="the file"
    )
    assert _video_codecs(recordings[0]) == ["flv1"]
    assert not MediaAsset.objects.filter(presentation__session=session).exists()


def test_a_second_encoder_on_a_streaming_key_is_refused_and_told_to_the_organisers(
    rtmp, live_session, settings
):
    settings.LIVE_STAGE_RTMP_URL = rtmp.url("")  # the stage page shows the keys' table
    session, organiser = live_session
    key = stage_key_rotate(session=session, user=organiser)
    first = push(rtmp.url(key))
    rtmp.encoders.append(first)
    wait_for(lambda: _stage(session).state == Stage.State.ON_AIR, seconds=90, what="on air")
    assert "A second encoder tried" not in _page(session, organiser)

    second = push(rtmp.url(key), seconds=5)
    rtmp.encoders.append(second)
    second.communicate(timeout=60)
    assert second.returncode != 0
    feed = StageFeed.objects.get(stage__session=session, language="")
    assert feed.second_encoder_at is not None
    assert _stage(session).state == Stage.State.ON_AIR  # the room keeps the first
    assert _states(session)[-1] == "on_air"
    page = _page(session, organiser)
    assert "A second encoder tried to publish with this key at" in page
    assert "and was refused: the first one keeps streaming." in page

    # A new key clears the note (the next refusal is news again).
    stage_key_rotate(session=session, user=organiser)
    assert "A second encoder tried" not in _page(session, organiser)
    first.terminate()
    first.wait(timeout=30)
    wait_for(lambda: _stage(session).state == Stage.State.ENDED, seconds=60, what="ended")


def test_an_encoder_back_within_the_grace_period_resumes_and_both_parts_are_recorded(
    rtmp, live_session, settings
):
    settings.LIVE_STAGE_END_GRACE_SECONDS = 60
    session, organiser = live_session
    key = stage_key_rotate(session=session, user=organiser)
    started = time.monotonic()
    first = push(rtmp.url(key))
    rtmp.encoders.append(first)
    wait_for(lambda: _stage(session).state == Stage.State.ON_AIR, seconds=90, what="on air")
    first.terminate()
    first.wait(timeout=30)
    first_part = time.monotonic() - started
    wait_for(
        lambda: _stage(session).state == Stage.State.RECONNECTING, seconds=30, what="reconnecting"
    )
    assert "Reconnecting" in _page(session, organiser)
    time.sleep(20)  # the encoder is away for 20 s, within the grace period
    assert _stage(session).state == Stage.State.RECONNECTING

    started = time.monotonic()
    second = push(rtmp.url(key))
    rtmp.encoders.append(second)
    wait_for(lambda: _stage(session).state == Stage.State.ON_AIR, seconds=90, what="back on air")
    # Never "ended" nor "starting" while it was away: on air, reconnecting, on air again.
    assert _states(session)[-3:] == ["on_air", "reconnecting", "on_air"]
    assert "ended" not in _states(session)

    settings.LIVE_STAGE_END_GRACE_SECONDS = 1
    time.sleep(4)
    second.terminate()
    second.wait(timeout=30)
    second_part = time.monotonic() - started
    wait_for(lambda: _stage(session).state == Stage.State.ENDED, seconds=60, what="ended")

    # One version of the presentation holds both parts, one after the other.
    asset = wait_for(
        lambda: (
            MediaAsset.objects.filter(presentation__session=session)
            .exclude(status=MediaAsset.Status.UPLOADING)  # made, not yet checked
            .first()
        ),
        seconds=60,
        what="the recording's version",
    )
    assert MediaAsset.objects.filter(presentation__session=session).count() == 1
    # Each part lasts from the encoder's start to its end, less its start-up (a few seconds).
    assert asset.duration_seconds >= first_part + second_part - 6
    assert not list(rtmp.records.glob(f"s{session.pk}-*.flv"))
