"""The shipped country-group data, its dates, and organisers' overrides."""

import csv
from datetime import date

from registration.countrygroups import DATA, country_tags, dataset
from registration.models import CountryGroupOverride
from tests import factories


def _in_force(on: date) -> set[str]:
    return {code for code in dataset() if country_tags(country=code, on=on).ldc}


def test_dataset_has_one_row_per_country_with_the_documented_columns():
    with (DATA / "country_groups.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == [
        "iso2", "name", "region", "ldc", "ldc_until", "lldc", "sids", "eit", "wb_income", "note",
    ]  # fmt: skip
    codes = [r["iso2"] for r in rows]
    assert len(codes) == len(set(codes)) > 240
    sources = (DATA / "SOURCES.md").read_text()
    for column in ("ldc", "ldc_until", "lldc", "sids", "eit", "wb_income", "region"):
        assert f"`{column}`" in sources


def test_group_sizes_match_the_un_lists(db):
    assert len(_in_force(date(2025, 6, 1))) == 44
    assert sum(r.lldc for r in dataset().values()) == 32
    assert sum(r.eit for r in dataset().values()) == 17
    assert {"FJ", "MV", "SG", "HT", "TL", "CV"} <= {c for c, r in dataset().items() if r.sids}
    assert {c for c, r in dataset().items() if r.income_group == ""} >= {"VE", "AQ"}


def test_a_graduated_country_keeps_the_ldc_tag_for_seminars_before_it_left(db):
    assert country_tags(country="BT", on=date(2023, 12, 12)).ldc is True
    assert country_tags(country="BT", on=date(2023, 12, 13)).ldc is False
    assert country_tags(country="ST", on=date(2024, 6, 1)).ldc is True
    assert country_tags(country="ST", on=date(2025, 1, 1)).ldc is False
    assert country_tags(country="ST", on=date(2025, 1, 1)).sids is True
    assert country_tags(country="NE", on=date(2030, 1, 1)).ldc is True


def test_seminar_override_beats_global_override_beats_the_file(db):
    seminar = factories.SeminarFactory()
    other = factories.SeminarFactory()
    assert country_tags(country="KE", on=date(2030, 1, 1), seminar=seminar).income_group == "LM"
    CountryGroupOverride.objects.create(country="KE", income_group="UM", note="global fix")
    CountryGroupOverride.objects.create(
        country="KE", seminar=seminar, ldc=True, income_group="L", note="this seminar"
    )
    mine = country_tags(country="KE", on=date(2030, 1, 1), seminar=seminar)
    theirs = country_tags(country="KE", on=date(2030, 1, 1), seminar=other)
    assert (mine.ldc, mine.income_group) == (True, "L")
    assert (theirs.ldc, theirs.income_group) == (False, "UM")


def test_registration_keeps_the_tags_in_force_on_the_seminar_date(register, open_seminar):
    open_seminar.starts_on = date(2024, 6, 1)
    open_seminar.ends_on = date(2024, 6, 2)
    open_seminar.save()
    registration = register(company={"country": "ST"}, session_ids=[])
    assert registration.is_ldc and registration.is_sids and registration.region == "Africa"
    # A later override does not rewrite history already recorded.
    CountryGroupOverride.objects.create(country="ST", ldc=False, note="late correction")
    registration.refresh_from_db()
    assert registration.is_ldc
