"""Time-zone planner: which start time suits which share of an audience spread over countries.

The audience is a set of countries with weights (later: the registrants themselves). Each
country's weight is split equally across its zones (pytz's country → zones table), because we
do not know where in a country people are; a session "suits" a zone when it starts and ends
inside local working hours on one local day. Candidates are every 30 minutes of the
seminar's day (in real time, so a day with a clock change has 46 or 50 of them); they are
ranked by the weighted share of the audience they suit. The repeat slot is the candidate that
suits the largest share of those the best slot leaves out. See docs/planner.md.
"""

import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import pytz
from django.utils.translation import gettext as _

STEP = timedelta(minutes=30)
DEFAULT_WORKING_START = time(8)
DEFAULT_WORKING_END = time(20)
# Outside working hours: before EARLY_FROM is night, from EARLY_FROM "early"; after working
# hours until NIGHT_FROM "evening", then night.
EARLY_FROM = time(6)
NIGHT_FROM = time(22)


class PlannerError(ValueError):
    """Input the planner cannot work with (unknown country, no weight, empty day)."""


@dataclass(frozen=True)
class ZoneShare:
    country: str
    zone: str
    weight: float  # share of the whole audience, 0..1


@dataclass(frozen=True)
class WorkingHours:
    start: time = DEFAULT_WORKING_START
    end: time = DEFAULT_WORKING_END

    def __post_init__(self):
        if self.end <= self.start:
            raise PlannerError(_("Working hours must end after they start."))


@dataclass
class Candidate:
    starts_at: datetime  # UTC
    ends_at: datetime  # UTC
    suited: list[ZoneShare] = field(default_factory=list)
    left_out: list[ZoneShare] = field(default_factory=list)

    @property
    def share(self) -> float:
        return sum(part.weight for part in self.suited)

    def country_shares(self, which: str = "left_out") -> dict[str, float]:
        """Audience share per country among ``suited`` or ``left_out`` zones."""
        shares: dict[str, float] = {}
        for part in getattr(self, which):
            shares[part.country] = shares.get(part.country, 0.0) + part.weight
        return shares


@dataclass
class Plan:
    on: date
    seminar_zone: str
    length: timedelta
    hours: WorkingHours
    audience: list[ZoneShare]
    ranked: list[Candidate]
    repeat: Candidate | None
    repeat_gain: float  # share of the whole audience the repeat adds to the best slot

    @property
    def best(self) -> Candidate:
        return self.ranked[0]

    @property
    def anyone_suits_all(self) -> bool:
        return self.best.share >= 1 - 1e-9

    @property
    def combined_share(self) -> float:
        return self.best.share + self.repeat_gain


def audience_zones(audience: Mapping[str, float]) -> list[ZoneShare]:
    """Normalised zone shares of an audience given as ISO country code → weight."""
    weights = {code.upper(): float(weight) for code, weight in audience.items() if weight > 0}
    total = sum(weights.values())
    if total <= 0:
        raise PlannerError(_("Give at least one country a weight above zero."))
    shares = []
    for code, weight in weights.items():
        zones = pytz.country_timezones.get(code)
        if not zones:
            raise PlannerError(
                _("No time zones are known for country code “%(code)s”.") % {"code": code}
            )
        for zone in zones:
            shares.append(ZoneShare(code, zone, weight / total / len(zones)))
    return shares


def suits(start: datetime, end: datetime, zone: zoneinfo.ZoneInfo, hours: WorkingHours) -> bool:
    """Whether [start, end) lies inside working hours on one local day in ``zone``."""
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    if local_end.date() != local_start.date():
        return False
    return hours.start <= local_start.time() and local_end.time() <= hours.end


def day_starts(on: date, zone: zoneinfo.ZoneInfo) -> list[datetime]:
    """Every 30 minutes (real time) from local midnight of ``on`` until the next day, in UTC."""
    first = datetime.combine(on, time(0), zone).astimezone(UTC)
    stop = datetime.combine(on + timedelta(days=1), time(0), zone).astimezone(UTC)
    starts, moment = [], first
    while moment < stop:
        starts.append(moment)
        moment += STEP
    return starts


def evaluate(start: datetime, length: timedelta, audience, hours: WorkingHours) -> Candidate:
    candidate = Candidate(starts_at=start, ends_at=start + length)
    for part in audience:
        fits = suits(start, start + length, zoneinfo.ZoneInfo(part.zone), hours)
        (candidate.suited if fits else candidate.left_out).append(part)
    return candidate


def plan_sessions(
    *,
    audience: Mapping[str, float],
    on: date,
    seminar_zone: str,
    length: timedelta,
    hours: WorkingHours | None = None,
) -> Plan:
    """Rank the day's start times for ``audience`` and propose a repeat. No side effects."""
    hours = hours or WorkingHours()
    if length <= timedelta(0) or length > timedelta(hours=12):
        raise PlannerError(_("A session lasts more than 0 minutes and at most 12 hours."))
    zone = zoneinfo.ZoneInfo(seminar_zone)
    shares = audience_zones(audience)
    candidates = [evaluate(start, length, shares, hours) for start in day_starts(on, zone)]
    # Best share first; among equals the earliest start in the seminar's day.
    ranked = sorted(candidates, key=lambda c: (-round(c.share, 9), c.starts_at))
    repeat, gain = _repeat_for(ranked[0], candidates)
    return Plan(on, seminar_zone, length, hours, shares, ranked, repeat, gain)


def _repeat_for(best: Candidate, candidates: list[Candidate]) -> tuple[Candidate | None, float]:
    """The slot that suits most of those ``best`` leaves out (ties: more of everyone, then
    earlier). None when nobody is left out or no slot suits any of them."""
    missing = {(part.country, part.zone) for part in best.left_out}
    if not missing:
        return None, 0.0

    def gain(candidate: Candidate) -> float:
        return sum(p.weight for p in candidate.suited if (p.country, p.zone) in missing)

    choice = min(candidates, key=lambda c: (-round(gain(c), 9), -round(c.share, 9), c.starts_at))
    return (choice, gain(choice)) if gain(choice) > 0 else (None, 0.0)


def time_band(local: time, hours: WorkingHours) -> str:
    """``working``, ``early``, ``evening`` or ``night`` for a local time of day."""
    if hours.start <= local < hours.end:
        return "working"
    if EARLY_FROM <= local < hours.start:
        return "early"
    if hours.end <= local < NIGHT_FROM:
        return "evening"
    return "night"
