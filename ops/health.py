"""What /readyz checks: each dependency reached once, cheaply, with a short timeout.

Each check returns None when the part is fine, or a short reason naming what failed. None of
them needs a session or a signed-in user.
"""

from collections.abc import Callable

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REDIS_TIMEOUT_SECONDS = 1.0
# Migrations applied never become unapplied while this code runs, so a yes is kept.
_migrations_ok = False
# Set by the drain on SIGTERM (ops/drain.py): the load balancer should send nothing new here.
_draining = False


def draining_start() -> None:
    global _draining
    _draining = True


def check_database() -> str | None:
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as error:
        return f"database unreachable: {type(error).__name__}"
    return None


def check_redis() -> str | None:
    if not settings.REDIS_URL:
        return None  # one process with the in-memory channel layer: nothing to reach
    import redis

    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL,
            socket_timeout=REDIS_TIMEOUT_SECONDS,
            socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
        )
        try:
            client.ping()
        finally:
            client.close()
    except Exception as error:
        return f"redis unreachable: {type(error).__name__}"
    return None


def check_storage() -> str | None:
    """The media storage: the folder exists and is writable, or the bucket answers."""
    from django.core.files.storage import storages

    storage = storages["default"]
    try:
        if settings.STORAGE_BACKEND == "s3":
            storage.connection.meta.client.head_bucket(Bucket=storage.bucket_name)
        else:
            import os

            root = str(settings.MEDIA_ROOT)
            os.makedirs(root, exist_ok=True)
            if not os.access(root, os.W_OK):
                return f"storage not writable: {root}"
    except Exception as error:
        return f"storage unreachable: {type(error).__name__}"
    return None


def check_migrations() -> str | None:
    global _migrations_ok
    if _migrations_ok:
        return None
    from django.db.migrations.executor import MigrationExecutor

    try:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as error:
        return f"migrations unknown: {type(error).__name__}"
    if plan:
        return f"migrations not applied: {len(plan)} pending"
    _migrations_ok = True
    return None


CHECKS: dict[str, Callable[[], str | None]] = {
    "database": check_database,
    "redis": check_redis,
    "storage": check_storage,
    "migrations": check_migrations,
}


def readiness() -> dict[str, str]:
    """Every failing part and its reason; empty when the process is ready."""
    failures = {"process": "draining: this process is stopping"} if _draining else {}
    for name, check in CHECKS.items():
        if name == "migrations" and "database" in failures:
            failures[name] = "not checked: the database is unreachable"
            continue
        reason = check()
        if reason is not None:
            failures[name] = reason
    return failures
