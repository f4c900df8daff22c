"""Settings of the naive peer (bench only). Database and Redis come from the harness."""

import os

import dj_database_url

SECRET_KEY = "bench-naive-peer-not-a-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = ["daphne", "channels", "bench.naive"]
ASGI_APPLICATION = "bench.naive.asgi.application"
USE_TZ = True
DATABASES = {"default": dj_database_url.parse(os.environ["NAIVE_DATABASE_URL"], conn_max_age=60)}
CHANNEL_LAYERS = {
    "default": {
        # The core layer, as the Channels docs set it up: group_send ships the member list
        # to Redis and every consumer has its own channel (capacity 100 by default).
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        # One change from the docs: redis-py 8 raises "Too many connections" past 100
        # pooled connections, which refuses clients during a connection burst. The
        # benchmark measures fan-out, not that, so the pool may grow to 1000. And redis-py
        # 8's default 5 s socket timeout equals channels_redis' 5 s BZPOPMIN, so an idle
        # consumer's receive times out and the socket closes with 1011: allow 30 s.
        "CONFIG": {
            "hosts": [
                {
                    "address": os.environ["NAIVE_REDIS_URL"],
                    "max_connections": 1000,
                    "socket_timeout": 30,
                }
            ]
        },
    }
}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
