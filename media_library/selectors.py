"""Reads of the media library: a session's presentations, the review queue, what the player
needs. Who may see what is media_library/permissions.py."""

import time

from django.core import signing
from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils import translation

from media_library import permissions, storage
from media_library.models import MediaAsset, Presentation, Rendition
from seminars.models import Session

_PLAYLIST_SALT = "media_library.playlist"


def session_presentations_for(user, session: Session) -> QuerySet[Presentation]:
    """The presentations of a session this user may manage (all for organisers, their
    agency's for presenters, none for anyone else), with every version."""
    queryset = Presentation.objects.filter(session=session).select_related(
        "agency", "approved_video"
    )
    agency_ids = permissions.agency_ids_to_manage(user, session.seminar)
    if agency_ids is not None:
        queryset = queryset.filter(agency_id__in=agency_ids)
    return queryset.prefetch_related(
        Prefetch("assets", queryset=MediaAsset.objects.select_related("upload"))
    )


def seminar_review_queue(seminar) -> QuerySet[MediaAsset]:
    """Processed versions of a seminar's presentations waiting for an organiser's review."""
    return (
        MediaAsset.objects.filter(
            presentation__session__seminar=seminar,
            status=MediaAsset.Status.READY,
            review=MediaAsset.Review.PENDING,
        )
        .select_related("presentation__session", "presentation__agency")
        .order_by("presentation__session__starts_at", "presentation_id", "kind", "language")
    )


def playlist_url(asset_id: int, path: str, *, expires_in: int) -> str:
    token = signing.dumps(
        {"a": asset_id, "p": path, "x": int(time.time()) + expires_in}, salt=_PLAYLIST_SALT
    )
    return reverse("media_library:playlist", kwargs={"token": token})


def playlist_token_verify(token: str) -> dict:
    try:
        payload = signing.loads(token, salt=_PLAYLIST_SALT)
    except signing.BadSignature as error:
        raise storage.SignatureError("bad signature") from error
    if int(payload["x"]) < time.time():
        raise storage.SignatureError("expired")
    return payload


def _approved(presentation: Presentation, kind: str) -> list[MediaAsset]:
    return [
        a
        for a in presentation.assets.all()
        if a.kind == kind and a.review == MediaAsset.Review.APPROVED
    ]


def _language_label(code: str) -> str:
    try:
        return translation.get_language_info(code)["name_local"]
    except KeyError:
        return code


def _captions(presentation: Presentation) -> list[dict]:
    """Approved caption files, served same-origin so that <track> can load them."""
    return [
        {
            "language": a.language,
            "label": _language_label(a.language),
            "url": storage.signed_url(a.storage_key, proxied=True),
        }
        for a in _approved(presentation, MediaAsset.Kind.CAPTIONS)
    ]


def _slides(presentation: Presentation) -> list[dict]:
    return [
        {
            "language": a.language,
            "title": a.title,
            "pages": a.probe.get("pages"),
            "url": reverse("media_library:slides_download", kwargs={"pk": a.pk}),
        }
        for a in _approved(presentation, MediaAsset.Kind.SLIDES)
    ]


def player_context(session: Session) -> dict | None:
    """What the public player needs for a session: the first approved presentation's
    signed playlist URLs, captions, slides and the premiere's timing; None without one."""
    presentation = (
        Presentation.objects.filter(session=session, approved_video__status="ready")
        .select_related("approved_video", "agency")
        .prefetch_related("assets", "approved_video__renditions")
        .order_by("pk")
        .first()
    )
    if presentation is None:
        return None
    video = presentation.approved_video
    renditions = {r.kind: r for r in video.renditions.all()}
    expiry = storage.url_expiry()
    prefix_len = len(f"presentations/{presentation.pk}/{video.pk}/out/")
    audio = renditions.get(Rendition.Kind.AUDIO)
    poster = renditions.get(Rendition.Kind.POSTER)
    return {
        "presentation": presentation,
        "video": video,
        "duration": video.duration_seconds,
        "master_url": playlist_url(video.pk, "master.m3u8", expires_in=expiry),
        "audio_url": playlist_url(video.pk, audio.storage_key[prefix_len:], expires_in=expiry)
        if audio
        else "",
        "poster_url": storage.signed_url(poster.storage_key) if poster else "",
        "captions": _captions(presentation),
        "slides": _slides(presentation),
        "starts_at_ms": int(session.starts_at.timestamp() * 1000),
        "server_now_ms": int(time.time() * 1000),
    }
