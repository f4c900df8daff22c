"""Signing a person in from a registration link: an emailed confirmation or sign-in link, or
a personal join link, spent and then turned into a session by accounts/sessions.py, the one
place any passwordless sign-in starts a session (docs/security.md)."""

from django.contrib.auth.models import User
from django.http import HttpRequest

from accounts.sessions import session_sign_in
from registration.models import Registration
from registration.services.joinlinks import join_link_use
from registration.services.registration import link_use


def session_sign_in_by_link(
    *, request: HttpRequest, raw_token: str
) -> tuple[User, Registration | None]:
    """Use an emailed confirmation or sign-in link (``link_use``: spends it, applies the form it
    carries) and sign its person in on ``request``'s session. ValidationError (LinkError,
    LinkRefusedError for staff and role holders) leaves the session as it was."""
    user, registration = link_use(raw_token=raw_token)
    session_sign_in(request=request, user=user)
    return user, registration


def session_sign_in_by_join_link(*, request: HttpRequest, slug: str, token: str) -> User:
    """Spend a personal join link (``join_link_use``) and sign its vendor in on ``request``'s
    session. ValidationError leaves the session as it was."""
    user = join_link_use(slug=slug, token=token)
    session_sign_in(request=request, user=user)
    return user
