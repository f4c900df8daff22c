"""`make bench`: every benchmark of BENCHMARKS.md in one run, on this machine.

    .venv/bin/python -m bench.run                 # full run (about 20 minutes)
    BENCH_QUICK=1 .venv/bin/python -m bench.run   # smaller N, shorter steps (about 5 minutes)
    .venv/bin/python -m bench.run --only floor,openips --sections fanout

Needs PostgreSQL (BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432) and the
redis-server binary. Writes bench/results/<time>.json and latest.json, then rewrites the
generated part of BENCHMARKS.md and bench/latency.svg from them.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import time
import traceback
from datetime import UTC, datetime
from importlib.metadata import version

from bench import (
    exports,
    fanout,
    infra,
    polls,
    procs,
    registrations,
    report,
    scenarios,
    storms,
)
from bench.configs import FloorConfig, NaiveConfig, OpenIPSConfig, base_env

RESULTS = procs.ROOT / "bench" / "results"

PLANS = {
    "full": {
        "clients": [1000, 2500, 5000, 10000],
        "duration": 4.0,
        "spread_clients": 1000,
        "spread_repeats": 1,  # extra ladders at spread_clients, besides the sweep's own
        "restart": {"clients": 1000, "rate": 10.0, "duration": 12.0},
        "idle_clients": 10000,
        "http_seconds": 6.0,
        "export_rows": [10_000, 100_000],
        "registrations": {"count": 500, "rounds": 3},
        "join_storm": [5000, 10000],
        "resume_storm": 10000,
        "poll_clients": 5000,
    },
    "quick": {
        "clients": [500, 1000],
        "duration": 3.0,
        "spread_clients": 500,
        "spread_repeats": 1,
        "restart": {"clients": 300, "rate": 10.0, "duration": 8.0},
        "idle_clients": 1000,
        "http_seconds": 3.0,
        "export_rows": [2_000, 20_000],
        "registrations": {"count": 150, "rounds": 2},
        "join_storm": [1000, 2000],
        "resume_storm": 2000,
        "poll_clients": 1000,
    },
}
SECTIONS = [
    "fanout",
    "spread",
    "restart",
    "joinstorm",
    "resumestorm",
    "polls",
    "idle",
    "http",
    "exports",
    "registrations",
]


def versions() -> dict:
    import platform

    names = [
        "django",
        "channels",
        "channels-redis",
        "daphne",
        "twisted",
        "websockets",
        "orjson",
        "psycopg",
        "redis",
        "openpyxl",
    ]
    found = {"python": platform.python_version()}
    for name in names:
        try:
            found[name] = version(name)
        except Exception:
            found[name] = None
    return found


def section(results: dict, name: str, func) -> None:
    """Run one section; a failure is recorded in the results, not lost with the others."""
    print(f"== {name}", flush=True)
    started = time.monotonic()
    try:
        results[name] = func()
    except Exception as exc:
        traceback.print_exc()
        results[name] = {"error": f"{type(exc).__name__}: {exc}"[:2000]}
    results.setdefault("timings", {})[name] = round(time.monotonic() - started, 1)


def run(plan_name: str, only: list[str], sections: list[str]) -> dict:
    plan = PLANS[plan_name]
    nofile = procs.raise_nofile()
    cores = procs.cpu_plan()
    # This process publishes the floor's and naive peer's events: it is on the load side.
    procs.pin(0, cores["load"])
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    work = RESULTS / "work" / stamp
    work.mkdir(parents=True, exist_ok=True)
    results: dict = {
        "started_at": stamp,
        "plan": plan_name,
        "plan_detail": plan,
        "machine": procs.machine(),
        "versions": versions(),
        "pinning": {
            "server_cores": sorted(cores["server"]),
            "load_cores": sorted(cores["load"]),
            "how": "os.sched_setaffinity on every process the harness starts, at nice "
            f"{procs.NICE} (shared machine); the harness's private Redis may use both cores; "
            "PostgreSQL is the machine's own server, not pinned, normal priority",
            "nofile": nofile,
        },
        "p99_limit_ms": fanout.P99_LIMIT_MS,
        # The OpenIPS processes' transport (issue 11): passed through to them unchanged.
        "live_transport": os.environ.get("LIVE_TRANSPORT", "auto (unset)"),
    }
    tree, commit = infra.snapshot(work / "tree")
    results["openips_commit"] = commit
    redis = infra.start_redis(work)
    suffix = f"{os.getpid()}"
    db_openips, db_naive = f"openips_bench_{suffix}", f"openips_bench_naive_{suffix}"
    configs = []
    try:
        env = base_env()
        redis_url = f"redis://127.0.0.1:{redis.port}/0"
        common = {"cores": cores["server"], "log_dir": work, "env": env}
        all_configs = {
            "floor": lambda: FloorConfig(**common),
            "naive": lambda: NaiveConfig(
                database_url=infra.create_database(db_naive), redis_url=redis_url, **common
            ),
            "openips": lambda: OpenIPSConfig(
                root=tree,
                database_url=infra.create_database(db_openips),
                redis_url=redis_url,
                static_root=work / "static",
                load_cores=cores["load"],
                **common,
            ),
        }
        for name in only:
            config = all_configs[name]()
            config.setup()
            configs.append(config)
        by_name = {c.name: c for c in configs}
        run_sections(results, plan, sections, configs, by_name, cores, work)
    finally:
        for config in configs:
            config.close()
        redis.stop()
        infra.drop_database(db_openips)
        infra.drop_database(db_naive)
    results["machine"]["loadavg_at_end"] = procs.loadavg()
    return results


def run_sections(results, plan, sections, configs, by_name, cores, work) -> None:  # noqa: C901 - one flat list of optional sections
    duration = plan["duration"]

    def sweep() -> dict:
        out = {}
        for config in configs:
            out[config.name] = []
            for n in plan["clients"]:
                try:
                    steps = fanout.run_n(
                        config,
                        n,
                        fanout.ladder(config.name, n),
                        duration=duration,
                        cores=cores["load"],
                        repeat=0,
                    )
                except Exception as exc:  # recorded; the other configurations still run
                    traceback.print_exc()
                    out[config.name].append(
                        {
                            "config": config.name,
                            "clients": n,
                            "error": repr(exc)[:500],
                            "passed": False,
                        }
                    )
                    break
                out[config.name] += steps
                if any(s.get("not_connected") for s in steps):
                    break  # a larger room would not connect either
        return out

    def spread() -> dict:
        out = {}
        n = plan["spread_clients"]
        for config in configs:
            out[config.name] = []
            for repeat in range(1, plan["spread_repeats"] + 1):
                out[config.name] += fanout.run_n(
                    config,
                    n,
                    fanout.ladder(config.name, n),
                    duration=duration,
                    cores=cores["load"],
                    repeat=repeat,
                )
        return out

    if "fanout" in sections:
        section(results, "fanout", sweep)
    if "spread" in sections:
        section(results, "spread", spread)
    openips = by_name.get("openips")
    if openips is not None and "restart" in sections:
        section(
            results,
            "restart",
            lambda: scenarios.restart_mid_run(openips, cores=cores["load"], **plan["restart"]),
        )
    if openips is not None and "joinstorm" in sections:
        section(
            results,
            "join_storm",
            lambda: storms.join_storm(
                openips, by_name.get("floor"), clients=plan["join_storm"], cores=cores["load"]
            ),
        )
    if openips is not None and "resumestorm" in sections:
        section(
            results,
            "resume_storm",
            lambda: storms.resume_storm(openips, clients=plan["resume_storm"], cores=cores["load"]),
        )
    if openips is not None and "polls" in sections:
        section(
            results,
            "polls",
            lambda: polls.poll_vote(openips, clients=plan["poll_clients"], cores=cores["load"]),
        )
    if "idle" in sections:
        section(
            results,
            "idle",
            lambda: [
                scenarios.idle_connections(c, clients=plan["idle_clients"], cores=cores["load"])
                for c in configs
                if c.name != "naive"
            ],
        )
    if openips is not None and "http" in sections:
        section(
            results,
            "http",
            lambda: scenarios.http_pages(
                openips, cores=cores["load"], seconds=plan["http_seconds"]
            ),
        )
    if openips is not None and "exports" in sections:
        section(
            results,
            "exports",
            lambda: exports.measure_all(openips.env, plan["export_rows"], cores=cores["server"]),
        )
    if openips is not None and "registrations" in sections:
        section(
            results,
            "registrations",
            lambda: registrations.measure_all(
                openips.env, **plan["registrations"], cores=cores["server"]
            ),
        )


def _stop(signum, frame) -> None:
    # SIGTERM (or SIGINT where a background shell ignored it) unwinds like Ctrl-C, so that
    # every `finally` stops the processes this run started.
    raise KeyboardInterrupt


def main() -> None:
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="floor,naive,openips")
    parser.add_argument("--sections", default=",".join(SECTIONS))
    parser.add_argument("--no-report", action="store_true", help="do not touch BENCHMARKS.md")
    parser.add_argument("--clients", help="override the plan's room sizes, e.g. 1000,2500")
    parser.add_argument(
        "--storm-clients", help="override the join storm's sizes (the resume storm takes the last)"
    )
    parser.add_argument("--poll-clients", help="override the poll section's clients, e.g. 5000")
    parser.add_argument(
        "--transport",
        "--live-transport",
        dest="transport",
        choices=["auto", "portable", "daphne"],
        help="LIVE_TRANSPORT of the OpenIPS processes (default: the environment's)",
    )
    args = parser.parse_args()
    if args.transport:
        os.environ["LIVE_TRANSPORT"] = args.transport
    plan = "quick" if os.environ.get("BENCH_QUICK") == "1" else "full"
    if args.clients:
        PLANS[plan]["clients"] = [int(n) for n in args.clients.split(",")]
    if args.storm_clients:
        PLANS[plan]["join_storm"] = [int(n) for n in args.storm_clients.split(",")]
        PLANS[plan]["resume_storm"] = PLANS[plan]["join_storm"][-1]
    if args.poll_clients:
        PLANS[plan]["poll_clients"] = int(args.poll_clients)
    started = time.monotonic()
    results = run(plan, args.only.split(","), args.sections.split(","))
    results["total_seconds"] = round(time.monotonic() - started, 1)
    results["live_transport"] = os.environ.get("LIVE_TRANSPORT") or "auto"
    RESULTS.mkdir(parents=True, exist_ok=True)
    text = json.dumps(results, indent=1, sort_keys=True)
    (RESULTS / f"{results['started_at']}-{plan}.json").write_text(text)
    if not args.no_report:
        (RESULTS / f"latest-{plan}.json").write_text(text)
    if not args.no_report:
        report.write(results)
    print(f"done in {results['total_seconds']} s; results in {RESULTS}", flush=True)


if __name__ == "__main__":
    main()
