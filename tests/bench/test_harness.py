"""The benchmark harness keeps working: a small run of every configuration, no timing asserts.

Starts what `make bench` starts (a private redis-server, Daphne processes, the floor, the
naive peer, the OpenIPS publisher process) on free ports, with 50 clients and a few events
per configuration, and checks what must hold at any speed: every event reaches every
client, including across a server restart, and the report has its fields.
"""

import os

import pytest

from bench import chart, fanout, infra, procs, report, scenarios
from bench.configs import FloorConfig, NaiveConfig, OpenIPSConfig, base_env

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]

CLIENTS = 50
STEP_FIELDS = {
    "clients",
    "rate",
    "events",
    "offered_deliveries_per_s",
    "deliveries_per_s",
    "expected",
    "delivered",
    "lost",
    "duplicates",
    "p50_ms",
    "p99_ms",
    "max_ms",
    "server_cpu_pct",
    "loadgen_cpu_pct",
    "rss_per_connection_kib",
    "passed",
    "config",
}


@pytest.fixture(scope="module")
def harness(tmp_path_factory):
    procs.raise_nofile()
    work = tmp_path_factory.mktemp("bench")
    cores = procs.cpu_plan()
    redis = infra.start_redis(work)
    names = [f"openips_benchci_{os.getpid()}", f"openips_benchci_naive_{os.getpid()}"]
    redis_url = f"redis://127.0.0.1:{redis.port}/0"
    common = {"cores": cores["server"], "log_dir": work, "env": base_env()}
    configs = {}
    try:
        configs["floor"] = FloorConfig(**common)
        configs["naive"] = NaiveConfig(
            database_url=infra.create_database(names[1]), redis_url=redis_url, **common
        )
        configs["openips"] = OpenIPSConfig(
            database_url=infra.create_database(names[0]),
            redis_url=redis_url,
            static_root=work / "static",
            load_cores=cores["load"],
            **common,
        )
        for config in configs.values():
            config.setup()
        yield configs, cores
    finally:
        for config in configs.values():
            config.close()
        redis.stop()
        for name in names:
            infra.drop_database(name)


@pytest.mark.parametrize("name", ["floor", "naive", "openips"])
def test_every_client_receives_every_event(harness, name):
    configs, cores = harness
    [step] = fanout.run_n(
        configs[name],
        CLIENTS,
        [5.0],
        duration=2.0,
        cores=cores["load"],
        repeat=0,
        stop_on_fail=False,
    )
    assert STEP_FIELDS <= step.keys()
    assert step["events"] == 10
    assert step["connect"]["connected"] == CLIENTS
    assert step["expected"] == CLIENTS * 10
    assert step["lost"] == 0, step
    assert step["delivered"] == step["expected"]
    if name == "openips":
        assert step["service_call_p50_ms"] > 0  # the events went through the services


def test_openips_loses_nothing_when_a_server_restarts(harness):
    configs, cores = harness
    step = scenarios.restart_mid_run(
        configs["openips"], clients=CLIENTS, rate=5.0, duration=4.5, cores=cores["load"]
    )
    assert step["restart"]["seconds_down"] > 0  # the restart did happen mid-run
    assert step["reconnects"] >= CLIENTS // 2 - 5  # about half the clients were on it
    assert step["lost"] == 0, step


def test_report_and_chart_show_every_configuration():
    steps = []
    for name, p99 in (("floor", 20.0), ("naive", 900.0), ("openips", 40.0)):
        steps.append(
            {
                "config": name,
                "clients": 1000,
                "rate": 10,
                "events": 50,
                "offered_deliveries_per_s": 10000,
                "deliveries_per_s": 10000,
                "expected": 50000,
                "delivered": 50000,
                "lost": 0,
                "duplicates": 0,
                "p50_ms": p99 / 2,
                "p99_ms": p99,
                "max_ms": p99 * 2,
                "server_cpu_pct": 50.0,
                "loadgen_cpu_pct": 40.0,
                "rss_per_connection_kib": 20.0,
                "passed": p99 <= 200,
                "repeat": 0,
            }
        )
    results = {
        "started_at": "20300101T000000Z",
        "plan": "quick",
        "plan_detail": {"spread_clients": 1000},
        "machine": {
            "cpu_model": "test",
            "cores": 2,
            "memory_gib": 1,
            "kernel": "k",
            "loadavg_at_start": ["0", "0", "0"],
            "loadavg_at_end": ["0", "0", "0"],
        },
        "versions": {"python": "3"},
        "p99_limit_ms": 200.0,
        "pinning": {"server_cores": [0], "load_cores": [1], "how": "x", "nofile": 1},
        "fanout": {s["config"]: [s] for s in steps},
    }
    text = report.render(results)
    assert "| 1,000 |" in text
    assert "none passed" in text  # the naive peer's step failed the p99 limit
    assert "OpenIPS >= 5x naive peer" in text
    svg = chart.render(steps, title="t")
    assert svg.startswith("<svg") and svg.count("<polyline") == 3
