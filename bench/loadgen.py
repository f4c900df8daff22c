"""Load generator: N WebSocket clients in one room, spread over several processes.

The coordinator (``LoadGen``) starts worker processes pinned to the load cores; each
worker holds its share of the clients on one asyncio loop (bench.wsclient) and records,
for every event frame, (client, event key, receive time). A publisher (bench.targets)
produces the events and returns the send time of each event key. After a step the
workers turn their records into a latency histogram and a per-client loss count, so the
coordinator never moves millions of samples between processes.

Clients that lose their connection reconnect with backoff, to the next server in the
list, and resume from the last sequence number they saw (the target decides the frame).
"""

from __future__ import annotations

import asyncio
import multiprocessing as mp
import os
import random
import time
from array import array
from collections import Counter

import orjson

from bench import openips_target, procs, wsclient
from bench.targets import Target

# Handshakes in flight per worker process. Daphne listens with Twisted's default backlog
# of 50 (`-b/-p` gives no way to raise it), and a burst beyond it is reset: see BENCHMARKS.md.
CONNECT_CONCURRENCY = int(os.environ.get("BENCH_CONNECT_CONCURRENCY", "20"))
BUCKET = 1e-4  # histogram resolution: 0.1 ms
SYNCS = ("snapshot", "replay")  # the frames after which an OpenIPS client has the room


class ClientState:
    __slots__ = (
        "cid",
        "port_index",
        "last_seq",
        "pending",
        "gap_since",
        "conn",
        "reconnects",
        "synced_at",
    )

    def __init__(self, cid: int, port_index: int) -> None:
        self.cid, self.port_index = cid, port_index
        self.last_seq = 0
        self.pending: set[int] = set()
        self.gap_since: float | None = None
        self.conn: wsclient.RawClient | None = None
        self.reconnects = 0
        # time.time() when the current connection had the room (OpenIPS: its snapshot or
        # replay arrived; others: the handshake completed); None while it has not.
        self.synced_at: float | None = None


class Worker:
    """Runs inside a worker process; talks to the coordinator over a Pipe."""

    def __init__(self, target: Target, cids: list[int], pipe) -> None:
        self.target, self.pipe = target, pipe
        ports = target.ports
        self.clients = [ClientState(cid, cid % len(ports)) for cid in cids]
        self.keys: dict = {}
        self.rec_client, self.rec_key, self.rec_time = array("I"), array("I"), array("d")
        self.stopping = False
        self.gap_resumes = 0
        self.errors: Counter = Counter()
        self.sem = asyncio.Semaphore(CONNECT_CONCURRENCY)

    def on_text_for(self, state: ClientState):
        keys, extract = self.keys, self.target.extract
        track = openips_target.track if self.target.kind == "openips" else None
        rc, rk, rt, cid = self.rec_client, self.rec_key, self.rec_time, state.cid
        now = time.time

        def on_text(payload: bytes) -> None:
            received = now()
            obj = orjson.loads(payload)
            if track is not None:
                track(state, obj)
                if state.synced_at is None and type(obj) is dict and obj.get("type") in SYNCS:
                    state.synced_at = received
            for key in extract(obj):
                index = keys.get(key)
                if index is None:
                    index = keys[key] = len(keys)
                rc.append(cid)
                rk.append(index)
                rt.append(received)

        return on_text

    async def open_one(self, state: ClientState) -> None:
        target = self.target
        port = target.ports[state.port_index]
        async with self.sem:
            state.conn = await wsclient.connect(
                host="127.0.0.1",
                port=port,
                path=target.path_for(state.cid, state.last_seq),
                headers=target.headers(state.cid, port),
                on_text=self.on_text_for(state),
                on_lost=lambda client, s=state: self.on_lost(s, client),
                local_host=f"127.0.0.{2 + state.cid % 16}",
            )
        if target.kind != "openips":
            state.synced_at = time.time()
        for frame in target.hello(state.last_seq):
            state.conn.send_text(frame)

    def on_lost(self, state: ClientState, client: wsclient.RawClient) -> None:
        # Only an open connection that dropped is resumed here; a failed handshake is
        # retried by whoever was opening it (connect_all or reconnect).
        if not self.stopping and state.conn is client and client.is_open:
            state.synced_at = None
            asyncio.get_running_loop().create_task(self.reconnect(state))

    async def reconnect(self, state: ClientState) -> None:
        delay = 0.2
        for _attempt in range(40):  # bounded: about a minute of backoff at most
            await asyncio.sleep(delay)
            if self.stopping:
                return
            state.port_index = (state.port_index + 1) % len(self.target.ports)
            try:
                await self.open_one(state)
                state.reconnects += 1
                return
            except (OSError, ConnectionError, TimeoutError) as exc:
                self.errors[type(exc).__name__] += 1
                delay = min(delay * 2, 2.0)

    async def connect_all(self, deadline_s: float) -> dict:
        """Open every client within ``deadline_s``; a refused or reset handshake is retried
        after a short pause, as the browser client does."""
        deadline = time.monotonic() + deadline_s
        todo = list(self.clients)
        retries = 0
        while todo and time.monotonic() < deadline:
            tasks = [asyncio.ensure_future(self.open_one(s)) for s in todo]
            await asyncio.wait(tasks, timeout=max(0.1, deadline - time.monotonic()))
            failed = []
            for state, task in zip(todo, tasks, strict=True):
                if not task.done():
                    task.cancel()
                    failed.append(state)
                elif task.exception() is not None:
                    exc = task.exception()
                    self.errors[f"{type(exc).__name__}: {exc}"[:120]] += 1
                    failed.append(state)
            todo = failed
            if todo:
                retries += len(todo)
                await asyncio.sleep(0.5)
        return {"connected": len(self.clients) - len(todo), "failed": len(todo), "retries": retries}

    async def resume_gaps(self) -> None:
        """Protocol rule 3: a seq gap open for 3 s -> ``resume`` (counted, so the report
        shows when the live path dropped an event and the protocol recovered it)."""
        while not self.stopping:
            await asyncio.sleep(0.5)
            limit = time.monotonic() - openips_target.GAP_RESUME_AFTER
            for state in self.clients:
                if state.gap_since is not None and state.gap_since < limit and state.conn:
                    state.conn.send_text(openips_target.resume_frame(state.last_seq))
                    state.gap_since = time.monotonic()
                    self.gap_resumes += 1

    def synced(self) -> dict:
        """How many clients have the room now, and when the first and last of them got it."""
        times = [s.synced_at for s in self.clients if s.synced_at is not None]
        return {
            "synced": len(times),
            "first": min(times, default=None),
            "last": max(times, default=None),
            "reconnects": sum(s.reconnects for s in self.clients),
            "errors": dict(self.errors),
        }

    def reset(self) -> None:
        self.gap_resumes = 0
        self.keys.clear()
        del self.rec_client[:], self.rec_key[:], self.rec_time[:]

    def stats(self, table: dict) -> dict:
        """Latency histogram and loss against the publisher's {key: (index, sent_at)}."""
        index_of = {i: table.get(k) for k, i in self.keys.items()}
        events = len(table)
        seen: dict[int, bytearray] = {s.cid: bytearray(events) for s in self.clients}
        hist: Counter = Counter()
        worst = 0.0
        duplicates = 0
        first = min((v[1] for v in table.values()), default=0.0)
        last_receive = 0.0
        for cid, k, t in zip(self.rec_client, self.rec_key, self.rec_time, strict=True):
            entry = index_of[k]
            if entry is None:
                continue
            flags = seen[cid]
            if flags[entry[0]]:
                duplicates += 1
                continue
            flags[entry[0]] = 1
            latency = t - entry[1]
            hist[int(latency / BUCKET)] += 1
            worst = max(worst, latency)
            last_receive = max(last_receive, t)
        delivered = sum(sum(f) for f in seen.values())
        return {
            "hist": dict(hist),
            "max": worst,
            "delivered": delivered,
            "expected": events * len(self.clients),
            "duplicates": duplicates,
            "first_send": first,
            "last_receive": last_receive,
            "reconnects": sum(s.reconnects for s in self.clients),
            "gap_resumes": self.gap_resumes,
            "errors": dict(self.errors),
        }

    def poll_vote(self, poll_id: int, option_ids: list[int], spread: float) -> int:
        """Each client votes once at a random moment within ``spread`` seconds (bench/polls.py)."""
        loop = asyncio.get_running_loop()
        sent = 0
        for state in self.clients:
            if state.conn is None:
                continue
            option = option_ids[state.cid % len(option_ids)]
            frame = b'{"type":"poll.vote","poll_id":%d,"option_ids":[%d]}' % (poll_id, option)
            loop.call_later(random.uniform(0, spread), state.conn.send_text, frame)
            sent += 1
        return sent

    def poll_stats(self, voters: int) -> dict:
        """Per worker: the totals events seen (distinct seqs), and the clients that have the
        final totals (``voters`` counted) with the time the last of them got it."""
        final_at: dict[int, float] = {}
        seqs: set[int] = set()
        names = {index: key for key, index in self.keys.items() if key.startswith("t:")}
        for cid, k, t in zip(self.rec_client, self.rec_key, self.rec_time, strict=True):
            key = names.get(k)
            if key is None:
                continue
            _t, _poll, count, seq = key.split(":")
            seqs.add(int(seq))
            if int(count) >= voters and cid not in final_at:
                final_at[cid] = t
        return {
            "seqs": sorted(seqs),
            "final": len(final_at),
            "last_final": max(final_at.values(), default=None),
            "frames": sum(1 for k in self.rec_key if k in names),
        }

    async def serve(self) -> None:
        loop = asyncio.get_running_loop()
        commands: asyncio.Queue = asyncio.Queue()
        loop.add_reader(self.pipe.fileno(), lambda: commands.put_nowait(self.pipe.recv()))
        if self.target.kind == "openips":
            resumer = loop.create_task(self.resume_gaps())  # noqa: F841 - runs until stopping
        while True:
            command, arg = await commands.get()
            if command == "connect":
                self.pipe.send(await self.connect_all(arg))
            elif command == "reset":
                self.reset()
                self.pipe.send(True)
            elif command == "count":
                self.pipe.send(len(self.rec_time))
            elif command == "synced":
                self.pipe.send(self.synced())
            elif command in SIMPLE_COMMANDS:
                self.pipe.send(SIMPLE_COMMANDS[command](self, arg))
            elif command == "close":
                self.stopping = True
                for state in self.clients:
                    if state.conn is not None:
                        state.conn.close()
                await asyncio.sleep(0.5)
                self.pipe.send(True)
                return


SIMPLE_COMMANDS = {
    "stats": Worker.stats,
    "poll_vote": lambda worker, arg: worker.poll_vote(*arg),
    "poll_stats": Worker.poll_stats,
}


def _worker_main(target: Target, cids: list[int], pipe, cores: set[int]) -> None:
    procs.raise_nofile()
    procs.pin(0, cores)
    asyncio.run(Worker(target, cids, pipe).serve())


def percentile(hist: Counter, total: int, q: float) -> float:
    if total == 0:
        return float("nan")
    rank = q * (total - 1)
    seen = 0
    for bucket in sorted(hist):
        seen += hist[bucket]
        if seen > rank:
            return (bucket + 0.5) * BUCKET
    return float("nan")


class LoadGen:
    """N clients of one target, held open across several publishing steps."""

    def __init__(self, target: Target, n_clients: int, *, workers: int, cores: set[int]):
        self.target, self.n_clients, self.cores = target, n_clients, cores
        ctx = mp.get_context("spawn")
        self.pipes, self.procs = [], []
        for w in range(workers):
            ours, theirs = ctx.Pipe()
            cids = list(range(w, n_clients, workers))
            proc = ctx.Process(target=_worker_main, args=(target, cids, theirs, cores))
            proc.start()
            self.pipes.append(ours)
            self.procs.append(proc)

    def ask(self, command: str, arg=None, timeout: float = 120.0) -> list:
        for pipe in self.pipes:
            pipe.send((command, arg))
        replies = []
        for pipe in self.pipes:
            if not pipe.poll(timeout):
                raise TimeoutError(f"load worker did not answer {command!r} within {timeout} s")
            replies.append(pipe.recv())
        return replies

    def connect(self, deadline_s: float = 150.0) -> dict:
        """Connect every client, or as many as open within ``deadline_s``."""
        started = time.monotonic()
        replies = self.ask("connect", deadline_s, timeout=deadline_s + 60)
        return {
            "connected": sum(r["connected"] for r in replies),
            "failed": sum(r["failed"] for r in replies),
            "retries": sum(r.get("retries", 0) for r in replies),
            "seconds": round(time.monotonic() - started, 2),
        }

    def synced(self) -> dict:
        """Clients that have the room now (all workers), and the first and last time one got it."""
        replies = self.ask("synced")
        firsts = [r["first"] for r in replies if r["first"] is not None]
        lasts = [r["last"] for r in replies if r["last"] is not None]
        errors: Counter = Counter()
        for reply in replies:
            errors.update(reply["errors"])
        return {
            "synced": sum(r["synced"] for r in replies),
            "first": min(firsts, default=None),
            "last": max(lasts, default=None),
            "reconnects": sum(r["reconnects"] for r in replies),
            "errors": dict(errors),
        }

    def wait_synced(self, want: int, cap: float) -> dict:
        """Poll until ``want`` clients have the room, or ``cap`` seconds passed."""
        deadline = time.monotonic() + cap
        while True:
            state = self.synced()
            if state["synced"] >= want or time.monotonic() > deadline:
                return state
            time.sleep(0.1)

    def worker_cpu(self) -> float:
        return sum(procs.cpu_seconds(p.pid) for p in self.procs)

    def drain(self, expected: int, cap: float = 20.0, idle: float = 2.0) -> None:
        """Wait until every expected delivery arrived, or nothing arrived for ``idle``
        seconds, or ``cap`` seconds passed."""
        deadline = time.monotonic() + cap
        last, last_change = -1, time.monotonic()
        while time.monotonic() < deadline:
            total = sum(self.ask("count"))
            if total >= expected:
                return
            if total != last:
                last, last_change = total, time.monotonic()
            elif time.monotonic() - last_change > idle:
                return
            time.sleep(0.25)

    def step(
        self,
        publisher,
        *,
        rate: float,
        duration: float,
        server_pids: list[int],
        drain_cap: float = 20.0,
        drain_idle: float = 2.0,
    ) -> dict:
        self.ask("reset")
        cpu_before = {pid: procs.cpu_seconds(pid) for pid in server_pids}
        load_before, wall_before = self.worker_cpu(), time.monotonic()
        table = publisher.publish(rate=rate, duration=duration)
        self.drain(self.n_clients * len(table), cap=drain_cap, idle=drain_idle)
        wall = time.monotonic() - wall_before
        server_cpu = sum(
            procs.cpu_seconds(p) - cpu_before[p] for p in server_pids if p in cpu_before
        )
        load_cpu = self.worker_cpu() - load_before
        replies = self.ask("stats", table, timeout=300)
        publisher_error = getattr(publisher, "last_error", None)
        summary = summarise(
            replies, table, rate, duration, self.n_clients, server_cpu / wall, load_cpu / wall
        )
        summary["publisher_error"] = publisher_error
        service = getattr(publisher, "service_ms", None)
        if service:
            summary["service_call_p50_ms"] = round(service[len(service) // 2], 1)
            summary["service_call_max_ms"] = round(service[-1], 1)
        return summary

    def close(self) -> None:
        try:
            self.ask("close", timeout=30)
        except (TimeoutError, OSError, EOFError):
            pass
        for proc in self.procs:
            proc.join(10)
            if proc.is_alive():
                proc.kill()
                proc.join(5)


def summarise(replies, table, rate, duration, n_clients, server_cpu, load_cpu) -> dict:
    hist: Counter = Counter()
    for reply in replies:
        hist.update({int(k): v for k, v in reply["hist"].items()})
    delivered = sum(r["delivered"] for r in replies)
    expected = sum(r["expected"] for r in replies)
    first = min((r["first_send"] for r in replies), default=0.0)
    last = max((r["last_receive"] for r in replies), default=0.0)
    span = max(last - first, duration, 1e-9)
    errors: Counter = Counter()
    for reply in replies:
        errors.update(reply["errors"])
    return {
        "clients": n_clients,
        "rate": rate,
        "events": len(table),
        "offered_deliveries_per_s": round(n_clients * rate),
        "deliveries_per_s": round(delivered / span),
        "expected": expected,
        "delivered": delivered,
        "lost": expected - delivered,
        "duplicates": sum(r["duplicates"] for r in replies),
        "p50_ms": round(percentile(hist, delivered, 0.50) * 1000, 1) if delivered else None,
        "p99_ms": round(percentile(hist, delivered, 0.99) * 1000, 1) if delivered else None,
        "max_ms": round(max((r["max"] for r in replies), default=0.0) * 1000, 1),
        "server_cpu_pct": round(server_cpu * 100, 1),
        "loadgen_cpu_pct": round(load_cpu * 100, 1),
        "reconnects": sum(r["reconnects"] for r in replies),
        "gap_resumes": sum(r.get("gap_resumes", 0) for r in replies),
        "client_errors": dict(errors),
    }
