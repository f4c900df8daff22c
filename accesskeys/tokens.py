"""The one module every link that grants something goes through.

A link carries a token signed with Django's ``TimestampSigner`` under its purpose's salt
(accesskeys/purposes.py), so a token of one kind never verifies as another. It holds:

- ``s``: the subject (a registration, a session, an emailed-link record);
- ``v``: the subject's version when it was issued; raising the version revokes it;
- ``n``: a random nonce for single-use kinds, recorded in ``SpentKey`` when spent;
- ``d``: optional data of the caller (the device of a room token).

``read`` checks signature, age, the purpose's end (e.g. the seminar's) and the version, and
never writes, so a mail scanner's GET spends nothing; ``spend`` records a single use inside
the caller's transaction (a later failure un-spends it).
"""

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string

from accesskeys.models import KeyVersion, SpentKey
from accesskeys.purposes import REPLACED_ON_ISSUE, Purpose


class AccessKeyError(Exception):
    """A link that cannot be used; ``reason`` is stable. Callers word the message for the
    person, since what to do next depends on the kind of link."""

    reason = "invalid"


class KeyInvalidError(AccessKeyError):
    pass


class KeyExpiredError(AccessKeyError):
    reason = "expired"


class KeyRevokedError(AccessKeyError):
    reason = "revoked"


class KeySpentError(AccessKeyError):
    reason = "spent"


@dataclass(frozen=True)
class Key:
    """A verified token: what it is for, whom it names, when it stops working."""

    purpose: Purpose
    subject: int | str
    version: int | None  # None only from read_unversioned on a payload without one
    nonce: str
    expires_at: datetime
    data: dict = field(default_factory=dict)


def _scope(purpose: Purpose, subject: int | str) -> str:
    return hashlib.sha256(f"{purpose.version_name}\x00{subject}".encode()).hexdigest()


def _version(purpose: Purpose, subject: int | str) -> int:
    row = KeyVersion.objects.filter(scope=_scope(purpose, subject)).values("version").first()
    return row["version"] if row else 0


@transaction.atomic
def revoke(purpose: Purpose, *, subject: int | str) -> int:
    """Revoke every link of ``purpose`` (and those sharing its version) for ``subject``;
    returns the new version. Writes one KeyVersion row."""
    scope = _scope(purpose, subject)
    if not KeyVersion.objects.filter(scope=scope).update(version=F("version") + 1):
        try:
            with transaction.atomic():
                KeyVersion.objects.create(scope=scope, version=1)
        except IntegrityError:  # created by a concurrent revoke: count ours on top
            KeyVersion.objects.filter(scope=scope).update(version=F("version") + 1)
    return KeyVersion.objects.get(scope=scope).version


def issue(purpose: Purpose, *, subject: int | str, data: dict | None = None) -> str:
    """A signed token for ``subject``. For kinds replaced on issue, revokes the subject's
    older links first (one write); otherwise writes nothing."""
    if purpose.revocation == REPLACED_ON_ISSUE:
        version = revoke(purpose, subject=subject)
    else:
        version = _version(purpose, subject)
    payload: dict = {"s": subject, "v": version}
    if purpose.single_use:
        payload["n"] = secrets.token_urlsafe(12)
    if data:
        payload["d"] = data
    return signing.TimestampSigner(salt=purpose.salt).sign_object(payload, compress=True)


def _unsign(purpose: Purpose, token: str) -> dict:
    signer = signing.TimestampSigner(salt=purpose.salt)
    try:
        payload = signer.unsign_object(token or "", max_age=purpose.max_age())
    except signing.SignatureExpired as error:
        raise KeyExpiredError from error
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise KeyInvalidError from error
    if not isinstance(payload, dict) or not isinstance(payload.get("s"), int | str):
        raise KeyInvalidError
    return payload


def read(purpose: Purpose, token: str) -> Key:
    """The key a token carries if it is valid now for ``purpose``; raises KeyInvalidError,
    KeyExpiredError or KeyRevokedError otherwise. Spent single-use keys are returned (``is_spent``
    tells): a spent join link still opens its page. Writes nothing."""
    key = read_unversioned(purpose, token)
    check_version(key.version, _version(purpose, key.subject))
    return key


def read_unversioned(purpose: Purpose, token: str) -> Key:
    """``read`` without its one query: every check but the version's. For a caller that reads
    the version inside a larger query of its own (``version_query``) and then calls
    ``check_version``; a key is valid only once both passed."""
    payload = _unsign(purpose, token)
    subject = payload["s"]
    # The signature checked the age; this bound (never earlier than the real end) dates the
    # spend record for the purge.
    expires_at = timezone.now() + purpose.max_age()
    if purpose.ends_at:
        ends_at = import_string(purpose.ends_at)(subject)
        if ends_at is None:
            raise KeyInvalidError
        if ends_at <= timezone.now():
            raise KeyExpiredError
        expires_at = min(expires_at, ends_at)
    nonce = payload.get("n", "")
    if purpose.single_use and not (isinstance(nonce, str) and nonce):
        raise KeyInvalidError
    data = payload.get("d")
    if not isinstance(data, dict):
        data = {}
    return Key(purpose, subject, payload.get("v"), nonce, expires_at, data)


def version_query(purpose: Purpose, subject: int | str):
    """The subject's current version as a one-row ``values("version")`` queryset, to read
    inside a larger query (``Subquery``); no row means version 0."""
    return KeyVersion.objects.filter(scope=_scope(purpose, subject)).values("version")[:1]


def version_scope(purpose: Purpose, subject: int | str) -> str:
    """The value ``version_query`` looks up, for a query compiled once and run with
    parameters (live/compiled.py)."""
    return _scope(purpose, subject)


def check_version(carried: int | None, current: int | None) -> None:
    """KeyRevokedError unless a key's ``carried`` version is the subject's ``current`` one
    (from ``version_query``: no row is 0)."""
    if carried != (current or 0):
        raise KeyRevokedError


def is_spent(key: Key) -> bool:
    return SpentKey.objects.filter(purpose=key.purpose.name, nonce=key.nonce).exists()


def spend(key: Key) -> None:
    """Record the single use of ``key``; KeySpentError if it was used before. Must run inside the
    caller's transaction, so that a failure later on (a refused sign-in) un-spends it."""
    if not key.purpose.single_use:
        raise ValueError(f"{key.purpose.name} links are not single-use")
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("spend must run inside transaction.atomic")
    try:
        with transaction.atomic():
            SpentKey.objects.create(
                purpose=key.purpose.name, nonce=key.nonce, expires_at=key.expires_at
            )
    except IntegrityError as error:
        raise KeySpentError from error


def read_and_spend(purpose: Purpose, token: str) -> Key:
    key = read(purpose, token)
    spend(key)
    return key


def spent_keys_purge(*, now: datetime | None = None) -> int:
    """Delete spend records of links that have expired anyway; returns how many."""
    deleted, _by_model = SpentKey.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted
