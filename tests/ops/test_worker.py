"""``manage.py worker``: runs tasks, serves its own /metrics, and stops cleanly on SIGTERM."""

import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from tests import factories
from tests.ops.processes import ROOT, child_env, free_port, wait_listening

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _get(url: str, **headers) -> tuple[int, str]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_worker_serves_task_durations_behind_its_token_and_exits_on_sigterm(tmp_path):
    from django_tasks_db.models import DBTaskResult

    from registration.tasks import reschedule_session_reminders

    session = factories.SessionFactory()
    result = reschedule_session_reminders.enqueue(session.pk)
    port = free_port()
    env = {**child_env(), "METRICS_WORKER_PORT": str(port), "METRICS_TOKEN": "tok"}
    log = tmp_path / "worker.log"
    with log.open("wb") as output:
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "worker", "--queue-name", "*", "--interval", "0.2"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        assert wait_listening(port, worker), log.read_text()
        deadline = time.monotonic() + 30
        while DBTaskResult.objects.get(pk=result.id).status != "SUCCESSFUL":
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        url = f"http://127.0.0.1:{port}/metrics"
        assert _get(url)[0] == 403
        status, body = _get(url, Authorization="Bearer tok")
        assert status == 200
        done = 'openips_task_duration_seconds_count{queue="default",status="successful"} 1.0'
        assert done in body
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=15) == 0, log.read_text()
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
