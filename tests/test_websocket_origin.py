"""The socket's Origin check compares scheme, host and port (config/websocket_origin.py)."""

import pytest
from channels.db import database_sync_to_async

from config.websocket_origin import origin_allowed
from live.models import LiveConnection
from live.services.attendance import attendance_flush
from tests.live.live_helpers import live_room_data, live_socket


def scope(origin: str | None, host: str = "seminars.example.org", **extra) -> dict:
    headers = [(b"host", host.encode())]
    if origin is not None:
        headers.append((b"origin", origin.encode()))
    headers += [(name.encode(), value.encode()) for name, value in extra.pop("headers", {}).items()]
    return {"type": "websocket", "headers": headers, **extra}


# A socket that reached the proxy over TLS, as nginx forwards it.
BEHIND_TLS = {"headers": {"x-forwarded-proto": "https"}}


@pytest.fixture
def site(settings):
    settings.SITE_URL = "https://seminars.example.org"
    settings.ALLOWED_HOSTS = ["seminars.example.org", "localhost"]
    settings.CSRF_TRUSTED_ORIGINS = ["https://admin.example.org:8443", "https://*.un.example"]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    return settings


@pytest.mark.parametrize(
    "origin, extra",
    [
        ("https://seminars.example.org", {}),  # SITE_URL
        ("https://seminars.example.org:443", {}),  # the same, default port written out
        ("https://admin.example.org:8443", {}),  # CSRF_TRUSTED_ORIGINS, exact
        ("https://undp.un.example", {}),  # CSRF_TRUSTED_ORIGINS, wildcard subdomain
        ("http://localhost:8000", {"host": "localhost:8000"}),  # same origin, plain HTTP
        ("https://localhost:8000", {"host": "localhost:8000", "scheme": "wss"}),
        (
            "https://localhost:8000",
            {"host": "localhost:8000", "headers": {"x-forwarded-proto": "https"}},
        ),
    ],
)
def test_the_site_its_trusted_origins_and_same_origin_are_accepted(site, origin, extra):
    assert origin_allowed(scope(origin, **extra))


@pytest.mark.parametrize(
    "origin, extra",
    [
        ("http://seminars.example.org", BEHIND_TLS),  # http instead of https
        ("https://seminars.example.org:8443", BEHIND_TLS),  # another port
        ("https://evil.example", {}),  # another host
        ("https://seminars.example.org.evil.example", {}),  # a suffix is not the host
        ("https://admin.example.org", {}),  # trusted only on port 8443
        ("http://undp.un.example", {}),  # the wildcard keeps its scheme
        ("https://un.example.evil", {}),
        ("https://seminars.example.org/path", {}),  # not an origin
        ("null", {}),  # sandboxed frame, file://
        ("", {}),
        (None, {}),
        ("https://seminars.example.org:99999", {}),
        # Same-origin needs the same scheme: an http page cannot reach a wss socket, nor the
        # reverse; a forged X-Forwarded-Proto does not make the origin match either.
        ("https://localhost:8000", {"host": "localhost:8000"}),
        ("http://localhost:8000", {"host": "localhost:8000", "scheme": "wss"}),
        ("http://localhost:8001", {"host": "localhost:8000"}),  # other port
        ("http://evil.example:8000", {"host": "evil.example:8000"}),  # not in ALLOWED_HOSTS
    ],
)
def test_other_schemes_ports_and_hosts_are_refused(site, origin, extra):
    assert not origin_allowed(scope(origin, **extra))


def test_without_a_proxy_header_setting_the_forwarded_scheme_is_ignored(site):
    site.SECURE_PROXY_SSL_HEADER = None
    forged = scope("https://localhost", host="localhost", headers={"x-forwarded-proto": "https"})
    assert not origin_allowed(forged)
    assert origin_allowed(scope("http://localhost", host="localhost"))


@pytest.fixture
def room(transactional_db):
    return live_room_data()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "origin, opens",
    [
        ("http://localhost", True),
        ("https://localhost", False),
        ("http://localhost:8080", False),
        ("http://127.0.0.1", False),
    ],
)
async def test_the_handshake_opens_only_for_the_exact_origin(room, origin, opens):
    async with live_socket(
        room.session.pk, user=room.vendor, origin=origin, expect_open=opens
    ) as client:
        assert (client.hello is not None) is opens
    await database_sync_to_async(attendance_flush)()  # a leave is written in the next batch
    assert await database_sync_to_async(LiveConnection.objects.count)() == 0
