"""Helpers shared by the live room's views: lookups, permission gates, times, room codes."""

import zoneinfo
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone

from live import permissions, selectors
from live.errors import LiveError
from live.services import room_token_verify
from scheduling.timezones import utc_offset_label
from seminars.models import Organization, Session
from seminars.views import get_visible_seminar

ROOM_TOKENS_KEY = "live_room_tokens"


def get_visible_session(request: HttpRequest, slug: str, session_id: int) -> Session:
    """The session if its seminar is visible to this user and it belongs there; 404 otherwise
    (drafts stay invisible rather than forbidden, so their existence does not leak)."""
    seminar = get_visible_seminar(request, slug)
    session = selectors.session_of_seminar(seminar=seminar, session_id=session_id)
    if session is None:
        raise Http404
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


def session_agencies(session: Session) -> list[Organization]:
    return selectors.session_agencies(session=session)


def socket_path(session: Session) -> str:
    return f"/ws/sessions/{session.pk}/"


def session_times(session: Session, request: HttpRequest) -> dict:
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


def room_token_of(request: HttpRequest, session: Session) -> str:
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


def moderator_session_or_login(request: HttpRequest, slug: str, session_id: int):
    """(session, None) for a moderator; (None, a redirect to sign in) for an anonymous
    visitor; PermissionDenied for anyone else who can see the seminar."""
    session = get_visible_session(request, slug, session_id)
    if permissions.can_moderate_room(request.user, session):
        return session, None
    if not request.user.is_authenticated:
        return None, redirect_to_login(request.get_full_path())
    raise PermissionDenied
