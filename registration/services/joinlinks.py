"""The personal join link: opens a registration's join page; signs in once, by POST.

What it may do, its lifetime and revocation are declared in accesskeys/purposes.py (JOIN).
"""

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from accesskeys import purposes, tokens
from accesskeys.permissions import may_sign_in_by_link
from registration.models import Registration
from registration.services.tokens import LinkError, check_link_may_sign_in


class JoinLinkNotFoundError(Exception):
    """Forged, of another seminar, or its registration is gone: answered as 404."""


@dataclass(frozen=True)
class JoinLink:
    registration: Registration
    key: tokens.Key
    spent: bool
    may_sign_in: bool

    @property
    def user(self) -> User | None:
        return self.registration.person.user


_MESSAGES = {
    "expired": lambda: _(
        "This join link has expired: the seminar is over. Your registration page still works "
        "once you sign in."
    ),
    "revoked": lambda: _(
        "This join link has been replaced by a newer one. Use the link in your latest email, "
        "or ask for a sign-in link."
    ),
    "spent": lambda: _(
        "This link has already been used to sign in once, so it no longer signs in. It still "
        "opens the seminar; to sign in, ask for a new sign-in link by email."
    ),
}


def join_link_read(*, slug: str, token: str) -> JoinLink:
    """The registration a join link opens. JoinLinkNotFoundError, or LinkError (expired or
    replaced). Writes nothing: opening the link (a GET, a mail scanner) spends nothing."""
    try:
        key = tokens.read(purposes.JOIN, token)
    except tokens.KeyInvalidError as error:
        raise JoinLinkNotFoundError from error
    except tokens.AccessKeyError as error:
        raise LinkError(_MESSAGES[error.reason](), code=error.reason) from error
    registration = (
        Registration.objects.filter(
            pk=key.subject,
            seminar__slug=slug,
            status=Registration.Status.CONFIRMED,
            anonymised_at=None,
        )
        .select_related("person__user", "seminar")
        .first()
    )
    if registration is None:
        raise JoinLinkNotFoundError
    user = registration.person.user
    return JoinLink(registration, key, tokens.is_spent(key), may_sign_in_by_link(user))


@transaction.atomic
def join_link_use(*, slug: str, token: str) -> User:
    """Spend a join link and return the user to sign in. LinkRefusedError for accounts that may
    not be signed in by link; LinkError if spent, expired or replaced; nothing changes then."""
    link = join_link_read(slug=slug, token=token)
    user = check_link_may_sign_in(link.user)
    try:
        tokens.spend(link.key)
    except tokens.KeySpentError as error:
        raise LinkError(_MESSAGES["spent"](), code="spent") from error
    return user


@transaction.atomic
def personal_links_reset(*, registration: Registration) -> None:
    """Revoke every join link and calendar feed link sent for ``registration`` so far; the
    next ones issued work. Writes two KeyVersion rows."""
    tokens.revoke(purposes.JOIN, subject=registration.pk)
    tokens.revoke(purposes.CALENDAR, subject=registration.pk)
