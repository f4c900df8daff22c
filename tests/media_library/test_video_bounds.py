"""Videos are bounded by what they decode to, not by their bytes: checked with ffprobe before
any frame is decoded, and no rendition is ever larger than its source. Real ffmpeg clips."""

import shutil
import subprocess

import pytest
from django.urls import reverse

from media_library.models import MediaAsset
from media_library.services import bounds, processing
from media_library.services.ffmpeg import hls_command, run_with_progress
from media_library.services.validation import MediaRejectedError, probe
from tests.media_library import helpers
from tests.media_library.conftest import make_clip


def _facts(width, height, **extra) -> dict:
    return {"width": width, "height": height, "duration": 10.0, "frame_rate": 25.0, **extra}


# --- the limits, one by one ---------------------------------------------------------------


@pytest.mark.parametrize(
    "facts",
    [
        _facts(3840, 2160),
        _facts(2160, 3840),  # a portrait 4K phone recording
        _facts(1920, 1080, frame_rate=59.94),
        _facts(1280, 720, duration=4 * 3600.0),
        _facts(1280, 720, frame_rate=0.0),  # unknown rate: ffmpeg's -fpsmax still caps it
        _facts(1440, 1080, sample_aspect_ratio="4:3"),  # HDV: shown 1920 × 1080
        _facts(3200, 800),  # 4:1 exactly
    ],
)
def test_videos_within_every_limit_pass(facts):
    bounds.check_video_bounds(facts)


@pytest.mark.parametrize(
    ("facts", "message"),
    [
        (_facts(11520, 720), "11520 × 720 pixels; the largest accepted is 3840 × 2160"),
        (_facts(3841, 2160), "3841 × 2160 pixels"),
        (_facts(2200, 2200), "2200 × 2200 pixels"),
        (_facts(720, 720, sample_aspect_ratio="16:1"), "shown 11520 × 720: 16.0 times"),
        (_facts(3000, 700), "4.3 times as wide"),
        (_facts(200, 1000, rotation=90), "shown 1000 × 200: 5.0 times"),
        (_facts(1280, 720, duration=4 * 3600.0 + 1), "lasts 4:00:01; the longest accepted is"),
        (_facts(1280, 720, frame_rate=120.0), "120.00 frames per second; the most accepted is 60"),
        (_facts(0, 0), "picture size could not be read"),
    ],
)
def test_videos_past_a_limit_are_refused_saying_which(facts, message):
    with pytest.raises(bounds.VideoOutOfBoundsError, match=message):
        bounds.check_video_bounds(facts)


def test_limits_come_from_settings(settings):
    settings.MEDIA_MAX_WIDTH, settings.MEDIA_MAX_HEIGHT = 1920, 1080
    settings.MEDIA_MAX_DURATION_SECONDS, settings.MEDIA_MAX_FPS = 60, 30
    with pytest.raises(bounds.VideoOutOfBoundsError, match="largest accepted is 1920 × 1080"):
        bounds.check_video_bounds(_facts(2560, 1440))
    with pytest.raises(bounds.VideoOutOfBoundsError, match="longest accepted is 0:01:00"):
        bounds.check_video_bounds(_facts(640, 360, duration=61.0))
    with pytest.raises(bounds.VideoOutOfBoundsError, match="most accepted is 30"):
        bounds.check_video_bounds(_facts(640, 360, frame_rate=50.0))
    bounds.check_video_bounds(_facts(1920, 1080, duration=60.0, frame_rate=29.97))


# --- renditions are never enlarged ----------------------------------------------------------


@pytest.mark.parametrize(
    ("facts", "sizes"),
    [
        (_facts(1920, 1080), [(426, 240), (640, 360), (1280, 720)]),
        (_facts(1280, 720), [(426, 240), (640, 360), (1280, 720)]),
        (_facts(854, 480), [(426, 240), (640, 360), (854, 480)]),
        (_facts(640, 360), [(426, 240), (640, 360)]),
        (_facts(320, 180), [(320, 180)]),
        (_facts(16, 16), [(16, 16)]),
        (_facts(1080, 1920), [(136, 240), (202, 360), (404, 720)]),
        (_facts(1920, 1080, rotation=270), [(136, 240), (202, 360), (404, 720)]),
        (_facts(1440, 1080, sample_aspect_ratio="4:3"), [(426, 240), (640, 360), (1280, 720)]),
        # The clip that once made an 11,520 × 720 rendition now fits the boxes.
        (_facts(720, 720, sample_aspect_ratio="16:1"), [(426, 26), (640, 40), (1280, 80)]),
        (_facts(11520, 720), [(426, 26), (640, 40), (1280, 80)]),
    ],
)
def test_renditions_fit_their_box_and_never_exceed_the_source(facts, sizes):
    plan = processing.renditions_plan(facts)
    assert [(item.width, item.height) for item in plan] == sizes
    shown_width, shown_height = bounds.display_size(facts)
    for item in plan:
        assert item.width <= max(shown_width, 2) and item.height <= max(shown_height, 2)
        assert item.width <= item.rung.width and item.height <= item.rung.height
        assert item.width % 2 == 0 and item.height % 2 == 0


# --- real clips through the upload flow -------------------------------------------------------


def test_the_11520_by_720_clip_is_refused_before_processing(
    presenter_client, session_with_agency, local_storage, tmp_path
):
    clip = make_clip(
        tmp_path / "wide.mp4", "testsrc=size=11520x720:rate=1:duration=1", "-b:v", "10k"
    )
    assert clip.stat().st_size < 100_000
    answer = helpers.upload(presenter_client, session=session_with_agency, path=clip)
    assert answer.status_code == 422
    assert answer.json()["rejected"] is True
    assert "11520 × 720 pixels; the largest accepted is 3840 × 2160" in answer.json()["error"]
    assert helpers.nothing_left(local_storage)


def test_pixels_declared_sixteen_times_wider_are_refused(
    presenter_client, session_with_agency, local_storage, tmp_path
):
    clip = make_clip(
        tmp_path / "sar.mp4", "testsrc=size=720x720:rate=1:duration=1", "-vf", "setsar=16/1"
    )
    assert probe(str(clip))["sample_aspect_ratio"] == "16:1"
    answer = helpers.upload(presenter_client, session=session_with_agency, path=clip)
    assert answer.status_code == 422
    assert "shown 11520 × 720: 16.0 times as wide" in answer.json()["error"]
    assert helpers.nothing_left(local_storage)


def test_a_five_hour_clip_of_a_few_kilobytes_is_refused(
    presenter_client, session_with_agency, local_storage, tmp_path
):
    clip = make_clip(tmp_path / "long.mp4", "color=size=16x16:rate=1/60:duration=18000")
    assert clip.stat().st_size < 100_000
    answer = helpers.upload(presenter_client, session=session_with_agency, path=clip)
    assert answer.status_code == 422
    assert "lasts 5:00:00; the longest accepted is 4:00:00" in answer.json()["error"]
    assert helpers.nothing_left(local_storage)


def test_a_one_hour_clip_is_accepted_unless_the_limit_is_lower(
    presenter_client, session_with_agency, local_storage, tmp_path, settings
):
    clip = make_clip(tmp_path / "hour.mp4", "color=size=16x16:rate=1:duration=3600")
    accepted = helpers.upload(presenter_client, session=session_with_agency, path=clip)
    assert accepted.status_code == 200, accepted.content
    assert MediaAsset.objects.get().status == "queued"
    settings.MEDIA_MAX_DURATION_SECONDS = 1800
    refused = helpers.upload(presenter_client, session=session_with_agency, path=clip)
    assert refused.status_code == 422
    assert "lasts 1:00:00; the longest accepted is 0:30:00" in refused.json()["error"]
    assert MediaAsset.objects.count() == 1  # the refused version left nothing


def test_a_clip_faster_than_the_frame_rate_limit_is_refused(
    presenter_client, session_with_agency, local_storage, tmp_path
):
    clip = make_clip(tmp_path / "fast.mp4", "testsrc=size=64x36:rate=120:duration=1")
    answer = helpers.upload(presenter_client, session=session_with_agency, path=clip)
    assert answer.status_code == 422
    assert "120.00 frames per second; the most accepted is 60" in answer.json()["error"]
    assert helpers.nothing_left(local_storage)


# --- processing -----------------------------------------------------------------------------


def test_a_small_video_gets_one_rendition_at_its_own_size(
    presenter_client, session_with_agency, local_storage, sample_mp4
):
    answer = helpers.upload(presenter_client, session=session_with_agency, path=sample_mp4)
    asset = MediaAsset.objects.get(pk=answer.json()["asset_id"])
    processing.asset_process(asset_id=asset.pk)
    asset.refresh_from_db()
    assert asset.status == "ready", asset.failure_reason
    renditions = {r.kind: r for r in asset.renditions.all()}
    # The lowest rung's box (426 x 240) already holds it: one video rung, then audio only.
    assert set(renditions) == {"hls_240", "audio", "master", "poster"}
    assert (renditions["hls_240"].width, renditions["hls_240"].height) == (320, 180)
    master = (local_storage / renditions["master"].storage_key).read_text()
    assert master.count("RESOLUTION=") == 1 and "RESOLUTION=320x180" in master
    assert master.count("#EXT-X-STREAM-INF") == 2 and master.rstrip().endswith("audio/index.m3u8")
    segment = next((local_storage / renditions["hls_240"].storage_key).parent.glob("*.ts"))
    assert (probe(str(segment))["width"], probe(str(segment))["height"]) == (320, 180)
    poster = probe(str(local_storage / renditions["poster"].storage_key))
    assert (poster["width"], poster["height"]) == (320, 180)


def test_a_rotated_phone_video_is_rendered_upright_at_its_own_size(
    presenter_client, session_with_agency, local_storage, tmp_path
):
    plain = make_clip(tmp_path / "plain.mp4", "testsrc=size=320x180:rate=25:duration=2")
    rotated = tmp_path / "rotated.mp4"
    subprocess.run(  # a phone stores the picture on its side and says "turn it 90°"
        [shutil.which("ffmpeg"), "-nostdin", "-v", "error", "-i", str(plain), "-c", "copy"]
        + ["-metadata:s:v:0", "rotate=90", str(rotated)],
        check=True,
    )
    assert probe(str(rotated))["rotation"] == 90
    answer = helpers.upload(presenter_client, session=session_with_agency, path=rotated)
    asset = MediaAsset.objects.get(pk=answer.json()["asset_id"])
    processing.asset_process(asset_id=asset.pk)
    asset.refresh_from_db()
    assert asset.status == "ready", asset.failure_reason
    rendition = asset.renditions.get(kind="hls_360")
    segment = next((local_storage / rendition.storage_key).parent.glob("*.ts"))
    assert (rendition.width, rendition.height) == (180, 320)
    assert (probe(str(segment))["width"], probe(str(segment))["height"]) == (180, 320)


def test_a_version_past_lowered_limits_fails_before_ffmpeg_and_writes_nothing(
    presenter_client, session_with_agency, local_storage, sample_mp4, settings
):
    answer = helpers.upload(presenter_client, session=session_with_agency, path=sample_mp4)
    asset = MediaAsset.objects.get(pk=answer.json()["asset_id"])
    settings.MEDIA_MAX_WIDTH, settings.MEDIA_MAX_HEIGHT = 256, 144
    processing.asset_process(asset_id=asset.pk)
    asset.refresh_from_db()
    assert asset.status == "failed"
    assert "320 × 180 pixels; the largest accepted is 256 × 144" in asset.failure_reason
    assert not asset.renditions.exists()
    assert not (local_storage / processing.asset_output_prefix(asset)).exists()
    status = presenter_client.get(reverse("media_library:asset_status", kwargs={"pk": asset.pk}))
    assert status.json()["failure_reason"] == asset.failure_reason


def test_ffmpeg_itself_refuses_frames_past_the_pixel_limit(settings, hd_mp4, tmp_path):
    """If ffprobe was told a smaller size than the frames have, the decoder still stops."""
    settings.MEDIA_MAX_WIDTH, settings.MEDIA_MAX_HEIGHT = 640, 360
    plan = processing.renditions_plan(_facts(640, 360))
    command = hls_command(str(hd_mp4), tmp_path, plan, has_audio=False)
    with pytest.raises(processing.ProcessingError, match="exceeds specified max pixel count"):
        run_with_progress(command, 12.0, None)


def test_ffmpeg_stops_at_the_duration_limit_and_caps_the_frame_rate(settings, sample_mp4, tmp_path):
    """A header that understates duration or rate still cannot make a longer, faster output."""
    settings.MEDIA_MAX_DURATION_SECONDS, settings.MEDIA_MAX_FPS = 4, 10
    plan = processing.renditions_plan(_facts(320, 180))
    run_with_progress(hls_command(str(sample_mp4), tmp_path, plan, has_audio=True), 12.0, None)
    playlist = (tmp_path / "240" / "index.m3u8").read_text()
    seconds = sum(
        float(line.split(":")[1].rstrip(","))
        for line in playlist.splitlines()
        if line.startswith("#EXTINF")
    )
    assert 3.5 <= seconds <= 4.5  # the source lasts 12 s
    first = probe(str(tmp_path / "240" / "seg_00000.ts"))
    assert 0 < first["frame_rate"] <= 10  # the source has 25 frames per second


def test_the_reason_is_given_in_the_uploader_s_language():
    from django.utils import translation

    with translation.override("fr"), pytest.raises(bounds.VideoOutOfBoundsError) as refused:
        bounds.check_video_bounds(_facts(11520, 720))
    assert str(refused.value).startswith("La vidéo fait 11520 × 720 pixels")
    with translation.override("es"), pytest.raises(bounds.VideoOutOfBoundsError) as refused:
        bounds.check_video_bounds(_facts(1280, 720, frame_rate=120.0))
    assert "120.00 fotogramas por segundo" in str(refused.value)


def test_ffprobe_itself_is_bounded_and_its_refusal_names_the_size(
    presenter_client, session_with_agency, local_storage, hd_mp4, settings
):
    """Contract with libavutil's "Picture size WxH exceeds specified max pixel count": if that
    wording changes, this fails and validation._PAST_MAX_PIXELS needs the new one."""
    settings.MEDIA_MAX_WIDTH, settings.MEDIA_MAX_HEIGHT = 640, 360
    with pytest.raises(MediaRejectedError) as refused:
        probe(str(hd_mp4))
    assert str(refused.value) == (
        "The video is 1280 × 720 pixels; the largest accepted is 640 × 360 (in either "
        "orientation). Export it smaller."
    )
    answer = helpers.upload(presenter_client, session=session_with_agency, path=hd_mp4)
    assert answer.status_code == 422
    assert answer.json()["error"] == str(refused.value)
    assert helpers.nothing_left(local_storage)
