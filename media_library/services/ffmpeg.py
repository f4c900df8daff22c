"""ffmpeg command lines and a runner that reports progress from ``-progress`` output."""

import ctypes
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from django.conf import settings

from media_library.services import bounds
from media_library.services.processing import (
    AUDIO_BITRATE,
    HEARTBEAT_SECONDS,
    SEGMENT_SECONDS,
    Planned,
    ProcessingError,
)


def _hls_output(folder: Path, name: str) -> list[str]:
    (folder / name).mkdir(parents=True, exist_ok=True)
    return [
        *("-f", "hls", "-hls_time", str(SEGMENT_SECONDS), "-hls_playlist_type", "vod"),
        *("-hls_segment_filename", str(folder / name / "seg_%05d.ts")),
        str(folder / name / "index.m3u8"),
    ]


def _bounded_input(locator: str) -> list[str]:
    """Open the source so that it cannot decode to more than the limits, whatever ffprobe
    was told: the decoder refuses larger frames (a size change mid-stream included), and
    reading stops at the longest duration accepted."""
    limits = bounds.limits()
    return [
        *("-max_pixels", str(limits.pixels)),
        *("-t", str(limits.duration_seconds)),
        *("-i", locator),
    ]


def _picture(width: int, height: int) -> str:
    """Exactly this size with square pixels (autorotation has already turned the frame)."""
    return f"scale={width}:{height},setsar=1"


def hls_command(
    locator: str,
    folder: Path,
    plan: Iterable[Planned],
    *,
    has_audio: bool,
    other_audio: Iterable[dict] = (),
) -> list:
    """One ffmpeg run reading the source once and writing every planned HLS rendition.

    H.264 (main profile) + AAC-LC in MPEG-TS segments: the codecs every HLS player and
    Debian's chromium (through hls.js and MSE) play; key frames forced on segment borders.
    """
    command = [settings.FFMPEG_BINARY, "-nostdin", "-y", "-v", "error", "-nostats"]
    command += ["-progress", "pipe:1", *_bounded_input(locator)]
    for item in plan:
        rung = item.rung
        command += ["-map", "0:v:0"] + (["-map", "0:a:0"] if has_audio else [])
        command += [
            *("-vf", _picture(item.width, item.height), "-fpsmax", str(settings.MEDIA_MAX_FPS)),
            *("-c:v", "libx264", "-preset", "veryfast"),
            *("-profile:v", "main", "-pix_fmt", "yuv420p", "-b:v", str(rung.video_bitrate)),
            *("-maxrate", str(int(rung.video_bitrate * 1.2))),
            *("-bufsize", str(rung.video_bitrate * 2)),
            *("-force_key_frames", f"expr:gte(t,n_forced*{SEGMENT_SECONDS})"),
        ]
        if has_audio:
            command += ["-c:a", "aac", "-b:a", str(rung.audio_bitrate), "-ac", "2"]
        command += _hls_output(folder, rung.folder)
    if has_audio:
        command += ["-map", "0:a:0", "-vn", "-c:a", "aac", "-b:a", str(AUDIO_BITRATE), "-ac", "2"]
        command += _hls_output(folder, "audio")
    # Other languages (probe's ``audio_languages``): audio-only playlists the master names
    # as alternative renditions; the rungs keep the first language muxed in.
    for other in other_audio if has_audio else ():
        command += ["-map", f"0:a:{other['stream']}", "-vn", "-c:a", "aac"]
        command += ["-b:a", str(AUDIO_BITRATE), "-ac", "2"]
        command += _hls_output(folder, f"audio-{other['language']}")
    return command


def poster_command(locator: str, target: Path, at_seconds: float, size: tuple[int, int]) -> list:
    return [
        *(settings.FFMPEG_BINARY, "-nostdin", "-y", "-v", "error", "-ss", f"{at_seconds:.2f}"),
        *_bounded_input(locator),
        *("-frames:v", "1", "-vf", _picture(*size), "-q:v", "4", str(target)),
    ]


def _die_with_parent() -> None:
    """Linux: ffmpeg gets SIGKILL when its worker dies, so no orphan keeps transcoding."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def run_with_progress(
    command: list, duration: float, report: Callable[[float], None] | None
) -> None:
    """Run ffmpeg; call ``report(share_done)`` at most every HEARTBEAT_SECONDS.

    An exception from ``report`` (e.g. a lost lease) kills ffmpeg and propagates.
    """
    with tempfile.TemporaryFile() as errors:
        try:
            process = subprocess.Popen(
                command,
                stdout=subprocess.PIPE,
                stderr=errors,
                preexec_fn=_die_with_parent,  # noqa: PLW1509 - only prctl, no locks taken
            )
        except FileNotFoundError as error:
            raise ProcessingError(
                "ffmpeg is not installed on the server (Debian/Ubuntu: apt-get install ffmpeg)."
            ) from error
        with process:
            try:
                _follow(process, duration, report)
            except BaseException:
                process.kill()
                raise
        if process.returncode != 0:
            errors.seek(0)
            lines = errors.read().decode(errors="replace").strip().splitlines()
            raise ProcessingError("ffmpeg failed: " + " / ".join(lines[-3:])[:1500])


def _follow(process: subprocess.Popen, duration: float, report) -> None:
    last = 0.0
    if process.stdout is None:  # started without stdout=PIPE: no progress to follow
        return
    for raw in process.stdout:
        key, _sep, value = raw.decode(errors="replace").strip().partition("=")
        if key != "out_time_us" or not value.isdigit() or report is None:
            continue
        now = time.monotonic()
        if now - last >= HEARTBEAT_SECONDS:
            last = now
            report(min(1.0, int(value) / 1_000_000 / max(duration, 0.001)))
