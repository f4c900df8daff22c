"""Processing of an uploaded video: poster, HLS 240p, 360p and 720p, audio-only HLS, via ffmpeg.

A job holds a lease on its asset (``lease_expires_at``), renewed with every progress report.
A worker killed mid-job stops renewing it: once the lease has run out, the asset counts as
abandoned, ``asset_recover_abandoned`` marks it failed with a reason, and it can be retried.
"""

import logging
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from media_library import permissions, storage
from media_library.languages import language_name
from media_library.models import MediaAsset, Rendition
from media_library.services import bounds, validation
from media_library.services.review import presentation_refresh_status

logger = logging.getLogger(__name__)
HEARTBEAT_SECONDS = 2.0
ABANDONED_REASON = (
    "The processing job stopped before it finished (its worker was stopped or killed). Retry it."
)


@dataclass(frozen=True)
class Ladder:
    """One rung: the box its picture is fitted into (never enlarged), and its bitrates."""

    kind: str
    folder: str
    width: int
    height: int
    video_bitrate: int
    audio_bitrate: int


# The lowest rung fits a 400 kbit/s link with room to spare (248 kbit/s in all); below it,
# the audio-only rendition is the master playlist's last rung (_write_master).
LADDER = (
    Ladder(Rendition.Kind.HLS_240, "240", 426, 240, 200_000, 48_000),
    Ladder(Rendition.Kind.HLS_360, "360", 640, 360, 700_000, 96_000),
    Ladder(Rendition.Kind.HLS_720, "720", 1280, 720, 2_200_000, 128_000),
)
POSTER_BOX = (640, 360)


@dataclass(frozen=True)
class Planned:
    """A rung as this video gets it: the exact picture size ffmpeg writes."""

    rung: Ladder
    width: int
    height: int


def renditions_plan(facts: dict) -> list[Planned]:
    """The rungs this video gets: each fitted into its box without enlarging the source; a rung
    that would come out the same size as a smaller one is skipped (a 640 × 360 source gets one
    360p rendition, not a second copy labelled 720p). The smallest rung is always made."""
    plan: list[Planned] = []
    for rung in LADDER:
        width, height = bounds.fit(facts, rung.width, rung.height)
        if plan and (plan[-1].width, plan[-1].height) == (width, height):
            continue
        plan.append(Planned(rung, width, height))
    return plan


AUDIO_BITRATE = 64_000
SEGMENT_SECONDS = 4
CONTENT_TYPES = {
    ".m3u8": "application/vnd.apple.mpegurl",
    ".ts": "video/mp2t",
    ".jpg": "image/jpeg",
}


class ProcessingError(Exception):
    pass


class LeaseLostError(Exception):
    """Another worker took the job over (our lease ran out); stop without writing."""


def asset_output_prefix(asset: MediaAsset) -> str:
    return f"presentations/{asset.presentation_id}/{asset.pk}/out/"


def _lease_until():
    return timezone.now() + timedelta(seconds=settings.MEDIA_LEASE_SECONDS)


def asset_enqueue(*, asset: MediaAsset) -> None:
    """Queue the processing task once the current transaction commits."""
    from media_library.tasks import asset_process_task

    asset_id = asset.pk
    transaction.on_commit(lambda: asset_process_task.enqueue(asset_id))


def asset_recover_abandoned() -> int:
    """Mark jobs whose lease ran out as failed and retryable; return how many."""
    return MediaAsset.objects.filter(
        status=MediaAsset.Status.PROCESSING, lease_expires_at__lt=timezone.now()
    ).update(status=MediaAsset.Status.FAILED, failure_reason=ABANDONED_REASON)


def asset_is_abandoned(asset: MediaAsset) -> bool:
    return (
        asset.status == MediaAsset.Status.PROCESSING
        and asset.lease_expires_at is not None
        and asset.lease_expires_at < timezone.now()
    )


@transaction.atomic
def asset_retry(*, asset: MediaAsset, user) -> MediaAsset:
    """Queue a failed (or abandoned) video again. Side effects: queues the processing task."""
    if not permissions.can_manage_session_media(user, asset.presentation.session):
        raise PermissionDenied(_("You may not manage this presentation."))
    asset = MediaAsset.objects.select_for_update().get(pk=asset.pk)
    if asset.kind != MediaAsset.Kind.VIDEO:
        raise ValidationError(_("Only videos are processed."))
    if not (asset.status == MediaAsset.Status.FAILED or asset_is_abandoned(asset)):
        raise ValidationError(_("Only a failed or abandoned job can be retried."))
    asset.status = MediaAsset.Status.QUEUED
    asset.progress = 0
    asset.failure_reason = ""
    asset.lease_expires_at = None
    asset.save(update_fields=["status", "progress", "failure_reason", "lease_expires_at"])
    presentation_refresh_status(presentation=asset.presentation)
    asset_enqueue(asset=asset)
    return asset


@transaction.atomic
def _claim(asset_id: int) -> MediaAsset | None:
    """Take the job if it is queued (or abandoned); None if someone else has it or it's done."""
    asset = MediaAsset.objects.select_for_update().filter(pk=asset_id).first()
    if asset is None:
        return None
    if asset.status != MediaAsset.Status.QUEUED and not asset_is_abandoned(asset):
        return None
    asset.status = MediaAsset.Status.PROCESSING
    asset.progress = 0
    asset.attempts += 1
    asset.failure_reason = ""
    asset.lease_expires_at = _lease_until()
    asset.save(
        update_fields=["status", "progress", "attempts", "failure_reason", "lease_expires_at"]
    )
    return asset


def _heartbeat(asset: MediaAsset, progress: int) -> None:
    """Store progress and renew the lease; LeaseLostError if the job is no longer ours."""
    updated = MediaAsset.objects.filter(
        pk=asset.pk, status=MediaAsset.Status.PROCESSING, attempts=asset.attempts
    ).update(progress=progress, lease_expires_at=_lease_until())
    if not updated:
        raise LeaseLostError(asset.pk)


def asset_process(*, asset_id: int) -> MediaAsset | None:
    """Make the poster and renditions of a queued video and store them.

    Side effects: runs ffmpeg, writes under the asset's ``out/`` prefix in storage, creates
    Rendition rows; on error the asset is failed with the reason (retryable).
    """
    asset_recover_abandoned()
    asset = _claim(asset_id)
    if asset is None:
        return None
    try:
        with tempfile.TemporaryDirectory(prefix="openips-media-") as folder:
            outputs = _transcode(asset, Path(folder))
            _store(asset, Path(folder), outputs)
    except LeaseLostError:
        logger.warning("media asset %s: lease lost, another worker took over", asset.pk)
        return None
    except (ProcessingError, OSError, subprocess.SubprocessError) as error:
        _fail(asset, str(error))
        return asset
    return _finish(asset, outputs)


def _fail(asset: MediaAsset, reason: str) -> None:
    logger.warning("media asset %s failed: %s", asset.pk, reason)
    MediaAsset.objects.filter(pk=asset.pk, attempts=asset.attempts).update(
        status=MediaAsset.Status.FAILED, failure_reason=reason[:2000], lease_expires_at=None
    )


@transaction.atomic
def _finish(asset: MediaAsset, outputs: list[dict]) -> MediaAsset:
    asset.renditions.all().delete()
    Rendition.objects.bulk_create(
        Rendition(asset=asset, **{k: v for k, v in item.items() if k != "files"})
        for item in outputs
    )
    MediaAsset.objects.filter(pk=asset.pk).update(
        status=MediaAsset.Status.READY, progress=100, lease_expires_at=None
    )
    asset.refresh_from_db()
    presentation_refresh_status(presentation=asset.presentation)
    return asset


def _probe_within_bounds(asset: MediaAsset, locator: str) -> dict:
    """Probe the stored file again and check it against today's limits, before any decoding.

    Again, because the limits may have been lowered since the upload, and a version accepted
    before they existed must not reach ffmpeg unchecked. ProcessingError if out of bounds.
    """
    try:
        facts = validation.probe(locator)
        bounds.check_video_bounds(facts)
    except (validation.MediaRejectedError, bounds.VideoOutOfBoundsError) as error:
        raise ProcessingError(str(error)) from error
    MediaAsset.objects.filter(pk=asset.pk).update(probe=facts)
    asset.probe = facts
    return facts


def _transcode(asset: MediaAsset, folder: Path) -> list[dict]:
    """Run ffmpeg once for all HLS renditions, then once for the poster."""
    from media_library.services.ffmpeg import hls_command, poster_command, run_with_progress

    locator = storage.input_locator(asset.storage_key)
    facts = _probe_within_bounds(asset, locator)
    has_audio = bool(facts.get("audio_codec"))
    plan = renditions_plan(facts)
    other_audio = facts.get("audio_languages", []) if has_audio else []
    command = hls_command(locator, folder, plan, has_audio=has_audio, other_audio=other_audio)
    duration = asset.duration_seconds or 1.0
    run_with_progress(command, duration, lambda share: _heartbeat(asset, int(share * 90)))
    poster_at = min(1.0, duration / 2)
    poster_size = bounds.fit(facts, *POSTER_BOX)
    run_with_progress(
        poster_command(locator, folder / "poster.jpg", poster_at, poster_size), 1, None
    )
    outputs = [
        {
            "kind": item.rung.kind,
            "storage_key": f"{item.rung.folder}/index.m3u8",
            "bandwidth": item.rung.video_bitrate + (item.rung.audio_bitrate if has_audio else 0),
            "width": item.width,
            "height": item.height,
        }
        for item in plan
    ]
    if has_audio:
        outputs.append(
            {
                "kind": Rendition.Kind.AUDIO,
                "storage_key": "audio/index.m3u8",
                "bandwidth": AUDIO_BITRATE,
            }
        )
    _write_master(folder, outputs, languages=_audio_renditions(facts, other_audio))
    outputs.append({"kind": Rendition.Kind.MASTER, "storage_key": "master.m3u8"})
    outputs.append({"kind": Rendition.Kind.POSTER, "storage_key": "poster.jpg"})
    return outputs


# H.264 main profile level 3.0 and AAC-LC, what hls_command writes: declared so that a player
# can tell the audio-only rung from the video ones.
VIDEO_CODECS = "avc1.4d401e,mp4a.40.2"
AUDIO_CODECS = "mp4a.40.2"


AUDIO_GROUP = "aud"


def _audio_renditions(facts: dict, other_audio: list[dict]) -> list[tuple[str, str]]:
    """(language, playlist) of each audio language: the first muxed in the rungs (no
    playlist of its own), then the others. Empty for a file with one language."""
    if not other_audio:
        return []
    first = facts.get("audio_language") or ""
    return [(first, "")] + [
        (other["language"], f"audio-{other['language']}/index.m3u8") for other in other_audio
    ]


def _write_master(folder: Path, outputs: list[dict], languages=()) -> None:
    """Every rung, lowest last: the audio-only rendition is in the master playlist, so a player
    on a link too slow for the 240p rung falls to audio by itself and comes back later. A
    file with more than one audio language lists them as EXT-X-MEDIA audio renditions (the
    first is the one muxed in the rungs, so it has no URI of its own)."""
    lines = ["#EXTM3U", "#EXT-X-VERSION:4" if languages else "#EXT-X-VERSION:3"]
    for position, (language, uri) in enumerate(languages):
        # Each language named in itself: the file is the same whatever the viewer reads.
        name = language_name(language) if language else "Original"
        lines.append(
            f'#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="{AUDIO_GROUP}",'
            + (f'LANGUAGE="{language}",' if language else "")
            + f'NAME="{name}",DEFAULT={"YES" if position == 0 else "NO"},AUTOSELECT=YES'
            + (f',URI="{uri}"' if uri else "")
        )
    group = f',AUDIO="{AUDIO_GROUP}"' if languages else ""
    has_audio = any(item["kind"] == Rendition.Kind.AUDIO for item in outputs)
    for item in outputs:
        if item["kind"] == Rendition.Kind.AUDIO:
            continue
        codecs = VIDEO_CODECS if has_audio else VIDEO_CODECS.split(",")[0]
        lines.append(
            f"#EXT-X-STREAM-INF:BANDWIDTH={item['bandwidth']},"
            f'RESOLUTION={item["width"]}x{item["height"]},CODECS="{codecs}"{group}'
        )
        lines.append(item["storage_key"])
    for item in outputs:
        if item["kind"] == Rendition.Kind.AUDIO:
            lines.append(
                f'#EXT-X-STREAM-INF:BANDWIDTH={item["bandwidth"]},CODECS="{AUDIO_CODECS}"{group}'
            )
            lines.append(item["storage_key"])
    (folder / "master.m3u8").write_text("\n".join(lines) + "\n")


def _store(asset: MediaAsset, folder: Path, outputs: list[dict]) -> None:
    """Upload every output file; keys in ``outputs`` become full storage keys."""
    prefix = asset_output_prefix(asset)
    storage.delete_prefix(prefix)
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    for index, path in enumerate(files, start=1):
        relative = path.relative_to(folder).as_posix()
        storage.put_file(
            prefix + relative,
            path,
            content_type=CONTENT_TYPES.get(path.suffix, "application/octet-stream"),
            # Segment keys belong to one asset version and never change, so a CDN may keep
            # them; access is still gated by the signature. Playlists are re-signed per request.
            cache_control="public, max-age=31536000, immutable"
            if path.suffix in {".ts", ".jpg"}
            else "no-cache",
        )
        if index % 10 == 0 or index == len(files):
            _heartbeat(asset, 90 + int(10 * index / len(files)) - 1)
    for item in outputs:
        item["storage_key"] = prefix + item["storage_key"]
