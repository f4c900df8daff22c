"""A throttled browser plays audio only without being told to (issue 18): a real transcoded
video on moto S3, played by hls.js in Debian's chromium under CDP network throttling.

Asserted on the URLs requested (the page's resource timeline, split at the mark the player
leaves when it switches), never on how long anything took."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from media_library.models import MediaAsset
from media_library.services import processing, review
from seminars.models import Session
from tests.media_library import helpers
from tests.media_library.conftest import browser_page, make_video

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

# Well below the lowest video rung (240p: 248 kbit/s declared), above the audio-only one (64).
WEAK_LINK_BITS = 150_000
VIDEO_SEGMENT = r"/out/240/[^?]*\.ts"
AUDIO_SEGMENT = r"/out/audio/[^?]*\.ts"
WEAK_STATUS = "Slow connection: sound only. The picture comes back when the connection improves."


@pytest.fixture
def replay_url(
    client, live_server, presenter, organizer, seminar, session_with_agency, s3_storage, tmp_path
):
    """A 60 s recording, processed by ffmpeg into the ladder, approved, in its replay."""
    source = make_video(tmp_path / "minute.mp4", seconds=60)
    client.force_login(presenter)
    assert helpers.upload(client, session=session_with_agency, path=source).status_code == 200
    video = MediaAsset.objects.get(kind="video")
    processing.asset_process(asset_id=video.pk)
    video.refresh_from_db()
    assert video.status == "ready", video.failure_reason
    review.asset_approve(asset=video, user=organizer)
    starts_at = timezone.now() - timedelta(hours=2)
    Session.objects.filter(pk=session_with_agency.pk).update(
        starts_at=starts_at, ends_at=starts_at + timedelta(hours=1)
    )
    return live_server.url + reverse(
        "media_library_seminar:session_watch",
        kwargs={"slug": seminar.slug, "session_id": session_with_agency.pk},
    )


def _throttle(page, bits_per_second: int):
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": 40,
            "downloadThroughput": bits_per_second / 8 if bits_per_second > 0 else -1,
            "uploadThroughput": bits_per_second / 8 if bits_per_second > 0 else -1,
        },
    )
    return cdp


def _segments(page, pattern: str, after_mark: str = "") -> list[str]:
    """Segments matching ``pattern`` whose request started after the player's last ``after_mark``
    (all of them without a mark)."""
    return page.evaluate(
        """([pattern, mark]) => {
        const marks = mark ? performance.getEntriesByName(mark, 'mark') : [];
        const since = marks.length ? marks[marks.length - 1].startTime : -1;
        return performance.getEntriesByType('resource')
            .filter(e => e.startTime > since && new RegExp(pattern).test(e.name))
            .map(e => e.name.split('?')[0]);
    }""",
        [pattern, after_mark],
    )


def _open(page, url: str) -> None:
    # The default buffer of 250 entries would drop the later requests this test reads.
    page.add_init_script("performance.setResourceTimingBufferSize(5000)")
    page.goto(url, timeout=120_000)
    page.wait_for_function("() => document.querySelector('[data-media-player]')?.player")
    page.get_by_role("button", name="Play the recording").click()


def test_a_throttled_browser_falls_to_audio_only_by_itself_and_comes_back(replay_url):
    with browser_page() as page:
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        cdp = _throttle(page, WEAK_LINK_BITS)
        _open(page, replay_url)
        page.wait_for_function(
            "() => document.querySelector('[data-media-player]').dataset.autoAudio === '1'",
            timeout=120_000,
        )
        # Sound arrives and plays, from the audio-only rendition.
        page.wait_for_function(
            f"""() => performance.getEntriesByType('resource')
                .filter(e => new RegExp({AUDIO_SEGMENT!r}).test(e.name)).length >= 3""",
            timeout=120_000,
        )
        tried_video = _segments(page, VIDEO_SEGMENT)
        audio_after = _segments(page, AUDIO_SEGMENT, "openips:audio-only")
        video_after = _segments(page, VIDEO_SEGMENT, "openips:audio-only")
        fell = page.evaluate(
            """() => { const r = document.querySelector('[data-media-player]');
            return {mode: r.dataset.mode, source: r.player.source === r.dataset.audio,
                    chosen: r.querySelector('[data-low-bandwidth]').checked}; }"""
        )
        status = page.get_by_role("status").filter(has_text="Slow connection")
        status_text = status.inner_text() if status.is_visible() else ""

        # The link recovers: the player measures it while on sound and brings the picture back.
        cdp.send(
            "Network.emulateNetworkConditions",
            {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
        )
        page.wait_for_function(
            "() => document.querySelector('[data-media-player]').dataset.autoAudio === ''",
            timeout=120_000,
        )
        page.wait_for_function(
            f"""() => {{
            const marks = performance.getEntriesByName('openips:video', 'mark');
            const since = marks[marks.length - 1].startTime;
            return performance.getEntriesByType('resource').some(e => e.startTime > since
                && new RegExp({VIDEO_SEGMENT!r}).test(e.name));
            }}""",
            timeout=60_000,
        )
        back = page.evaluate("() => document.querySelector('[data-media-player]').dataset.mode")
        status_after = page.locator("[data-weak-link]").inner_text()
    assert tried_video, "the player started on the video ladder"
    assert audio_after, "audio-only segments after the switch"
    assert video_after == [], video_after
    assert fell == {"mode": "audio", "source": True, "chosen": False}
    assert status_text == WEAK_STATUS
    assert back == "video" and status_after == ""
    assert errors == []


def test_an_unthrottled_browser_plays_video(replay_url):
    with browser_page() as page:
        _open(page, replay_url)
        page.wait_for_function(
            f"""() => {{ const v = document.querySelector('[data-media-player] video');
            return v.videoWidth > 0 && !v.paused && performance.getEntriesByType('resource')
                .filter(e => new RegExp({VIDEO_SEGMENT!r}).test(e.name)).length >= 3; }}""",
            timeout=60_000,
        )
        state = page.evaluate(
            """() => { const r = document.querySelector('[data-media-player]');
            return {mode: r.dataset.mode, weak: r.dataset.autoAudio || '',
                    marks: performance.getEntriesByType('mark').map(m => m.name)}; }"""
        )
        audio = _segments(page, AUDIO_SEGMENT)
    assert state == {"mode": "video", "weak": "", "marks": []}
    assert audio == []
