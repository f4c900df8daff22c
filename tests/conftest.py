"""Shared test set-up: service checks, channel-layer hygiene, factories as fixtures."""

import os

import pytest
from django.conf import settings
from django.db import connection

from tests import factories

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def pytest_configure(config):
    """Under pytest-xdist each worker has its own test database (pytest-django adds the
    worker's name); the Redis cache is shared, so each worker gets its own key prefix and
    empties only its own keys (tests/worker_cache.py), never another worker's counters."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker and "KEY_PREFIX" in settings.CACHES["default"]:
        settings.CACHES["default"]["KEY_PREFIX"] += f"-{worker}"
        settings.CACHES["default"]["BACKEND"] = "tests.worker_cache.WorkerRedisCache"


def _service_missing(reason: str) -> None:
    """Skip locally; fail under CI=true, where every service must be present."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: a missing service is a failure, not a skip)")
    pytest.skip(reason)


@pytest.fixture(scope="session", autouse=True)
def _end_stray_postgres_sessions(django_db_setup, django_db_blocker):
    """Threads of the live server may keep a PostgreSQL session open past the run, which
    stops the test database from being dropped. End them once, after every test (and the
    session-scoped live server) has finished, never while another test may use them."""
    yield
    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )


@pytest.fixture(autouse=True)
def _require_services(request):
    if request.node.get_closest_marker("postgres") and connection.vendor != "postgresql":
        _service_missing("needs PostgreSQL: set DATABASE_URL=postgres://postgres@127.0.0.1/openips")
    if request.node.get_closest_marker("redis") and not settings.REDIS_URL:
        _service_missing("needs Redis: set REDIS_URL=redis://127.0.0.1:6379/0")


@pytest.fixture(autouse=True)
def _clean_channel_layer():
    """Every test starts with an empty in-memory channel layer."""
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """PBKDF2's deliberate slowness costs about a second per test user on two busy cores;
    tests check who may do what, not hash strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _private_media_in_tmp(settings, tmp_path_factory):
    """Private media (presentations, e.g. from the demo) go to a temporary folder, never into
    the working tree. Media library tests point it at S3 (moto) or their own folder."""
    if settings.STORAGES["private_media"]["BACKEND"].endswith("FileSystemStorage"):
        root = tmp_path_factory.mktemp("private_media")
        settings.PRIVATE_MEDIA_ROOT = root
        settings.STORAGES = {
            **settings.STORAGES,
            "private_media": {**settings.STORAGES["private_media"], "OPTIONS": {"location": root}},
        }


@pytest.fixture(autouse=True)
def _default_language():
    """A request with Accept-Language leaves its language active in the thread (Django's
    LocaleMiddleware activates it and nothing deactivates it in the test client); later tests
    that translate outside a request would read French. Each test ends on the default."""
    yield
    from django.utils import translation

    translation.deactivate()


@pytest.fixture(autouse=True)
def _clean_cache():
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()
    yield


@pytest.fixture
def organization(db):
    return factories.OrganizationFactory()


@pytest.fixture
def agency(db):
    return factories.AgencyFactory()


@pytest.fixture
def seminar(db):
    return factories.SeminarFactory()


@pytest.fixture
def organizer(db, seminar):
    return factories.RoleFactory(seminar=seminar, role="organizer").user


@pytest.fixture
def moderator(db, seminar):
    return factories.RoleFactory(seminar=seminar, role="moderator").user


@pytest.fixture
def presenter(db, seminar, agency):
    return factories.RoleFactory(seminar=seminar, role="presenter", agency=agency).user


@pytest.fixture(autouse=True)
def _no_gc_freeze(settings):
    """A test process makes and drops far more objects than it holds sockets; freezing them
    (live/transport/gcpolicy.py) would keep them all. test_live_gcpolicy.py tests the policy."""
    settings.LIVE_GC_FREEZE = False


@pytest.fixture
def now(monkeypatch):
    """A clock for seminars.ratelimit that the test moves, so windows pass without waiting.
    It starts at the beginning of a 60 s, a 600 s and a 3600 s window."""
    from seminars import ratelimit

    moment = {"t": 1_900_000_800.0}
    monkeypatch.setattr(ratelimit, "clock", lambda: moment["t"])
    return moment


@pytest.fixture(autouse=True)
def _live_threads_quiet(request):
    """No thread of live work still queries the database when a test's data is flushed.

    pytest-asyncio closes a test's loop (cancelling its tasks) before the database fixtures
    end, but a thread that a cancelled task was waiting on goes on; its query and the
    flush's TRUNCATE then deadlock (seen once in CI). Requesting the transactional database
    here, before this fixture yields, makes its flush come after this teardown."""
    if "transactional_db" in request.fixturenames:
        request.getfixturevalue("transactional_db")
    yield
    from live.transport import threads

    threads.quiesce()
