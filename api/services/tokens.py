"""API tokens: creation (the raw token is returned once), authentication, revocation."""

import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from api import permissions
from api.models import ApiToken
from seminars.models import Organization, Seminar

TOKEN_PREFIX = "oips_"
# Writing last use at most once a minute keeps a busy integration from writing on every call.
LAST_USE_RESOLUTION = timedelta(minutes=1)
MAX_DAYS = 366


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_token_create(
    *,
    user: User,
    name: str,
    scopes: list[str],
    days: int,
    seminar: Seminar | None = None,
    agency: Organization | None = None,
) -> tuple[ApiToken, str]:
    """A new token for one seminar (organisers) or one agency (its presenters); returns the
    row and the raw token, which is never stored and cannot be shown again."""
    if not permissions.may_create_token(user, seminar=seminar, agency=agency, scopes=scopes):
        raise PermissionDenied
    if not 1 <= days <= MAX_DAYS:
        raise ValidationError("A token lives between 1 and 366 days.")
    name = name.strip()[:100]
    if not name:
        raise ValidationError("Give the token a name.")
    prefix = secrets.token_hex(4)
    raw = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=user,
        name=name,
        seminar=seminar,
        agency=agency,
        scopes=sorted(set(scopes)),
        prefix=prefix,
        key_hash=_hash(raw),
        expires_at=timezone.now() + timedelta(days=days),
    )
    return token, raw


def api_token_authenticate(*, raw: str) -> ApiToken | None:
    """The live token ``raw`` names (None if unknown, expired or revoked); records its use."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 120:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_hash(raw), revoked_at__isnull=True)
        .first()
    )
    now = timezone.now()
    if token is None or token.expires_at <= now or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USE_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


@transaction.atomic
def api_token_revoke(*, user: User, token_id: int) -> bool:
    """Revoke one of the user's own tokens (effective at the next call)."""
    updated = ApiToken.objects.filter(pk=token_id, user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    return bool(updated)
