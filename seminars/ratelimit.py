"""Rate limits shared by every app: who the client is, a fixed-window counter in the shared
cache, and the answer a refused person gets.

The cache is Redis with ``REDIS_URL`` (so a limit holds across server processes) and each
process's own memory otherwise (development, tests). Sign-in lockouts use django-axes, which
asks ``client_address`` for the same notion of client (``AXES_CLIENT_IP_CALLABLE``).
"""

import hashlib
import ipaddress
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# Seconds since the epoch; tests move it instead of sleeping.
clock = time.time


def address_from(*, remote: str, forwarded: str, proxies: int) -> str:
    """The client's address from the peer address and an X-Forwarded-For value.

    Only the last ``proxies`` entries of X-Forwarded-For were written by proxies we run; what
    comes before them is whatever the client sent, so it is never believed. A request with
    fewer entries than trusted proxies did not pass through them: its peer is the client.
    IPv6 clients are counted by their /64 network, which one subscriber usually holds whole.
    """
    candidate = remote
    if proxies > 0 and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            candidate = hops[-proxies]
    try:
        address = ipaddress.ip_address(candidate.strip())
    except ValueError:
        try:
            address = ipaddress.ip_address(remote.strip())
        except ValueError:
            return "unknown"
    if address.version == 6:
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False).network_address)
    return str(address)


def client_address(request: HttpRequest) -> str:
    """The address limits count this request's client under (see ``address_from``)."""
    return address_from(
        remote=request.META.get("REMOTE_ADDR", ""),
        forwarded=request.META.get("HTTP_X_FORWARDED_FOR", ""),
        proxies=settings.TRUSTED_PROXY_COUNT,
    )


@dataclass(frozen=True)
class Rate:
    """At most ``count`` actions per ``seconds``, counted in fixed windows."""

    count: int
    seconds: int

    @classmethod
    def of(cls, value: "Rate | tuple[int, int]") -> "Rate":
        return value if isinstance(value, Rate) else cls(int(value[0]), int(value[1]))


class RateLimitError(Exception):
    """A limit was reached; ``retry_after`` seconds until the window that refused it ends."""

    def __init__(self, *, retry_after: int, scope: str) -> None:
        super().__init__(f"{scope}: retry after {retry_after} s")
        self.retry_after = retry_after
        self.scope = scope


def _cache_key(scope: str, key: str, window: int) -> str:
    # Hashed: the cache never holds an email address or an IP address in clear.
    digest = hashlib.sha256(f"{scope}\x00{key}".encode()).hexdigest()[:32]
    return f"rl:{scope}:{digest}:{window}"


def _count(cache_key: str, timeout: int) -> int:
    cache.add(cache_key, 0, timeout=timeout)
    try:
        return cache.incr(cache_key)
    except ValueError:  # expired between add and incr: this is the window's first action
        cache.set(cache_key, 1, timeout=timeout)
        return 1


def hit(*limits: tuple[str, str, "Rate | tuple[int, int]"]) -> None:
    """Count one action against each ``(scope, key, rate)``; RateLimitError if any is past its
    limit (every counter is still counted, so a refused flood keeps its windows full).

    Raising before anything is written leaves nothing half-done; call it first.
    """
    now = clock()
    retry_after = 0
    refused = ""
    for scope, key, value in limits:
        rate = Rate.of(value)
        window = int(now // rate.seconds)
        count = _count(_cache_key(scope, key, window), timeout=rate.seconds + 1)
        if count > rate.count:
            wait = max(1, math.ceil((window + 1) * rate.seconds - now))
            if wait > retry_after:
                retry_after, refused = wait, scope
    if retry_after:
        raise RateLimitError(retry_after=retry_after, scope=refused)


def wait_text(seconds: int) -> str:
    """'Please try again in 5 minutes.' – rounded up, in the largest unit that fits."""
    if seconds < 60:
        return ngettext(
            "Please try again in %(count)d second.",
            "Please try again in %(count)d seconds.",
            seconds,
        ) % {"count": seconds}
    if seconds < 2 * 3600:
        minutes = math.ceil(seconds / 60)
        return ngettext(
            "Please try again in %(count)d minute.",
            "Please try again in %(count)d minutes.",
            minutes,
        ) % {"count": minutes}
    hours = math.ceil(seconds / 3600)
    return ngettext(
        "Please try again in %(count)d hour.",
        "Please try again in %(count)d hours.",
        hours,
    ) % {"count": hours}


def too_many_requests(
    request: HttpRequest, *, retry_after: int, message: str, context: dict | None = None
) -> HttpResponse:
    """HTTP 429 with ``Retry-After``: what was refused and when to try again."""
    response = render(
        request,
        "429.html",
        {
            "message": message,
            "wait": wait_text(retry_after),
            "retry_after": retry_after,
            **(context or {}),
        },
        status=429,
    )
    response["Retry-After"] = str(retry_after)
    return response


def lockout_response(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    """django-axes' answer to a locked-out sign-in (``AXES_LOCKOUT_CALLABLE``).

    Every attempt during a lockout counts as a failure and starts the cool-off again
    (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT), so the whole cool-off lies ahead.
    """
    retry_after = int(settings.AXES_COOLOFF_TIME.total_seconds())
    return too_many_requests(
        request,
        retry_after=retry_after,
        message=_(
            "Too many failed sign-in attempts for this account or from this network. "
            "Sign-in is paused for your safety."
        ),
        context={"title": _("Sign-in paused")},
    )
