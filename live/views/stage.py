"""The stage: the organisers' and presenters' stage page (source, stream keys), nginx's RTMP
callbacks on loopback, and the live HLS files for servers without nginx in front."""

import ipaddress
import logging
import re

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from live import permissions
from live.errors import LiveError
from live.models import Stage
from live.selectors import stage_feeds, stage_read
from live.services.stage import (
    StageRefusedError,
    stage_key_rotate,
    stage_publish_start,
    stage_publish_stop,
    stage_publish_update,
    stage_recording_done,
    stage_set_source,
)
from live.stage import ladder, supervisor
from live.views.common import get_visible_session, session_times, shown_time

log = logging.getLogger(__name__)
_HLS_NAME = re.compile(r"^(master\.m3u8|(v720|v360|vlow|a-[a-z0-9-]+)/(index\.m3u8|seg_\d+\.ts))$")


def _interpretable(session) -> list[tuple[str, str]]:
    return [
        (code, ladder.language_name(code))
        for code in (session.seminar.languages or [])
        if code != session.language
    ]


def _stage_session(request: HttpRequest, slug: str, session_id: int):
    session = get_visible_session(request, slug, session_id)
    if not request.user.is_authenticated:
        return session, redirect_to_login(request.get_full_path())
    if not permissions.can_see_stream_keys(request.user, session):
        raise PermissionDenied
    return session, None


def _status(request: HttpRequest, session) -> dict:
    """The stage's state and each encoder's, for the page and its live status region."""
    stage = stage_read(session=session)
    zone = request.viewer_zone or session.seminar.zone
    feeds = stage_feeds(stage)
    labels = [("", _("Hall (video and sound)"))] + [
        (code, _("Interpretation: %(language)s (sound only)") % {"language": name})
        for code, name in _interpretable(session)
    ]
    encoders = [
        {
            "label": label,
            "streaming": feeds[code].publishing_since is not None,
            "refused": feeds[code].second_encoder_at
            and shown_time(feeds[code].second_encoder_at, zone),
        }
        for code, label in labels
        if code in feeds and settings.LIVE_STAGE_RTMP_URL
    ]
    return {"stage": stage, "feeds": feeds, "encoders": encoders}


@never_cache
def stage_status(request: HttpRequest, slug: str, session_id: int):
    """The stage page's status region alone, fetched again every few seconds."""
    session, login = _stage_session(request, slug, session_id)
    if login is not None:
        return login
    return render(request, "live/_stage_status.html", _status(request, session))


@never_cache
def stage_page(request: HttpRequest, slug: str, session_id: int):
    """What the room shows, and the stream keys (shown once, when made)."""
    session, login = _stage_session(request, slug, session_id)
    if login is not None:
        return login
    new_key, error, status = None, "", 200
    if request.method == "POST":
        try:
            new_key = _post(request, session)
        except LiveError as refused:
            error, status = refused.message, 400
    context = {
        "seminar": session.seminar,
        "session": session,
        **_status(request, session),
        "can_choose": permissions.can_choose_stage(request.user, session),
        "sources": Stage.Source.choices,
        "interpreted_languages": _interpretable(session),
        "rtmp_url": settings.LIVE_STAGE_RTMP_URL,
        "new_key": new_key,
        "error": error,
        "embed_hosts": settings.LIVE_EMBED_HOSTS,
        **session_times(session, request),
    }
    return render(request, "live/stage.html", context, status=status)


def _post(request: HttpRequest, session) -> tuple[str, str] | None:
    if request.POST.get("action") == "rotate":
        language = request.POST.get("language", "")
        return language, stage_key_rotate(session=session, user=request.user, language=language)
    stage_set_source(
        session=session,
        user=request.user,
        source=request.POST.get("source", ""),
        external_url=request.POST.get("external_url", ""),
    )
    return None


def _from_nginx(request: HttpRequest) -> bool:
    """Straight from nginx's RTMP module on loopback: a request proxied by the web server
    (which also comes from loopback) carries X-Forwarded-For and is refused."""
    if "HTTP_X_FORWARDED_FOR" in request.META:
        return False
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(
        address in ipaddress.ip_network(network, strict=False)
        for network in settings.LIVE_STAGE_CALLBACK_NETWORKS
    )


def _callback(view):
    """nginx's RTMP callbacks: POSTed forms from loopback only (anything else is a 403)."""

    @csrf_exempt
    @require_POST
    def checked(request: HttpRequest) -> HttpResponse:
        if not _from_nginx(request):
            return HttpResponse(status=403)
        return view(request)

    return checked


@_callback
def rtmp_publish(request: HttpRequest) -> HttpResponse:
    """``on_publish``: 2xx/3xx lets the encoder publish, 4xx refuses it. The 302's Location
    renames the stream, so that nothing downstream (the transcoder, the recording's file
    name, nginx's logs after this line) carries the key."""
    try:
        name = stage_publish_start(
            key=request.POST.get("name", ""), client_id=request.POST.get("clientid", "")
        )
    except StageRefusedError as refused:
        log.warning("live stage: publish refused from %s: %s", request.POST.get("addr"), refused)
        return HttpResponse(status=403)
    response = HttpResponse(status=302)
    response["Location"] = name
    return response


@_callback
def rtmp_publish_done(request: HttpRequest) -> HttpResponse:
    stage_publish_stop(key=request.POST.get("name", ""), client_id=request.POST.get("clientid", ""))
    return HttpResponse(status=204)


@_callback
def rtmp_update(request: HttpRequest) -> HttpResponse:
    """``on_update``, every ``notify_update_timeout``: a 4xx drops the client (an encoder
    whose feed another encoder has taken over)."""
    alive = stage_publish_update(
        key=request.POST.get("name", ""), client_id=request.POST.get("clientid", "")
    )
    return HttpResponse(status=204 if alive else 403)


@_callback
def rtmp_record_done(request: HttpRequest) -> HttpResponse:
    try:
        stage_recording_done(path=request.POST.get("path", ""))
    except StageRefusedError as refused:
        log.warning("live stage: recording refused: %s", refused)
        return HttpResponse(status=403)
    return HttpResponse(status=204)


def hls_file(request: HttpRequest, session_id: int, name: str):
    """The live HLS files, when no nginx serves LIVE_STAGE_HLS_ROOT at /live-hls/ itself."""
    if not _HLS_NAME.match(name):
        raise Http404
    path = supervisor.hls_folder(session_id) / name
    try:
        handle = path.open("rb")
    except OSError:
        raise Http404 from None
    playlist = name.endswith(".m3u8")
    response = FileResponse(
        handle, content_type="application/vnd.apple.mpegurl" if playlist else "video/mp2t"
    )
    response["Cache-Control"] = "no-cache" if playlist else "public, max-age=60"
    return response
