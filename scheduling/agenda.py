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
    def ends_next_day(self) -> bool:
        return self.end.date() > self.start.date()


@dataclass(frozen=True)
class AgendaItem:
    session: Session
    seminar_clock: ClockTime
    viewer_clock: ClockTime | None


@dataclass
class AgendaDay:
    day: date
    items: list[AgendaItem] = field(default_factory=list)


@dataclass
class Agenda:
    seminar_zone: str
    viewer_zone: str | None
    days: list[AgendaDay]

    @property
    def zones_differ(self) -> bool:
        return self.viewer_zone is not None and self.viewer_zone != self.seminar_zone

    @property
    def shown_zone(self) -> str:
        """The zone the days are grouped in: the viewer's when known, else the seminar's."""
        return self.viewer_zone or self.seminar_zone


def _clock(session: Session, zone: zoneinfo.ZoneInfo) -> ClockTime:
    return ClockTime(session.starts_at.astimezone(zone), session.ends_at.astimezone(zone), zone.key)


def build_agenda(
    *, seminar: Seminar, sessions: list[Session], viewer_zone: zoneinfo.ZoneInfo | None
) -> Agenda:
    seminar_zone = seminar.zone
    items = [
        AgendaItem(
            session=session,
            seminar_clock=_clock(session, seminar_zone),
            viewer_clock=_clock(session, viewer_zone) if viewer_zone else None,
        )
        for session in sessions
    ]

    def shown_day(item: AgendaItem) -> date:
        return (item.viewer_clock or item.seminar_clock).start.date()

    items.sort(key=lambda item: (item.session.starts_at, item.session.track, item.session.pk))
    days = [AgendaDay(day, list(group)) for day, group in groupby(items, key=shown_day)]
    return Agenda(
        seminar_zone=seminar.time_zone,
        viewer_zone=viewer_zone.key if viewer_zone else None,
        days=days,
    )
