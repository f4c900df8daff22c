"""The three configurations under test, each able to start its servers and publisher."""

from __future__ import annotations

import json
import os
from pathlib import Path

from bench import procs
from bench.targets import SocketPublisher, Target

DAPHNE = str(Path(procs.PYTHON).parent / "daphne")


class Config:
    name = ""
    label = ""

    def __init__(
        self, *, cores: set[int], log_dir: Path, env: dict[str, str], root: Path = procs.ROOT
    ) -> None:
        self.cores, self.log_dir, self.env, self.root = cores, log_dir, env, root

    def setup(self) -> None:
        """One-time preparation (migrations, static files) before any server starts."""

    def server_cmd(self, port: int) -> list[str]:
        raise NotImplementedError

    def start_servers(self, count: int = 1) -> list[procs.Server]:
        servers = []
        try:
            for index in range(count):
                port = procs.free_port()
                log = self.log_dir / f"{self.name}-{index}.log"
                server = procs.Server(
                    self.name,
                    self.server_cmd(port),
                    self.env,
                    port,
                    self.cores,
                    log,
                    cwd=self.root,
                )
                servers.append(server.start(timeout=60))
        except BaseException:
            for server in servers:
                server.stop()
            raise
        return servers

    def restart(self, server: procs.Server) -> None:
        server.stop()
        server.start(timeout=60)

    def prepare(self, ports: list[int], n_clients: int) -> tuple[Target, object]:
        """The clients' target and a publisher for one room of ``n_clients``."""
        raise NotImplementedError

    def close(self) -> None:
        """Stop whatever ``prepare`` started that outlives one room."""


class FloorConfig(Config):
    name = "floor"
    label = "Floor (websockets broadcast)"

    def server_cmd(self, port: int) -> list[str]:
        return [procs.PYTHON, "-m", "bench.floor", str(port)]

    def prepare(self, ports: list[int], n_clients: int):
        return Target("floor", ports, "/room"), SocketPublisher(ports[0], "/publish")


class NaiveConfig(Config):
    name = "naive"
    label = "Naive Channels peer"

    def __init__(self, *, database_url: str, redis_url: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.env = {
            **self.env,
            "DJANGO_SETTINGS_MODULE": "bench.naive.settings",
            "NAIVE_DATABASE_URL": database_url,
            "NAIVE_REDIS_URL": redis_url,
        }

    def server_cmd(self, port: int) -> list[str]:
        return [DAPHNE, "-b", "127.0.0.1", "-p", str(port), "bench.naive.asgi:application"]

    def prepare(self, ports: list[int], n_clients: int):
        return Target("naive", ports, "/ws/room/"), SocketPublisher(ports[0], "/ws/publish/")

    def setup(self) -> None:
        from bench import infra

        env = {**self.env}
        infra.manage(["migrate", "--noinput", "--settings=bench.naive.settings"], env)


def base_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(procs.ROOT)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


class ProcessPublisher:
    """Talks to bench/openips_publisher.py (a Django process) over JSON lines."""

    def __init__(self, env: dict[str, str], cores: set[int], log: Path, root: Path) -> None:
        import subprocess

        self.log = log.open("ab")
        self.proc = subprocess.Popen(
            [procs.PYTHON, "-m", "bench.openips_publisher"],
            cwd=root,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
        )
        procs.pin(self.proc.pid, cores)

    def call(self, **command) -> dict:
        self.proc.stdin.write(json.dumps(command) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the OpenIPS publisher died; see {self.log.name}")
        return json.loads(line)

    def publish(self, *, rate: float, duration: float) -> dict:
        reply = self.call(cmd="publish", rate=rate, duration=duration)
        # How long the service call (DB transaction, then publish on commit) took: the
        # part of each latency spent before the event reaches Redis.
        self.service_ms = sorted((done - sent) * 1000 for _, _, sent, done in reply["table"])
        return {key: (index, sent_at) for key, index, sent_at, _ in reply["table"]}

    def close(self) -> None:
        """Kept for the next room; `stop` ends the process."""

    def stop(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        procs.stop_process(self.proc)
        if self.proc.stdout:
            self.proc.stdout.close()
        self.log.close()


class OpenIPSConfig(Config):
    name = "openips"
    label = "OpenIPS (Daphne + hub, Redis pub/sub, PostgreSQL)"

    def __init__(
        self,
        *,
        database_url: str,
        redis_url: str,
        static_root: Path,
        load_cores: set[int],
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        self.load_cores = load_cores
        self.env = {
            **self.env,
            "PYTHONPATH": str(self.root),
            "DJANGO_SETTINGS_MODULE": "bench.openips_settings",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "DEBUG": "false",
            "SECRET_KEY": "bench-" + os.urandom(16).hex(),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "STATIC_ROOT": str(static_root),
            "LOG_LEVEL": "WARNING",
        }
        self._publisher: ProcessPublisher | None = None

    def setup(self) -> None:
        from bench import infra

        infra.manage(["migrate", "--noinput"], self.env, cwd=self.root)
        infra.manage(["collectstatic", "--noinput"], self.env, cwd=self.root)

    def server_cmd(self, port: int) -> list[str]:
        # As deploy/openips-web@.service runs it, minus --proxy-headers (no proxy here):
        # a listen backlog of 1,024 (`-b/-p` leaves Twisted's 50, which resets a burst of
        # handshakes: the join storm).
        endpoint = f"tcp:port={port}:interface=127.0.0.1:backlog=1024"
        return [DAPHNE, "-e", endpoint, "config.asgi:application"]

    @property
    def publisher_process(self) -> ProcessPublisher:
        if self._publisher is None:
            self._publisher = ProcessPublisher(
                self.env, self.load_cores, self.log_dir / "openips-publisher.log", self.root
            )
        return self._publisher

    def prepare(self, ports: list[int], n_clients: int):
        room = self.publisher_process.call(cmd="room", clients=n_clients)
        target = Target("openips", ports, "", session_id=room["session_id"], tokens=room["tokens"])
        return target, self.publisher_process

    def close(self) -> None:
        if self._publisher is not None:
            self._publisher.stop()
            self._publisher = None
