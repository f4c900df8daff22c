"""A video made on the server (a live stage's recording) becomes a presentation version,
checked and processed exactly like an upload and waiting for an organiser's approval."""

from pathlib import Path

from django.db import transaction
from django.db.models import Max

from media_library import storage
from media_library.models import MediaAsset, Presentation
from media_library.services.processing import asset_enqueue
from media_library.services.review import presentation_refresh_status
from media_library.services.validation import MediaRejectedError, validate_asset
from seminars.models import Organization, Session


def asset_import_video(
    *, session: Session, agency: Organization, source: Path, title: str, language: str
) -> MediaAsset:
    """Store the MP4 file ``source`` (moved, not copied, with local storage) as a new
    version of the agency's presentation for the session.

    Side effects: the file leaves ``source``; a rejected file is deleted with its version and
    MediaRejectedError raised; the version's processing task is queued.
    """
    size = source.stat().st_size
    with transaction.atomic():
        presentation, _created = Presentation.objects.get_or_create(
            session=session, agency=agency, defaults={"title": session.title, "language": language}
        )
        latest = presentation.assets.filter(kind=MediaAsset.Kind.VIDEO, language=language)
        asset = MediaAsset.objects.create(
            presentation=presentation,
            kind=MediaAsset.Kind.VIDEO,
            language=language,
            title=title[:200],
            version=(latest.aggregate(v=Max("version"))["v"] or 0) + 1,
            original_filename=source.name,
            size_bytes=size,
        )
        asset.storage_key = f"presentations/{presentation.pk}/{asset.pk}/original"
        asset.save(update_fields=["storage_key"])
    if storage.is_s3():
        storage.put_file(asset.storage_key, source, content_type="video/mp4")
        source.unlink(missing_ok=True)
    else:
        storage.move_local_file(source, asset.storage_key)
    try:
        detected, facts = validate_asset(key=asset.storage_key, kind=asset.kind, size=size)
    except MediaRejectedError:
        with transaction.atomic():
            storage.delete(asset.storage_key)
            asset.delete()
            presentation_refresh_status(presentation=presentation)
        raise
    with transaction.atomic():
        asset.content_type, asset.probe = detected, facts
        asset.status = MediaAsset.Status.QUEUED
        asset.save()
        presentation_refresh_status(presentation=presentation)
        asset_enqueue(asset=asset)
    return asset
