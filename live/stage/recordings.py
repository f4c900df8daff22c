"""nginx's recordings of a session, made into one MP4 once the stream has ended.

nginx writes one FLV per connection (``record_unique``): ``s<session>-<unix time>.flv`` for
the hall, ``s<session>-<language>-<unix time>.flv`` for an interpreter. An encoder that drops
and comes back makes a second file; they are put one after the other (the gap itself is not
kept). Each interpreter's sound becomes another audio stream, tagged with its language and
started as late after the hall's first file as it started (to the second: the files' names).
Files are claimed by moving them into a folder of their own, so two imports never share one.
"""

import os
import re
import shutil
import subprocess
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from media_library.languages import iso639_2

RECORDING_NAME = re.compile(
    r"^(?P<stream>s(?P<session>\d+)(?:-(?P<language>[a-z]{2,3}(?:-[a-z0-9]+)?))?)"
    r"-(?P<time>\d+)\.flv$"
)


class RemuxError(Exception):
    pass


@dataclass
class Claimed:
    folder: Path
    parts: dict[str, list[tuple[int, Path]]] = field(default_factory=dict)  # "" is the hall


def claim(root: Path, session_id: int, *, still_streaming: set[str]) -> Claimed | None:
    """Move the session's finished recordings into a folder of their own; None when the hall
    has none. ``still_streaming``: languages whose file nginx is still writing."""
    found = []
    for path in root.glob(f"s{session_id}-*.flv"):
        named = RECORDING_NAME.match(path.name)
        language = (named["language"] or "") if named else None
        if named and int(named["session"]) == session_id and language not in still_streaming:
            found.append((language, int(named["time"]), path))
    if not any(language == "" for language, _time, _path in found):
        return None
    claimed = Claimed(folder=root / f".import-{session_id}-{uuid.uuid4().hex}")
    claimed.folder.mkdir()
    for language, started, path in found:
        try:
            os.rename(path, claimed.folder / path.name)
        except FileNotFoundError:  # another import took it
            continue
        claimed.parts.setdefault(language, []).append((started, claimed.folder / path.name))
    for parts in claimed.parts.values():
        parts.sort()
    if "" not in claimed.parts:
        give_back(claimed, root)
        return None
    return claimed


def _concat_list(claimed: Claimed, language: str) -> Path | None:
    parts = [path for _time, path in claimed.parts.get(language, []) if path.stat().st_size]
    if not parts:
        return None
    listing = claimed.folder / f"parts-{language or 'hall'}.txt"
    listing.write_text("".join(f"file '{path}'\n" for path in parts))
    return listing


def remux(claimed: Claimed, *, hall_language: str) -> Path:
    """One MP4 (no re-encoding): the hall's video and sound, then each interpreter's sound."""
    hall = _concat_list(claimed, "")
    if hall is None:
        raise RemuxError("the hall's recording is empty")
    command = ["ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-y"]
    command += ["-f", "concat", "-safe", "0", "-i", str(hall)]
    maps = ["-map", "0:v:0?", "-map", "0:a:0?"]
    tags = ["-metadata:s:a:0", f"language={iso639_2(hall_language)}"]
    hall_started = claimed.parts[""][0][0]
    index = 0
    for language in sorted(language for language in claimed.parts if language):
        listing = _concat_list(claimed, language)
        if listing is None:
            continue
        index += 1
        offset = max(0, claimed.parts[language][0][0] - hall_started)
        command += ["-itsoffset", str(offset), "-f", "concat", "-safe", "0", "-i", str(listing)]
        maps += ["-map", f"{index}:a:0?"]
        tags += [f"-metadata:s:a:{index}", f"language={iso639_2(language)}"]
    movie = claimed.folder / "recording.mp4"
    command += [*maps, "-c", "copy", *tags, "-movflags", "+faststart", str(movie)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=3600)
    if done.returncode != 0 or not movie.exists():
        raise RemuxError(done.stderr.strip()[-500:])
    return movie


def give_back(claimed: Claimed, root: Path) -> None:
    """Put the claimed recordings back where nginx wrote them (kept as they were streamed)."""
    for parts in claimed.parts.values():
        for _time, path in parts:
            os.rename(path, root / path.name)
    shutil.rmtree(claimed.folder, ignore_errors=True)


def remove(claimed: Claimed) -> None:
    shutil.rmtree(claimed.folder, ignore_errors=True)
