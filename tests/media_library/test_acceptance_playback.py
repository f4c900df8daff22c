"""End to end: ffmpeg-made video → S3 multipart upload (moto server) → processing →
approval → playback in Debian's chromium (Playwright): a late joiner lands on the live
point, low-bandwidth audio-only mode plays, caption tracks are listed."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from media_library.models import MediaAsset
from media_library.services import processing, review
from seminars.models import Session
from tests.media_library import helpers
from tests.media_library.conftest import VTT, browser_page, make_pdf

LATE_BY_SECONDS = 5


def _upload_all(client, session, premiere_mp4, tmp_path) -> MediaAsset:
    vtt = tmp_path / "fr.vtt"
    vtt.write_text(VTT)
    pdf = make_pdf(tmp_path / "deck.pdf")
    answers = [
        helpers.upload(client, session=session, path=premiere_mp4),
        helpers.upload(client, session=session, path=vtt, kind="captions", language="fr"),
        helpers.upload(client, session=session, path=pdf, kind="slides"),
    ]
    assert [a.status_code for a in answers] == [200, 200, 200], [a.content for a in answers]
    return MediaAsset.objects.get(kind="video")


def _player_state(page) -> dict:
    return page.evaluate(
        """() => {
        const root = document.querySelector('[data-media-player]');
        const video = root.querySelector('video');
        return {
            phase: root.dataset.phase,
            mode: root.dataset.mode,
            currentTime: video.currentTime,
            paused: video.paused,
            videoWidth: video.videoWidth,
            expected: (Date.now() + root.player.offsetMs - Number(root.dataset.startsAt)) / 1000,
            tracks: Array.from(video.textTracks).map(t => t.language + ':' + t.kind),
            status: root.querySelector('[data-status]').textContent,
        };
    }"""
    )


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_uploaded_processed_approved_video_plays_for_a_late_joiner_and_in_audio_mode(
    client,
    live_server,
    chromium_path,
    presenter,
    organizer,
    seminar,
    session_with_agency,
    s3_storage,
    s3_client,
    premiere_mp4,
    tmp_path,
):
    client.force_login(presenter)
    video = _upload_all(client, session_with_agency, premiere_mp4, tmp_path)
    assert MediaAsset.objects.get(pk=video.pk).status == "queued"
    processing.asset_process(asset_id=video.pk)  # ffmpeg reads the original from moto
    video.refresh_from_db()
    assert video.status == "ready", video.failure_reason
    keys = [o["Key"] for o in s3_client.list_objects_v2(Bucket=s3_storage)["Contents"]]
    # A 320 × 180 source gets one rendition at its own size (renditions are never enlarged).
    assert any(k.endswith("/out/240/index.m3u8") for k in keys)
    assert not any("/out/360/" in k for k in keys)
    assert not any("/out/720/" in k for k in keys)
    for asset in MediaAsset.objects.all():
        review.asset_approve(asset=asset, user=organizer)

    # The premiere started a few seconds ago: the viewer joins late.
    starts_at = timezone.now() - timedelta(seconds=LATE_BY_SECONDS)
    Session.objects.filter(pk=session_with_agency.pk).update(
        starts_at=starts_at, ends_at=starts_at + timedelta(hours=1)
    )
    url = live_server.url + reverse(
        "media_library_seminar:session_watch",
        kwargs={"slug": seminar.slug, "session_id": session_with_agency.pk},
    )
    with browser_page() as page:
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        scripts: list[str] = []
        page.on("request", lambda r: scripts.append(r.url))
        page.goto(url)
        page.wait_for_function("() => document.querySelector('[data-media-player]')?.player")
        assert _player_state(page)["phase"] == "premiere"
        # hls.js (about 190 KB) is fetched when playback starts, not with the page.
        assert not any("hls.min.js" in u for u in scripts)
        page.get_by_role("button", name="Join the presentation").click()
        page.wait_for_function(
            "() => { const v = document.querySelector('[data-media-player] video');"
            " return !v.paused && v.currentTime > 1; }",
            timeout=30_000,
        )
        # In sync: the player corrects drift only while it can play (player.js correctDrift).
        # Sampling at fixed times failed on a busy machine: a sample taken while the video
        # stalled for its next segment (readyState < 3) saw the clock run on without it. So
        # the test waits for a moment when the video plays, and asserts on that moment.
        synced = page.wait_for_function(
            """() => {
            const root = document.querySelector('[data-media-player]');
            const video = root.querySelector('video');
            const expected = (Date.now() + root.player.offsetMs
                - Number(root.dataset.startsAt)) / 1000;
            const playing = !video.paused && !video.seeking && video.readyState >= 3;
            return playing && Math.abs(expected - video.currentTime) < 1
                && {expected, currentTime: video.currentTime};
        }""",
            timeout=60_000,
        ).json_value()
        print("in sync at (s):", synced)
        assert abs(synced["expected"] - synced["currentTime"]) < 1
        state = _player_state(page)
        print("late joiner:", state)
        assert state["videoWidth"] > 0
        # Joined late: it plays from the premiere's position, not from the start.
        assert synced["currentTime"] > LATE_BY_SECONDS
        assert "fr:captions" in state["tracks"]
        # hls.js came with playback only where the browser cannot play HLS itself (recent
        # Chromium builds can), the rule of player.js nativeHls().
        native = page.evaluate(
            "(() => { const a = document.createElement('video')"
            ".canPlayType('application/vnd.apple.mpegurl');"
            " return a === 'probably' || (a === 'maybe' && !('MediaSource' in window)); })()"
        )
        assert any("hls.min.js" in u for u in scripts) is not native, scripts

        page.get_by_label("Low bandwidth: audio and slides only").check()
        page.wait_for_function(
            "() => { const r = document.querySelector('[data-media-player]');"
            " const v = r.querySelector('video');"
            " return r.dataset.mode === 'audio' && r.player.source === r.dataset.audio"
            "   && !v.paused && v.readyState >= 2; }",
            timeout=30_000,
        )
        before = _player_state(page)
        page.wait_for_timeout(1500)
        after = _player_state(page)
        print("audio only:", before, after)
        assert after["currentTime"] > before["currentTime"]  # it plays
        assert after["videoWidth"] == 0  # and carries no picture
        assert abs(after["currentTime"] - after["expected"]) < 2
        assert page.get_by_role("link", name="Download the slides").count() == 1
        assert errors == []
