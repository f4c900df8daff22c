"""Session times in two clocks (the vendor's zone and the seminar's), in the active language."""

import zoneinfo
from dataclasses import dataclass

from django.utils.formats import date_format

from scheduling.timezones import utc_offset_label
from seminars.models import Session


@dataclass(frozen=True)
class SessionTimes:
    session: Session
    vendor: str
    seminar: str
    same_zone: bool


def _clock(session: Session, zone: zoneinfo.ZoneInfo) -> str:
    start, end = session.starts_at.astimezone(zone), session.ends_at.astimezone(zone)
    day = date_format(start, "D j M Y")
    end_day = "" if end.date() == start.date() else f" ({date_format(end, 'D j M')})"
    return f"{day}, {start:%H:%M}–{end:%H:%M}{end_day} {zone.key} ({utc_offset_label(start)})"


def session_times(sessions, *, vendor_zone: str, seminar_zone: str) -> list[SessionTimes]:
    mine, theirs = zoneinfo.ZoneInfo(vendor_zone), zoneinfo.ZoneInfo(seminar_zone)
    return [
        SessionTimes(s, _clock(s, mine), _clock(s, theirs), vendor_zone == seminar_zone)
        for s in sessions
    ]
