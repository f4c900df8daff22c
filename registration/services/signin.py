"""Signing a person in from a link: the one place where an emailed confirmation or sign-in
link, or a personal join link, starts a session (docs/security.md)."""

from django.contrib.auth import login
from django.contrib.auth.models import User
from django.http import HttpRequest

from registration.models import Registration
from registration.services.joinlinks import join_link_use
from registration.services.registration import link_use

# Vendors have no password; the link stands in for it, so the session names the model backend
# (django-axes' backend, first in AUTHENTICATION_BACKENDS, only counts password attempts).
BACKEND = "django.contrib.auth.backends.ModelBackend"


def session_sign_in_by_link(
    *, request: HttpRequest, raw_token: str
) -> tuple[User, Registration | None]:
    """Use an emailed confirmation or sign-in link (``link_use``: spends it, applies the form it
    carries) and sign its person in on ``request``'s session. ValidationError (LinkError,
    LinkRefusedError for staff and role holders) leaves the session as it was."""
    user, registration = link_use(raw_token=raw_token)
    login(request, user, backend=BACKEND)
    return user, registration


def session_sign_in_by_join_link(*, request: HttpRequest, slug: str, token: str) -> User:
    """Spend a personal join link (``join_link_use``) and sign its vendor in on ``request``'s
    session. ValidationError leaves the session as it was."""
    user = join_link_use(slug=slug, token=token)
    login(request, user, backend=BACKEND)
    return user
