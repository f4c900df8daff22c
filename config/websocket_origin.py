"""The WebSocket handshake's Origin check: scheme, host and port, like Django's CSRF check.

Channels' ``AllowedHostsOriginValidator`` compares only the host name, so a page served from
``http://`` or from another port of the same host could open a socket with the visitor's
cookies. Here a socket is accepted when its Origin is exactly one the site trusts:

- the site itself (``SITE_URL``),
- an origin listed in ``CSRF_TRUSTED_ORIGINS`` (``https://*.example.org`` covers subdomains),
- the socket's own origin: the scheme it arrived with (``wss`` → ``https``; behind a proxy,
  ``SECURE_PROXY_SSL_HEADER`` as Django reads it) and its Host, when that host is in
  ``ALLOWED_HOSTS``.

A missing, opaque (``null``) or malformed Origin is refused.
"""

from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http.request import split_domain_port, validate_host

from config.security import origin_of


def _header(scope: dict, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin1")
    return None


def _normalised(origin: str | None) -> str | None:
    if not origin or origin == "null":
        return None
    try:
        normalised = origin_of(origin)
    except (ImproperlyConfigured, ValueError):  # ValueError: a port out of range
        return None
    # An Origin is scheme://host[:port] and nothing else.
    return normalised if origin.rstrip("/").lower() in _spellings(normalised) else None


def _spellings(normalised: str) -> set[str]:
    """The normalised origin and the same with its default port written out."""
    scheme = normalised.split("://", 1)[0]
    default = {"http": 80, "https": 443}.get(scheme)
    spellings = {normalised}
    if default and normalised.count(":") == 1:
        spellings.add(f"{normalised}:{default}")
    return spellings


def _is_secure(scope: dict) -> bool:
    if scope.get("scheme") == "wss":
        return True
    proxy = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if proxy:
        header, secure_value = proxy
        name = header.removeprefix("HTTP_").lower().replace("_", "-").encode()
        forwarded = _header(scope, name)
        return bool(forwarded) and forwarded.split(",")[0].strip() == secure_value
    return False


def _own_origin(scope: dict) -> str | None:
    """The socket's own origin when its Host is one this site serves."""
    host = _header(scope, b"host")
    if not host:
        return None
    domain, _port = split_domain_port(host)
    if not domain or not validate_host(domain, settings.ALLOWED_HOSTS):
        return None
    return _normalised(f"{'https' if _is_secure(scope) else 'http'}://{host}")


def _matches_trusted(origin: str, trusted: str) -> bool:
    scheme, _, rest = trusted.partition("://")
    if not rest.startswith("*."):
        return _normalised(trusted) == origin
    # CSRF_TRUSTED_ORIGINS' wildcard: any subdomain, same scheme and port.
    wanted = _normalised(f"{scheme}://{rest[2:]}")
    if wanted is None:
        return False
    origin_scheme, _, origin_rest = origin.partition("://")
    wanted_rest = wanted.partition("://")[2]
    return origin_scheme == scheme.lower() and origin_rest.endswith("." + wanted_rest)


def origin_allowed(scope: dict) -> bool:
    origin = _normalised(_header(scope, b"origin"))
    if origin is None:
        return False
    if origin == _normalised(settings.SITE_URL) or origin == _own_origin(scope):
        return True
    return any(_matches_trusted(origin, trusted) for trusted in settings.CSRF_TRUSTED_ORIGINS)


class SiteOriginValidator:
    """ASGI middleware: refuses the handshake (HTTP 403) unless ``origin_allowed``."""

    def __init__(self, application) -> None:
        self.application = application

    async def __call__(self, scope, receive, send):
        if scope["type"] != "websocket":
            raise ValueError("SiteOriginValidator guards WebSocket connections only.")
        if origin_allowed(scope):
            return await self.application(scope, receive, send)
        return await WebsocketDenier()(scope, receive, send)
