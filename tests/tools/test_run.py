"""``make run``'s servers (tools/run.py): reachable from another machine with HOST=0.0.0.0,
and stopped cleanly, children included, by Ctrl-C or SIGTERM."""

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from tests.ops.processes import ROOT, child_env, free_port, wait_listening
from tools import run

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _start(host: str, port: int, log_path) -> subprocess.Popen:
    env = {**child_env(), "DEBUG": "true"}
    for name in ("ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "SITE_URL"):
        env.pop(name, None)
    with log_path.open("wb") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "tools.run", "--host", host, "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, as a terminal gives make run
        )


def _children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True)
    return [int(line) for line in out.stdout.split()]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie has ended; only its parent has not read its status yet.
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().split(")")[-1].split()[0] != "Z"


@pytest.mark.parametrize("how", ["ctrl-c", "sigterm"])
def test_ctrl_c_or_sigterm_ends_daphne_and_the_worker_cleanly(tmp_path, how):
    port = free_port()
    log = tmp_path / "run.log"
    runner = _start("127.0.0.1", port, log)
    try:
        assert wait_listening(port, runner), log.read_text()
        children = _children(runner.pid)
        assert len(children) == 2, children
        if how == "ctrl-c":
            os.killpg(runner.pid, signal.SIGINT)  # what a terminal does on Ctrl-C
        else:
            runner.send_signal(signal.SIGTERM)
        assert runner.wait(timeout=30) == 0, log.read_text()
    finally:
        if runner.poll() is None:
            os.killpg(runner.pid, signal.SIGKILL)
    text = log.read_text()
    assert "OpenIPS stopped." in text
    assert "Segmentation fault" not in text and "Traceback" not in text, text
    deadline = time.monotonic() + 5
    while any(_alive(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in children)


def test_host_0_0_0_0_answers_requests_by_the_machines_address(tmp_path):
    addresses = run.machine_addresses()
    assert addresses, "this machine has no address besides loopback"
    address = addresses[0]
    port = free_port()
    log = tmp_path / "run.log"
    runner = _start("0.0.0.0", port, log)
    try:
        assert wait_listening(port, runner), log.read_text()
        url = f"http://{address}:{port}/accounts/sign-in/"
        with urllib.request.urlopen(url, timeout=20) as response:
            assert response.status == 200
        runner.send_signal(signal.SIGTERM)
        runner.wait(timeout=30)
    finally:
        if runner.poll() is None:
            os.killpg(runner.pid, signal.SIGKILL)
    # The printed links use the address another machine can reach, not 0.0.0.0.
    assert f"OpenIPS is starting on http://{address}:{port}/" in log.read_text()


def test_loopback_host_keeps_the_configured_names(monkeypatch):
    monkeypatch.delenv("ALLOWED_HOSTS", raising=False)
    monkeypatch.delenv("SITE_URL", raising=False)
    env, base = run.environment("127.0.0.1", 8000)
    assert "ALLOWED_HOSTS" not in env
    assert base == "http://127.0.0.1:8000"
