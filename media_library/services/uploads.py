"""Uploads: S3 multipart from the browser, or local chunks written straight to disk.

Flow: ``upload_start`` → parts (``upload_presign_parts``) or chunks (``upload_write_chunk``)
→ ``upload_complete`` (validates, then queues processing) or ``upload_abort``.
``upload_state`` tells a browser where to resume. Nothing is kept of a rejected upload.
"""

import math
import re
from datetime import timedelta
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from media_library import permissions, storage
from media_library.models import MediaAsset, Presentation, UploadSession
from media_library.services.review import presentation_refresh_status
from media_library.services.validation import MediaRejectedError, max_bytes, validate_asset
from seminars.downloads import clean_text_line, safe_filename
from seminars.models import Organization, Session

MIN_PART = 8 * 1024 * 1024
MAX_PARTS = 10_000
READ_BLOCK = 256 * 1024
_EXTENSIONS = {"video": "", "slides": ".pdf", "captions": ".vtt"}


class UploadOffsetError(Exception):
    """A chunk that does not start where the file currently ends."""

    def __init__(self, received: int):
        super().__init__(f"server has {received} bytes")
        self.received = received


def _upload_agency(*, user, session: Session, agency_id: int | None) -> Organization:
    session_agencies = {a.pk: a for a in session.agencies.all()}
    allowed = permissions.upload_agency_ids(user, session, set(session_agencies))
    if not allowed:
        raise PermissionDenied(_("You may not upload to this session."))
    if agency_id is None and len(allowed) == 1:
        agency_id = next(iter(allowed))
    if agency_id not in allowed:
        raise ValidationError({"agency": _("Choose one of this session's agencies you speak for.")})
    return session_agencies[agency_id]


def _validate_start(*, kind: str, language: str, title: str, size: int) -> None:
    errors: dict[str, str] = {}
    if kind not in MediaAsset.Kind.values:
        errors["kind"] = _("Choose video, slides or captions.")
    elif size > max_bytes(kind):
        errors["size"] = _("The file is %(size)s bytes; the limit is %(limit)s bytes.") % {
            "size": size,
            "limit": max_bytes(kind),
        }
    if size <= 0:
        errors["size"] = _("The file is empty.")
    if language not in {code for code, _name in settings.LANGUAGES}:
        errors["language"] = _("Choose one of the platform's languages.")
    if not title.strip():
        errors["title"] = _("Give the file a title.")
    if errors:
        raise ValidationError(errors)


def _original_filename(filename: str, *, kind: str) -> str:
    """The last path component (Windows browsers once sent ``C:\\…``), made safe to store.

    Kept for the record (the admin shows it); the storage key never derives from it.
    """
    last = re.split(r"[/\\]", filename)[-1]
    return safe_filename(last, default=f"{kind}{_EXTENSIONS[kind]}")


@transaction.atomic
def upload_start(
    *,
    user,
    session: Session,
    kind: str,
    language: str,
    title: str,
    filename: str,
    size: int,
    agency_id: int | None = None,
) -> UploadSession:
    """Open an upload: a new version of one file of the agency's presentation.

    Side effects: creates an S3 multipart upload, or an empty temporary file on disk.
    """
    agency = _upload_agency(user=user, session=session, agency_id=agency_id)
    title = clean_text_line(title, max_length=200)
    _validate_start(kind=kind, language=language, title=title, size=size)
    presentation, _created = Presentation.objects.get_or_create(
        session=session, agency=agency, defaults={"title": session.title, "language": language}
    )
    latest = presentation.assets.filter(kind=kind, language=language).aggregate(v=Max("version"))
    asset = MediaAsset.objects.create(
        presentation=presentation,
        kind=kind,
        language=language,
        title=title,
        version=(latest["v"] or 0) + 1,
        original_filename=_original_filename(filename, kind=kind),
        size_bytes=size,
        created_by=user,
    )
    asset.storage_key = f"presentations/{presentation.pk}/{asset.pk}/original{_EXTENSIONS[kind]}"
    asset.save(update_fields=["storage_key"])
    return _open_transfer(asset=asset, size=size)


def _open_transfer(*, asset: MediaAsset, size: int) -> UploadSession:
    """Create the multipart upload on S3, or the empty temporary file on disk."""
    part_size = max(MIN_PART, math.ceil(size / MAX_PARTS))
    upload = UploadSession(asset=asset, expected_size=size, part_size=part_size)
    if storage.is_s3():
        upload.backend = UploadSession.Backend.S3
        answer = storage.s3_client().create_multipart_upload(
            Bucket=storage.s3_bucket(), Key=asset.storage_key
        )
        upload.s3_upload_id = answer["UploadId"]
    else:
        upload.backend = UploadSession.Backend.LOCAL
        path = storage.upload_temp_dir() / f"{asset.pk}.part"
        path.touch()
        upload.temp_path = str(path)
    upload.save()
    return upload


def _s3_parts(upload: UploadSession) -> list[dict]:
    client, parts, marker = storage.s3_client(), [], 0
    while True:
        answer = client.list_parts(
            Bucket=storage.s3_bucket(),
            Key=upload.asset.storage_key,
            UploadId=upload.s3_upload_id,
            PartNumberMarker=marker,
        )
        parts += [
            {"PartNumber": p["PartNumber"], "ETag": p["ETag"], "Size": p["Size"]}
            for p in answer.get("Parts", [])
        ]
        if not answer.get("IsTruncated"):
            return parts
        marker = answer["NextPartNumberMarker"]


def upload_state(upload: UploadSession) -> dict:
    """Where the upload stands, so that a browser can resume it."""
    state: dict = {
        "upload_id": upload.pk,
        "asset_id": upload.asset_id,
        "backend": upload.backend,
        "expected_size": upload.expected_size,
        "part_size": upload.part_size,
        "part_count": math.ceil(upload.expected_size / upload.part_size),
    }
    if upload.backend == UploadSession.Backend.S3:
        state["parts"] = _s3_parts(upload)
        state["received"] = sum(p["Size"] for p in state["parts"])
    else:
        state["received"] = Path(upload.temp_path).stat().st_size
    return state


def upload_presign_parts(*, upload: UploadSession, part_numbers: list[int]) -> dict[int, str]:
    """Presigned PUT URLs for the given part numbers of an S3 multipart upload."""
    if upload.backend != UploadSession.Backend.S3:
        raise ValidationError(_("This upload goes to the server in chunks, not to S3."))
    count = math.ceil(upload.expected_size / upload.part_size)
    if not part_numbers or any(not 1 <= n <= count for n in part_numbers):
        raise ValidationError(_("Part numbers run from 1 to %(count)s.") % {"count": count})
    client = storage.s3_client()
    return {
        number: client.generate_presigned_url(
            "upload_part",
            Params={
                "Bucket": storage.s3_bucket(),
                "Key": upload.asset.storage_key,
                "UploadId": upload.s3_upload_id,
                "PartNumber": number,
            },
            ExpiresIn=storage.url_expiry(),
        )
        for number in part_numbers
    }


def upload_write_chunk(*, upload: UploadSession, offset: int, stream: BinaryIO, length: int) -> int:
    """Append one chunk to a local upload, block by block; return the bytes now received.

    Side effects: writes to the temporary file (whatever arrived stays, for a resume).
    """
    path = Path(upload.temp_path)
    received = path.stat().st_size
    if offset != received:
        raise UploadOffsetError(received)
    if length <= 0 or offset + length > upload.expected_size:
        raise ValidationError(
            _("The chunk would take the file past its declared size of %(size)s bytes.")
            % {"size": upload.expected_size}
        )
    remaining = length
    with path.open("r+b") as target:
        target.seek(offset)
        while remaining > 0:
            block = stream.read(min(READ_BLOCK, remaining))
            if not block:
                break
            target.write(block)
            remaining -= len(block)
    return path.stat().st_size


def _discard(upload: UploadSession) -> None:
    """Remove everything an upload left in storage (multipart parts, temp file, object)."""
    asset = upload.asset
    if upload.backend == UploadSession.Backend.S3:
        try:
            storage.s3_client().abort_multipart_upload(
                Bucket=storage.s3_bucket(), Key=asset.storage_key, UploadId=upload.s3_upload_id
            )
        except storage.s3_client().exceptions.NoSuchUpload:
            pass  # already completed or aborted
    elif upload.temp_path:
        Path(upload.temp_path).unlink(missing_ok=True)
    storage.delete(asset.storage_key)


@transaction.atomic
def upload_abort(*, upload: UploadSession) -> None:
    """Cancel an upload. Side effects: deletes its parts/temp file and its asset row."""
    _discard(upload)
    _delete_asset(upload.asset)


def upload_expire_stale(*, older_than: timedelta = timedelta(days=7)) -> int:
    """Abort uploads nobody resumed for ``older_than``; return how many.

    Side effects: aborts their S3 multipart uploads / deletes temp files and their rows.
    """
    count = 0
    stale = UploadSession.objects.filter(created_at__lt=timezone.now() - older_than)
    for upload in stale.select_related("asset__presentation"):
        upload_abort(upload=upload)
        count += 1
    return count


def _delete_asset(asset: MediaAsset) -> None:
    presentation = asset.presentation
    asset.delete()
    if not presentation.assets.exists():
        presentation.delete()
    else:
        presentation_refresh_status(presentation=presentation)


def _assemble(upload: UploadSession) -> int:
    """Put the received bytes at the asset's storage key; return their size."""
    asset = upload.asset
    if upload.backend == UploadSession.Backend.S3:
        parts = _s3_parts(upload)
        received = sum(p["Size"] for p in parts)
        if received != upload.expected_size:
            return received
        storage.s3_client().complete_multipart_upload(
            Bucket=storage.s3_bucket(),
            Key=asset.storage_key,
            UploadId=upload.s3_upload_id,
            MultipartUpload={
                "Parts": [{"PartNumber": p["PartNumber"], "ETag": p["ETag"]} for p in parts]
            },
        )
        return storage.object_size(asset.storage_key)
    received = Path(upload.temp_path).stat().st_size
    if received == upload.expected_size:
        storage.move_local_file(Path(upload.temp_path), asset.storage_key)
    return received


def upload_complete(*, upload: UploadSession) -> MediaAsset:
    """Finish an upload, check the file, and queue it for processing.

    Side effects: completes the multipart upload (or moves the temp file); a rejected file is
    deleted with its asset row and MediaRejectedError raised; a video's processing task is queued.
    """
    received = _assemble(upload)
    if received != upload.expected_size:
        raise UploadIncompleteError(received, upload.expected_size)
    asset = upload.asset
    try:
        detected, facts = validate_asset(key=asset.storage_key, kind=asset.kind, size=received)
    except MediaRejectedError:
        with transaction.atomic():
            _discard(upload)
            _delete_asset(asset)
        raise
    return _accept(upload=upload, detected=detected, facts=facts)


class UploadIncompleteError(Exception):
    def __init__(self, received: int, expected: int):
        super().__init__(f"received {received} of {expected} bytes")
        self.received = received
        self.expected = expected


@transaction.atomic
def _accept(*, upload: UploadSession, detected: str, facts: dict) -> MediaAsset:
    from media_library.services.processing import asset_enqueue

    asset = upload.asset
    asset.content_type = detected
    asset.probe = facts
    asset.status = (
        MediaAsset.Status.QUEUED if asset.kind == MediaAsset.Kind.VIDEO else MediaAsset.Status.READY
    )
    asset.save()
    upload.delete()
    presentation_refresh_status(presentation=asset.presentation)
    if asset.kind == MediaAsset.Kind.VIDEO:
        asset_enqueue(asset=asset)
    return asset
