"""Emailed confirmation and sign-in links, through accesskeys (single-use, short-lived).

The link is a signed token naming a ``SignInToken`` row, which holds what the link does (the
address, the seminar, the submitted form). A newer link for the same address and seminar
replaces the older ones; using a link spends it.
"""

import hashlib

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from accesskeys import purposes, tokens
from accesskeys.permissions import may_sign_in_by_link
from registration.models import SignInToken
from seminars.models import Seminar


def _subject(email: str, seminar: Seminar | None) -> str:
    # The token is signed, not encrypted: name the address by a hash, never in the URL.
    digest = hashlib.sha256(email.lower().encode()).hexdigest()[:24]
    return f"{seminar.pk if seminar else 0}:{digest}"


def sign_in_token_create(
    *, email: str, seminar: Seminar | None, payload: dict | None = None
) -> tuple[SignInToken, str]:
    """Store what a new link does for ``email`` and return it with the token to email.

    A link with a form (``payload``) confirms a registration; without, it signs in. Either
    replaces the address's older links of its kind for this seminar."""
    purpose = purposes.CONFIRM if payload else purposes.SIGN_IN
    token = SignInToken.objects.create(
        email=email.lower(),
        seminar=seminar,
        payload=payload or {},
        expires_at=timezone.now() + purpose.max_age(),
    )
    raw = tokens.issue(purpose, subject=_subject(email, seminar), data={"t": token.pk})
    return token, raw


class LinkError(ValidationError):
    """A link that cannot be used; the message says why and what to do."""


class LinkRefusedError(LinkError):
    """A valid link that may not sign this account in (staff, superusers, role holders)."""


_MESSAGES = {
    "invalid": lambda: _(
        "This link is not valid. Copy the whole link from the email, or ask for a new one."
    ),
    "spent": lambda: _(
        "This link has already been used. Ask for a new sign-in link if you need one."
    ),
    "expired": lambda: _("This link has expired. Register again or ask for a new sign-in link."),
    "revoked": lambda: _(
        "A newer link was sent to this address since: use the link in your latest email."
    ),
}


def _read(raw: str) -> tokens.Key:
    try:
        return tokens.read(purposes.CONFIRM, raw)
    except tokens.KeyInvalidError:
        return tokens.read(purposes.SIGN_IN, raw)


def sign_in_token_consume(*, raw: str) -> SignInToken:
    """Spend a link and return what it does; LinkError if unknown, used, replaced or expired.

    Must run inside the caller's transaction so that a failure later on un-spends the link.
    """
    try:
        key = _read(raw)
        token_id = key.data.get("t")
        token = (
            SignInToken.objects.select_related("seminar").filter(pk=token_id).first()
            if isinstance(token_id, int)
            else None
        )
        if token is None:  # erased with its person since it was sent
            raise tokens.KeyInvalidError
        tokens.spend(key)
    except tokens.AccessKeyError as error:
        raise LinkError(_MESSAGES[error.reason](), code=error.reason) from error
    return token


def link_refused_message(user) -> str:
    if user is None or not user.is_active:
        return _("This account is disabled. Please contact the organisers.")
    return _(
        "This address belongs to an account with staff rights, which cannot be signed in from "
        "an emailed link. Sign in with your password instead."
    )


def check_link_may_sign_in(
    user: User | None, *, refused: type[ValidationError] = LinkRefusedError
) -> User:
    """``user`` if it may be signed in by an emailed link; ``refused`` otherwise (no account, a
    disabled one, staff, superusers, role holders). Every link kind that signs in asks here:
    registration's links with LinkRefusedError, the site's sign-in link with its own error."""
    if user is None or not may_sign_in_by_link(user):
        raise refused(link_refused_message(user), code="refused")
    return user
