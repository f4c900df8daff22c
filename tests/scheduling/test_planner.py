"""The time-zone planner: known answers for a spread audience, country splits, bands."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from scheduling.planner import (
    PlannerError,
    WorkingHours,
    audience_zones,
    day_starts,
    plan_sessions,
    suits,
    time_band,
)
from scheduling.timezones import get_zone

SPREAD = {"KE": 40, "BD": 30, "PE": 20, "FJ": 10}
ON = date(2030, 3, 4)


def nairobi(hour: int, minute: int = 0) -> datetime:
    return datetime.combine(ON, time(hour, minute), get_zone("Africa/Nairobi"))


def test_no_slot_suits_kenya_bangladesh_peru_and_fiji_together():
    plan = plan_sessions(
        audience=SPREAD, on=ON, seminar_zone="Africa/Nairobi", length=timedelta(hours=1)
    )
    assert not plan.anyone_suits_all
    assert all(candidate.share < 1 for candidate in plan.ranked)
    # 16:00–17:00 Nairobi is 19:00–20:00 in Dhaka and 08:00–09:00 in Lima, but 01:00 in Suva:
    # the only start that suits 90 %, and it leaves Fiji out.
    assert plan.best.starts_at == nairobi(16)
    assert plan.best.share == pytest.approx(0.9)
    assert plan.ranked[1].share == pytest.approx(0.8)
    assert plan.best.country_shares("left_out") == {"FJ": pytest.approx(0.1)}


def test_the_repeat_slot_covers_those_left_out_and_as_many_others_as_it_can():
    plan = plan_sessions(
        audience=SPREAD, on=ON, seminar_zone="Africa/Nairobi", length=timedelta(hours=1)
    )
    # 08:00 Nairobi is 17:00 in Suva, 11:00 in Dhaka: Fiji plus Kenya and Bangladesh.
    assert plan.repeat.starts_at == nairobi(8)
    assert plan.repeat.country_shares("suited") == {
        "KE": pytest.approx(0.4),
        "BD": pytest.approx(0.3),
        "FJ": pytest.approx(0.1),
    }
    assert plan.repeat_gain == pytest.approx(0.1)
    assert plan.combined_share == pytest.approx(1.0)


def test_the_repeat_covers_peru_when_peru_is_the_one_left_out():
    plan = plan_sessions(
        audience={"KE": 40, "BD": 30, "FJ": 20, "PE": 10},
        on=ON,
        seminar_zone="Africa/Nairobi",
        length=timedelta(hours=1),
    )
    assert plan.best.starts_at == nairobi(8)
    assert plan.best.country_shares("left_out") == {"PE": pytest.approx(0.1)}
    assert plan.repeat.starts_at == nairobi(16)
    assert "PE" in plan.repeat.country_shares("suited")
    assert plan.repeat_gain == pytest.approx(0.1)


def test_ranking_is_by_share_then_by_start():
    plan = plan_sessions(
        audience=SPREAD, on=ON, seminar_zone="Africa/Nairobi", length=timedelta(hours=1)
    )
    shares = [candidate.share for candidate in plan.ranked]
    assert shares == sorted(shares, reverse=True)
    assert len(plan.ranked) == 48
    # 80 % while Kenya, Bangladesh and Fiji overlap: starts from 08:00 to 10:00 in Nairobi.
    eighty = [c.starts_at for c in plan.ranked if c.share == pytest.approx(0.8)]
    assert eighty == [nairobi(8), nairobi(8, 30), nairobi(9), nairobi(9, 30), nairobi(10)]


def test_a_country_with_several_zones_is_split_equally():
    shares = audience_zones({"ID": 50, "KE": 50})
    indonesia = [share for share in shares if share.country == "ID"]
    assert {share.zone for share in indonesia} == {
        "Asia/Jakarta",
        "Asia/Pontianak",
        "Asia/Makassar",
        "Asia/Jayapura",
    }
    assert all(share.weight == pytest.approx(0.5 / 4) for share in indonesia)
    assert sum(share.weight for share in shares) == pytest.approx(1)


def test_partially_suited_country_counts_only_its_suited_zones():
    # Jakarta/Pontianak UTC+7, Makassar +8, Jayapura +9. A 1-hour session at 12:00 UTC is
    # 19:00–20:00 in Jakarta (suits), 20:00–21:00 in Makassar and later in Jayapura (do not).
    plan = plan_sessions(audience={"ID": 1}, on=ON, seminar_zone="UTC", length=timedelta(hours=1))
    noon = next(c for c in plan.ranked if c.starts_at == datetime(2030, 3, 4, 12, tzinfo=UTC))
    assert noon.share == pytest.approx(0.5)
    assert noon.country_shares("left_out") == {"ID": pytest.approx(0.5)}


def test_working_hours_are_configurable():
    narrow = WorkingHours(time(9), time(17))
    plan = plan_sessions(
        audience={"KE": 1},
        on=ON,
        seminar_zone="Africa/Nairobi",
        length=timedelta(hours=2),
        hours=narrow,
    )
    suited = sorted(c.starts_at for c in plan.ranked if c.share == 1)
    assert suited[0] == nairobi(9)
    assert suited[-1] == nairobi(15)


def test_a_session_that_crosses_local_midnight_does_not_suit():
    zone = get_zone("Pacific/Fiji")
    start = datetime(2030, 3, 4, 23, 30, tzinfo=zone)
    assert not suits(start, start + timedelta(hours=1), zone, WorkingHours(time(0), time(23, 59)))


def test_a_day_with_a_clock_change_has_fewer_candidates():
    # Madrid springs forward on 31 March 2030: a 23-hour day, 46 half-hour starts.
    assert len(day_starts(date(2030, 3, 31), get_zone("Europe/Madrid"))) == 46
    assert len(day_starts(date(2030, 10, 27), get_zone("Europe/Madrid"))) == 50
    assert len(day_starts(ON, get_zone("Europe/Madrid"))) == 48


@pytest.mark.parametrize(
    ("local", "band"),
    [(time(3), "night"), (time(6, 30), "early"), (time(8), "working"), (time(19, 59), "working"),
     (time(20), "evening"), (time(22), "night")],
)  # fmt: skip
def test_time_bands(local, band):
    assert time_band(local, WorkingHours()) == band


@pytest.mark.parametrize(
    ("audience", "message"),
    [({}, "at least one country"), ({"KE": 0}, "at least one country"), ({"XX": 5}, "“XX”")],
)
def test_bad_audiences_are_rejected_clearly(audience, message):
    with pytest.raises(PlannerError, match=message):
        audience_zones(audience)


def test_working_hours_must_end_after_they_start():
    with pytest.raises(PlannerError):
        WorkingHours(time(20), time(8))


def test_everyone_in_one_zone_needs_no_repeat():
    plan = plan_sessions(
        audience={"KE": 3, "UG": 1}, on=ON, seminar_zone="Africa/Nairobi", length=timedelta(hours=1)
    )
    assert plan.anyone_suits_all
    assert plan.repeat is None
