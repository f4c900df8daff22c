"""Session times in two clocks (the vendor's zone and the seminar's), in the active language."""

import zoneinfo
from dataclasses import dataclass

from django.utils import translation
from django.utils.formats import date_format

from scheduling.timezones import utc_offset_label
from seminars.models import Session


@dataclass(frozen=True)
class SessionTimes:
    session: Session
    vendor: str
    seminar: str
    same_zone: bool


# In a right-to-left language the clock, zone and offset stay one left-to-right run
# (Unicode's LEFT-TO-RIGHT ISOLATE ... POP DIRECTIONAL ISOLATE), in the text and HTML parts.
_LTR_ISOLATE, _POP_ISOLATE = "\u2066", "\u2069"


def _clock(session: Session, zone: zoneinfo.ZoneInfo) -> str:
    start, end = session.starts_at.astimezone(zone), session.ends_at.astimezone(zone)
    day = date_format(start, "DATE_FORMAT")  # the active language's own date format
    end_day = "" if end.date() == start.date() else f" ({date_format(end, 'MONTH_DAY_FORMAT')})"
    clock = f"{start:%H:%M}–{end:%H:%M}{end_day} {zone.key} ({utc_offset_label(start)})"
    if translation.get_language_bidi():
        clock = f"{_LTR_ISOLATE}{clock}{_POP_ISOLATE}"
    return f"{day}, {clock}"


def session_times(sessions, *, vendor_zone: str, seminar_zone: str) -> list[SessionTimes]:
    mine, theirs = zoneinfo.ZoneInfo(vendor_zone), zoneinfo.ZoneInfo(seminar_zone)
    return [
        SessionTimes(s, _clock(s, mine), _clock(s, theirs), vendor_zone == seminar_zone)
        for s in sessions
    ]
