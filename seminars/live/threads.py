"""Where a live socket's database work runs while it opens and closes."""

import functools
from concurrent.futures import ThreadPoolExecutor

from channels.db import database_sync_to_async
from django.conf import settings


@functools.cache
def _executor() -> ThreadPoolExecutor | None:
    """Threads for socket work, half the connection pool; None without a pool (or a small one)."""
    pool = settings.DATABASES["default"].get("OPTIONS", {}).get("pool")
    size = pool.get("max_size", 4) if isinstance(pool, dict) else (4 if pool else 0)
    if size // 2 < 2:
        return None
    return ThreadPoolExecutor(max_workers=size // 2, thread_name_prefix="live-socket")


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
