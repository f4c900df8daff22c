"""The .ics of one meeting (RFC 5546 iTIP): ``METHOD:REQUEST`` while it stands, ``METHOD:CANCEL``
once cancelled; one UID for its life (``meeting-<pk>@<SITE_URL host>``) and ``SEQUENCE`` =
``Meeting.sequence``, raised by every change, so calendar apps update the same event."""

from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

from meetings.models import Meeting

PRODID = "-//OpenIPS//Meetings 1.0//EN"


def meeting_uid(meeting: Meeting) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "openips.localhost"
    return f"meeting-{meeting.pk}@{host}"


def meeting_summary(meeting: Meeting) -> str:
    return _("Meeting: %(company)s and %(agency)s") % {
        "company": meeting.registration.company.legal_name
        if meeting.registration.company
        else meeting.registration.person.full_name,
        "agency": meeting.officer.agency.acronym or meeting.officer.agency.name,
    }


def meeting_location(meeting: Meeting) -> str:
    if meeting.mode == Meeting.Mode.IN_PERSON:
        venue = meeting.seminar.venue_name
        return _("Table %(table)s, %(venue)s") % {"table": meeting.table_number, "venue": venue}
    return meeting.officer.meeting_link


def meeting_event(meeting: Meeting) -> Event:
    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("dtstamp", timezone.now().replace(microsecond=0))
    event.add("sequence", meeting.sequence)
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.ends_at)
    event.add("summary", meeting_summary(meeting))
    location = meeting_location(meeting)
    if location:
        event.add("location", location)
    organizer = vCalAddress(f"mailto:{meeting.officer.email}")
    organizer.params["cn"] = vText(meeting.officer.display_name)
    event.add("organizer", organizer)
    attendee = vCalAddress(f"mailto:{meeting.registration.person.email}")
    attendee.params["cn"] = vText(meeting.registration.person.full_name)
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    event.add("attendee", attendee)
    cancelled = meeting.status == Meeting.Status.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def meeting_ics(meeting: Meeting) -> bytes:
    """The invitation or cancellation for both sides. No side effects."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    cancelled = meeting.status == Meeting.Status.CANCELLED
    calendar.add("method", "CANCEL" if cancelled else "REQUEST")
    calendar.add_component(meeting_event(meeting))
    return calendar.to_ical()


def registration_meeting_events(registration) -> list[Event]:
    """The vendor's meetings for the personal calendar feed (cancelled ones as CANCELLED, so
    subscribed calendars drop them); none once the registration is no longer active."""
    from meetings.selectors import vendor_meetings

    if not registration.is_active:
        return []
    return [meeting_event(m) for m in vendor_meetings(registration)]


def officer_meeting_events(officer) -> list[Event]:
    """The officer's own meetings for their personal feed: the same events (UID, SEQUENCE,
    STATUS) as the emailed .ics, so a calendar holding both keeps one copy."""
    from meetings.selectors import officer_calendar_meetings

    return [meeting_event(m) for m in officer_calendar_meetings(officer)]
