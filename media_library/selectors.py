"""Reads of the media library: a session's presentations, the review queue, what the player
needs. Who may see what is media_library/permissions.py."""

import time

from django.conf import settings
from django.core import signing
from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from media_library import permissions, storage
from media_library.models import MediaAsset, Presentation, Rendition, UploadSession
from seminars.models import Organization, Seminar, Session

_PLAYLIST_SALT = "media_library.playlist"


# --- one object by its id, as a view needs it (Http404 when there is none) ---


def session_with_seminar_or_404(*, session_id: int, slug: str | None = None) -> Session:
    """A session with its seminar; with ``slug``, only if it belongs to that seminar."""
    sessions = Session.objects.select_related("seminar")
    if slug is not None:
        sessions = sessions.filter(seminar__slug=slug)
    return get_object_or_404(sessions, pk=session_id)


def seminar_or_404(*, slug: str) -> Seminar:
    return get_object_or_404(Seminar, slug=slug)


def session_agencies(session: Session) -> list[Organization]:
    """The agencies presenting a session."""
    return list(session.agencies.all())


def asset_or_404(*, asset_id: int) -> MediaAsset:
    return get_object_or_404(MediaAsset, pk=asset_id)


def asset_with_seminar_or_404(*, asset_id: int, kind: str | None = None) -> MediaAsset:
    """A version with its presentation, session and seminar (for the permission check)."""
    assets = MediaAsset.objects.select_related("presentation__session__seminar")
    if kind is not None:
        assets = assets.filter(kind=kind)
    return get_object_or_404(assets, pk=asset_id)


def presentation_with_video_or_404(*, presentation_id: int) -> Presentation:
    return get_object_or_404(
        Presentation.objects.select_related("session__seminar", "approved_video"),
        pk=presentation_id,
    )


def upload_or_404(*, upload_id: int) -> UploadSession:
    """An upload with what its permission check reads (presentation, agency, seminar)."""
    return get_object_or_404(
        UploadSession.objects.select_related(
            "asset__presentation__session__seminar", "asset__presentation__agency"
        ),
        pk=upload_id,
    )


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


# What each file of a presentation stands at, in words; the presentation's own status stays
# the review rule's summary ("Submitted for review" while anything waits), which alone would
# hide that the video is approved and live. One sentence per kind, so that every language can
# agree its words with the kind (French "Vidéo approuvée", "Sous-titres approuvés").
_STATE_TEXT = {
    MediaAsset.Kind.VIDEO: {
        "approved": _("Video approved and live"),
        "approved_pending": _("Video approved and live; a new version is waiting for review"),
        "pending": _("Video waiting for review"),
        "processing": _("Video being processed, then waiting for review"),
        "rejected": _("Video not approved"),
    },
    MediaAsset.Kind.SLIDES: {
        "approved": _("Slides (%(language)s) approved"),
        "approved_pending": _(
            "Slides (%(language)s) approved; a new version is waiting for review"
        ),
        "pending": _("Slides (%(language)s) received, waiting for review"),
        "rejected": _("Slides (%(language)s) not approved"),
    },
    MediaAsset.Kind.CAPTIONS: {
        "approved": _("Captions (%(language)s) approved"),
        "approved_pending": _(
            "Captions (%(language)s) approved; a new version is waiting for review"
        ),
        "pending": _("Captions (%(language)s) received, waiting for review"),
        "rejected": _("Captions (%(language)s) not approved"),
    },
}


def _slot_state(kind: str, language: str, versions: list[MediaAsset]) -> str | None:
    """One slot's state in words, from its versions (newest first); None while nothing of it
    has arrived yet (an upload in flight, or only failed processing, which the table shows)."""
    arrived = [
        v
        for v in versions
        if v.status not in (MediaAsset.Status.UPLOADING, MediaAsset.Status.FAILED)
    ]
    approved = next((v for v in arrived if v.review == MediaAsset.Review.APPROVED), None)
    pending = next((v for v in arrived if v.review == MediaAsset.Review.PENDING), None)
    if approved and pending and pending.version > approved.version:
        key = "approved_pending"
    elif approved:
        key = "approved"
    elif pending and pending.status != MediaAsset.Status.READY:
        key = "processing"
    elif pending:
        key = "pending"
    elif any(v.review == MediaAsset.Review.REJECTED for v in arrived):
        key = "rejected"
    else:
        return None
    name = dict(settings.LANGUAGES).get(language, language)
    texts = _STATE_TEXT[MediaAsset.Kind(kind)]
    return str(texts.get(key, texts["pending"])) % {"language": name}


def presentation_file_states(presentation: Presentation) -> list[str]:
    """What is true of each file of a presentation (video, then slides and captions per
    language), e.g. "Video approved and live", "Captions (French) received, waiting for
    review". Uses the prefetched ``assets`` (session_presentations_for)."""
    slots: dict[tuple[str, str], list[MediaAsset]] = {}
    for asset in presentation.assets.all():
        key = (asset.kind, asset.language)  # a slot, as the approval rule counts them
        slots.setdefault(key, []).append(asset)
    order = list(MediaAsset.Kind.values)
    states = []
    for (kind, language), versions in sorted(slots.items(), key=lambda i: order.index(i[0][0])):
        versions.sort(key=lambda v: -v.version)
        state = _slot_state(kind, language, versions)
        if state:
            states.append(state)
    return states


def asset_slot_state(asset: MediaAsset) -> str | None:
    """The words for the slot ``asset`` belongs to, as presentation_file_states says them."""
    versions = list(
        MediaAsset.objects.filter(
            presentation_id=asset.presentation_id, kind=asset.kind, language=asset.language
        ).order_by("-version")
    )
    return _slot_state(asset.kind, asset.language, versions)


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
    video = presentation.approved_video if presentation is not None else None
    if presentation is None or video is None:  # the filter above makes the second impossible
        return None
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
