"""The programme's grid: windows cut into meetings of ``meeting_minutes`` with ``gap_minutes``
between them. Every meeting starts on this grid (the database's exclusivity relies on it)."""

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from meetings.models import Programme, Window
from scheduling.timezones import to_utc


def slot_starts(programme: Programme, windows: Iterable[Window]) -> list[datetime]:
    """Every slot start of the windows, in time order (UTC instants)."""
    length = timedelta(minutes=programme.meeting_minutes)
    step = length + timedelta(minutes=programme.gap_minutes)
    starts: list[datetime] = []
    for window in windows:
        at = window.starts_at
        while at + length <= window.ends_at:
            starts.append(at)
            at += step
    return sorted(set(starts))


def window_bounds(programme: Programme, day: date, start: time, end: time) -> tuple:
    """A window's UTC bounds from a day and wall-clock hours in the seminar's zone."""
    zone = programme.seminar.zone
    return to_utc(datetime.combine(day, start), zone), to_utc(datetime.combine(day, end), zone)
