"""Where a person goes after signing in: a path on this site, never another site."""

from django.conf import settings
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme


def same_site_path(candidate: str | None) -> str:
    """``candidate`` if it is a path on this site (``/…``, not ``//…``, no scheme, no host,
    no backslash or control character); otherwise the default page after sign-in."""
    value = (candidate or "").strip()
    if (
        value.startswith("/")
        and not value.startswith("//")
        and "\\" not in value
        and not any(ord(c) < 32 or ord(c) == 127 for c in value)
        and url_has_allowed_host_and_scheme(value, allowed_hosts=set(), require_https=False)
    ):
        return value
    return resolve_url(settings.LOGIN_REDIRECT_URL)
