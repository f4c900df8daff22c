"""Demo: UNICEF's presenter has uploaded a short recorded talk with English captions and slides.

Only when ffmpeg is installed (a 20-second test pattern takes about a second to make); the
worker started by `make run` then processes it and the demo organiser can approve it on the
session's media page. Without ffmpeg the demo simply has no recording.
"""

import logging
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings

from media_library import storage
from media_library.models import UploadSession
from media_library.services import uploads
from media_library.services.validation import MediaRejectedError

logger = logging.getLogger(__name__)

CAPTIONS = """WEBVTT

00:00:00.500 --> 00:00:05.000
Welcome. UNICEF buys supplies for children in more than 190 countries.

00:00:05.500 --> 00:00:11.000
Register on the UN Global Marketplace before you bid.

00:00:11.500 --> 00:00:19.000
Questions are answered live after this recording.
"""


def _make_video(target: Path) -> None:
    source = "testsrc=size=320x180:rate=25:duration=20"
    subprocess.run(
        [
            *(settings.FFMPEG_BINARY, "-nostdin", "-y", "-v", "error", "-f", "lavfi", "-i"),
            *(source, "-f", "lavfi", "-i", "sine=frequency=440:duration=20"),
            *("-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"),
            *("-c:a", "aac", "-b:a", "48k", "-shortest", str(target)),
        ],
        check=True,
        timeout=60,
    )


def _make_pdf(target: Path) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=842, height=595)
    with target.open("wb") as handle:
        writer.write(handle)


def _send(upload: UploadSession, path: Path) -> None:
    """What the browser does: one part to S3, or one chunk to the local temp file."""
    if upload.backend == UploadSession.Backend.S3:
        storage.s3_client().upload_part(
            Bucket=storage.s3_bucket(),
            Key=upload.asset.storage_key,
            UploadId=upload.s3_upload_id,
            PartNumber=1,
            Body=path.read_bytes(),
        )
    else:
        shutil.copyfile(path, upload.temp_path)


def seed(context: dict) -> None:
    if shutil.which(settings.FFMPEG_BINARY) is None:
        return
    presenter = context["users"]["agency"]
    session = (
        context["seminar"].sessions.filter(kind="presentation", agencies__acronym="UNICEF").first()
    )
    if session is None:
        return
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        try:
            _make_video(folder / "unicef.mp4")
        except (OSError, subprocess.SubprocessError):
            logger.warning("demo: ffmpeg could not make the demo video; skipped")
            return
        (folder / "en.vtt").write_text(CAPTIONS)
        _make_pdf(folder / "slides.pdf")
        files = [
            ("video", "unicef.mp4", "UNICEF supply opportunities (recording)"),
            ("captions", "en.vtt", "English captions"),
            ("slides", "slides.pdf", "UNICEF supply opportunities (slides)"),
        ]
        for kind, name, title in files:
            path = folder / name
            upload = uploads.upload_start(
                user=presenter,
                session=session,
                kind=kind,
                language="en",
                title=title,
                filename=name,
                size=path.stat().st_size,
            )
            _send(upload, path)
            try:
                uploads.upload_complete(upload=upload)
            except MediaRejectedError as error:
                logger.warning("demo: %s rejected: %s", name, error)
