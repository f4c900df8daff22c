"""The transcoder's supervisor: one ffmpeg per session on air, restarted when it crashes.

It runs in the server process that received nginx's ``on_publish`` (a thread per session).
A crash is told to the room as ``reconnecting`` and ffmpeg starts again after a short
back-off; an input it cannot use (no video, an unknown codec) is told as ``problem`` and
tried again, since an encoder's settings can be fixed while it streams. A planned restart
(an interpreter joins or leaves) changes nothing in the room. Stream names are the ones
``on_publish`` gave the feeds (``s<session>``, ``s<session>-<language>``): never a key.
"""

import logging
import os
import re
import shutil
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections

from live.stage import ladder

log = logging.getLogger(__name__)
# Told by ffmpeg on stderr when an input has no usable video or codec.
_NO_VIDEO = ("matches no streams", "Stream specifier ':v:0'", "Output file #0 does not contain")
_BAD_CODEC = ("Decoder (codec", "Unsupported codec", "Invalid data found")
BACKOFF_SECONDS = (0.5, 1, 2, 4)
# ffmpeg's description of the hall's (first input's) video stream, under "Input #0, flv, …":
# "  Stream #0:0: Video: h264 (High), yuv420p(progressive), 640x360, 30 fps".
_HALL_VIDEO = re.compile(r"^\s*Stream #0:\d+.*?: Video: (?P<codec>\w+)")


def stream_name(session_id: int, language: str = "") -> str:
    return f"s{session_id}-{language}" if language else f"s{session_id}"


def hls_folder(session_id: int) -> Path:
    return Path(settings.LIVE_STAGE_HLS_ROOT) / str(session_id)


class Transcoder:
    """Keeps one session's ffmpeg running until ``stop``."""

    def __init__(self, session_id: int, report: Callable[..., None], feeds: Callable[[], tuple]):
        self.session_id = session_id
        self.report = report  # report(state=..., problem=...)
        self.feeds = feeds  # () -> (hall language, [interpreted languages]) or None
        self.stopping = threading.Event()
        self.restart_wanted = threading.Event()
        self.process: subprocess.Popen | None = None
        self.starts = 0
        self.started_at = 0.0  # time.monotonic() of the last ffmpeg start (measurements)
        self.refused_codec = ""  # the hall's video codec, when it is not one we take
        self.thread = threading.Thread(target=self._run, name=f"stage-{session_id}", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        self._end_process()

    def restart(self) -> None:
        self.restart_wanted.set()
        self._end_process()

    def _end_process(self) -> None:
        process = self.process
        if process is not None and process.poll() is None:
            process.terminate()

    def _run(self) -> None:
        failures = 0
        outcome_was_no_video = False
        try:
            while not self.stopping.is_set():
                wanted = self.feeds()
                if wanted is None:
                    return
                outcome = self._run_once(*wanted, long_probe=outcome_was_no_video)
                if self.stopping.is_set():
                    return
                if outcome == "planned":
                    failures = 0
                    continue
                # ffmpeg may connect before the encoder's first frames reach nginx, or probe
                # too briefly for a codec without a header, and find no video: it tries again
                # with a long probe, and only a second "no video" in a row is news.
                no_video = outcome == {"state": "problem", "problem": "no_video"}
                if (failures and outcome_was_no_video) or not no_video:
                    self.report(**outcome)
                outcome_was_no_video = no_video
                time.sleep(BACKOFF_SECONDS[min(failures, len(BACKOFF_SECONDS) - 1)])
                failures += 1
        except Exception:
            log.exception("live stage %s: supervisor failed", self.session_id)
        finally:
            close_old_connections()

    def _run_once(self, hall_language: str, interpreted: list[str], *, long_probe: bool):
        folder = hls_folder(self.session_id)
        for name in ladder.playlists(interpreted):
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / "master.m3u8").unlink(missing_ok=True)
        base = settings.LIVE_STAGE_RTMP_PULL_URL
        command = ladder.ffmpeg_command(
            main=ladder.Feed(f"{base}/{stream_name(self.session_id)}"),
            interpreters=[
                ladder.Feed(f"{base}/{stream_name(self.session_id, lang)}", lang)
                for lang in interpreted
            ],
            folder=folder,
            long_probe=long_probe,
        )
        self.restart_wanted.clear()
        self.process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
        self.starts += 1
        self.started_at = time.monotonic()
        errors: list[str] = []
        self.refused_codec = ""
        reader = threading.Thread(target=self._tail, args=(self.process, errors), daemon=True)
        reader.start()
        announced = False
        while self.process.poll() is None:
            if not announced and all((folder / n).exists() for n in ladder.playlists(interpreted)):
                _write_atomically(
                    folder / "master.m3u8",
                    ladder.master_playlist(hall_language=hall_language, interpreted=interpreted),
                )
                self.report(state="on_air")
                announced = True
            time.sleep(0.1)
        reader.join(timeout=2)
        if self.process.stderr is not None:
            self.process.stderr.close()
        if self.restart_wanted.is_set() or self.stopping.is_set():
            return "planned"
        if self.refused_codec:
            log.warning(
                "live stage %s: video codec %s refused", self.session_id, self.refused_codec
            )
            return {"state": "problem", "problem": "codec"}
        text = "\n".join(errors[-30:])
        log.warning(
            "live stage %s: ffmpeg ended (%s): %s", self.session_id, self.process.returncode, text
        )
        if any(marker in text for marker in _NO_VIDEO):
            return {"state": "problem", "problem": "no_video"}
        if any(marker in text for marker in _BAD_CODEC):
            return {"state": "problem", "problem": "codec"}
        return {"state": "reconnecting"}

    def _tail(self, process: subprocess.Popen, errors: list[str]) -> None:
        """Keep ffmpeg's last lines; end it when the hall's video is not a codec we take."""
        assert process.stderr is not None
        section = ""
        for line in process.stderr:
            errors.append(line.rstrip())
            del errors[:-60]
            if not line.startswith(" "):  # "Input #0, flv, from …", "Output #0, hls, to …"
                section = line.split(",", 1)[0]
            video = _HALL_VIDEO.search(line) if section == "Input #0" else None
            if video and video["codec"] not in ladder.ACCEPTED_VIDEO:
                self.refused_codec = video["codec"]
                process.terminate()


def _write_atomically(path: Path, text: str) -> None:
    partial = path.with_suffix(".part")
    partial.write_text(text)
    os.replace(partial, path)


_running: dict[int, Transcoder] = {}
_lock = threading.Lock()


def transcoder_start(session_id: int, *, report, feeds) -> Transcoder:
    """Start the session's transcoder, or restart a running one with its new feeds."""
    with _lock:
        current = _running.get(session_id)
        if current is not None and current.thread.is_alive() and not current.stopping.is_set():
            current.restart()
            return current
        transcoder = Transcoder(session_id, report, feeds)
        _running[session_id] = transcoder
    transcoder.start()
    return transcoder


def transcoder_stop(session_id: int, *, remove_files: bool = False) -> None:
    with _lock:
        transcoder = _running.pop(session_id, None)
    if transcoder is not None:
        transcoder.stop()
        transcoder.thread.join(timeout=10)
    if remove_files:
        shutil.rmtree(hls_folder(session_id), ignore_errors=True)


def transcoder_of(session_id: int) -> Transcoder | None:
    return _running.get(session_id)
