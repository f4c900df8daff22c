"""iCalendar (RFC 5545) files for seminars, sessions and personal schedules.

One function builds every calendar OpenIPS serves or mails: the seminar feed, the file for one
session, and (in registration) a vendor's personal feed and invitations. Events carry:

- ``UID`` ``session-<pk>@<site host>``: stable for the life of the session, whatever host the
  request came through, so a re-imported or refreshed feed updates the event instead of
  duplicating it;
- ``SEQUENCE`` = ``Session.sequence``, which ``seminars.services.session_save`` raises on every
  change to the time or title, so calendar apps replace their copy;
- ``DTSTART``/``DTEND`` with ``TZID`` = the seminar's IANA zone and a matching ``VTIMEZONE``
  generated from the zone database for the years the sessions span.

``Calendar.to_ical()`` writes CRLF line endings and folds lines at 75 octets.
"""

import zoneinfo
from collections.abc import Iterable
from datetime import date, timedelta
from functools import lru_cache
from urllib.parse import urlsplit

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, Timezone, vDuration

from accesskeys import tokens
from seminars.models import Seminar, Session

PRODID = "-//OpenIPS//Seminar calendar 1.0//EN"
# Subscribed feeds are re-fetched about this often (Apple and Outlook honour one of the two).
REFRESH_INTERVAL = timedelta(hours=6)


def site_base_url(request: HttpRequest | None = None) -> str:
    """``https://host`` without a trailing slash: the request's when given, else SITE_URL."""
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    return settings.SITE_URL.rstrip("/")


def session_uid(session: Session) -> str:
    """The event UID. Built from SITE_URL, never the request, so that it never changes."""
    host = urlsplit(settings.SITE_URL).hostname or "openips.localhost"
    return f"session-{session.pk}@{host}"


def webcal_url(https_url: str) -> str:
    """The ``webcal://`` form of an http(s) URL, which asks the calendar app to subscribe."""
    return "webcal://" + https_url.split("://", 1)[-1]


def event_location(seminar: Seminar, *, live_url: str) -> str:
    """The venue for hybrid and in-person seminars, the online room for virtual ones."""
    if seminar.format != Seminar.Format.VIRTUAL and seminar.venue_name:
        parts = [seminar.venue_name, " ".join(seminar.venue_address.split())]
        return ", ".join(part for part in parts if part)
    return live_url


def live_room_url(session: Session, *, seminar: Seminar, base_url: str) -> str:
    """Where an online attendee joins this session: the seminar's own online room when the
    organiser names one (another platform), else the session's OpenIPS live room."""
    if seminar.online_room_url:
        return seminar.online_room_url
    return base_url + reverse("live:room", kwargs={"slug": seminar.slug, "session_id": session.pk})


def event_description(session: Session, *, seminar: Seminar, url: str, live_url: str) -> str:
    """Plain text: abstract, presenting agencies, how to attend, and the agenda link."""
    lines = []
    if session.abstract:
        lines += [session.abstract.strip(), ""]
    # The caller prefetches agencies (scheduling.selectors.seminar_sessions); .all() uses that.
    agencies = [agency.acronym or agency.name for agency in session.agencies.all()]
    if agencies:
        lines.append(_("Presenting agencies: %(agencies)s") % {"agencies": ", ".join(agencies)})
    lines.append(_("Session type: %(kind)s") % {"kind": session.get_kind_display()})
    if session.track:
        lines.append(_("Track / room: %(track)s") % {"track": session.track})
    if seminar.format != Seminar.Format.IN_PERSON and session.kind != Session.Kind.BREAK:
        lines.append(_("Join online: %(url)s") % {"url": live_url})
    lines.append(_("Agenda and changes: %(url)s") % {"url": url})
    return "\n".join(lines)


def _event(session: Session, *, seminar: Seminar, base_url: str, stamp) -> Event:
    zone = seminar.zone
    # Built from ``seminar`` rather than session.get_absolute_url(), which would load the
    # seminar again for every session.
    url = f"{base_url}{seminar.get_absolute_url()}#session-{session.pk}"
    live_url = live_room_url(session, seminar=seminar, base_url=base_url)
    event = Event()
    event.add("uid", session_uid(session))
    event.add("dtstamp", stamp)
    event.add("sequence", session.sequence)
    event.add("dtstart", session.starts_at.astimezone(zone))
    event.add("dtend", session.ends_at.astimezone(zone))
    event.add("summary", session.title)
    event.add(
        "description", event_description(session, seminar=seminar, url=url, live_url=live_url)
    )
    event.add("url", url)
    location = event_location(seminar, live_url=live_url)
    if location:
        event.add("location", location)
    event.add("categories", [session.get_kind_display()])
    event.add("status", "CANCELLED" if seminar.status == Seminar.Status.CANCELLED else "CONFIRMED")
    event.add("transp", "OPAQUE")
    event.add("created", session.created_at)
    event.add("last-modified", session.updated_at)
    return event


def calendar_for_sessions(
    *,
    seminar: Seminar,
    sessions: Iterable[Session],
    calendar_name: str,
    request=None,
    extra_events: Iterable[Event] = (),
) -> bytes:
    """An RFC 5545 calendar (METHOD:PUBLISH) of ``sessions`` of ``seminar``, as bytes.

    ``request`` makes URLs absolute on the host the viewer used; without it SITE_URL is used
    (emails, tasks). Sessions should come with their agencies prefetched. ``extra_events``
    are added as they are (a vendor's one-on-one meetings, with UTC times). No side effects.
    """
    base_url = site_base_url(request)
    stamp = timezone.now().replace(microsecond=0)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", calendar_name)
    calendar.add("name", calendar_name)
    calendar.add("x-wr-timezone", seminar.time_zone)
    calendar.add("x-wr-caldesc", seminar.title)
    calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH_INTERVAL))
    first: date | None = None
    last: date | None = None
    for session in sessions:
        calendar.add_component(_event(session, seminar=seminar, base_url=base_url, stamp=stamp))
        start, end = session.starts_at.date(), session.ends_at.date()
        first = start if first is None or start < first else first
        last = end if last is None or end > last else last
    for event in extra_events:
        calendar.add_component(event)
    _add_time_zone(calendar, seminar, first=first, last=last)
    return calendar.to_ical()


def _add_time_zone(calendar: Calendar, seminar: Seminar, *, first, last) -> None:
    """The VTIMEZONE for the seminar's zone, the only TZID the events use. It is added even to
    a calendar without events, because X-WR-TIMEZONE names the zone."""
    first = first or seminar.starts_on
    last = last or seminar.ends_on
    calendar.subcomponents.insert(0, _vtimezone(seminar.time_zone, first.year, last.year))


@lru_cache(maxsize=64)
def _vtimezone(zone_name: str, first_year: int, last_year: int) -> Timezone:
    """Generated from the zone database for the sessions' years plus one either side (so a
    moved session stays covered). Building it is half the cost of a feed, hence the cache;
    the component is only ever serialised, never changed."""
    return Timezone.from_tzinfo(
        zoneinfo.ZoneInfo(zone_name),
        first_date=date(first_year - 1, 1, 1),
        last_date=date(last_year + 1, 12, 31),
    )


def feed_key(
    purpose: str, token: str, *, gone: str
) -> tuple[tokens.Key | None, HttpResponse | None]:
    """A personal calendar link's key, or the answer for a link that stopped: 410 with
    ``gone`` as plain text (calendar apps show the status, people may read the text). A token
    that never was a key of ``purpose`` is 404."""
    try:
        return tokens.read(purpose, token), None
    except tokens.KeyInvalidError as error:
        raise Http404 from error
    except tokens.AccessKeyError:
        return None, HttpResponse(gone, status=410, content_type="text/plain; charset=utf-8")
