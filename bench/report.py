"""Turn a results JSON into BENCHMARKS.md's generated section and bench/latency.svg.

Only the text between the two markers is rewritten; the hand-written analysis around it
stays. ``python -m bench.report bench/results/latest-full.json`` redoes it from a file.
"""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path

from bench import chart, fanout, procs

BENCHMARKS = procs.ROOT / "BENCHMARKS.md"
SVG = procs.ROOT / "bench" / "latency.svg"
BEGIN, END = "<!-- bench:generated:begin -->", "<!-- bench:generated:end -->"
NAMES = {"floor": "Floor", "naive": "Naive peer", "openips": "OpenIPS"}


def _table(header: list[str], rows: list[list]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return out


def _best_by(steps: list[dict]) -> dict[tuple[str, int], dict | None]:
    groups: dict[tuple[str, int], list[dict]] = {}
    for step in steps:
        groups.setdefault((step["config"], step["clients"]), []).append(step)
    return {key: fanout.best(value) for key, value in groups.items()}


def _cell(step: dict | None) -> str:
    if step is None:
        return "none passed"
    return (
        f"**{step['deliveries_per_s']:,}**/s (R={step['rate']:g}; p50 {step['p50_ms']} / "
        f"p99 {step['p99_ms']} / max {step['max_ms']} ms; CPU {step['server_cpu_pct']}%)"
    )


def fanout_section(results: dict) -> list[str]:
    sweep = results.get("fanout", {})
    if "error" in sweep:
        return [f"Fan-out sweep failed: `{sweep['error']}`"]
    configs = list(sweep)
    steps = [s for name in configs for s in sweep[name]]
    best = _best_by(steps)
    clients = sorted({s["clients"] for s in steps})
    rows = [[f"{n:,}", *(_cell(best.get((c, n))) for c in configs)] for n in clients]
    overall = {c: fanout.best(sweep[c]) for c in configs}
    rows.append(
        [
            "**best**",
            *(
                _cell(overall[c]) + (f" at N={overall[c]['clients']:,}" if overall[c] else "")
                for c in configs
            ),
        ]
    )
    out = [
        "### Fan-out: highest deliveries/s with p99 <= "
        f"{results['p99_limit_ms']:g} ms and zero loss",
        "",
    ]
    out += _table(["N clients", *(NAMES.get(c, c) for c in configs)], rows)
    rss = [
        [
            NAMES.get(c, c),
            *(
                next(
                    (
                        f"{s['rss_per_connection_kib']} KiB"
                        for s in sweep[c]
                        if s["clients"] == n and s.get("rss_per_connection_kib")
                    ),
                    "",
                )
                for n in clients
            ),
        ]
        for c in configs
    ]
    out += ["", "Server memory per connection (RSS after connecting minus before, / N):", ""]
    out += _table(["", *(f"N={n:,}" for n in clients)], rss)
    out += ["", "<details><summary>Every step of the sweep</summary>", ""]
    out += _table(
        [
            "config",
            "N",
            "R/s",
            "offered/s",
            "achieved/s",
            "p50 ms",
            "p99 ms",
            "max ms",
            "lost",
            "server CPU",
            "load CPU",
            "result",
        ],
        [
            [
                s["config"],
                s["clients"],
                *(
                    s.get(k, "")
                    for k in (
                        "rate",
                        "offered_deliveries_per_s",
                        "deliveries_per_s",
                        "p50_ms",
                        "p99_ms",
                        "max_ms",
                        "lost",
                    )
                ),
                f"{s.get('server_cpu_pct', '')}%",
                f"{s.get('loadgen_cpu_pct', '')}%",
                ("pass" if s["passed"] else "FAIL")
                + (f" ({s['error']})" if s.get("error") else "")
                + (f" ({s['gap_resumes']} gap resumes)" if s.get("gap_resumes") else ""),
            ]
            for s in steps
        ],
    )
    out += ["", "</details>"]
    return out


def spread_section(results: dict) -> list[str]:
    sweep, spread = results.get("fanout", {}), results.get("spread", {})
    if not spread or "error" in spread or "error" in sweep:
        return [f"Spread runs: `{spread.get('error', 'not run')}`"]
    n = results["plan_detail"]["spread_clients"]
    rows = []
    for config in spread:
        steps = [s for s in sweep.get(config, []) + spread[config] if s["clients"] == n]
        per_repeat = {}
        for step in steps:
            per_repeat.setdefault(step["repeat"], []).append(step)
        bests = [fanout.best(v) for _, v in sorted(per_repeat.items())]
        values = [b["deliveries_per_s"] if b else 0 for b in bests]
        p99s = [b["p99_ms"] for b in bests if b]
        rows.append(
            [
                NAMES.get(config, config),
                len(values),
                ", ".join(f"{v:,}" for v in values),
                f"{min(values):,} – {max(values):,}",
                f"{statistics.median(values):,.0f}",
                ", ".join(str(p) for p in p99s),
            ]
        )
    out = [f"### Spread over repeated runs (N={n:,}, each run a fresh server and ladder)", ""]
    out += _table(
        ["config", "runs", "best deliveries/s per run", "range", "median", "p99 ms of each best"],
        rows,
    )
    return out


def _naive_row(openips: int, naive: int, naive_steps: list[dict]) -> list[str]:
    if naive:
        ratio = openips / naive
        return ["OpenIPS >= 5x naive peer", f"{ratio:.1f}x", "met" if ratio >= 5 else "NOT met"]
    # No passing rung: compare with the most the naive peer delivered at any latency without
    # loss, which is stricter than the target (a ratio to zero would say nothing).
    lossless = [s["deliveries_per_s"] for s in naive_steps if s.get("lost") == 0]
    most = max(lossless, default=0)
    if not openips:
        return ["OpenIPS >= 5x naive peer", "neither passed a rung", "NOT met"]
    measured = f"{openips:,}/s; the naive peer passed no rung"
    if not most:
        return ["OpenIPS >= 5x naive peer", measured, "met"]
    ratio = openips / most
    measured += f" (its most at any latency, no loss: {most:,}/s, so {ratio:.0f}x)"
    return ["OpenIPS >= 5x naive peer", measured, "met" if ratio >= 5 else "NOT met"]


def targets_section(results: dict) -> list[str]:
    sweep = results.get("fanout", {})
    if "error" in sweep or not sweep:
        return []
    best = {c: fanout.best(steps) for c, steps in sweep.items()}
    value = {c: (b["deliveries_per_s"] if b else 0) for c, b in best.items()}
    rows = []
    if "openips" in value and "naive" in value:
        rows.append(_naive_row(value["openips"], value["naive"], sweep["naive"]))
    if "openips" in value and "floor" in value:
        ratio = value["openips"] / max(value["floor"], 1)
        rows.append(
            ["OpenIPS >= 0.5x floor", f"{ratio:.2f}x", "met" if ratio >= 0.5 else "NOT met"]
        )
    if "openips" in value:
        rows.append(
            [
                "OpenIPS >= 50,000 deliveries/s, p99 <= 200 ms, no loss",
                f"{value['openips']:,}/s",
                "met" if value["openips"] >= 50000 else "NOT met",
            ]
        )
    idle = [
        i for i in results.get("idle", []) if isinstance(i, dict) and i.get("config") == "openips"
    ]
    for item in idle:
        ok = item["connected"] >= 10000 and item["rss_per_connection_kib"] <= 40
        rows.append(
            [
                "10,000 connections at <= 40 KiB each",
                f"{item['connected']:,} held, {item['rss_per_connection_kib']} KiB each",
                "met" if ok else "NOT met",
            ]
        )
    http = results.get("http", {})
    if "agenda" in http:
        ratio = http["agenda"]["overhead_ratio"]
        rows.append(
            ["agenda page <= 3x minimal view", f"{ratio}x", "met" if ratio <= 3 else "NOT met"]
        )
    flat = results.get("exports", {}).get("peak_ratio_large_to_small", {})
    for fmt, ratio in flat.items():
        rows.append(
            [
                f"{fmt.upper()} export memory flat (<= 1.2x)",
                f"{ratio}x",
                "met" if ratio <= 1.2 else "NOT met",
            ]
        )
    restart = results.get("restart", {})
    if "lost" in restart:
        rows.append(
            [
                "zero loss with a server restarted mid-run",
                f"{restart['lost']} lost",
                "met" if restart["lost"] == 0 else "NOT met",
            ]
        )
    return ["### Targets (this run)", "", *_table(["target", "measured", ""], rows)]


def storm_sections(results: dict) -> list[str]:
    """Join storm (beside the floor's handshake rate) and resume storm."""
    out: list[str] = []
    transport = results.get("live_transport", "auto (unset)")
    joins = results.get("join_storm")
    if joins:
        out += [f"### Join storm (two OpenIPS processes, LIVE_TRANSPORT={transport})", ""]
        if isinstance(joins, dict) and "error" in joins:
            out.append(f"Failed: `{joins['error'].splitlines()[0]}`")
        else:
            rows = []
            for row in joins:
                floor, ours = row.get("floor", {}), row["openips"]
                rows.append(
                    [
                        f"{row['clients']:,}",
                        f"{floor.get('joins_per_s', '-')}/s in "
                        f"{floor.get('seconds_to_last', '-')} s",
                        f"{ours['joined']:,}",
                        f"{ours['failed']}",
                        f"{ours['joins_per_s']}/s",
                        f"{ours['seconds_to_last']} s",
                        f"{ours.get('vs_floor', '-')}",
                        f"{ours['handshake_retries']}",
                        " ".join(ours["loadavg"]),
                    ]
                )
            out += _table(
                [
                    "N",
                    "floor handshakes",
                    "joined",
                    "failed",
                    "joins/s",
                    "last snapshot after",
                    "÷ floor",
                    "retries",
                    "load avg",
                ],
                rows,
            )
        out.append("")
    resume = results.get("resume_storm")
    if resume:
        out += ["### Resume storm (one of two processes restarted)", ""]
        if "error" in resume:
            out.append(f"Failed: `{resume['error'].splitlines()[0]}`")
        else:
            out.append(
                f"{resume['clients']:,} clients on two processes, {resume['rate']:g} events/s; "
                f"process 1 stopped (SIGTERM) and started again (down "
                f"{resume['seconds_down']} s). {resume['reconnects']:,} reconnects; "
                f"{resume['resumed']:,} of {resume['clients']:,} resumed, the last "
                f"{resume['seconds_to_all_resumed']} s after the stop began; **lost "
                f"{resume['lost']}**; load average {' '.join(resume['loadavg'])}."
            )
        out.append("")
    return out


def other_sections(results: dict) -> list[str]:
    out: list[str] = []
    restart = results.get("restart")
    if restart:
        out += ["### Server restarted mid-run", ""]
        if "error" in restart:
            out.append(f"Failed: `{restart['error']}`")
        else:
            out.append(
                f"Two OpenIPS processes, {restart['clients']:,} clients split between them, "
                f"{restart['rate']:g} events/s for {restart['events'] / restart['rate']:g} s; "
                f"process 1 stopped (SIGTERM) and started again after a third of the run "
                f"(down {restart['restart'].get('seconds_down', '?')} s). Clients reconnected "
                f"{restart['reconnects']:,} times with `?last_seq=`. Delivered "
                f"{restart['delivered']:,} of {restart['expected']:,}: **lost "
                f"{restart['lost']}**, duplicates dropped by seq {restart['duplicates']:,}; "
                f"p50 {restart['p50_ms']} / p99 {restart['p99_ms']} / max {restart['max_ms']} ms."
            )
    idle = results.get("idle")
    if isinstance(idle, list) and idle:
        out += ["", "### Idle connections (one server process)", ""]
        out += _table(
            [
                "config",
                "asked",
                "held",
                "failed",
                "connect time",
                "RSS before → after",
                "per connection",
                "idle CPU",
            ],
            [
                [
                    NAMES.get(i["config"], i["config"]),
                    f"{i['clients']:,}",
                    f"{i['connected']:,}",
                    i["failed"],
                    f"{i['connect_seconds']} s",
                    f"{i['rss_before_mib']} → {i['rss_after_mib']} MiB",
                    f"{i['rss_per_connection_kib']} KiB",
                    f"{i['idle_cpu_pct']}%",
                ]
                for i in idle
            ],
        )
    elif isinstance(idle, dict):
        out += ["", f"Idle connections failed: `{idle.get('error')}`"]
    http = results.get("http")
    if http:
        out += ["", "### HTTP (one Daphne process, 16 keep-alive connections)", ""]
        rows = [
            [
                name,
                f"{h.get('method', 'GET')} {h.get('path', '')}",
                h.get("requests_per_s", ""),
                h.get("p50_ms", ""),
                h.get("p99_ms", ""),
                h.get("overhead_ratio", ""),
                h.get("skipped", "") or h.get("error", "") or json.dumps(h.get("status", {})),
            ]
            for name, h in http.items()
            if isinstance(h, dict)
        ]
        out += _table(
            ["page", "path", "requests/s", "p50 ms", "p99 ms", "minimal/page", "statuses / note"],
            rows,
        )
    exports = results.get("exports")
    if exports:
        out += ["", "### Exports (registration/exports.py, all attendee columns)", ""]
        if "error" in exports:
            out.append(f"Failed: `{exports['error']}`")
        else:
            out += _table(
                ["format", "rows", "seconds", "rows/s", "file", "peak extra RSS"],
                [
                    [
                        r["format"].upper(),
                        f"{r['rows']:,}",
                        r["seconds"],
                        f"{r['rows_per_s']:,}",
                        f"{r['file_mib']} MiB",
                        f"{r['peak_extra_mib']} MiB",
                    ]
                    for r in exports["runs"]
                ],
            )
    out += _registrations(results.get("registrations"))
    return out


def _registrations(section: dict | None) -> list[str]:
    """Registrations/s with and without the waiting-list fairness step (bench/registrations.py)."""
    if not section:
        return []
    out = ["", "### Registrations with and without the waiting-list fairness step", ""]
    if "error" in section:
        return [*out, f"Failed: `{section['error']}`"]
    queries = {(r["state"], r["variant"]): r["queries_per_registration"] for r in section["runs"]}
    rows = []
    for key, s in section["summary"].items():
        state, workers = key.split("/")
        rows.append(
            [
                state,
                workers,
                f"{s['with_per_s']} ({queries.get((state, 'with'))} queries)",
                f"{s['without_per_s']} ({queries.get((state, 'without'))} queries)",
                f"{s['cost_pct']} %",
                f"{s.get('step_ms', '—')} ms",
            ]
        )
    header = ["state", "workers", "with: best registrations/s", "without", "cost", "step"]
    return out + _table(header, rows)


def render(results: dict) -> str:
    m, v = results["machine"], results["versions"]
    pin = results["pinning"]
    plan = results["plan"]
    command = "make bench" if plan == "full" else "BENCH_QUICK=1 make bench"
    lines = [
        BEGIN,
        f"## Results: `{command}` ({plan} plan), run {results['started_at']}",
        "",
        f"- Machine: {m['cpu_model']}, {m['cores']} cores, {m['memory_gib']} GiB, Linux "
        f"{m['kernel']}; load average at start {' '.join(m['loadavg_at_start'])}, at end "
        f"{' '.join(m.get('loadavg_at_end', []))} (other helpers share the machine).",
        f"- OpenIPS code measured: {results.get('openips_commit', '?')} (a frozen copy for the "
        "whole run, so edits made by others during the run do not leak in).",
        "- Versions: " + ", ".join(f"{k} {val}" for k, val in v.items() if val),
        f"- Pinning: servers on core(s) {pin['server_cores']}, load generator and publisher on "
        f"{pin['load_cores']} ({pin['how']}); RLIMIT_NOFILE {pin['nofile']}.",
        f"- Total time {results.get('total_seconds', '?')} s; raw figures in "
        f"`bench/results/{results['started_at']}-{plan}.json`.",
        "",
        "![p99 latency against deliveries/s](bench/latency.svg)",
        "",
    ]
    for part in (targets_section, fanout_section, spread_section, storm_sections, other_sections):
        lines += part(results) + [""]
    lines.append(END)
    return "\n".join(lines) + "\n"


def write(results: dict) -> None:
    steps = [
        s
        for config in results.get("fanout", {}).values()
        if isinstance(config, list)
        for s in config
    ]
    if steps:
        SVG.write_text(
            chart.render(
                steps,
                title="p99 latency vs deliveries/s, one room, "
                f"{results['machine']['cores']} cores "
                f"({results['started_at']})",
                limit_ms=results["p99_limit_ms"],
            )
        )
    generated = render(results)
    text = BENCHMARKS.read_text() if BENCHMARKS.exists() else f"# Benchmarks\n\n{BEGIN}\n{END}\n"
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        text = head + generated.rstrip("\n") + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + generated
    BENCHMARKS.write_text(text)


if __name__ == "__main__":
    write(json.loads(Path(sys.argv[1]).read_text()))
