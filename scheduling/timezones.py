"""Time-zone arithmetic. All of OpenIPS converts between wall clocks and UTC here.

Rule for wall-clock times that are not a single instant (documented in docs/time-zones.md):
- a time that does not exist (skipped by a spring-forward change) is rejected;
- a time that occurs twice (repeated by a fall-back change) is rejected too, unless the
  caller passes ``fold`` explicitly: 0 for the first occurrence, 1 for the second.
"""

import zoneinfo
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from importlib import resources

import pytz
from django.utils import translation
from django.utils.translation import gettext as _


class WallClockError(ValueError):
    """A wall-clock time that names no instant, or more than one, in a zone."""


@lru_cache(maxsize=1)
def all_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def is_known_zone(name: str) -> bool:
    return name in all_zones()


def get_zone(name: str) -> zoneinfo.ZoneInfo:
    if not is_known_zone(name):
        raise WallClockError(
            _("“%(zone)s” is not a known time zone. Use an IANA name such as Asia/Kathmandu.")
            % {"zone": name}
        )
    return zoneinfo.ZoneInfo(name)


def to_utc(naive: datetime, zone: zoneinfo.ZoneInfo, *, fold: int | None = None) -> datetime:
    """The UTC instant of a wall-clock time in ``zone``, by the rule in the module docstring."""
    if naive.tzinfo is not None:
        raise ValueError("to_utc takes a naive wall-clock time")
    first = naive.replace(tzinfo=zone, fold=0)
    second = naive.replace(tzinfo=zone, fold=1)
    first_utc, second_utc = first.astimezone(UTC), second.astimezone(UTC)
    if first_utc.astimezone(zone).replace(tzinfo=None) != naive:
        raise WallClockError(
            _(
                "%(time)s does not exist in %(zone)s: the clocks skip it when daylight "
                "saving time begins. Choose a time after the change."
            )
            % {"time": naive.strftime("%Y-%m-%d %H:%M"), "zone": zone.key}
        )
    if first_utc != second_utc:
        if fold is None:
            raise WallClockError(
                _(
                    "%(time)s occurs twice in %(zone)s because the clocks go back that "
                    "night. Choose the first or the second occurrence."
                )
                % {"time": naive.strftime("%Y-%m-%d %H:%M"), "zone": zone.key}
            )
        return second_utc if fold else first_utc
    return first_utc


def utc_offset_label(moment: datetime) -> str:
    """``UTC+05:45`` style label for an aware datetime."""
    seconds = (moment.utcoffset() or timedelta(0)).total_seconds()
    sign = "+" if seconds >= 0 else "−"
    # Whole minutes towards zero, so −00:44:30 (Monrovia until 1972) reads −00:44 like +00:44.
    hours, minutes = divmod(int(abs(seconds) // 60), 60)
    return f"UTC{sign}{hours:02d}:{minutes:02d}"


@dataclass(frozen=True)
class ZoneChoice:
    name: str
    label: str


@lru_cache(maxsize=16)
def _zone_groups_at(
    hour: datetime, language: str
) -> tuple[tuple[str, tuple[ZoneChoice, ...]], ...]:
    from scheduling.zone_names import cities

    local_names = cities(language)
    groups: dict[str, list[ZoneChoice]] = {}
    for name in selectable_zones():
        area, _slash, place = name.partition("/")
        if not place:  # UTC: its own group, labelled by its name in every language
            place = name
        place = local_names.get(name) or place.replace("_", " ").replace("/", " – ")
        local = hour.astimezone(zoneinfo.ZoneInfo(name))
        groups.setdefault(area, []).append(ZoneChoice(name, f"{place} ({utc_offset_label(local)})"))
    if local_names:  # in the reader's alphabet, not by the English names
        groups = {area: sorted(choices, key=lambda c: c.label) for area, choices in groups.items()}
    return tuple((area, tuple(choices)) for area, choices in sorted(groups.items()))


def zone_groups(now: datetime | None = None) -> tuple[tuple[str, tuple[ZoneChoice, ...]], ...]:
    """Selectable zones grouped by area (Africa, America, Asia …), labelled with the city in
    the active language (scheduling/zone_names.py) and the offset now. Cached per hour and
    language: offsets only change on the hour in practice."""
    now = (now or datetime.now(UTC)).astimezone(UTC)
    language = translation.get_language() or "en"
    return _zone_groups_at(now.replace(minute=0, second=0, microsecond=0), language)


@lru_cache(maxsize=1)
def selectable_zones() -> tuple[str, ...]:
    """The zones offered in selectors: every zone some country uses (the tz database's
    canonical, present-day names) plus UTC. Legacy aliases such as US/Eastern still work in
    ``?tz=`` and the cookie; they are just not listed."""
    names = {name for zones in pytz.country_timezones.values() for name in zones}
    return tuple(sorted((names & all_zones()) | {"UTC"}))


@lru_cache(maxsize=1)
def _zone_links() -> dict[str, str]:
    """Alias → target from the tz database's link lines (``L Asia/Kathmandu Asia/Katmandu``)
    in the pinned tzdata package."""
    text = resources.files("tzdata.zoneinfo").joinpath("tzdata.zi").read_text()
    links = {}
    for line in text.splitlines():
        if line.startswith("L "):
            _marker, target, alias = line.split()[:3]
            links[alias] = target
    return links


def canonical_zone_name(name: str) -> str:
    """The present-day name of a legacy alias (``Asia/Katmandu`` → ``Asia/Kathmandu``,
    ``US/Eastern`` → ``America/New_York``); other names unchanged.

    Browsers report ICU's names, many of them old aliases. Names some country uses are kept
    even when the database links them elsewhere (``Africa/Kampala`` stays, though it is a link
    to ``Africa/Nairobi``), because people recognise their own city.
    """
    links, listed = _zone_links(), set(selectable_zones())
    seen = set()
    while name not in listed and name in links and name not in seen:
        seen.add(name)
        name = links[name]
    return name
