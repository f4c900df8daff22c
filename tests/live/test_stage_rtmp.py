"""The live stage end to end: a real nginx with the RTMP module (deploy/nginx-rtmp.conf) on
loopback ports, calling back the live server; ffmpeg encoders pushing a test picture and a
tone with the session's keys; the transcoder's HLS ladder; the recording in the library."""

import json
import urllib.request

import pytest

from live.models import RoomEvent, Stage, StageFeed
from live.services.stage import stage_key_rotate
from live.stage import supervisor
from media_library.models import MediaAsset
from tests.live.stage_helpers import push, wait_for

# Starts nginx and ffmpeg: out of `make test-fast`.
pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _stage(session) -> Stage:
    return Stage.objects.get(session=session)


def _get(live_server, path: str) -> str:
    with urllib.request.urlopen(f"{live_server.url}{path}", timeout=10) as response:
        return response.read().decode()


def _master(live_server, session) -> str:
    return _get(live_server, f"/live-hls/{session.pk}/master.m3u8")


def test_a_wrong_or_rotated_key_is_refused_and_shows_nothing(rtmp, live_session):
    session, organiser = live_session
    old = stage_key_rotate(session=session, user=organiser)
    stage_key_rotate(session=session, user=organiser)  # the old key stops working
    for key in ("not-a-key", old):
        encoder = push(rtmp.url(key), seconds=5)
        rtmp.encoders.append(encoder)
        _out, errors = encoder.communicate(timeout=60)
        assert encoder.returncode != 0, errors
    assert "notify: publish" in rtmp.log() or "403" in rtmp.log()
    assert not StageFeed.objects.filter(stage__session=session, publishing_since__isnull=False)
    assert _stage(session).state == Stage.State.IDLE
    assert not (supervisor.hls_folder(session.pk) / "master.m3u8").exists()


def test_a_stream_without_video_gets_a_clear_state(rtmp, live_session):
    session, organiser = live_session
    key = stage_key_rotate(session=session, user=organiser)
    rtmp.encoders.append(push(rtmp.url(key), video=False))
    stage = wait_for(
        lambda: Stage.objects.filter(session=session, state=Stage.State.PROBLEM).first(),
        seconds=90,
        what="the no-video state",
    )
    assert stage.problem == "no_video"
    assert _states(session)[-1] == "problem"
    assert not (supervisor.hls_folder(session.pk) / "master.m3u8").exists()


def test_live_stream_ladder_interpretation_end_and_recording(rtmp, live_session, live_server):
    session, organiser = live_session
    key = stage_key_rotate(session=session, user=organiser)
    french = stage_key_rotate(session=session, user=organiser, language="fr")
    encoder = push(rtmp.url(key))
    rtmp.encoders.append(encoder)
    wait_for(lambda: _stage(session).state == Stage.State.ON_AIR, seconds=90, what="on air")

    # A second encoder on the same key is refused; the first stays on air.
    second = push(rtmp.url(key), seconds=5)
    rtmp.encoders.append(second)
    second.communicate(timeout=60)
    assert second.returncode != 0
    assert _stage(session).state == Stage.State.ON_AIR

    master = _master(live_server, session)
    assert master.count("#EXT-X-STREAM-INF") == 4
    assert "RESOLUTION=1280x720" in master and "RESOLUTION=640x360" in master
    bandwidths = [int(b) for b in __import__("re").findall(r"BANDWIDTH=(\d+)", master)]
    assert min(bandwidths) <= 64_000  # the audio-only variant
    assert sorted(bandwidths)[1] <= 300_000  # the low rung
    assert 'CODECS="mp4a.40.2"' in master
    assert 'TYPE=AUDIO,GROUP-ID="aud",LANGUAGE="en"' in master
    variant = _get(live_server, f"/live-hls/{session.pk}/v360/index.m3u8")
    assert "#EXT-X-TARGETDURATION:2" in variant

    # A crashed transcoder restarts by itself; meanwhile the room says "reconnecting".
    transcoder = supervisor.transcoder_of(session.pk)
    starts = transcoder.starts
    transcoder.process.kill()
    wait_for(
        lambda: transcoder.starts > starts and _stage(session).state == Stage.State.ON_AIR,
        seconds=90,
        what="the transcoder back on air after a crash",
    )
    assert _states(session)[-2:] == ["reconnecting", "on_air"]

    # An interpreter's audio-only stream becomes a second language of the same playlist.
    interpreter = push(rtmp.url(french), video=False, tone=660)
    rtmp.encoders.append(interpreter)
    wait_for(
        lambda: 'LANGUAGE="fr"' in _safe_master(live_server, session),
        seconds=90,
        what="the French rendition",
    )
    assert "a-fr/index.m3u8" in _master(live_server, session)
    assert _stage(session).state == Stage.State.ON_AIR

    # Stopping the encoder: reconnecting, then ended after the grace period.
    interpreter.terminate()
    interpreter.wait(timeout=30)
    wait_for(
        lambda: not StageFeed.objects.filter(language="fr", publishing_since__isnull=False),
        seconds=30,
        what="the interpreter gone",
    )
    encoder.terminate()
    encoder.wait(timeout=30)
    wait_for(lambda: _stage(session).state == Stage.State.ENDED, seconds=60, what="ended")
    assert _states(session)[-3:] == ["on_air", "reconnecting", "ended"]

    # The recording is a new version of the session's presentation, awaiting approval.
    asset = wait_for(
        lambda: (
            MediaAsset.objects.filter(presentation__session=session)
            .exclude(status=MediaAsset.Status.UPLOADING)  # made, not yet checked
            .first()
        ),
        seconds=60,
        what="the recording's presentation version",
    )
    assert asset.kind == MediaAsset.Kind.VIDEO
    assert asset.review == MediaAsset.Review.PENDING
    assert asset.status == MediaAsset.Status.QUEUED
    assert asset.presentation.agency in session.agencies.all()
    # The interpreter's sound is in it as another audio language (docs/media.md).
    assert asset.probe["audio_language"] == "en"
    assert asset.probe["audio_languages"] == [{"stream": 1, "language": "fr"}]
    assert not list(rtmp.records.glob(f"s{session.pk}-*.flv"))

    # No key in anything an attendee receives: room events, the room page, the playlists.
    frames = json.dumps([e.payload_public for e in RoomEvent.objects.filter(session=session)])
    attendee_page = _get(
        live_server, f"/seminars/{session.seminar.slug}/sessions/{session.pk}/live/"
    )
    for secret in (key, french):
        assert secret not in frames
        assert secret not in attendee_page
        assert secret not in master


def _states(session) -> list[str]:
    events = RoomEvent.objects.filter(session=session, kind="stage").order_by("seq")
    return [event.payload_public["state"] for event in events]


def _safe_master(live_server, session) -> str:
    try:
        return _master(live_server, session)
    except OSError:
        return ""
