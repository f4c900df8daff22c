"""Where a live socket's database work runs while it opens and closes."""

from concurrent.futures import ThreadPoolExecutor

from channels.db import database_sync_to_async
from django.conf import settings

_executor: ThreadPoolExecutor | None = None


def _pool_size() -> int:
    options = settings.DATABASES["default"].get("OPTIONS", {})
    pool = options.get("pool")
    if not pool:
        return 0
    return pool.get("max_size", 4) if isinstance(pool, dict) else 4


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
    global _executor
    threads = _pool_size() // 2
    if threads < 2:
        return database_sync_to_async(func)
    if _executor is None:
        _executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="live-socket")
    return database_sync_to_async(func, thread_sensitive=False, executor=_executor)
