"""The planner's picture and table: a heat map of hours of the seminar's day against audience
countries, and the ranking rows.

Each cell is coloured by the local time band in that country at the start of that hour. A
country with several zones is coloured by the band most of its zones are in; the cell's
``<title>`` lists every distinct local time, so nothing is hidden from screen readers.
"""

import zoneinfo
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from django.utils.translation import gettext_lazy as _
from django_countries import countries

from scheduling.planner import Candidate, Plan, time_band

HOUR = timedelta(hours=1)
CELL_WIDTH = 32
CELL_HEIGHT = 28
LABEL_WIDTH = 150
HEADER_HEIGHT = 34

BANDS = {
    "night": (_("Night"), "#1f3a5f"),
    "early": (_("Early morning"), "#9ec5e8"),
    "working": (_("Working hours"), "#3f9b4f"),
    "evening": (_("Evening"), "#f2b84b"),
}


@dataclass(frozen=True)
class Cell:
    x: int
    y: int
    fill: str
    title: str


@dataclass(frozen=True)
class Column:
    x: int
    label: str


@dataclass(frozen=True)
class Row:
    y: int
    label: str


@dataclass(frozen=True)
class Marker:
    x: int
    width: int
    label: str
    dashed: bool


@dataclass(frozen=True)
class HeatMap:
    width: int
    height: int
    columns: list[Column]
    rows: list[Row]
    cells: list[Cell]
    markers: list[Marker]
    legend: list[tuple[str, str]]
    cell_width: int = CELL_WIDTH
    cell_height: int = CELL_HEIGHT
    label_width: int = LABEL_WIDTH
    header_height: int = HEADER_HEIGHT

    @property
    def marker_y(self) -> int:
        return self.header_height - 2

    @property
    def marker_height(self) -> int:
        return self.height - self.header_height


def _hours(plan: Plan) -> list[datetime]:
    """The start of every real hour of the seminar's day, in UTC (23 or 25 on change days)."""
    zone = zoneinfo.ZoneInfo(plan.seminar_zone)
    moment = datetime.combine(plan.on, time(0), zone).astimezone(UTC)
    stop = datetime.combine(plan.on + timedelta(days=1), time(0), zone).astimezone(UTC)
    hours = []
    while moment < stop:
        hours.append(moment)
        moment += HOUR
    return hours


def _cell(country: str, zones: list[str], moment: datetime, plan: Plan) -> tuple[str, str]:
    locals_ = [moment.astimezone(zoneinfo.ZoneInfo(name)) for name in zones]
    local_bands = [(t.strftime("%H:%M"), time_band(t.time(), plan.hours)) for t in locals_]
    band = Counter(b for _clock, b in local_bands).most_common(1)[0][0]
    seen = sorted(set(local_bands))
    times = ", ".join(f"{clock} ({BANDS[b][0]})" for clock, b in seen)
    seminar_clock = moment.astimezone(zoneinfo.ZoneInfo(plan.seminar_zone)).strftime("%H:%M")
    title = f"{countries.name(country)}: {times}. {seminar_clock} {plan.seminar_zone}"
    return BANDS[band][1], title


def _marker(candidate: Candidate, first: datetime, label: str, *, dashed: bool) -> Marker:
    x = LABEL_WIDTH + round((candidate.starts_at - first) / HOUR * CELL_WIDTH)
    width = round((candidate.ends_at - candidate.starts_at) / HOUR * CELL_WIDTH)
    return Marker(x, width, label, dashed)


def build_heatmap(plan: Plan) -> HeatMap:
    hours = _hours(plan)
    zone = zoneinfo.ZoneInfo(plan.seminar_zone)
    by_country: dict[str, list[str]] = {}
    for part in plan.audience:
        by_country.setdefault(part.country, []).append(part.zone)
    columns = [
        Column(LABEL_WIDTH + i * CELL_WIDTH, moment.astimezone(zone).strftime("%H"))
        for i, moment in enumerate(hours)
    ]
    rows, cells = [], []
    for r, (country, zones) in enumerate(by_country.items()):
        y = HEADER_HEIGHT + r * CELL_HEIGHT
        rows.append(Row(y, str(countries.name(country)) or country))
        for column, moment in zip(columns, hours, strict=True):
            fill, title = _cell(country, zones, moment, plan)
            cells.append(Cell(column.x, y, fill, title))
    markers = [_marker(plan.best, hours[0], str(_("Best slot")), dashed=False)]
    if plan.repeat is not None:
        markers.append(_marker(plan.repeat, hours[0], str(_("Repeat")), dashed=True))
    return HeatMap(
        width=LABEL_WIDTH + len(hours) * CELL_WIDTH + 2,
        height=HEADER_HEIGHT + len(rows) * CELL_HEIGHT + 2,
        columns=columns,
        rows=rows,
        cells=cells,
        markers=markers,
        legend=[(str(label), colour) for label, colour in BANDS.values()],
    )


@dataclass(frozen=True)
class RankingRow:
    starts: str  # HH:MM in the seminar's zone
    ends: str
    starts_utc: str
    percent: int
    suited: str  # "Kenya 40%, Bangladesh 30%"
    left_out: str


def _percent(share: float) -> int:
    return round(share * 100)


def _countries_text(shares: dict[str, float]) -> str:
    ordered = sorted(shares.items(), key=lambda item: (-item[1], item[0]))
    return ", ".join(f"{countries.name(code)} {_percent(share)}%" for code, share in ordered)


def ranking_row(candidate: Candidate, plan: Plan) -> RankingRow:
    zone = zoneinfo.ZoneInfo(plan.seminar_zone)
    return RankingRow(
        starts=candidate.starts_at.astimezone(zone).strftime("%H:%M"),
        ends=candidate.ends_at.astimezone(zone).strftime("%H:%M"),
        starts_utc=candidate.starts_at.astimezone(UTC).strftime("%H:%M"),
        percent=_percent(candidate.share),
        suited=_countries_text(candidate.country_shares("suited")),
        left_out=_countries_text(candidate.country_shares("left_out")),
    )


def plan_context(plan: Plan, *, shown: int = 5) -> dict:
    """What the planner page shows of a plan: the top rows, the repeat, the picture."""
    return {
        "plan": plan,
        "heatmap": build_heatmap(plan),
        "top": [ranking_row(candidate, plan) for candidate in plan.ranked[:shown]],
        "repeat": ranking_row(plan.repeat, plan) if plan.repeat else None,
        "repeat_gain": _percent(plan.repeat_gain),
        "combined": _percent(plan.combined_share),
    }
