"""``threads.quiesce``: nothing of live work still runs in a thread once it returns."""

import threading
import time

import pytest
from asgiref.sync import SyncToAsync

from live.transport import threads


@pytest.fixture
def pool():
    executor = threads._pool(2, "live-test")
    yield executor
    threads._pools.pop(executor)
    executor.shutdown()


def _slow(done: list, name: str) -> None:
    time.sleep(0.2)
    done.append(name)


def test_quiesce_returns_only_after_calls_already_running_in_every_pool(pool):
    done: list[str] = []
    started = threading.Event()

    def first() -> None:
        started.set()
        _slow(done, "pool, running")

    pool.submit(first)
    pool.submit(_slow, done, "pool, queued")
    SyncToAsync.single_thread_executor.submit(_slow, done, "single thread")
    started.wait(5)
    threads.quiesce()
    assert sorted(done) == ["pool, queued", "pool, running", "single thread"]


def test_quiesce_fails_loudly_when_a_call_never_returns(pool):
    release = threading.Event()
    pool.submit(release.wait)
    pool.submit(release.wait)
    try:
        with pytest.raises(threading.BrokenBarrierError):
            threads.quiesce(timeout=0.3)
    finally:
        release.set()
