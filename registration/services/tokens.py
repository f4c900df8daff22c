"""Single-use emailed links: the secret is sent, only its SHA-256 hash is stored."""

import hashlib
import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from registration import constants
from registration.models import SignInToken
from seminars.models import Seminar


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def sign_in_token_create(
    *, email: str, seminar: Seminar | None, payload: dict | None = None
) -> tuple[SignInToken, str]:
    """Store a new link for ``email`` and return it with its raw secret (to be emailed)."""
    raw = secrets.token_urlsafe(32)
    token = SignInToken.objects.create(
        email=email.lower(),
        token_hash=token_hash(raw),
        seminar=seminar,
        payload=payload or {},
        expires_at=timezone.now() + timedelta(hours=constants.LINK_HOURS),
    )
    return token, raw


class LinkError(ValidationError):
    """A link that cannot be used; the message says why and what to do."""


def sign_in_token_consume(*, raw: str) -> SignInToken:
    """Mark a link used and return it; LinkError if unknown, used or expired.

    Must run inside the caller's transaction so that a failure later on un-uses the link.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("sign_in_token_consume must run inside transaction.atomic")
    token = (
        SignInToken.objects.select_for_update(of=("self",))
        .filter(token_hash=token_hash(raw or ""))
        .select_related("seminar")
        .first()
    )
    if token is None:
        raise LinkError(
            _("This link is not valid. Copy the whole link from the email, or ask for a new one.")
        )
    if token.used_at is not None:
        raise LinkError(
            _("This link has already been used. Ask for a new sign-in link if you need one.")
        )
    if token.expires_at <= timezone.now():
        raise LinkError(_("This link has expired. Register again or ask for a new sign-in link."))
    token.used_at = timezone.now()
    token.save(update_fields=["used_at"])
    return token
