"""A meeting's time in two clocks: the reader's zone and the seminar's, in the active language."""

import zoneinfo
from dataclasses import dataclass
from datetime import datetime

from django.utils.formats import date_format

from scheduling.timezones import utc_offset_label


@dataclass(frozen=True)
class TwoClocks:
    mine: str
    seminar: str
    same_zone: bool


def clock(start: datetime, end: datetime, zone_name: str) -> str:
    zone = zoneinfo.ZoneInfo(zone_name)
    start, end = start.astimezone(zone), end.astimezone(zone)
    day = date_format(start, "D j M Y")
    return f"{day}, {start:%H:%M}–{end:%H:%M} {zone.key} ({utc_offset_label(start)})"


def two_clocks(start: datetime, end: datetime, *, mine: str, seminar: str) -> TwoClocks:
    return TwoClocks(clock(start, end, mine), clock(start, end, seminar), mine == seminar)
