"""The projector view for the hybrid room and its QR code."""

import io

import segno
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accesskeys import purposes
from live.payloads import stage_payload
from live.selectors import stage_read
from live.services import room_invite_create, room_invites_rotate
from live.views.common import moderator_session_or_login, socket_path
from live.views.strings import client_strings
from seminars.models import Session


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


@never_cache
def projector(request: HttpRequest, slug: str, session_id: int):
    """The big screen in a hybrid room. Moderators and organisers only: its QR code lets
    anyone who sees it ask without an account."""
    session, login = moderator_session_or_login(request, slug, session_id)
    if login:
        return login
    join_url = _join_url(request, session)
    context = {
        "seminar": session.seminar,
        "session": session,
        "qr_svg": _qr_svg(join_url),
        "on_air": stage_payload(stage_read(session=session))["on_air"],
        "join_url": join_url,
        "qr_url": reverse("live:screen_qr", kwargs={"slug": slug, "session_id": session.pk}),
        # Show a fresh invite well before the one on screen expires.
        "qr_refresh_seconds": max(60, int(purposes.ROOM_INVITE.max_age().total_seconds()) // 4),
        "rotate_url": reverse(
            "live:screen_rotate", kwargs={"slug": slug, "session_id": session.pk}
        ),
        "client": {
            "socket": socket_path(session),
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
    session, login = moderator_session_or_login(request, slug, session_id)
    if login:
        return login
    buffer = io.BytesIO()
    join_url = _join_url(request, session)
    _qr(join_url).save(buffer, kind="svg", scale=6, border=2, omitsize=True, title=_qr_title())
    response = HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
    # The screen prints the address the code encodes beneath it (issue 13).
    response["X-Join-URL"] = join_url
    return response


@require_POST
def projector_rotate(request: HttpRequest, slug: str, session_id: int):
    """A new QR code: the invites shown so far (a photo shared outside the room) and the
    phones that joined with them stop working; people in the room scan the new one."""
    session, login = moderator_session_or_login(request, slug, session_id)
    if login:
        return login
    room_invites_rotate(session_id=session.pk)
    messages.success(
        request, gettext("New QR code: earlier codes and the phones that used them are out.")
    )
    return redirect("live:screen", slug=slug, session_id=session.pk)
