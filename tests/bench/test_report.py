"""The report states the naive-peer target honestly when the naive peer passes no rung."""

from bench.report import _naive_row


def step(deliveries: int, lost: int = 0) -> dict:
    return {"deliveries_per_s": deliveries, "lost": lost}


def test_ratio_to_a_passing_naive_rung():
    assert _naive_row(5000, 1000, [step(1000)]) == ["OpenIPS >= 5x naive peer", "5.0x", "met"]
    assert _naive_row(4000, 1000, [step(1000)])[2] == "NOT met"


def test_no_naive_rung_compares_with_its_most_at_any_latency_without_loss():
    row = _naive_row(35000, 0, [step(630), step(2500, lost=15000)])
    assert row[1] == (
        "35,000/s; the naive peer passed no rung (its most at any latency, no loss: 630/s, so 56x)"
    )
    assert row[2] == "met"
    assert _naive_row(2000, 0, [step(630)])[2] == "NOT met"


def test_neither_passing_is_not_met():
    assert _naive_row(0, 0, [step(630)])[2] == "NOT met"


def test_the_fairness_section_shows_both_variants_with_their_queries_and_the_cost():
    from bench.report import _registrations

    run = {"state": "full", "workers": 1, "per_s": 9.0}
    section = {
        "runs": [
            {**run, "variant": "with", "queries_per_registration": 27},
            {**run, "variant": "without", "queries_per_registration": 26, "per_s": 10.0},
        ],
        "summary": {
            "full/1": {"with_per_s": 9.0, "without_per_s": 10.0, "cost_pct": 10.0, "step_ms": 0.8}
        },
    }
    lines = _registrations(section)
    assert lines[-1] == "| full | 1 | 9.0 (27 queries) | 10.0 (26 queries) | 10.0 % | 0.8 ms |"
    assert _registrations(None) == []
    assert _registrations({"error": "boom"})[-1] == "Failed: `boom`"
