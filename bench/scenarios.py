"""The runs besides the fan-out sweep: restart mid-run, idle connections, HTTP pages."""

from __future__ import annotations

import threading
import time

from bench import fanout, httpload, procs
from bench.configs import OpenIPSConfig
from bench.loadgen import LoadGen


def restart_mid_run(
    config: OpenIPSConfig, *, clients: int, rate: float, duration: float, cores: set[int]
) -> dict:
    """Two server processes share the room; one is restarted while events flow.

    Its clients reconnect (to the other process first, the list is round-robin) with
    ``?last_seq=`` and get a replay of what they missed. Loss must be zero.
    """
    servers = config.start_servers(2)
    ports = [s.port for s in servers]
    restarted: dict = {}
    try:
        target, publisher = config.prepare(ports, clients)
        load = LoadGen(target, clients, workers=fanout.workers_for(clients), cores=cores)
        try:
            connect = load.connect()

            def restart() -> None:
                started = time.monotonic()
                config.restart(servers[0])
                restarted["seconds_down"] = round(time.monotonic() - started, 2)

            timer = threading.Timer(duration / 3, restart)
            timer.start()
            step = load.step(
                publisher,
                rate=rate,
                duration=duration,
                server_pids=[s.pid for s in servers],
                # Reconnecting clients come back over tens of seconds: wait for them.
                drain_cap=150.0,
                drain_idle=30.0,
            )
            timer.join(120)
        finally:
            load.close()
    finally:
        for server in servers:
            server.stop()
    step.update(connect=connect, restart=restarted, servers=2, passed=step["lost"] == 0)
    print(
        f"  restart: lost={step['lost']} reconnects={step['reconnects']} "
        f"p99={step['p99_ms']} max={step['max_ms']} ms",
        flush=True,
    )
    return step


def idle_connections(config, *, clients: int, cores: set[int], hold: float = 5.0) -> dict:
    """How many sockets one server process holds, and the memory each costs."""
    [server] = config.start_servers(1)
    try:
        time.sleep(1.0)
        before = procs.rss_bytes(server.pid)
        target, publisher = config.prepare([server.port], clients)
        load = LoadGen(target, clients, workers=fanout.workers_for(clients), cores=cores)
        try:
            connect = load.connect()
            time.sleep(hold)  # connections settle (hello, snapshot, presence) and stay open
            after = procs.rss_bytes(server.pid)
            cpu_idle_start = procs.cpu_seconds(server.pid)
            time.sleep(hold)
            cpu_idle = (procs.cpu_seconds(server.pid) - cpu_idle_start) / hold
            reconnects = sum(r.get("reconnects", 0) for r in load.ask("stats", {}))
        finally:
            load.close()
            publisher.close()
    finally:
        server.stop()
    result = {
        "config": config.name,
        "clients": clients,
        "connected": connect["connected"],
        "failed": connect["failed"],
        "connect_seconds": connect["seconds"],
        "reconnects_while_idle": reconnects,
        "rss_before_mib": round(before / 2**20, 1),
        "rss_after_mib": round(after / 2**20, 1),
        # Per connection actually open (a slow server may not accept all within the budget).
        "rss_per_connection_kib": round((after - before) / 1024 / max(connect["connected"], 1), 1),
        "idle_cpu_pct": round(cpu_idle * 100, 1),
    }
    print(f"  idle {config.name}: {result}", flush=True)
    return result


def http_pages(config: OpenIPSConfig, *, cores: set[int], seconds: float) -> dict:
    """Requests/s of product pages against /bench/minimal/ in the same server process.

    ``registration_submit`` POSTs the registration form (CSRF token from a GET of the form,
    a new address each time): each request is a real new registration, a pending single-use
    link stored and its e-mail sent to the console backend (the bench sets no EMAIL_URL).
    """
    seed = config.publisher_process.call(cmd="seed_http")
    slug = seed["slug"]
    register = f"/seminars/{slug}/register/"
    form = {"page": register, "fields": seed["register_fields"]}
    pages: dict[str, dict] = {
        "minimal": {"path": "/bench/minimal/"},
        "agenda": {"path": f"/seminars/{slug}/"},
        "registration_submit": {"path": register, "form": form},
    }
    [server] = config.start_servers(1)
    try:
        for page in pages.values():  # warm up: imports, template compilation, connections
            httpload.measure(server.port, cores=cores, concurrency=2, seconds=1.0, **page)
        figures = {
            name: httpload.measure(server.port, cores=cores, seconds=seconds, **page)
            for name, page in pages.items()
        }
    finally:
        server.stop()
    minimal = figures["minimal"]["requests_per_s"] or 1
    for name, figure in figures.items():
        figure["overhead_ratio"] = round(minimal / max(figure["requests_per_s"], 0.1), 2)
        figure["method"] = "POST" if "form" in pages[name] else "GET"
        print(f"  http {name}: {figure}", flush=True)
    return figures
