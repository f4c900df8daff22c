"""A room that fills at once, and a room whose process is restarted: join and resume storms.

*Join storm*: N clients connect at the same moment to a session that is starting, spread
over two OpenIPS server processes; a client counts as joined when its ``snapshot`` has
arrived (not when its handshake completed). The floor (one `websockets` process, nothing
behind the handshake) takes the same N in the same run: its handshake rate is the yardstick.

*Resume storm*: the N clients stay; events flow at a low rate; one of the two processes is
restarted (SIGTERM, start again). Its clients reconnect to the other process with
``?last_seq=`` as the protocol says (docs/websocket-protocol.md) and count as resumed when
their ``replay`` (or ``snapshot``) has arrived. Events lost must be 0.
"""

from __future__ import annotations

import threading
import time

from bench import fanout, procs
from bench.configs import Config, OpenIPSConfig
from bench.loadgen import LoadGen

CONNECT_BUDGET_S = 150.0


def _storm(config: Config, servers: list[procs.Server], n: int, cores: set[int]):
    """Connect N clients at once; returns (figures, the LoadGen, its publisher)."""
    target, publisher = config.prepare([s.port for s in servers], n)
    load = LoadGen(target, n, workers=fanout.workers_for(n), cores=cores)
    cpu_before = {s.pid: procs.cpu_seconds(s.pid) for s in servers}
    started = time.time()
    connect = load.connect(CONNECT_BUDGET_S)
    state = load.wait_synced(n, CONNECT_BUDGET_S)
    last = state["last"] or time.time()
    seconds = max(last - started, 1e-6)
    cpu = sum(procs.cpu_seconds(p) - b for p, b in cpu_before.items())
    figures = {
        "config": config.name,
        "clients": n,
        "servers": len(servers),
        "joined": state["synced"],
        "failed": n - state["synced"],
        "handshake_retries": connect["retries"],
        "handshakes_seconds": connect["seconds"],
        "seconds_to_last": round(seconds, 2),
        "joins_per_s": round(state["synced"] / seconds),
        "server_cpu_pct": round(cpu / seconds * 100, 1),
        "client_errors": state["errors"],
        "loadavg": procs.loadavg(),
    }
    return figures, load, publisher


def join_storm(
    openips: OpenIPSConfig, floor: Config | None, *, clients: list[int], cores: set[int]
) -> list[dict]:
    """For each N: the floor's handshake rate, then OpenIPS's joins on two processes."""
    rows = []
    for n in clients:
        row: dict = {"clients": n}
        if floor is not None:
            servers = floor.start_servers(1)
            try:
                time.sleep(0.5)
                figures, load, publisher = _storm(floor, servers, n, cores)
                load.close()
                publisher.close()
            finally:
                for server in servers:
                    server.stop()
            row["floor"] = figures
            print(f"  join storm floor N={n}: {figures}", flush=True)
        servers = openips.start_servers(2)
        try:
            time.sleep(1.0)
            figures, load, publisher = _storm(openips, servers, n, cores)
            load.close()
        finally:
            for server in servers:
                server.stop()
        row["openips"] = figures
        if "floor" in row:
            figures["vs_floor"] = round(
                figures["joins_per_s"] / max(row["floor"]["joins_per_s"], 1), 3
            )
        print(f"  join storm openips N={n}: {figures}", flush=True)
        rows.append(row)
    return rows


def resume_storm(
    openips: OpenIPSConfig,
    *,
    clients: int,
    cores: set[int],
    rate: float = 2.0,
    duration: float = 12.0,
) -> dict:
    """N clients on two processes; one is restarted while events flow; all must resume."""
    servers = openips.start_servers(2)
    restarted: dict = {}
    try:
        time.sleep(1.0)
        joined, load, publisher = _storm(openips, servers, clients, cores)
        try:

            def restart() -> None:
                began = time.time()
                restarted["began"] = began
                openips.restart(servers[0])
                restarted["seconds_down"] = round(time.time() - began, 2)

            timer = threading.Timer(duration / 3, restart)
            timer.start()
            step = load.step(
                publisher,
                rate=rate,
                duration=duration,
                server_pids=[s.pid for s in servers],
                drain_cap=150.0,
                drain_idle=30.0,
            )
            timer.join(120)
            state = load.wait_synced(clients, CONNECT_BUDGET_S)
        finally:
            load.close()
    finally:
        for server in servers:
            server.stop()
    began = restarted.get("began", 0.0)
    last = state["last"] or began
    result = {
        "clients": clients,
        "servers": 2,
        "joined_first": joined,
        "rate": rate,
        "events": step["events"],
        "lost": step["lost"],
        "duplicates": step["duplicates"],
        "reconnects": state["reconnects"],
        "resumed": state["synced"],
        "not_resumed": clients - state["synced"],
        "seconds_to_all_resumed": round(max(last - began, 0.0), 2),
        "seconds_down": restarted.get("seconds_down"),
        "p99_ms": step["p99_ms"],
        "max_ms": step["max_ms"],
        "client_errors": state["errors"],
        "loadavg": procs.loadavg(),
        "passed": step["lost"] == 0 and state["synced"] == clients,
    }
    print(f"  resume storm N={clients}: {result}", flush=True)
    return result
