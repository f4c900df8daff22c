"""The officer's personal calendar feed (a secret link, read-only, never a sign-in) and the
officer's reset of that link."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accesskeys import purposes
from meetings import selectors
from meetings.services.feeds import officer_calendar_link_reset
from meetings.views.common import officer_view


def officer_calendar(request, slug: str, token: str):
    """Anyone holding the link reads the feed; the request's session is neither read nor
    started (the token opens this feed only)."""
    from meetings.ics import officer_meeting_events
    from scheduling.calendar import calendar_for_sessions, feed_key

    gone = _(
        "This calendar link has expired or was replaced. Subscribe again from your meetings page."
    )
    key, stopped = feed_key(purposes.OFFICER_CALENDAR, token, gone=gone)
    if stopped is not None:
        return stopped
    officer = selectors.officer_for_calendar_or_404(officer_id=key.subject, slug=slug)
    # The officer's language, as their emails, whoever fetches the feed.
    with translation.override(officer.preferred_language):
        body = calendar_for_sessions(
            seminar=officer.seminar,
            sessions=[],
            calendar_name=_("My meetings · %(seminar)s") % {"seminar": officer.seminar.title},
            request=request,
            extra_events=officer_meeting_events(officer),
        )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response


@require_POST
@officer_view
def calendar_reset(request, seminar, programme, officer):
    officer_calendar_link_reset(officer=officer)
    messages.success(
        request,
        _("Your earlier calendar link no longer works. Subscribe again with the new one."),
    )
    return redirect("meetings:inbox", slug=seminar.slug)
