"""Processes the benchmark starts: free ports, CPU pinning, /proc readings, clean stops.

Everything here is Linux-only on purpose: the benchmark reads /proc instead of adding
psutil, and pins with os.sched_setaffinity (the same call `taskset` makes).
"""

from __future__ import annotations

import os
import resource
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def raise_nofile(wanted: int = 65536) -> int:
    """Raise this process's open-file limit (children inherit it); returns the soft limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = max(soft, wanted)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, max(hard, target)))
    except (ValueError, OSError):
        # Not root: the soft limit may still go up to the hard one.
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(target, hard), hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


# Servers listen on ports from this range, below Linux's ephemeral range (32768-60999):
# a port the kernel hands out could, once a server stops, be taken by an outgoing
# connection (a pooled PostgreSQL connection of the other server) before the server comes
# back on it ("Address already in use" in the resume storm). BENCH_PORT_RANGE=LOW-HIGH.
PORT_RANGE = tuple(int(p) for p in os.environ.get("BENCH_PORT_RANGE", "20000-32000").split("-"))


def free_port() -> int:
    """A port in PORT_RANGE that nothing listens on now (random start, bounded scan)."""
    import random

    low, high = PORT_RANGE
    start = random.randint(low, high)
    for offset in range(high - low + 1):
        port = low + (start - low + offset) % (high - low + 1)
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {low}-{high} (BENCH_PORT_RANGE)")


def cpu_plan() -> dict[str, set[int]]:
    """Which cores the server and the load generator get.

    With two or more cores the server gets core 0 and everything the benchmark starts on
    the load side (client processes, publisher) gets the rest; with one core they share.
    PostgreSQL and Redis are the machine's own services and are not pinned.
    """
    cores = sorted(os.sched_getaffinity(0))
    if len(cores) < 2:
        return {"server": set(cores), "load": set(cores)}
    return {"server": {cores[0]}, "load": set(cores[1:])}


# The machine is shared with other work (test suites of other helpers): processes the
# harness starts run at a higher priority so that what is measured is the servers, not the
# scheduler's queue. Only root may lower niceness; otherwise this stays 0. BENCH_NICE=0
# turns it off.
NICE = int(os.environ.get("BENCH_NICE", "-10"))


def pin(pid: int, cores: set[int]) -> None:
    """Pin a process (0: this one) to cores and give it the benchmark's priority."""
    try:
        os.sched_setaffinity(pid, cores)
    except OSError:
        pass  # the process may already be gone; the caller notices that separately
    try:
        os.setpriority(os.PRIO_PROCESS, pid, NICE)
    except OSError:
        pass  # not root: same priority as everything else, and the report says so


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process, from /proc/<pid>/stat."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def rss_bytes(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
    except OSError:
        return 0


def machine() -> dict:
    model = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    mem_kib = int(Path("/proc/meminfo").read_text().split()[1])
    return {
        "cpu_model": model,
        "cores": os.cpu_count(),
        "memory_gib": round(mem_kib / 1024 / 1024, 1),
        "kernel": os.uname().release,
        "loadavg_at_start": Path("/proc/loadavg").read_text().split()[:3],
        "nice": os.getpriority(os.PRIO_PROCESS, 0) if NICE == 0 else NICE,
    }


def loadavg() -> list[str]:
    return Path("/proc/loadavg").read_text().split()[:3]


@dataclass
class Server:
    """One started process plus where it listens."""

    name: str
    cmd: list[str]
    env: dict[str, str]
    port: int
    cores: set[int]
    log_path: Path
    proc: subprocess.Popen | None = None
    cwd: Path = ROOT

    def start(self, timeout: float = 30.0) -> Server:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            self.cmd, env=self.env, cwd=self.cwd, stdout=log, stderr=subprocess.STDOUT
        )
        log.close()
        pin(self.proc.pid, self.cores)
        wait_port(self.port, timeout, self.proc, self.log_path)
        return self

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def stop(self, timeout: float = 10.0) -> None:
        stop_process(self.proc, timeout)
        self.proc = None


def stop_process(proc: subprocess.Popen | None, timeout: float = 10.0) -> None:
    """SIGTERM, wait, then SIGKILL: the process is gone when this returns."""
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout)


def wait_port(port: int, timeout: float, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = log.read_text(errors="replace")[-3000:]
            raise RuntimeError(f"server exited with {proc.returncode} before listening:\n{tail}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    stop_process(proc)
    raise RuntimeError(f"nothing listened on 127.0.0.1:{port} within {timeout} s")
