"""The officer's personal calendar feed link: a token of accesskeys (purpose
``meetings.officer_calendar``) naming the officer; this module builds the URL and says when
the link ends. It opens the feed only: never a page, never a session."""

from datetime import datetime, time, timedelta

from django.urls import reverse

from accesskeys import purposes, tokens
from meetings.models import Officer

# As the vendor's feed (registration.links.CALENDAR_GRACE): a month after the seminar there
# is nothing left to update, so the feed stops answering.
CALENDAR_GRACE = timedelta(days=30)


def officer_calendar_ends_at(officer_id) -> datetime | None:
    officer = Officer.objects.filter(pk=officer_id).select_related("seminar").first()
    if officer is None:
        return None
    seminar = officer.seminar
    end = datetime.combine(seminar.ends_on + timedelta(days=1), time.min, tzinfo=seminar.zone)
    return end + CALENDAR_GRACE


def officer_calendar_url(officer: Officer, *, slug: str, request) -> str:
    """The feed's https URL on the host the officer used (``slug``: the officer's seminar)."""
    token = tokens.issue(purposes.OFFICER_CALENDAR, subject=officer.pk)
    path = reverse("meetings:officer_calendar", kwargs={"slug": slug, "token": token})
    return request.build_absolute_uri(path)
