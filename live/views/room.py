"""The room page, its ask form without JavaScript, and the QR code's join link."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from live import permissions
from live.errors import LiveError
from live.forms import AskForm
from live.payloads import stage_payload
from live.selectors import room_enter, session_with_seminar, stage_read
from live.services import question_ask, room_identity_join
from live.views.common import (
    ROOM_TOKENS_KEY,
    get_visible_session,
    room_token_of,
    session_agencies,
    session_times,
    socket_path,
    url_for,
)
from live.views.strings import client_strings
from seminars.models import Session
from seminars.ratelimit import client_address


def _client_config(request: HttpRequest, session: Session, agencies, token: str) -> dict:
    panel_ids = permissions.presenting_agency_ids(
        request.user, session, [agency.pk for agency in agencies]
    )
    params: dict = {}
    if token:
        params["token"] = token
    elif panel_ids:
        params["agency"] = panel_ids[0]
    connect = bool(token) or request.user.is_authenticated
    return {
        "socket": socket_path(session) if connect else None,
        "params": params,
        "mode": "room",
        "strings": client_strings(),
    }


@never_cache
def live_room(request: HttpRequest, slug: str, session_id: int):
    session = get_visible_session(request, slug, session_id)
    user = request.user
    agencies = session_agencies(session)
    token = "" if user.is_authenticated else room_token_of(request, session)
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
    can_moderate = permissions.can_moderate_room(user, session)
    panel_ids = permissions.panel_agency_ids(user, session, [a.pk for a in agencies])
    panel_agencies = [a for a in agencies if a.pk in panel_ids]
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
        "stage_initial": stage_payload(stage_read(session=session)),
        "stage_url": url_for("live:stage", session)
        if permissions.can_see_stream_keys(user, session, [a.pk for a in agencies])
        else "",
        **session_times(session, request),
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


@never_cache
@require_GET
def room_join(request: HttpRequest, slug: str, session_id: int, token: str):
    """The page the projector's QR code opens on a phone in the room.

    A signed-in person simply goes to the room as themselves. Anyone else gets an in-room
    identity and a short-lived token (kept in this browser's session) that only lets them
    ask and vote in this one session; opening the link again keeps that identity, and a
    client address may mint only so many (HTTP 429 with Retry-After past that).
    """
    session = get_visible_session(request, slug, session_id)
    room_url = reverse("live:room", kwargs={"slug": slug, "session_id": session.pk})
    if request.user.is_authenticated or room_token_of(request, session):
        return redirect(room_url)
    try:
        device, room_token = room_identity_join(invite=token, client=client_address(request))
    except LiveError as error:
        response = render(
            request,
            "live/join_failed.html",
            {"seminar": session.seminar, "session": session, "message": error.message},
            status=429 if error.retry_after else 400,
        )
        if error.retry_after:
            response["Retry-After"] = str(error.retry_after)
        return response
    if device.session_id != session.pk:
        # An invite of another room pasted into this URL: send the phone where it belongs.
        other = session_with_seminar(session_id=device.session_id)
        session = other
        room_url = reverse("live:room", kwargs={"slug": other.seminar.slug, "session_id": other.pk})
    tokens = request.session.get(ROOM_TOKENS_KEY, {})
    tokens[str(session.pk)] = room_token
    request.session[ROOM_TOKENS_KEY] = tokens
    return redirect(room_url)
