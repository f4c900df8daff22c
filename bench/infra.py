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
    cores = set(range(os.cpu_count() or 1))  # not pinned to one side: both use it
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


def _archive_head(dest: Path) -> str:
    commit = subprocess.run(
        ["git", "-C", str(procs.ROOT), "rev-parse", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    archive = subprocess.Popen(
        ["git", "-C", str(procs.ROOT), "archive", "HEAD"], stdout=subprocess.PIPE
    )
    subprocess.run(["tar", "-x", "-C", str(dest)], stdin=archive.stdout, check=True)
    archive.stdout.close()
    if archive.wait() != 0:
        raise RuntimeError("git archive HEAD failed")
    return f"HEAD {commit}"


def _copy_working_tree(dest: Path) -> str:
    shutil.copytree(
        procs.ROOT,
        dest,
        dirs_exist_ok=True,
        ignore=shutil.ignore_patterns(
            ".git", ".venv", "results", "media", "staticfiles", "__pycache__", "*.sqlite3*"
        ),
    )
    return "working tree copied at start"


def _imports_cleanly(tree: Path) -> bool:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [procs.PYTHON, "manage.py", "check"], cwd=tree, env=env, capture_output=True, timeout=120
    )
    return result.returncode == 0


def snapshot(dest: Path, *, attempts: int = 8) -> tuple[Path, str]:
    """A frozen copy of OpenIPS's code for the whole run, and what it is.

    Others edit files during a 20-minute run, and a server started mid-run would otherwise
    load half-written code. HEAD (``git archive``) is preferred; when HEAD does not pass
    ``manage.py check`` (a commit that needs files not yet committed), a copy of the working
    tree; each tried again after 15 s, a bounded number of times. BENCH_TREE=working
    measures a copy of the working tree (to measure a change before committing it).
    """
    import time

    makers = (_archive_head, _copy_working_tree)
    if os.environ.get("BENCH_TREE") == "working":  # measure uncommitted changes
        makers = (_copy_working_tree,)
    for attempt in range(attempts):
        for make in makers:
            if make is _archive_head and not (procs.ROOT / ".git").exists():
                continue
            tree = dest / f"{attempt}-{make.__name__.strip('_')}"
            tree.mkdir(parents=True, exist_ok=True)
            what = make(tree)
            if _imports_cleanly(tree):
                return tree, what
        time.sleep(15)
    raise RuntimeError("neither HEAD nor the working tree passed manage.py check")


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
