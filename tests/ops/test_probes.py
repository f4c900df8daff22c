"""/healthz and /readyz: cheap, sessionless, and /readyz names the part that fails."""

import shutil
import socket
import subprocess
import time

import pytest
import redis

from ops import health


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_healthz_answers_without_database_session_or_allowed_host(client, settings):
    # No django_db mark: any database access here would raise.
    settings.ALLOWED_HOSTS = ["seminars.example.org"]
    response = client.get("/healthz", HTTP_HOST="10.1.2.3:8000")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "sessionid" not in response.cookies


@pytest.mark.django_db
def test_readyz_is_200_when_every_part_is_reachable(client, media_root):
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    assert response.json() == {"ready": True, "failing": {}}


@pytest.mark.django_db
def test_readyz_is_not_redirected_to_https_in_production(client, settings, media_root):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/readyz").status_code == 200
    assert client.get("/seminars/").status_code == 301


@pytest.fixture
def own_redis(tmp_path):
    """A Redis server of this test's own, which it may stop (never the machine's)."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server is not installed")
    port = _free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", tmp_path],
        stdout=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    yield process, f"redis://127.0.0.1:{port}/0"
    process.terminate()
    process.wait(10)
    client.close()


@pytest.mark.slow  # starts a Redis server
@pytest.mark.django_db
def test_readyz_is_503_naming_redis_when_redis_is_stopped(client, settings, media_root, own_redis):
    process, url = own_redis
    settings.REDIS_URL = url
    assert client.get("/readyz").status_code == 200
    process.terminate()
    process.wait(10)
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["ready"] is False
    assert list(body["failing"]) == ["redis"]
    assert "redis unreachable" in body["failing"]["redis"]


@pytest.mark.django_db
def test_readyz_names_unapplied_migrations(client, media_root, monkeypatch):
    from django.db import connection
    from django.db.migrations.recorder import MigrationRecorder

    monkeypatch.setattr(health, "_migrations_ok", False)
    recorder = MigrationRecorder(connection)
    latest = recorder.migration_qs.filter(app="seminars").order_by("-id").first()
    # As after deploying code with a new migration: the database has not recorded it yet.
    recorder.record_unapplied("seminars", latest.name)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == {"migrations": "migrations not applied: 1 pending"}


@pytest.mark.django_db
def test_readyz_names_storage_it_cannot_reach(client, settings, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    settings.MEDIA_ROOT = blocker / "media"
    response = client.get("/readyz")
    assert response.status_code == 503
    assert list(response.json()["failing"]) == ["storage"]
