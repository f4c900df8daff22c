"""Processing with real ffmpeg: renditions, progress, failure with a reason, retry, and a
worker killed mid-job (SIGKILL) leaving the asset retryable."""

import contextlib
import io
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from media_library.models import MediaAsset, Rendition
from media_library.services import processing
from tests.media_library import helpers

ROOT = Path(__file__).resolve().parents[2]


def _queued_asset(client, session, path) -> MediaAsset:
    answer = helpers.upload(client, session=session, path=path)
    assert answer.status_code == 200, answer.content
    return MediaAsset.objects.get(pk=answer.json()["asset_id"])


def test_processing_writes_poster_hls_renditions_and_audio(
    presenter_client, session_with_agency, local_storage, hd_mp4
):
    asset = _queued_asset(presenter_client, session_with_agency, hd_mp4)
    processing.asset_process(asset_id=asset.pk)
    asset.refresh_from_db()
    assert (asset.status, asset.progress, asset.attempts) == ("ready", 100, 1)
    renditions = {r.kind: r for r in asset.renditions.all()}
    assert set(renditions) == set(Rendition.Kind.values)
    assert (renditions["hls_720"].width, renditions["hls_720"].height) == (1280, 720)
    assert (renditions["hls_360"].width, renditions["hls_360"].height) == (640, 360)
    assert (renditions["hls_240"].width, renditions["hls_240"].height) == (426, 240)
    master = (local_storage / renditions["master"].storage_key).read_text()
    assert "RESOLUTION=640x360" in master and "360/index.m3u8" in master
    assert "720/index.m3u8" in master
    # A rung for a 400 kbit/s link (at most 300 kbit/s, 240p), and audio only as the last rung.
    rungs = re.findall(r"#EXT-X-STREAM-INF:BANDWIDTH=(\d+),?(.*)\n(.+)", master)
    assert [uri for _, _, uri in rungs] == [
        "240/index.m3u8",
        "360/index.m3u8",
        "720/index.m3u8",
        "audio/index.m3u8",
    ]
    assert int(rungs[0][0]) <= 300_000 and "RESOLUTION=426x240" in rungs[0][1]
    assert int(rungs[-1][0]) < int(rungs[0][0]) and "RESOLUTION" not in rungs[-1][1]
    assert 'CODECS="mp4a.40.2"' in rungs[-1][1]
    for kind in ("hls_240", "hls_360", "hls_720", "audio"):
        playlist = local_storage / renditions[kind].storage_key
        segments = [line for line in playlist.read_text().splitlines() if line.endswith(".ts")]
        assert len(segments) >= 3  # 12 s in 4 s segments
        assert all((playlist.parent / name).stat().st_size > 0 for name in segments)
    assert (local_storage / renditions["poster"].storage_key).read_bytes()[:2] == b"\xff\xd8"
    probe = processing_probe(local_storage / renditions["audio"].storage_key)
    assert probe["video_codec"] == "" and probe["audio_codec"] == "aac"


def processing_probe(path: Path) -> dict:
    from media_library.services.validation import probe

    return probe(str(path))


def test_failed_processing_keeps_the_reason_and_can_be_retried(
    presenter_client, session_with_agency, local_storage, sample_mp4, settings
):
    asset = _queued_asset(presenter_client, session_with_agency, sample_mp4)
    settings.FFMPEG_BINARY = "/nonexistent/ffmpeg"
    processing.asset_process(asset_id=asset.pk)
    asset.refresh_from_db()
    assert asset.status == "failed"
    assert "ffmpeg is not installed" in asset.failure_reason
    status = presenter_client.get(reverse("media_library:asset_status", kwargs={"pk": asset.pk}))
    assert status.json()["retryable"] is True
    assert "ffmpeg is not installed" in status.json()["failure_reason"]

    settings.FFMPEG_BINARY = "ffmpeg"
    answer = presenter_client.post(
        reverse("media_library:asset_retry", kwargs={"pk": asset.pk}),
        HTTP_ACCEPT="application/json",
    )
    assert answer.json() == {"asset_id": asset.pk, "status": "queued"}
    processing.asset_process(asset_id=asset.pk)
    asset.refresh_from_db()
    assert (asset.status, asset.attempts, asset.failure_reason) == ("ready", 2, "")


def test_a_ready_asset_cannot_be_retried_or_claimed_twice(
    presenter_client, session_with_agency, local_storage, sample_mp4, presenter
):
    asset = _queued_asset(presenter_client, session_with_agency, sample_mp4)
    processing.asset_process(asset_id=asset.pk)
    assert processing.asset_process(asset_id=asset.pk) is None
    with pytest.raises(ValidationError):
        processing.asset_retry(asset=asset, user=presenter)


def _wait_for(predicate, seconds: float):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_worker_killed_mid_job_leaves_the_asset_retryable_and_retry_completes(
    client, presenter, session_with_agency, local_storage, long_mp4
):
    client.force_login(presenter)
    asset = _queued_asset(client, session_with_agency, long_mp4)
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "STORAGE_BACKEND": "local",
        "PRIVATE_MEDIA_ROOT": str(local_storage),
        "MEDIA_LEASE_SECONDS": "3",
    }
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "media_process", str(asset.pk)],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:

        def started() -> bool:
            asset.refresh_from_db()
            return asset.status == "processing" and asset.progress > 0

        assert _wait_for(started, 120), worker.stderr.read() if worker.poll() else "no progress"
    finally:
        # The worker and its ffmpeg, mid-job. A worker that already ended (and was reaped by
        # poll()) has no group left to signal; its stderr pipe is closed all the same, or it
        # is collected later inside another test as a ResourceWarning.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
        worker.stderr.close()
    asset.refresh_from_db()
    assert asset.status == "processing" and 0 < asset.progress < 100
    # While its lease runs, the job might still be alive elsewhere: no retry yet.
    with pytest.raises(ValidationError):
        processing.asset_retry(asset=asset, user=presenter)
    assert _wait_for(lambda: processing.asset_is_abandoned(MediaAsset.objects.get(pk=asset.pk)), 10)

    report = io.StringIO()
    call_command("media_recover", stdout=report)
    assert report.getvalue().startswith("1 abandoned job(s)")
    status = client.get(reverse("media_library:asset_status", kwargs={"pk": asset.pk})).json()
    assert status["status"] == "failed" and status["retryable"] is True
    assert "stopped before it finished" in status["failure_reason"]

    client.post(reverse("media_library:asset_retry", kwargs={"pk": asset.pk}))
    processing.asset_process(asset_id=asset.pk)
    asset.refresh_from_db()
    assert (asset.status, asset.progress, asset.attempts) == ("ready", 100, 2)
    # 320 × 180: one video rendition (never enlarged, on the lowest rung), audio, master, poster.
    assert set(asset.renditions.values_list("kind", flat=True)) == {
        "hls_240",
        "audio",
        "master",
        "poster",
    }


def test_a_second_audio_language_becomes_an_audio_rendition_of_the_master(
    presenter_client, session_with_agency, local_storage, media_dir, client
):
    """A file with the hall's sound and an interpretation (a live recording with an
    interpreter, docs/live-stage.md): the French sound is its own audio playlist, named in
    the master as an EXT-X-MEDIA rendition, and the signed master points to it."""
    from media_library import selectors

    source = media_dir / "two-languages.mp4"
    subprocess.run(
        ["ffmpeg", "-nostdin", "-y", "-v", "error",
         "-f", "lavfi", "-i", "testsrc=size=320x180:rate=25:duration=8",
         "-f", "lavfi", "-i", "sine=frequency=440:duration=8",
         "-f", "lavfi", "-i", "sine=frequency=660:duration=8",
         "-map", "0:v", "-map", "1:a", "-map", "2:a",
         "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac",
         "-metadata:s:a:0", "language=eng", "-metadata:s:a:1", "language=fra", str(source)],
        check=True,
    )  # fmt: skip
    asset = _queued_asset(presenter_client, session_with_agency, source)
    assert asset.probe["audio_language"] == "en"
    assert asset.probe["audio_languages"] == [{"stream": 1, "language": "fr"}]
    processing.asset_process(asset_id=asset.pk)
    asset.refresh_from_db()
    assert asset.status == "ready"
    master_key = asset.renditions.get(kind="master").storage_key
    master = (local_storage / master_key).read_text()
    assert '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",LANGUAGE="en"' in master
    assert 'LANGUAGE="fr",NAME="français",DEFAULT=NO,AUTOSELECT=YES,URI="audio-fr/index.m3u8"' in (
        master
    )
    assert master.count('AUDIO="aud"') == master.count("#EXT-X-STREAM-INF")
    french = (local_storage / master_key).parent / "audio-fr" / "index.m3u8"
    segments = [line for line in french.read_text().splitlines() if line.endswith(".ts")]
    assert segments
    assert processing_probe(french.parent / segments[0])["audio_codec"] == "aac"

    signed = client.get(selectors.playlist_url(asset.pk, "master.m3u8", expires_in=600))
    assert signed.status_code == 200
    uri = re.search(r'LANGUAGE="fr".*URI="([^"]+)"', signed.content.decode())[1]
    assert "audio-fr/index.m3u8" not in uri  # signed, not the bare path
    playlist = client.get(uri)
    assert playlist.status_code == 200
    assert playlist.content.decode().count("#EXTINF") == len(segments)


def test_a_file_with_one_language_has_no_audio_renditions(
    presenter_client, session_with_agency, local_storage, sample_mp4
):
    asset = _queued_asset(presenter_client, session_with_agency, sample_mp4)
    assert "audio_languages" not in asset.probe
    processing.asset_process(asset_id=asset.pk)
    asset.refresh_from_db()
    master = (local_storage / asset.renditions.get(kind="master").storage_key).read_text()
    assert "#EXT-X-MEDIA" not in master and 'AUDIO="aud"' not in master
