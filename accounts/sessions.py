"""Starting a session without a password: the one place where an emailed link (registration's
confirmation and sign-in links, a personal join link, the site's sign-in link) or single
sign-on signs someone in. Writes a session; ``accounts.services.on_user_logged_in`` records it
as an AccountSession.

Imports nothing of the project, so registration/ and accounts/ can both use it.
"""

from django.contrib.auth import login
from django.contrib.auth.models import User
from django.http import HttpRequest

# Vendors have no password; the link or the identity provider stands in for it, so the session
# names the model backend (django-axes' backend, first in AUTHENTICATION_BACKENDS, only counts
# password attempts).
BACKEND = "django.contrib.auth.backends.ModelBackend"


def session_sign_in(*, request: HttpRequest, user: User) -> None:
    """Sign ``user`` in on ``request``'s session (a new session key; the old one is dropped)."""
    login(request, user, backend=BACKEND)
