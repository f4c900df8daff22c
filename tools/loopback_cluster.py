"""The loopback cluster (deploy/loopback-cluster): production's shape on one machine.

Debian's nginx in front of three web processes (``python -m ops.serve``: Daphne with the
drain), the task worker, PostgreSQL (the machine's server, a database of the run's own) and
a private Redis, all on loopback ports. N clients join one room through nginx while the real
services publish a question stream; one web process gets SIGTERM (it drains: 1001 spread
over DRAIN_SECONDS) and another SIGKILL. Clients reconnect through nginx to the survivor
and resume with ``?last_seq=``, as docs/websocket-protocol.md says a client must.

Reports (one JSON object on the last line) and exits 1 unless: 0 events lost (every client
ends with every seq of the room, contiguously) and every client cut off resumed. The client
and the publisher are the benchmark's (bench/wsclient.py, bench/openips_publisher.py).
"""

import argparse
import asyncio
import json
import os
import random
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson

from bench import infra, procs, wsclient
from bench.configs import ProcessPublisher
from bench.openips_target import GAP_RESUME_AFTER, path_for, resume_frame, track

ROOT = Path(__file__).resolve().parent.parent
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"

NGINX_CONF = """{user}worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/nginx-error.log warn;
worker_rlimit_nofile 16384;
events {{ worker_connections 8192; }}
http {{
    access_log off;
    client_body_temp_path {dir}/body; proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi; uwsgi_temp_path {dir}/uwsgi; scgi_temp_path {dir}/scgi;
    upstream openips {{
        least_conn;
{servers}
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://openips;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection "upgrade";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Request-ID $request_id;
            proxy_read_timeout 1h;
            proxy_connect_timeout 2s;
        }}
    }}
}}
"""


class Client:
    __slots__ = ("cid", "token", "last_seq", "pending", "gap_since", "conn", "cut_at", "resumes")

    def __init__(self, cid: int, token: str) -> None:
        self.cid, self.token = cid, token
        self.last_seq = 0
        self.pending: set[int] = set()
        self.gap_since: float | None = None
        self.conn = None
        self.cut_at: float | None = None  # when its socket closed, until it resumed
        self.resumes: list[float] = []  # seconds from cut to resumed, one per cut


class Room:
    """Every client of the room, kept connected through nginx."""

    def __init__(self, port: int, session_id: int, tokens: list[str]) -> None:
        self.port, self.session_id = port, session_id
        self.clients = [Client(i, token) for i, token in enumerate(tokens)]
        self.headers = {"Origin": f"http://127.0.0.1:{port}"}
        self.stopping = False
        self.opened = 0
        self.last_resume_at = 0.0

    def on_text(self, client: Client, payload: bytes) -> None:
        frame = orjson.loads(payload)
        if not isinstance(frame, dict):
            return
        track(client, frame)
        if frame.get("type") in {"snapshot", "replay"} and client.cut_at is not None:
            now = time.monotonic()
            client.resumes.append(now - client.cut_at)
            client.cut_at = None
            self.last_resume_at = max(self.last_resume_at, now)

    def on_lost(self, client: Client) -> None:
        if self.stopping:
            return
        if client.cut_at is None:
            client.cut_at = time.monotonic()
        asyncio.get_running_loop().create_task(self.open(client, delay=random.uniform(0.1, 1)))

    async def open(self, client: Client, delay: float = 0.0) -> None:
        backoff = 0.25
        await asyncio.sleep(delay)
        while not self.stopping:
            try:
                client.conn = await wsclient.connect(
                    host="127.0.0.1",
                    port=self.port,
                    path=path_for(self.session_id, client.token, client.last_seq),
                    headers=self.headers,
                    on_text=lambda payload, c=client: self.on_text(c, payload),
                    on_lost=lambda _conn, c=client: self.on_lost(c),
                    timeout=60,
                )
                self.opened += 1
                return
            except (OSError, ConnectionError, TimeoutError):
                # Exponential backoff with jitter, as docs/websocket-protocol.md asks.
                await asyncio.sleep(backoff + random.uniform(0, backoff))
                backoff = min(backoff * 2, 8.0)

    async def resume_gaps(self) -> None:
        """Protocol rule 3: a gap open for GAP_RESUME_AFTER seconds asks for a resume."""
        while not self.stopping:
            await asyncio.sleep(0.5)
            now = time.monotonic()
            for client in self.clients:
                if client.gap_since is not None and now - client.gap_since > GAP_RESUME_AFTER:
                    client.gap_since = now
                    if client.conn is not None:
                        client.conn.send_text(resume_frame(client.last_seq))


def _start(name: str, cmd: list[str], env: dict, port: int, logs: Path) -> procs.Server:
    cores = set(range(os.cpu_count() or 1))
    return procs.Server(name, cmd, env, port, cores, logs / f"{name}.log").start(timeout=60)


def _web(index: int, env: dict, logs: Path) -> procs.Server:
    port = procs.free_port()
    endpoint = f"tcp:port={port}:interface=127.0.0.1:backlog=2048"
    # --websocket_connect_timeout: a handshake waits for the room's database work, which
    # queues while two thirds of the room reconnect at once (Daphne's default is 5 s).
    cmd = [sys.executable, "-m", "ops.serve", "--proxy-headers", "--access-log", os.devnull,
           "--websocket_connect_timeout", "60", "-e", endpoint,
           "config.asgi:application"]  # fmt: skip
    return _start(f"web{index}", cmd, env, port, logs)


def _nginx(webs: list[procs.Server], logs: Path, port: int) -> procs.Server:
    # max_fails=0: a stopped process refuses at once and nginx tries the next one; marking a
    # busy survivor down for fail_timeout would turn a reconnection wave into "no live
    # upstreams" for everyone.
    servers = "\n".join(f"        server 127.0.0.1:{w.port} max_fails=0;" for w in webs)
    user = "user root;\n" if os.geteuid() == 0 else ""
    conf = logs / "nginx.conf"
    conf.write_text(NGINX_CONF.format(user=user, dir=logs, servers=servers, port=port))
    cmd = [NGINX, "-p", str(logs), "-c", str(conf), "-g", "daemon off;"]
    return _start("nginx", cmd, dict(os.environ), port, logs)


def _environment(database_url: str, redis_url: str, site: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": site,
        "CSRF_TRUSTED_ORIGINS": site,
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "TRUSTED_PROXY_COUNT": "1",
        "DRAIN_SECONDS": "3",
        "LOG_FORMAT": "json",
    }


async def _bounded(work, seconds: float) -> None:
    async with asyncio.timeout(seconds):
        await work


async def _run_room(room: Room, publish, webs, duration: float, report: dict) -> None:
    # In batches, as a room fills before a session: the clients' own start-up is not the test.
    for start in range(0, len(room.clients), 100):
        batch = room.clients[start : start + 100]
        async with asyncio.timeout(120):
            await asyncio.gather(*(room.open(c) for c in batch))
    report["connected"] = sum(c.conn is not None for c in room.clients)
    gaps = asyncio.get_running_loop().create_task(room.resume_gaps())
    loop = asyncio.get_running_loop()
    publishing = loop.run_in_executor(None, publish)
    await asyncio.sleep(duration / 3)
    cut_at = time.monotonic()
    webs[0].proc.send_signal(signal.SIGTERM)  # drains: 1001 spread over DRAIN_SECONDS
    await asyncio.sleep(duration / 6)
    webs[1].proc.kill()  # SIGKILL: its sockets just drop
    report.update(await publishing)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        behind = [c for c in room.clients if c.last_seq < report["head"] or c.cut_at]
        if not behind:
            break
        await asyncio.sleep(0.5)
    room.stopping = True
    gaps.cancel()
    cut = [c for c in room.clients if c.resumes or c.cut_at is not None]
    report.update(
        clients=len(room.clients),
        events_lost=sum(report["head"] - c.last_seq for c in room.clients),
        clients_cut_off=len(cut),
        clients_resumed=sum(1 for c in cut if c.cut_at is None),
        seconds_to_last_resume=round(room.last_resume_at - cut_at, 2) if cut else None,
        slowest_resume_seconds=round(max((max(c.resumes) for c in cut if c.resumes), default=0), 2),
    )
    for client in room.clients:
        if client.conn is not None:
            client.conn.close()


def _head(database_url: str, session_id: int) -> int:
    """The room's last seq, as stored: what every client must end with."""
    import psycopg

    with psycopg.connect(database_url) as conn:
        row = conn.execute(
            "SELECT max(seq) FROM seminars_roomevent WHERE session_id = %s", (session_id,)
        ).fetchone()
    return row[0] or 0


def run(clients: int, rate: float, duration: float, logs: Path) -> dict:
    procs.raise_nofile(4 * clients + 1024)
    redis = infra.start_redis(logs)
    name = f"openips_cluster_{os.getpid()}"
    database_url = infra.create_database(name)
    started: list[procs.Server] = [redis]
    publisher = None
    try:
        nginx_port = procs.free_port()
        site = f"http://127.0.0.1:{nginx_port}"  # the Origin the sockets' check accepts
        env = _environment(database_url, f"redis://127.0.0.1:{redis.port}/0", site)
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
                       cwd=ROOT, env=env, check=True)  # fmt: skip
        webs = [_web(i, env, logs) for i in range(3)]
        started += webs
        nginx = _nginx(webs, logs, nginx_port)
        started.append(nginx)
        worker_cmd = [sys.executable, "manage.py", "worker", "--queue-name", "*", "--no-reload"]
        with (logs / "worker.log").open("ab") as log:
            worker = subprocess.Popen(
                worker_cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        cores = set(range(os.cpu_count() or 1))
        publisher = ProcessPublisher(env, cores, logs / "publisher.log", ROOT)
        room_info = publisher.call(cmd="room", clients=clients)
        room = Room(nginx.port, room_info["session_id"], room_info["tokens"])

        def publish() -> dict:
            table = publisher.call(cmd="publish", rate=rate, duration=duration)["table"]
            return {"published": len(table), "head": _head(database_url, room.session_id)}

        report: dict = {"rate_per_second": rate, "duration_seconds": duration}
        asyncio.run(_bounded(_run_room(room, publish, webs, duration, report), duration + 300))
        report["sigterm_exit_code"] = webs[0].proc.wait(timeout=30)
        report["worker_running"] = worker.poll() is None
        procs.stop_process(worker, timeout=30)
        report["ok"] = (
            report["events_lost"] == 0
            and report["clients_cut_off"] == report["clients_resumed"]
            and report["clients_cut_off"] > 0
        )
        return report
    finally:
        if publisher is not None:
            publisher.stop()
        for server in reversed(started):
            server.stop()
        infra.drop_database(name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=10.0, help="questions per second")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of questions")
    parser.add_argument("--logs", type=Path, default=None, help="folder for the logs (kept)")
    args = parser.parse_args(argv)
    # A SIGTERM (a CI timeout) still stops every process and drops the database.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(1))
    logs = args.logs or Path(tempfile.mkdtemp(prefix="openips-cluster-"))
    logs.mkdir(parents=True, exist_ok=True)
    report = run(args.clients, args.rate, args.duration, logs)
    report["logs"] = str(logs)
    print(json.dumps(report), flush=True)
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
