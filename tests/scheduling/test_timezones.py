"""Time arithmetic across every IANA zone: round trips, gaps, folds, offset labels.

Property-based (hypothesis) over zoneinfo.available_timezones() and instants from 1970 to
2037, with modest example counts so that CI on two cores stays fast.
"""

import zoneinfo
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduling.timezones import (
    WallClockError,
    canonical_zone_name,
    get_zone,
    to_utc,
    utc_offset_label,
)

ZONES = sorted(zoneinfo.available_timezones())
zones = st.sampled_from(ZONES)
instants = st.datetimes(
    min_value=datetime(1970, 1, 1), max_value=datetime(2037, 12, 31), timezones=st.just(UTC)
)
wall_clocks = st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(2037, 12, 30))
# No example database: nothing is written into the working tree.
PROPERTY = settings(max_examples=300, deadline=None, database=None)


@PROPERTY
@given(moment=instants, zone_name=zones)
def test_utc_to_local_and_back_is_the_same_instant(moment, zone_name):
    zone = zoneinfo.ZoneInfo(zone_name)
    local = moment.astimezone(zone)
    naive = local.replace(tzinfo=None)
    # With the occurrence the local time had, the round trip always succeeds.
    assert to_utc(naive, zone, fold=local.fold) == moment
    # Without it, it succeeds unless the wall-clock time occurs twice, and says so.
    try:
        assert to_utc(naive, zone) == moment
    except WallClockError as error:
        assert "occurs twice" in str(error)


@PROPERTY
@given(naive=wall_clocks, zone_name=zones)
def test_local_to_utc_is_that_wall_clock_or_a_clear_rejection(naive, zone_name):
    zone = zoneinfo.ZoneInfo(zone_name)
    try:
        instant = to_utc(naive, zone)
    except WallClockError as error:
        message = str(error)
        assert zone_name in message
        assert naive.strftime("%Y-%m-%d %H:%M") in message
        if "occurs twice" in message:
            # Both occurrences exist, read back as the same wall clock, an offset change apart.
            first, second = to_utc(naive, zone, fold=0), to_utc(naive, zone, fold=1)
            assert first < second
            for occurrence in (first, second):
                assert occurrence.astimezone(zone).replace(tzinfo=None) == naive
        else:
            assert "does not exist" in message
            # No instant anywhere near shows this wall clock.
            for fold in (0, 1):
                guess = naive.replace(tzinfo=zone, fold=fold).astimezone(UTC)
                assert guess.astimezone(zone).replace(tzinfo=None) != naive
    else:
        assert instant.tzinfo is UTC
        assert instant.astimezone(zone).replace(tzinfo=None) == naive


@PROPERTY
@given(moment=instants, zone_name=zones)
def test_offset_label_matches_the_offset(moment, zone_name):
    local = moment.astimezone(zoneinfo.ZoneInfo(zone_name))
    label = utc_offset_label(local)
    sign = -1 if label[3] == "−" else 1
    hours, minutes = int(label[4:6]), int(label[7:9])
    seconds = local.utcoffset().total_seconds()
    # Labels are whole minutes; historic local mean times have seconds, truncated here.
    assert sign * (hours * 60 + minutes) == int(seconds / 60)


@pytest.mark.parametrize(
    ("zone", "naive"),
    [
        ("Europe/Madrid", datetime(2030, 3, 31, 2, 30)),
        ("America/Mexico_City", datetime(2021, 4, 4, 2, 30)),
        ("America/New_York", datetime(2030, 3, 10, 2, 0)),
        ("Pacific/Apia", datetime(2011, 12, 30, 12, 0)),  # Samoa skipped the whole day
    ],
)
def test_time_skipped_by_the_clocks_is_rejected(zone, naive):
    with pytest.raises(WallClockError, match="does not exist in .*daylight saving"):
        to_utc(naive, get_zone(zone))


def test_time_repeated_by_the_clocks_needs_an_explicit_occurrence():
    madrid = get_zone("Europe/Madrid")
    repeated = datetime(2030, 10, 27, 2, 30)
    with pytest.raises(WallClockError, match="occurs twice in Europe/Madrid"):
        to_utc(repeated, madrid)
    assert to_utc(repeated, madrid, fold=0) == datetime(2030, 10, 27, 0, 30, tzinfo=UTC)
    assert to_utc(repeated, madrid, fold=1) == datetime(2030, 10, 27, 1, 30, tzinfo=UTC)


def test_an_ordinary_time_ignores_the_occurrence():
    nairobi = get_zone("Africa/Nairobi")
    expected = datetime(2030, 3, 4, 7, tzinfo=UTC)
    assert to_utc(datetime(2030, 3, 4, 10), nairobi) == expected
    assert to_utc(datetime(2030, 3, 4, 10), nairobi, fold=1) == expected


def test_aware_input_is_refused():
    with pytest.raises(ValueError, match="naive"):
        to_utc(datetime(2030, 1, 1, tzinfo=UTC), get_zone("UTC"))


def test_unknown_zone_name_is_a_clear_error():
    with pytest.raises(WallClockError, match="“Not/AZone” is not a known time zone"):
        get_zone("Not/AZone")


@pytest.mark.parametrize(
    ("zone", "label"),
    [
        ("Asia/Kathmandu", "UTC+05:45"),
        ("America/St_Johns", "UTC−03:30"),
        ("Pacific/Chatham", "UTC+13:45"),
        ("UTC", "UTC+00:00"),
        ("America/Lima", "UTC−05:00"),
    ],
)
def test_offset_labels(zone, label):
    moment = datetime(2030, 1, 15, 12, tzinfo=UTC).astimezone(get_zone(zone))
    assert utc_offset_label(moment) == label


def test_offset_label_of_an_offset_with_seconds_truncates_towards_zero():
    # Liberia kept UTC−00:44:30 until 1972.
    moment = datetime(1971, 1, 1, 12, tzinfo=UTC).astimezone(get_zone("Africa/Monrovia"))
    assert moment.utcoffset() == -timedelta(minutes=44, seconds=30)
    assert utc_offset_label(moment) == "UTC−00:44"


def test_every_zone_the_selector_lists_is_known():
    from scheduling.timezones import selectable_zones

    listed = selectable_zones()
    assert "Asia/Kathmandu" in listed and "UTC" in listed
    assert set(listed) <= set(ZONES)
    assert "US/Eastern" not in listed  # aliases work in ?tz= but are not listed


def test_a_gap_is_at_most_a_day_so_an_hour_later_usually_exists():
    # The message advises "a time after the change": check that holds for Madrid.
    madrid = get_zone("Europe/Madrid")
    later = to_utc(datetime(2030, 3, 31, 3, 0), madrid)
    assert later == datetime(2030, 3, 31, 1, 0, tzinfo=UTC)
    assert later - to_utc(datetime(2030, 3, 31, 1, 59), madrid) == timedelta(minutes=1)


@pytest.mark.parametrize(
    ("name", "canonical"),
    [
        ("Asia/Katmandu", "Asia/Kathmandu"),
        ("Asia/Calcutta", "Asia/Kolkata"),
        ("Europe/Kiev", "Europe/Kyiv"),
        ("US/Eastern", "America/New_York"),
        ("Africa/Kampala", "Africa/Kampala"),  # a country's own zone name is kept
        ("Etc/GMT-3", "Etc/GMT-3"),
        ("Africa/Nairobi", "Africa/Nairobi"),
    ],
)
def test_legacy_aliases_get_their_present_name(name, canonical):
    assert canonical_zone_name(name) == canonical


def test_every_alias_resolves_to_a_known_zone():
    for name in ZONES:
        assert canonical_zone_name(name) in ZONES
