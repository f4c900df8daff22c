"""Country groups (LDC, LLDC, SIDS, EIT, World Bank income) from the shipped data file,
with organisers' overrides. Sources and as-of dates: registration/data/SOURCES.md."""

import csv
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from registration.models import CountryGroupOverride
from seminars.models import Seminar

DATA = Path(__file__).resolve().parent / "data"
GROUP_FIELDS = ("ldc", "lldc", "sids", "eit")


@dataclass(frozen=True)
class CountryTags:
    country: str
    region: str
    ldc: bool
    lldc: bool
    sids: bool
    eit: bool
    income_group: str


@dataclass(frozen=True)
class _Row:
    region: str
    ldc: bool
    ldc_until: date | None
    lldc: bool
    sids: bool
    eit: bool
    income_group: str


@lru_cache(maxsize=1)
def dataset() -> dict[str, _Row]:
    rows: dict[str, _Row] = {}
    with (DATA / "country_groups.csv").open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            rows[row["iso2"]] = _Row(
                region=row["region"],
                ldc=row["ldc"] == "1",
                ldc_until=date.fromisoformat(row["ldc_until"]) if row["ldc_until"] else None,
                lldc=row["lldc"] == "1",
                sids=row["sids"] == "1",
                eit=row["eit"] == "1",
                income_group=row["wb_income"],
            )
    return rows


@lru_cache(maxsize=1)
def unspsc_segments() -> dict[str, str]:
    """Two-digit UNSPSC segment code → English title."""
    with (DATA / "unspsc_segments.csv").open(newline="", encoding="utf-8") as handle:
        return {row["code"]: row["title"] for row in csv.DictReader(handle)}


def known_country(code: str) -> bool:
    return code in dataset()


def _shipped_tags(code: str, on: date) -> CountryTags:
    row = dataset().get(code)
    if row is None:
        return CountryTags(code, "", False, False, False, False, "")
    # A country that left the LDC category keeps the tag for seminars before that date.
    ldc = row.ldc and (row.ldc_until is None or on < row.ldc_until)
    return CountryTags(code, row.region, ldc, row.lldc, row.sids, row.eit, row.income_group)


def country_tags(*, country: str, on: date, seminar: Seminar | None = None) -> CountryTags:
    """The tags in force for ``country`` on ``on``: shipped data, then the global override,
    then the seminar's own override (the most specific wins)."""
    tags = _shipped_tags(country, on)
    overrides = CountryGroupOverride.objects.filter(country=country, seminar__isnull=True)
    if seminar is not None:
        overrides = CountryGroupOverride.objects.filter(country=country).filter(
            seminar__isnull=True
        ) | CountryGroupOverride.objects.filter(country=country, seminar=seminar)
    values = tags.__dict__.copy()
    # Global first, seminar-specific last so that it wins.
    for override in sorted(overrides, key=lambda o: o.seminar_id is not None):
        for field in GROUP_FIELDS:
            if getattr(override, field) is not None:
                values[field] = getattr(override, field)
        if override.income_group:
            values["income_group"] = override.income_group
    return CountryTags(**values)
