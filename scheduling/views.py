"""Calendar feeds: the seminar's agenda and single sessions as iCalendar files."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from scheduling.calendar import calendar_for_sessions
from seminars import selectors

CALENDAR_CONTENT_TYPE = "text/calendar; charset=utf-8"


def _ics_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=CALENDAR_CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    # Feeds change when the agenda does; let clients and proxies keep them a little while.
    response["Cache-Control"] = "public, max-age=900"
    return response


@require_GET
def seminar_calendar(request, slug: str):
    seminar = selectors.seminar_visible_or_404(user=request.user, slug=slug)
    body = calendar_for_sessions(
        seminar=seminar,
        sessions=selectors.seminar_sessions(seminar),
        calendar_name=seminar.title,
        request=request,
    )
    return _ics_response(body, f"{seminar.slug}.ics")


@require_GET
def session_calendar(request, slug: str, session_id: int):
    seminar = selectors.seminar_visible_or_404(user=request.user, slug=slug)
    session = get_object_or_404(selectors.seminar_sessions(seminar), pk=session_id)
    body = calendar_for_sessions(
        seminar=seminar,
        sessions=[session],
        calendar_name=_("%(session)s · %(seminar)s")
        % {"session": session.title, "seminar": seminar.title},
        request=request,
    )
    return _ics_response(body, f"{seminar.slug}-session-{session.pk}.ics")
