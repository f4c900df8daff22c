"""Private media behind signatures, processing status, review actions, watch beacons."""

import mimetypes
import posixpath
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseForbidden,
    HttpResponseRedirect,
    JsonResponse,
    StreamingHttpResponse,
)
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from config import edge
from media_library import permissions, selectors, storage
from media_library.models import MediaAsset
from media_library.services import processing, review, watch
from media_library.services.engagement import engagement_report
from media_library.views._common import error_response, json_body
from seminars.downloads import content_disposition, safe_filename

PLAYLIST_MAX_BYTES = 2 * 1024 * 1024
# An EXT-X-MEDIA line's playlist (media_library/services/processing.py writes them).
_MEDIA_URI = re.compile(r'URI="(?P<uri>[^"]+\.m3u8)"')


@require_GET
def signed_file(request, token: str):
    """A private object for whoever holds an unexpired signed token (local storage, and
    small proxied files such as captions on S3)."""
    try:
        payload = storage.token_verify(token)
    except storage.SignatureError:
        return HttpResponseForbidden("This link is invalid or has expired.")
    key = payload["k"]
    content_type = mimetypes.guess_type(key)[0] or "application/octet-stream"
    if key.endswith(".vtt"):
        content_type = "text/vtt; charset=utf-8"
    try:
        size = storage.object_size(key)
    except (FileNotFoundError, OSError) as error:
        raise Http404 from error
    response = StreamingHttpResponse(storage.iter_object(key), content_type=content_type)
    response["Content-Length"] = str(size)
    response["Cache-Control"] = "private, max-age=300"
    if payload.get("d"):
        # Built here from the token, never stored as a header: tokens signed before names
        # were sanitised still yield a header that cannot be split.
        response["Content-Disposition"] = content_disposition(str(payload["d"]))
    return response


@require_GET
def playlist(request, token: str):
    """An HLS playlist with every URI replaced by a signed one (variants → this view,
    segments → storage), so that a private bucket can serve HLS."""
    try:
        payload = selectors.playlist_token_verify(token)
    except storage.SignatureError:
        return HttpResponseForbidden("This link is invalid or has expired.")
    asset = selectors.asset_or_404(asset_id=payload["a"])
    prefix = processing.asset_output_prefix(asset)
    relative = posixpath.normpath(payload["p"])
    try:
        text = storage.read_small(prefix + relative, limit=PLAYLIST_MAX_BYTES).decode()
    except (FileNotFoundError, OSError, ValueError) as error:
        raise Http404 from error
    expires_in = storage.url_expiry() + int(asset.duration_seconds)
    folder = posixpath.dirname(relative)
    lines = []
    for line in text.splitlines():
        if line.startswith("#EXT-X-MEDIA:"):  # an audio language's own playlist
            line = _MEDIA_URI.sub(
                lambda found: 'URI="{}"'.format(
                    selectors.playlist_url(
                        asset.pk,
                        posixpath.normpath(posixpath.join(folder, found["uri"])),
                        expires_in=expires_in,
                    )
                ),
                line,
            )
        elif line and not line.startswith("#"):
            target = posixpath.normpath(posixpath.join(folder, line))
            if target.endswith(".m3u8"):
                line = selectors.playlist_url(asset.pk, target, expires_in=expires_in)
            else:
                line = storage.signed_url(prefix + target, expires_in=expires_in)
                line = request.build_absolute_uri(line) if line.startswith("/") else line
        lines.append(line)
    response = HttpResponse("\n".join(lines) + "\n", content_type="application/vnd.apple.mpegurl")
    response["Cache-Control"] = "private, no-store"
    return response


def _editable_asset(request, pk: int) -> MediaAsset:
    asset = selectors.asset_with_seminar_or_404(asset_id=pk)
    if not permissions.can_edit_presentation(request.user, asset.presentation):
        raise Http404
    return asset


@never_cache
@login_required
@require_GET
def asset_status(request, pk: int):
    asset = _editable_asset(request, pk)
    if processing.asset_is_abandoned(asset):
        processing.asset_recover_abandoned()
        asset.refresh_from_db()
    return JsonResponse(
        {
            "asset_id": asset.pk,
            "status": asset.status,
            "status_label": asset.get_status_display(),
            "progress": asset.progress,
            "failure_reason": asset.failure_reason,
            "review": asset.review,
            "retryable": asset.status == MediaAsset.Status.FAILED
            and asset.kind == MediaAsset.Kind.VIDEO,
        }
    )


def _redirect_back(request, asset: MediaAsset):
    """Back to the page the form was on (same site only), else the session's media page."""
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        session = asset.presentation.session
        target = reverse(
            "media_library_seminar:session_media",
            kwargs={"slug": session.seminar.slug, "session_id": session.pk},
        )
    return HttpResponseRedirect(target)


@login_required
@require_POST
def asset_retry(request, pk: int):
    asset = _editable_asset(request, pk)
    try:
        processing.asset_retry(asset=asset, user=request.user)
    except (ValidationError, PermissionDenied) as error:
        return error_response(error)
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse({"asset_id": asset.pk, "status": "queued"})
    return _redirect_back(request, asset)


@login_required
@require_POST
def asset_review(request, pk: int, decision: str):
    asset = _editable_asset(request, pk)
    action = review.asset_approve if decision == "approve" else review.asset_reject
    try:
        action(asset=asset, user=request.user)
    except (ValidationError, PermissionDenied) as error:
        return error_response(error)
    done = _("approved") if decision == "approve" else _("rejected")
    messages.success(
        request,
        _("“%(title)s”, version %(version)s: %(done)s.")
        % {
            "title": asset.title or asset.get_kind_display(),
            "version": asset.version,
            "done": done,
        },
    )
    return _redirect_back(request, asset)


@require_GET
def slides_download(request, pk: int):
    """Slides for whoever may see them; counts as a lead signal for signed-in viewers."""
    asset = selectors.asset_with_seminar_or_404(asset_id=pk, kind=MediaAsset.Kind.SLIDES)
    if not permissions.can_see_asset(request.user, asset):
        raise Http404
    if request.user.is_authenticated:
        engagement_report(user=request.user, presentation=asset.presentation, kind="slides")
    name = safe_filename(f"{asset.title or 'slides'}.pdf", default="slides.pdf")
    return HttpResponseRedirect(storage.signed_url(asset.storage_key, download_as=name))


@require_POST
def watch_beacon(request):
    """Seconds watched since the last beacon (signed-in viewers only; others get 204)."""
    if not request.user.is_authenticated:
        return HttpResponse(status=204)
    try:
        data = json_body(request)
        presentation = selectors.presentation_with_video_or_404(
            presentation_id=edge.json_int(data, "presentation")
        )
        if presentation.approved_video is None or not permissions.can_see_asset(
            request.user, presentation.approved_video
        ):
            raise Http404
        row = watch.watch_time_record(
            user=request.user,
            presentation=presentation,
            seconds=edge.json_int(data, "seconds", default=0),
            position=edge.json_int(data, "position", default=0),
        )
    except (ValidationError, Http404, edge.BadInput) as error:
        return error_response(error)
    return JsonResponse({"seconds_watched": row.seconds_watched, "share": row.share_watched})
