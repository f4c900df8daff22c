"""Where a live socket's database work runs while it opens and closes."""

import functools
import threading
from concurrent.futures import Executor, ThreadPoolExecutor

from asgiref.sync import SyncToAsync
from channels.db import database_sync_to_async
from django.conf import settings
from django.db import connections

# Each pool of this module with its number of threads (see ``quiesce``).
_pools: dict[Executor, int] = {}


def _pool(workers: int, prefix: str) -> ThreadPoolExecutor:
    executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=prefix)
    _pools[executor] = workers
    return executor


@functools.cache
def _executor() -> ThreadPoolExecutor | None:
    """Threads for socket work, half the connection pool; None without a pool (or a small one)."""
    pool = settings.DATABASES["default"].get("OPTIONS", {}).get("pool")
    size = pool.get("max_size", 4) if isinstance(pool, dict) else (4 if pool else 0)
    if size // 2 < 2:
        return None
    return _pool(size // 2, "live-socket")


def socket_work(func):
    """``database_sync_to_async`` for what opening or closing a socket reads and writes.

    Channels runs a process's sync code in one thread, so sockets would open one after
    another, each waiting on a dozen PostgreSQL round trips: the benchmark saw about 40
    connects per second per process with the server's CPU mostly idle, so a room of 10,000
    took minutes to fill, and as long again after a restart. With a connection pool
    (PostgreSQL), this work runs in a few threads of its own, half the pool's size, each
    borrowing a pooled connection; the other half stays for commands and the hub. Without
    a pool (SQLite, the embedded default) it runs in the usual single thread.
    """
    executor = _executor()
    if executor is None:
        return database_sync_to_async(func)
    return database_sync_to_async(func, thread_sensitive=False, executor=executor)


@functools.cache
def _heartbeat_executor() -> ThreadPoolExecutor | None:
    pool = settings.DATABASES["default"].get("OPTIONS", {}).get("pool")
    return _pool(1, "live-heartbeat") if pool else None


def heartbeat_work(func):
    """``database_sync_to_async`` for the process's heartbeat and sweep.

    A beat that waited behind a queue of commands or connects in the shared database
    thread could arrive late enough for the process to be taken for dead; with a pool it
    has a thread of its own. Without one (SQLite, a single process) there is nobody else
    to take it for dead, and it shares the usual thread.
    """
    executor = _heartbeat_executor()
    if executor is None:
        return database_sync_to_async(func)
    return database_sync_to_async(func, thread_sensitive=False, executor=executor)


def quiesce(timeout: float = 30.0) -> None:
    """Return once no thread of live work is inside a database call, each having closed its
    connections (a pooled one goes back to the pool).

    A task of the event loop that awaited such work can be cancelled (a loop that closes
    cancels its tasks) while the thread goes on: in tests, that thread's queries then meet
    the test database's flush (``TRUNCATE`` of every table), and PostgreSQL breaks the
    deadlock by failing one of them. Tests call this after their loop has closed and
    before the database is emptied. Each pool is filled with as many waiting calls as it
    has threads: they all run only once every call queued before them has returned.
    """
    for executor, workers in [*_pools.items(), (SyncToAsync.single_thread_executor, 1)]:
        barrier = threading.Barrier(workers + 1, timeout=timeout)

        def hold(barrier: threading.Barrier = barrier) -> None:
            connections.close_all()
            barrier.wait()

        futures = [executor.submit(hold) for _ in range(workers)]
        barrier.wait()  # BrokenBarrierError after ``timeout``: a call that never returns
        for future in futures:
            future.result()
