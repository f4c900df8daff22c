"""The Redis cache of one pytest-xdist worker.

Every test starts with empty caches (tests/conftest.py). Django's RedisCache.clear() is
FLUSHDB, which would also empty the other workers' keys (their rate-limit counters, mid-test)
in the shared Redis database; this one deletes only the keys of its own prefix.
"""

from django.core.cache.backends.redis import RedisCache


class WorkerRedisCache(RedisCache):
    def clear(self) -> None:
        client = self._cache.get_client(write=True)
        keys = list(client.scan_iter(match=f"{self.key_prefix}:*", count=1000))
        if keys:
            client.delete(*keys)
