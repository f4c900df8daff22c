"""The agenda in two clocks: the seminar's zone and the viewer's."""

import zoneinfo
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import groupby

from scheduling.timezones import utc_offset_label
from seminars.models import Seminar, Session


@dataclass(frozen=True)
class ClockTime:
    start: datetime
    end: datetime
    zone_name: str

    @property
    def offset(self) -> str:
        return utc_offset_label(self.start)

    @property
    def end_offset(self) -> str:
        """Differs from ``offset`` only for a session the clocks change during."""
        return utc_offset_label(self.end)

    @property
    def ends_next_day(self) -> bool:
        return self.end.date() > self.start.date()


@dataclass(frozen=True)
class AgendaItem:
    session: Session
    seminar_clock: ClockTime
    viewer_clock: ClockTime | None

    @property
    def shown_clock(self) -> ClockTime:
        return self.viewer_clock or self.seminar_clock


@dataclass
class AgendaDay:
    day: date
    items: list[AgendaItem] = field(default_factory=list)


@dataclass
class Agenda:
    seminar_slug: str
    seminar_zone: str
    viewer_zone: str | None
    days: list[AgendaDay]
    same_clock: bool = False

    @property
    def zones_differ(self) -> bool:
        """The viewer's clock reads differently from the seminar's for some session."""
        return self.viewer_zone is not None and not self.same_clock

    @property
    def shown_zone(self) -> str:
        """The zone the days are grouped in: the viewer's when it differs, else the seminar's."""
        return self.viewer_zone if self.zones_differ else self.seminar_zone

    @property
    def items(self) -> list[AgendaItem]:
        return [item for day in self.days for item in day.items]


def _clock(session: Session, zone: zoneinfo.ZoneInfo) -> ClockTime:
    return ClockTime(session.starts_at.astimezone(zone), session.ends_at.astimezone(zone), zone.key)


def _reads_the_same(seminar_zone: zoneinfo.ZoneInfo, viewer_zone, sessions) -> bool:
    """True when the viewer's zone is the seminar's, or another name for the same clock over
    the seminar's sessions (Africa/Kampala for a Nairobi seminar): one column is enough."""
    if viewer_zone is None or viewer_zone.key == seminar_zone.key:
        return True
    if not sessions:
        return False
    return all(
        moment.astimezone(seminar_zone).utcoffset() == moment.astimezone(viewer_zone).utcoffset()
        for session in sessions
        for moment in (session.starts_at, session.ends_at)
    )


def build_agenda(
    *, seminar: Seminar, sessions: list[Session], viewer_zone: zoneinfo.ZoneInfo | None
) -> Agenda:
    """Sessions with their times in both zones, grouped by day in the zone shown.

    A session belongs to the day it starts on in the shown zone; one that ends after
    midnight there is marked ``ends_next_day``.
    """
    seminar_zone = seminar.zone
    same_clock = _reads_the_same(seminar_zone, viewer_zone, sessions)
    second_zone = None if same_clock else viewer_zone
    items = [
        AgendaItem(
            session=session,
            seminar_clock=_clock(session, seminar_zone),
            viewer_clock=_clock(session, second_zone) if second_zone else None,
        )
        for session in sessions
    ]
    items.sort(key=lambda item: (item.session.starts_at, item.session.track, item.session.pk))
    days = [
        AgendaDay(day, list(group))
        for day, group in groupby(items, key=lambda item: item.shown_clock.start.date())
    ]
    return Agenda(
        seminar_slug=seminar.slug,
        seminar_zone=seminar.time_zone,
        viewer_zone=viewer_zone.key if viewer_zone else None,
        days=days,
        same_clock=same_clock and viewer_zone is not None,
    )
