"""What a file really is, from its content: magic bytes, ffprobe, WebVTT and PDF checks.

Every check reads from storage by key (ranged reads, or ffprobe over a presigned URL), so a
4 GB video is never loaded into memory. Each failure is a ``MediaRejectedError`` whose message
tells the uploader why.
"""

import json
import re
import struct
import subprocess
import tempfile
from pathlib import Path

import webvtt
from django.conf import settings
from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.errors import DependencyError, PyPdfError

from media_library import storage
from media_library.languages import site_language
from media_library.services import bounds, pdf_active

SLIDES_MAX_BYTES = 200 * 1024 * 1024
CAPTIONS_MAX_BYTES = 2 * 1024 * 1024
VIDEO_CODECS = {"h264", "hevc", "vp8", "vp9", "av1", "mpeg4", "prores"}
_MP4_BRANDS_QUICKTIME = {b"qt  "}
_TIMING = re.compile(
    r"^(?:\d{2,}:)?[0-5]\d:[0-5]\d\.\d{3}[ \t]+-->[ \t]+(?:\d{2,}:)?[0-5]\d:[0-5]\d\.\d{3}"
    r"(?:[ \t]+.*)?$"
)


# What libavutil says when a frame is larger than -max_pixels allows (imgutils.c).
_PAST_MAX_PIXELS = re.compile(
    r"Picture size (?P<width>\d+)x(?P<height>\d+) exceeds specified max pixel count"
)


class MediaRejectedError(Exception):
    """A file that cannot be accepted; ``str()`` is the message for the uploader."""


def max_bytes(kind: str) -> int:
    return {
        "video": settings.MAX_UPLOAD_BYTES,
        "slides": SLIDES_MAX_BYTES,
        "captions": CAPTIONS_MAX_BYTES,
    }[kind]


def sniff(head: bytes) -> str:
    """The content type the first bytes reveal, or a short description of what it is."""
    if head[4:8] == b"ftyp":
        return "video/quicktime" if head[8:12] in _MP4_BRANDS_QUICKTIME else "video/mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        # EBML: WebM declares its DocType near the start; other Matroska files are not WebM.
        return "video/webm" if b"webm" in head[:64] else "video/x-matroska"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    text = head.removeprefix(b"\xef\xbb\xbf")
    if text.startswith(b"WEBVTT") and (len(text) == 6 or text[6:7] in b" \t\r\n"):
        return "text/vtt"
    if head.startswith(b"MZ"):
        return "application/x-msdownload"
    if head.startswith(b"\x7fELF"):
        return "application/x-executable"
    if head.startswith(b"#!"):
        return "text/x-script"
    if head.startswith(b"PK\x03\x04"):
        return "application/zip"
    return "application/octet-stream"


_DESCRIPTIONS = {
    "application/x-msdownload": "a Windows program",
    "application/x-executable": "a Linux program",
    "text/x-script": "a script",
    "application/zip": "a ZIP archive",
    "video/x-matroska": "a Matroska (MKV) video, which is not supported",
    "application/octet-stream": "of an unknown type",
}


def _describe(content_type: str) -> str:
    return _DESCRIPTIONS.get(content_type, content_type)


def validate_asset(*, key: str, kind: str, size: int) -> tuple[str, dict]:
    """Check a stored file of ``kind``; return (detected content type, facts)."""
    if size <= 0:
        raise MediaRejectedError(_("The file is empty."))
    if size > max_bytes(kind):
        raise MediaRejectedError(
            _("The file is %(size)s bytes; the limit for this kind is %(limit)s bytes.")
            % {"size": size, "limit": max_bytes(kind)}
        )
    detected = sniff(storage.read_range(key, 0, 64))
    expected = {
        "video": {"video/mp4", "video/quicktime", "video/webm"},
        "slides": {"application/pdf"},
        "captions": {"text/vtt"},
    }[kind]
    if detected not in expected:
        wanted = {
            "video": _("a video (MP4, MOV or WebM)"),
            "slides": _("a PDF"),
            "captions": _("a WebVTT caption file"),
        }[kind]
        raise MediaRejectedError(
            _("By its content this file is %(what)s, not %(wanted)s; whatever its name says.")
            % {"what": _describe(detected), "wanted": wanted}
        )
    check = {"video": _validate_video, "slides": _validate_pdf, "captions": _validate_webvtt}
    return detected, check[kind](key, size, detected)


def _validate_video(key: str, size: int, detected: str) -> dict:
    if detected in {"video/mp4", "video/quicktime"}:
        _check_mp4_boxes(key, size)
    facts = probe(storage.input_locator(key))
    if not facts.get("video_codec"):
        raise MediaRejectedError(_("The file holds no video stream."))
    if facts["video_codec"] not in VIDEO_CODECS:
        raise MediaRejectedError(
            _("The video codec %(codec)s is not supported.") % {"codec": facts["video_codec"]}
        )
    if facts["duration"] <= 0:
        raise MediaRejectedError(_("The video has no duration; it may be damaged."))
    try:
        bounds.check_video_bounds(facts)
    except bounds.VideoOutOfBoundsError as error:
        raise MediaRejectedError(str(error)) from error
    return facts


def _check_mp4_boxes(key: str, size: int) -> None:
    """Walk the top-level MP4/MOV boxes: a cut-off file has a box running past its end."""
    cut_off = _("The video is truncated: it ends in the middle of a box.")
    position, seen, boxes = 0, set(), 0
    while position < size and boxes < 100_000:
        header = storage.read_range(key, position, 16)
        if len(header) < 8:
            raise MediaRejectedError(cut_off)
        length, name = struct.unpack(">I4s", header[:8])
        if length == 1:
            if len(header) < 16:
                raise MediaRejectedError(cut_off)
            length = struct.unpack(">Q", header[8:16])[0]
        elif length == 0:
            length = size - position
        if length < 8 or position + length > size:
            raise MediaRejectedError(
                _(
                    "The video is truncated or damaged: its “%(box)s” part needs %(need)s bytes "
                    "but the file ends after %(have)s. Upload the complete file."
                )
                % {
                    "box": name.decode("latin-1"),
                    "need": length,
                    "have": size - position,
                }
            )
        seen.add(name)
        position += length
        boxes += 1
    if b"moov" not in seen:
        raise MediaRejectedError(_("The video has no index (moov box); it is incomplete."))


def probe(locator: str) -> dict:
    """Container, codecs, duration and size as ffprobe reads them.

    ffprobe decodes a frame or two to learn the stream's parameters, so it gets the same
    ``-max_pixels`` as ffmpeg: a 16384 × 16384 header cannot make it allocate gigabytes.
    """
    command = [
        settings.FFPROBE_BINARY,
        *("-v", "error", "-print_format", "json", "-show_format", "-show_streams"),
        *("-max_pixels", str(bounds.limits().pixels)),
        locator,
    ]
    try:
        result = subprocess.run(command, capture_output=True, timeout=120, check=False)
    except FileNotFoundError as error:
        raise MediaRejectedError(_("ffprobe is not installed on the server.")) from error
    if result.returncode != 0:
        _refuse_unreadable(result.stderr.decode(errors="replace"), locator)
    data = json.loads(result.stdout)
    streams = data.get("streams", [])
    video: dict = next((s for s in streams if s.get("codec_type") == "video"), {})
    audio: dict = next((s for s in streams if s.get("codec_type") == "audio"), {})
    fmt = data.get("format", {})
    # The longer of what the container and the video stream claim: either may understate.
    duration = max(_number(fmt.get("duration")), _number(video.get("duration")))
    facts = {
        "container": fmt.get("format_name", ""),
        "duration": duration,
        "bit_rate": int(_number(fmt.get("bit_rate"))),
        "video_codec": video.get("codec_name", ""),
        "width": int(_number(video.get("width"))),
        "height": int(_number(video.get("height"))),
        "sample_aspect_ratio": video.get("sample_aspect_ratio") or "1:1",
        "rotation": _rotation(video),
        "frame_rate": _frame_rate(video, duration),
        "audio_codec": audio.get("codec_name", ""),
    }
    other = _other_audio_languages([s for s in streams if s.get("codec_type") == "audio"])
    if other:  # only files with more than one language carry them
        facts["audio_language"] = site_language((audio.get("tags") or {}).get("language", ""))
        facts["audio_languages"] = other
    return facts


def _other_audio_languages(audio_streams: list[dict]) -> list[dict]:
    """The audio streams after the first that name their language (an interpretation, a
    dubbing): their place among the audio streams and the language, once per language."""
    first = (
        site_language((audio_streams[0].get("tags") or {}).get("language", ""))
        if audio_streams
        else ""
    )
    seen, other = {first}, []
    for place, stream in enumerate(audio_streams[1:], start=1):
        language = site_language((stream.get("tags") or {}).get("language", ""))
        if language and language not in seen and re.fullmatch(r"[a-z]{2,3}(-[a-z0-9]+)?", language):
            seen.add(language)
            other.append({"stream": place, "language": language})
    return other


def _refuse_unreadable(errors: str, locator: str) -> None:
    """MediaRejectedError saying why ffprobe failed; a frame past the pixel limit is named as
    such (its width × height), not as damage."""
    too_large = _PAST_MAX_PIXELS.search(errors)
    if too_large:
        try:
            bounds.check_video_bounds(
                {"width": int(too_large["width"]), "height": int(too_large["height"])}
            )
        except bounds.VideoOutOfBoundsError as error:
            raise MediaRejectedError(str(error)) from error
    reason = errors.strip().splitlines()[-1:] or ["?"]
    raise MediaRejectedError(
        _("The video could not be read (%(reason)s); it may be damaged or truncated.")
        % {"reason": reason[0].replace(locator, "file")[:200]}
    )


def _number(value) -> float:
    try:
        return float(value or 0)
    except (TypeError, ValueError):
        return 0.0  # "N/A" and the like: unknown


def _rotation(video: dict) -> int:
    """Degrees the player turns the picture (display matrix, or the older ``rotate`` tag)."""
    for item in video.get("side_data_list") or []:
        if "rotation" in item:
            return int(_number(item["rotation"])) % 360
    return int(_number((video.get("tags") or {}).get("rotate"))) % 360


def _frame_rate(video: dict, duration: float) -> float:
    """Average frames per second; from the frame count when the header has no average.

    ``r_frame_rate`` is not used: for WebM it is the time base (often 1000), not a rate.
    """
    average = bounds.ratio(video.get("avg_frame_rate"))
    if average:
        return round(float(average), 3)
    frames = _number(video.get("nb_frames"))
    return round(frames / duration, 3) if frames and duration > 0 else 0.0


def _validate_pdf(key: str, size: int, detected: str) -> dict:
    tail = storage.read_range(key, max(0, size - 2048), 2048)
    if b"%%EOF" not in tail:
        raise MediaRejectedError(_("The PDF is truncated: its end marker (%%EOF) is missing."))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "slides.pdf"
        storage.download_to(key, path)
        try:
            reader = PdfReader(path, strict=False)
            _open_encrypted(reader)
            pages = len(reader.pages)
            found = pdf_active.active_content(reader)
        except pdf_active.PdfTooComplexError as error:
            raise MediaRejectedError(
                _("The PDF has more than %(count)s objects; no slide deck needs that many.")
                % {"count": pdf_active.MAX_OBJECTS}
            ) from error
        except (
            PyPdfError,
            DependencyError,
            ValueError,
            KeyError,
            TypeError,
            RecursionError,
        ) as error:
            raise MediaRejectedError(
                _("The PDF could not be read (%(reason)s).") % {"reason": str(error)[:200]}
            ) from error
    if pages == 0:
        raise MediaRejectedError(_("The PDF has no pages."))
    if found:
        raise MediaRejectedError(
            _(
                "The PDF contains %(found)s. Slides may not carry active content: export or "
                "print them to PDF again without scripts, attachments or multimedia."
            )
            % {"found": ", ".join(found)}
        )
    return {"pages": pages}


def _open_encrypted(reader: PdfReader) -> None:
    """A PDF anyone can open (empty user password) is read; one that needs a password is not:
    it could not be checked, and attendees could not open it either."""
    if reader.is_encrypted and not reader.decrypt(""):
        raise MediaRejectedError(
            _("The PDF is protected by a password; upload it without the password.")
        )


def _validate_webvtt(key: str, size: int, detected: str) -> dict:
    raw = storage.read_small(key, limit=CAPTIONS_MAX_BYTES)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise MediaRejectedError(_("Captions must be UTF-8 text.")) from error
    return {"cues": webvtt_check(text)}


def webvtt_check(text: str) -> int:
    """Number of cues in a strictly valid WebVTT text; MediaRejectedError naming the bad line."""
    blocks = re.split(r"\r?\n[ \t]*\r?\n", text.replace("\r\n", "\n").strip("\n"))
    cues = 0
    for block in blocks[1:]:
        lines = [line for line in block.split("\n") if line.strip()]
        if not lines or lines[0].startswith(("NOTE", "STYLE", "REGION")):
            continue
        timing = next((line for line in lines[:2] if "-->" in line), None)
        if timing is None or not _TIMING.match(timing.strip()):
            raise MediaRejectedError(
                _("Malformed WebVTT: “%(line)s” is not a cue timing (00:00:01.000 --> …).")
                % {"line": (timing or lines[0])[:80]}
            )
        start, end = (_seconds(part.split()[0]) for part in timing.split("-->"))
        if end <= start:
            raise MediaRejectedError(
                _("Malformed WebVTT: the cue “%(line)s” ends before it starts.")
                % {"line": timing[:80]}
            )
        cues += 1
    try:
        parsed = webvtt.WebVTT.from_string(text, strict=True)
    except (webvtt.errors.MalformedFileError, webvtt.errors.MalformedCaptionError) as error:
        raise MediaRejectedError(_("Malformed WebVTT: %(reason)s.") % {"reason": error}) from error
    if cues == 0 or len(parsed.captions) != cues:
        raise MediaRejectedError(_("The WebVTT file holds no valid cues."))
    return cues


def _seconds(stamp: str) -> float:
    parts = [float(p) for p in stamp.strip().split(":")]
    while len(parts) < 3:
        parts.insert(0, 0.0)
    return parts[0] * 3600 + parts[1] * 60 + parts[2]
