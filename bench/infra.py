"""Back-end services for a run: a private Redis and throw-away PostgreSQL databases.

The harness starts its own `redis-server` on a free port rather than using the machine's:
Redis pub/sub channels ignore the database number, so a shared Redis would mix the
benchmark's room events with those of test suites running at the same time. PostgreSQL is
the machine's server (BENCH_PG_URL); each run creates its own databases and drops them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import psycopg

from bench import procs

PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")


def start_redis(log_dir: Path) -> procs.Server:
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("redis-server is not installed (Debian: apt-get install redis-server)")
    port = procs.free_port()
    cmd = [
        binary,
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--protected-mode",
        "yes",
        "--maxclients",
        "10000",
    ]
    cores = set(os.sched_getaffinity(0))  # not pinned to one side: both use it
    return procs.Server("redis", cmd, dict(os.environ), port, cores, log_dir / "redis.log").start()


def _admin():
    return psycopg.connect(f"{PG_URL}/postgres", autocommit=True)


def create_database(name: str) -> str:
    """A fresh empty database; returns its URL."""
    with _admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{PG_URL}/{name}"


def drop_database(name: str) -> None:
    with _admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def snapshot(dest: Path) -> tuple[Path, str]:
    """The committed tree (HEAD) exported to ``dest``, and its commit.

    OpenIPS is benchmarked from a snapshot of HEAD, not the working tree: on a machine where
    others edit files during a 20-minute run, a server started mid-run would otherwise load
    half-written code. BENCH_TREE=working uses the working tree instead.
    """
    if os.environ.get("BENCH_TREE") == "working" or not (procs.ROOT / ".git").exists():
        return procs.ROOT, "working tree"
    commit = subprocess.run(
        ["git", "-C", str(procs.ROOT), "rev-parse", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    dest.mkdir(parents=True, exist_ok=True)
    archive = subprocess.Popen(
        ["git", "-C", str(procs.ROOT), "archive", "HEAD"], stdout=subprocess.PIPE
    )
    subprocess.run(["tar", "-x", "-C", str(dest)], stdin=archive.stdout, check=True)
    archive.stdout.close()
    if archive.wait() != 0:
        raise RuntimeError("git archive HEAD failed")
    return dest, commit


def manage(
    args: list[str], env: dict[str, str], timeout: float = 600, cwd: Path = procs.ROOT
) -> str:
    """Run manage.py (or django-admin with a settings module) and return its output."""
    result = subprocess.run(
        [procs.PYTHON, "manage.py", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout
