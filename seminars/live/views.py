"""HTTP side of the live room: the room page, the projector view, the in-room join link,
exports and the published FAQ. Every view checks permissions itself; the socket consumer
checks them again for every frame (docs/websocket-protocol.md)."""

import io
import zoneinfo
from dataclasses import dataclass
from datetime import datetime

import segno
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from scheduling.timezones import utc_offset_label
from seminars import permissions
from seminars.live import conf, exports
from seminars.live.errors import LiveError
from seminars.live.forms import AskForm
from seminars.live.selectors import room_enter
from seminars.live.services import (
    question_ask,
    room_device_join,
    room_invite_create,
    room_token_verify,
    session_set_faq_published,
)
from seminars.models import Organization, Session
from seminars.views import get_visible_seminar

ROOM_TOKENS_KEY = "live_room_tokens"


def client_strings() -> dict[str, str]:
    """Every sentence room.js and screen.js show, translated here (no JavaScript catalogue)."""
    return {
        "connecting": gettext("Connecting to the room…"),
        "connected": gettext("Connected: questions update live."),
        "reconnecting": gettext("Connection lost. Reconnecting in %(seconds)s s…"),
        "offline": gettext("You are offline. The room reconnects when the network is back."),
        "signIn": gettext("Sign in to follow the questions live."),
        "closed4401": gettext(
            "Your room code has expired or is not valid. Scan the QR code in the room again, "
            "or sign in."
        ),
        "closed4403": gettext("You may not take part in this room."),
        "closed4404": gettext("This session no longer exists."),
        "closed4429": gettext(
            "You have this room open in too many tabs or devices. Close one and reload."
        ),
        "startsIn": gettext("Starts in %(time)s"),
        "started": gettext("The session has started."),
        "ended": gettext("The session has ended."),
        "votes": gettext("%(count)s votes"),
        "oneVote": gettext("1 vote"),
        "vote": gettext("Upvote"),
        "voted": gettext("Withdraw vote"),
        "anonymous": gettext("Name hidden"),
        "guest": gettext("Guest in the room"),
        "you": gettext("You"),
        "to": gettext("To %(agency)s"),
        "general": gettext("To all presenters"),
        "pinned": gettext("Pinned"),
        "answeredLive": gettext("Answered live"),
        "nameHidden": gettext("(name hidden from the audience)"),
        "states": {
            "pending": gettext("Waiting for a moderator"),
            "approved": "",
            "highlighted": gettext("On screen now"),
            "answered": gettext("Answered"),
            "dismissed": gettext("Dismissed"),
        },
        "sentPending": gettext("Thank you. Your question waits for a moderator."),
        "sentOpen": gettext("Thank you. Your question is on the list."),
        "sending": gettext("Sending…"),
        "notConnected": gettext("Not connected. Your question was not sent; try again shortly."),
        "muted": gettext(
            "A moderator has muted you in this session: you can still watch and read, "
            "but not ask or vote."
        ),
        "moderated": gettext("Questions wait for a moderator."),
        "open": gettext("Questions appear as soon as they are asked."),
        "presence": gettext("People here: %(count)s"),
        "mergeChoose": gettext("Choose a question"),
        "mutedPerson": gettext("%(name)s is muted."),
        "unmutedPerson": gettext("%(name)s may ask again."),
        "unmute": gettext("Unmute this person"),
        "screenEmpty": gettext("Ask your questions: scan the code or open the room on your phone."),
        "tooLong": gettext(
            "Your question has %(count)s characters; at most 500 are allowed. Please shorten it."
        ),
    }


def get_visible_session(request: HttpRequest, slug: str, session_id: int) -> Session:
    """The session if its seminar is visible to this user and it belongs there; 404 otherwise
    (drafts stay invisible rather than forbidden, so their existence does not leak)."""
    seminar = get_visible_seminar(request, slug)
    session = get_object_or_404(Session, pk=session_id, seminar=seminar)
    session.seminar = seminar
    return session


@dataclass(frozen=True)
class ShownTime:
    """A moment in one named zone, for templates that must always name the zone."""

    moment: datetime
    zone_name: str

    @property
    def offset(self) -> str:
        return utc_offset_label(self.moment)


def shown_time(moment: datetime, zone: zoneinfo.ZoneInfo) -> ShownTime:
    return ShownTime(moment.astimezone(zone), zone.key)


def url_for(name: str, session: Session) -> str:
    return reverse(name, kwargs={"slug": session.seminar.slug, "session_id": session.pk})


def _session_agencies(session: Session) -> list[Organization]:
    return list(session.agencies.order_by("acronym", "name", "pk"))


def _socket_path(session: Session) -> str:
    return f"/ws/sessions/{session.pk}/"


def _times(session: Session, request: HttpRequest) -> dict:
    zone = request.viewer_zone or session.seminar.zone
    now = timezone.now()
    return {
        "starts": shown_time(session.starts_at, zone),
        "ends": shown_time(session.ends_at, zone),
        "seminar_starts": shown_time(session.starts_at, session.seminar.zone),
        "zones_differ": zone.key != session.seminar.time_zone,
        "not_started": now < session.starts_at,
        "has_ended": now >= session.ends_at,
    }


def _room_token(request: HttpRequest, session: Session) -> str:
    """The in-room token this browser got from the projector's QR code, if still valid.

    An expired or foreign token is dropped so the page offers to sign in instead.
    """
    tokens = request.session.get(ROOM_TOKENS_KEY, {})
    token = tokens.get(str(session.pk), "")
    if not token:
        return ""
    try:
        room_token_verify(token=token, session_id=session.pk)
    except LiveError:
        tokens.pop(str(session.pk), None)
        request.session[ROOM_TOKENS_KEY] = tokens
        return ""
    return token


def _client_config(request: HttpRequest, session: Session, agencies, token: str) -> dict:
    panel_ids = sorted(
        permissions.presenter_agency_ids(request.user, session.seminar)
        & {agency.pk for agency in agencies}
    )
    params: dict = {}
    if token:
        params["token"] = token
    elif panel_ids:
        params["agency"] = panel_ids[0]
    connect = bool(token) or request.user.is_authenticated
    return {
        "socket": _socket_path(session) if connect else None,
        "params": params,
        "mode": "room",
        "strings": client_strings(),
    }


@never_cache
def live_room(request: HttpRequest, slug: str, session_id: int):
    session = get_visible_session(request, slug, session_id)
    user = request.user
    agencies = _session_agencies(session)
    token = "" if user.is_authenticated else _room_token(request, session)
    can_ask = user.is_authenticated or bool(token)
    form = AskForm(session=session, agencies=agencies) if can_ask else None
    status = 200
    if request.method == "POST":
        if not can_ask:
            return redirect_to_login(request.get_full_path())
        form = AskForm(request.POST, session=session, agencies=agencies)
        if _ask_without_javascript(request, session, form, token):
            return redirect(url_for("live:room", session))
        status = 400
    can_moderate = permissions.can_moderate_session(user, session)
    own_agency_ids = permissions.presenter_agency_ids(user, session.seminar)
    # A moderator already sees every question in full; the agency panel is for presenters.
    panel_agencies = [] if can_moderate else [a for a in agencies if a.pk in own_agency_ids]
    context = {
        "seminar": session.seminar,
        "session": session,
        "agencies": agencies,
        "is_guest": bool(token),
        "can_moderate": can_moderate,
        "panel_agencies": panel_agencies[:1],
        "form": form,
        "client": _client_config(request, session, agencies, token),
        "faq_url": url_for("live:faq", session) if session.faq_published else "",
        "faq_publish_url": url_for("live:faq_publish", session) if can_moderate else "",
        **_times(session, request),
    }
    return render(request, "live/room.html", context, status=status)


def _ask_without_javascript(
    request: HttpRequest, session: Session, form: AskForm, token: str
) -> bool:
    """The ask form posted by a browser without JavaScript (old phones, scripts blocked):
    the same service as the socket, so the same checks, limits and broadcast. True when
    the question was stored; otherwise the form carries the reason and keeps the text."""
    if not form.is_valid():
        return False
    agency = form.cleaned_data.get("agency")
    try:
        room, viewer = room_enter(session_id=session.pk, user=request.user, token=token or None)
        question_ask(
            room=room,
            viewer=viewer,
            text=form.cleaned_data["text"],
            agency_id=agency.pk if agency else None,
            language=form.cleaned_data["language"],
            hide_name=form.cleaned_data["anonymous"],
        )
    except LiveError as error:
        form.add_error("text" if error.field in (None, "text") else None, error.message)
        return False
    if session.qa_moderated:
        messages.success(request, gettext("Thank you. Your question waits for a moderator."))
    else:
        messages.success(request, gettext("Thank you. Your question is on the list."))
    return True


def _join_url(request: HttpRequest, session: Session) -> str:
    invite = room_invite_create(session_id=session.pk)
    return request.build_absolute_uri(
        reverse(
            "live:join",
            kwargs={"slug": session.seminar.slug, "session_id": session.pk, "token": invite},
        )
    )


def _qr(url: str):
    return segno.make(url, error="m")


def _qr_title() -> str:
    return gettext("QR code: ask questions from your phone")


def _qr_svg(url: str) -> str:
    """Inline SVG (no request for an image on a slow venue network), named for screen readers."""
    svg = _qr(url).svg_inline(scale=6, border=2, omitsize=True, title=_qr_title())
    return svg.replace("<svg ", f'<svg role="img" aria-label="{escape(_qr_title())}" ', 1)


def _moderator_session_or_login(request: HttpRequest, slug: str, session_id: int):
    """(session, None) for a moderator; (None, a redirect to sign in) for an anonymous
    visitor; PermissionDenied for anyone else who can see the seminar."""
    session = get_visible_session(request, slug, session_id)
    if permissions.can_moderate_session(request.user, session):
        return session, None
    if not request.user.is_authenticated:
        return None, redirect_to_login(request.get_full_path())
    raise PermissionDenied


@never_cache
def projector(request: HttpRequest, slug: str, session_id: int):
    """The big screen in a hybrid room. Moderators and organisers only: its QR code lets
    anyone who sees it ask without an account."""
    session, login = _moderator_session_or_login(request, slug, session_id)
    if login:
        return login
    join_url = _join_url(request, session)
    context = {
        "seminar": session.seminar,
        "session": session,
        "qr_svg": _qr_svg(join_url),
        "join_url": join_url,
        "qr_url": reverse("live:screen_qr", kwargs={"slug": slug, "session_id": session.pk}),
        # Show a fresh invite well before the one on screen expires.
        "qr_refresh_seconds": max(60, conf.get("LIVE_ROOM_TOKEN_MAX_AGE") // 4),
        "room_url": request.build_absolute_uri(
            reverse("live:room", kwargs={"slug": slug, "session_id": session.pk})
        ),
        "client": {
            "socket": _socket_path(session),
            # Attendee rights: the screen must never receive pending questions or names
            # of askers who hid them.
            "params": {"view": "attendee"},
            "mode": "screen",
            "strings": client_strings(),
        },
    }
    return render(request, "live/screen.html", context)


@never_cache
@require_GET
def projector_qr(request: HttpRequest, slug: str, session_id: int):
    """A fresh QR code (SVG) for the projector, which swaps it in before the invite expires."""
    session, login = _moderator_session_or_login(request, slug, session_id)
    if login:
        return login
    buffer = io.BytesIO()
    _qr(_join_url(request, session)).save(
        buffer, kind="svg", scale=6, border=2, omitsize=True, title=_qr_title()
    )
    return HttpResponse(buffer.getvalue(), content_type="image/svg+xml")


@never_cache
@require_GET
def room_join(request: HttpRequest, slug: str, session_id: int, token: str):
    """The page the projector's QR code opens on a phone in the room.

    A signed-in person simply goes to the room as themselves. Anyone else gets an in-room
    identity and a short-lived token (kept in this browser's session) that only lets them
    ask and vote in this one session.
    """
    session = get_visible_session(request, slug, session_id)
    room_url = reverse("live:room", kwargs={"slug": slug, "session_id": session.pk})
    if request.user.is_authenticated or _room_token(request, session):
        return redirect(room_url)
    try:
        device, room_token = room_device_join(invite=token)
    except LiveError as error:
        return render(
            request,
            "live/join_failed.html",
            {"seminar": session.seminar, "session": session, "message": error.message},
            status=400,
        )
    if device.session_id != session.pk:
        # An invite of another room pasted into this URL: send the phone where it belongs.
        other = Session.objects.select_related("seminar").get(pk=device.session_id)
        session = other
        room_url = reverse("live:room", kwargs={"slug": other.seminar.slug, "session_id": other.pk})
    tokens = request.session.get(ROOM_TOKENS_KEY, {})
    tokens[str(session.pk)] = room_token
    request.session[ROOM_TOKENS_KEY] = tokens
    return redirect(room_url)


def _export(request: HttpRequest, slug: str, session_id: int, *, fmt: str):
    session = get_visible_session(request, slug, session_id)
    scope = exports.export_scope(user=request.user, session=session)
    if scope is None:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise PermissionDenied
    rows = exports.question_rows(session=session, scope=scope)
    filename = f"{session.seminar.slug}-session-{session.pk}-questions"
    if fmt == "csv":
        response = HttpResponse(exports.as_csv(rows), content_type="text/csv; charset=utf-8")
        filename += ".csv"
    else:
        response = HttpResponse(exports.as_xlsx(rows), content_type=exports.XLSX_CONTENT_TYPE)
        filename += ".xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def export_csv(request: HttpRequest, slug: str, session_id: int):
    return _export(request, slug, session_id, fmt="csv")


@require_GET
def export_xlsx(request: HttpRequest, slug: str, session_id: int):
    return _export(request, slug, session_id, fmt="xlsx")


def faq(request: HttpRequest, slug: str, session_id: int):
    """Answered questions of a session as an anonymised FAQ: no names, no votes, no
    dismissed or pending questions. Shown only once an organiser or moderator publishes it
    (``Session.faq_published``)."""
    session = get_visible_session(request, slug, session_id)
    if not session.faq_published:
        raise Http404
    return render(
        request,
        "live/faq.html",
        {
            "seminar": session.seminar,
            "session": session,
            "questions": exports.faq_questions(session=session),
        },
    )


@require_POST
def faq_publish(request: HttpRequest, slug: str, session_id: int):
    """Show or hide the session's FAQ (moderators and organisers; the service checks again)."""
    session, login = _moderator_session_or_login(request, slug, session_id)
    if login:
        return login
    published = request.POST.get("publish") == "1"
    session_set_faq_published(session=session, user=request.user, published=published)
    if published:
        messages.success(request, gettext("The answered questions are published as an FAQ."))
    else:
        messages.success(request, gettext("The FAQ is no longer shown."))
    return redirect(url_for("live:room", session) + "#moderation")
