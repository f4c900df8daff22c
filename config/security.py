"""The security headers' values, built from the environment once, at start-up.

Only settings.py calls this module; docs/security.md explains each choice.
"""

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}
SOCKET_SCHEMES = {"http": "ws", "https": "wss"}


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of a URL, lower-cased, the scheme's default port left out."""
    parts = urlsplit(url.strip())
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        raise ImproperlyConfigured(f"{url!r} is not an http(s) or ws(s) URL with a host.")
    host = parts.hostname.lower()
    if ":" in host:  # an IPv6 address keeps its brackets in an origin
        host = f"[{host}]"
    port = parts.port
    if port is None or port == DEFAULT_PORTS[parts.scheme]:
        return f"{parts.scheme}://{host}"
    return f"{parts.scheme}://{host}:{port}"


def socket_origin(site_url: str) -> str:
    """The WebSocket origin (ws:// or wss://) of the site itself."""
    origin = origin_of(site_url)
    scheme, rest = origin.split("://", 1)
    return f"{SOCKET_SCHEMES.get(scheme, scheme)}://{rest}"


def storage_origins(*, backend: str | None, endpoint_url: str | None, region: str | None) -> list:
    """Origins the browser fetches media from and uploads to, besides the site itself.

    With S3, pages embed presigned URLs (video, posters, upload parts): the endpoint's origin,
    or AWS's regional and global path-style endpoints when no endpoint is given.
    """
    if backend != "s3":
        return []
    if endpoint_url:
        return [origin_of(endpoint_url)]
    return [f"https://s3.{region}.amazonaws.com", "https://s3.amazonaws.com"]


def content_security_policy(
    *,
    site_url: str,
    storage_origins: list[str],
    form_origins: list[str] = (),
    frame_origins: list[str] = (),
) -> dict:
    """The SECURE_CSP setting: same origin only, no inline script or style, no framing.
    ``form_origins``: where a form may lead besides this site (the identity providers that
    single sign-on's start and sign-out forms redirect to; browsers apply form-action to the
    redirect too). ``frame_origins``: the external players a live stage may embed (none: no
    frames at all)."""
    return {
        "default-src": [CSP.SELF],
        "script-src": [CSP.SELF],
        "style-src": [CSP.SELF],
        "img-src": [CSP.SELF, *storage_origins],
        # hls.js plays through Media Source Extensions, attached to <video> by a blob: URL.
        "media-src": [CSP.SELF, "blob:", *storage_origins],
        # 'self' covers same-origin ws:/wss: in current browsers; the site's own socket
        # origin is named too for browsers that read CSP level 2 strictly.
        "connect-src": [CSP.SELF, socket_origin(site_url), *storage_origins],
        # hls.js runs its transmuxer in a worker it builds from its own code as a blob: URL;
        # without it, decoding would block the page on weak devices. Only script already
        # allowed on the page can make such a worker.
        "worker-src": [CSP.SELF, "blob:"],
        "object-src": [CSP.NONE],
        "base-uri": [CSP.SELF],
        "form-action": [CSP.SELF, *form_origins],
        "frame-src": list(frame_origins) or [CSP.NONE],
        "frame-ancestors": [CSP.NONE],
    }


def proxy_ssl_header(name: str | None) -> tuple[str, str] | None:
    """SECURE_PROXY_SSL_HEADER from a header name such as ``X-Forwarded-Proto``; ``off``: none."""
    if not name or name.strip().lower() in {"off", "none", "false", "0"}:
        return None
    return ("HTTP_" + name.strip().upper().replace("-", "_"), "https")
