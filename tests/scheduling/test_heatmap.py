"""The planner's heat map: one cell per hour and country, coloured by local band, titled."""

from datetime import date, timedelta

from scheduling.heatmap import BANDS, build_heatmap
from scheduling.planner import plan_sessions

ON = date(2030, 3, 4)


def plan_for(audience, zone="Africa/Nairobi", on=ON):
    return plan_sessions(audience=audience, on=on, seminar_zone=zone, length=timedelta(hours=1))


def test_one_cell_per_hour_and_country_with_a_title():
    heatmap = build_heatmap(plan_for({"KE": 1, "FJ": 1}))
    assert [row.label for row in heatmap.rows] == ["Kenya", "Fiji"]
    assert len(heatmap.columns) == 24
    assert [column.label for column in heatmap.columns][:3] == ["00", "01", "02"]
    assert len(heatmap.cells) == 48
    kenya_noon = next(c for c in heatmap.cells if c.title.startswith("Kenya: 12:00"))
    assert kenya_noon.fill == BANDS["working"][1]
    fiji_at_kenya_noon = next(c for c in heatmap.cells if c.title.startswith("Fiji: 21:00"))
    assert fiji_at_kenya_noon.fill == BANDS["evening"][1]
    assert fiji_at_kenya_noon.title.endswith("12:00 Africa/Nairobi")


def test_a_country_with_several_zones_lists_every_local_time():
    heatmap = build_heatmap(plan_for({"ID": 1}, zone="UTC"))
    # At 00:00 UTC: 07:00 in Jakarta and Pontianak, 08:00 Makassar, 09:00 Jayapura.
    first = heatmap.cells[0]
    assert "07:00 (Early morning)" in first.title
    assert "08:00 (Working hours)" in first.title
    assert "09:00 (Working hours)" in first.title
    # Two of four zones are early, two working: a tie goes to the first band counted.
    assert first.fill in {BANDS["early"][1], BANDS["working"][1]}


def test_markers_frame_the_best_slot_and_the_repeat():
    plan = plan_for({"KE": 40, "BD": 30, "PE": 20, "FJ": 10})
    heatmap = build_heatmap(plan)
    best, repeat = heatmap.markers
    assert not best.dashed and repeat.dashed
    # 16:00 and 08:00 in the seminar's day, one hour wide.
    assert best.x == heatmap.label_width + 16 * heatmap.cell_width
    assert repeat.x == heatmap.label_width + 8 * heatmap.cell_width
    assert best.width == repeat.width == heatmap.cell_width


def test_a_day_with_a_clock_change_has_23_columns():
    heatmap = build_heatmap(plan_for({"ES": 1}, zone="Europe/Madrid", on=date(2030, 3, 31)))
    labels = [column.label for column in heatmap.columns]
    assert len(labels) == 23
    assert "02" not in labels
