"""A room votes in a poll: N clients (room tokens) on two OpenIPS processes each vote once at a
random moment within ``window`` seconds, with the results shown while voting.

Measured: the ``poll.totals`` events the room received (distinct seqs) per second of voting,
the frames each client received, the servers' CPU over the vote, and the time from the end of
the voting window until the totals counting every vote reached every client.
"""

from __future__ import annotations

import time

from bench import fanout, procs
from bench.configs import OpenIPSConfig
from bench.loadgen import LoadGen

CONNECT_BUDGET_S = 150.0
FINAL_BUDGET_S = 60.0


def _poll_state(load: LoadGen, voters: int) -> dict:
    replies = load.ask("poll_stats", voters)
    lasts = [r["last_final"] for r in replies if r["last_final"] is not None]
    return {
        "seqs": sorted({s for r in replies for s in r["seqs"]}),
        "final": sum(r["final"] for r in replies),
        "last_final": max(lasts, default=None),
        "frames": sum(r["frames"] for r in replies),
    }


def poll_vote(openips: OpenIPSConfig, *, clients: int, cores: set[int], window: float = 10.0):
    servers = openips.start_servers(2)
    try:
        time.sleep(1.0)
        target, publisher = openips.prepare([s.port for s in servers], clients)
        load = LoadGen(target, clients, workers=fanout.workers_for(clients), cores=cores)
        try:
            load.connect(CONNECT_BUDGET_S)
            joined = load.wait_synced(clients, CONNECT_BUDGET_S)["synced"]
            poll = publisher.call(cmd="poll")
            load.ask("reset")
            cpu_before = {s.pid: procs.cpu_seconds(s.pid) for s in servers}
            started = time.time()
            sent = sum(load.ask("poll_vote", (poll["poll_id"], poll["option_ids"], window)))
            deadline = time.monotonic() + window + FINAL_BUDGET_S
            while True:
                time.sleep(0.5)
                state = _poll_state(load, sent)
                if state["final"] >= joined or time.monotonic() > deadline:
                    break
            elapsed = max(time.time() - started, 1e-6)
            cpu = sum(procs.cpu_seconds(pid) - before for pid, before in cpu_before.items())
        finally:
            load.close()
    finally:
        for server in servers:
            server.stop()
    last = state["last_final"]
    result = {
        "clients": clients,
        "joined": joined,
        "votes_sent": sent,
        "window_s": window,
        "totals_events": len(state["seqs"]),
        "totals_events_per_s": round(len(state["seqs"]) / max((last or started) - started, 1), 2),
        "frames_per_client": round(state["frames"] / max(joined, 1), 1),
        "server_cpu_pct": round(cpu / elapsed * 100, 1),
        "clients_with_final_totals": state["final"],
        "final_totals_after_window_s": (
            round(last - (started + window), 2) if last is not None else None
        ),
        "loadavg": procs.loadavg(),
        "passed": state["final"] == joined,
    }
    print(f"  poll vote N={clients}: {result}", flush=True)
    return result
