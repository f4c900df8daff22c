"""Writes of sign-in: emailed sign-in links, sessions and signing out everywhere, and a
vendor's deletion of their own account. OpenID Connect sign-in lives in accounts/oidc/."""

import hashlib
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from accesskeys import purposes, tokens
from accesskeys.permissions import may_sign_in_by_link
from accounts import emails
from accounts.models import AccountSession
from accounts.redirects import same_site_path
from accounts.sessions import session_sign_in
from registration.models import Person
from registration.services.limits import email_link_rate_check
from registration.services.registration import person_user_ensure
from registration.services.tokens import check_link_may_sign_in


def _subject(email: str) -> str:
    # Signed, not encrypted: the address is named by a hash, never in the URL.
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]


def browser_tag(secret: str) -> str:
    """What a link carries of the browser that asked for it (a hash of a value kept in that
    browser's session, so the link does not reveal it)."""
    return hashlib.sha256(f"openips-browser\x00{secret}".encode()).hexdigest()[:16]


def sign_in_link_request(*, email: str, client: str, next_path: str, browser: str) -> bool:
    """Email a sign-in link to a registered vendor; False (and no email) for an unknown
    address, so the caller answers both alike. RateLimitError past the emailed-link limits
    (per address and per client, shared with registration links), counted before the look-up.
    Emails the link after commit, in the person's language."""
    email_link_rate_check(email=email, client=client)
    person = Person.objects.filter(email=email.strip().lower()).select_related("user").first()
    if person is None:
        return False
    # The account a first sign-in would attach (registration's person_user_ensure): theirs,
    # or any account without a vendor record under the same address.
    accounts = (
        [person.user]
        if person.user
        else list(User.objects.filter(email__iexact=person.email, vendor_person__isnull=True))
    )
    if any(not may_sign_in_by_link(account) for account in accounts):
        # Staff and role holders get no link at all: it could only be refused.
        return False
    raw = tokens.issue(
        purposes.ACCOUNT_SIGN_IN,
        subject=_subject(person.email),
        data={"p": person.pk, "b": browser, "next": same_site_path(next_path)},
    )
    address, language = person.email, person.preferred_language
    transaction.on_commit(
        lambda: emails.send_sign_in_link(email=address, raw_token=raw, language=language)
    )
    return True


class SignInLinkError(ValidationError):
    """An emailed sign-in link that cannot be used; the message says why and what to do."""


class SignInLinkRefusedError(SignInLinkError):
    """A valid link for an account that may not sign in by link (staff, role holders)."""


_MESSAGES = {
    "invalid": lambda: _(
        "This sign-in link is not valid. Copy the whole link from the email, or ask for a new one."
    ),
    "spent": lambda: _("This sign-in link has already been used. Ask for a new one below."),
    "expired": lambda: _("This sign-in link has expired. Ask for a new one below."),
    "revoked": lambda: _(
        "A newer sign-in link was sent to this address since: use the link in your latest email."
    ),
}


@dataclass(frozen=True)
class SignInLink:
    key: tokens.Key
    person: Person
    next_path: str
    browser: str
    spent: bool


def sign_in_link_read(*, raw: str) -> SignInLink:
    """What a link would do, without using it (pages reached by GET); SignInLinkError if it
    cannot be used. Writes nothing."""
    try:
        key = tokens.read(purposes.ACCOUNT_SIGN_IN, raw)
        person_id = key.data.get("p")
        if not isinstance(person_id, int):
            raise tokens.KeyInvalidError
        person = Person.objects.select_related("user").filter(pk=person_id).first()
        if person is None or _subject(person.email) != key.subject:
            raise tokens.KeyInvalidError  # erased, or the address changed since
        if tokens.is_spent(key):
            raise tokens.KeySpentError
    except tokens.AccessKeyError as error:
        raise SignInLinkError(_MESSAGES[error.reason](), code=error.reason) from error
    return SignInLink(
        key=key,
        person=person,
        next_path=same_site_path(key.data.get("next")),
        browser=str(key.data.get("b") or ""),
        spent=False,
    )


@transaction.atomic
def sign_in_link_use(*, raw: str) -> tuple[User, str]:
    """Spend a link and return the account to sign in and where to go next. SignInLinkError
    for a link that is unknown, used, replaced or expired; SignInLinkRefusedError for staff,
    superusers, role holders and disabled accounts (the link then stays unspent)."""
    link = sign_in_link_read(raw=raw)
    if link.person.user is not None:  # refused before spending: the link stays usable
        check_link_may_sign_in(link.person.user, refused=SignInLinkRefusedError)
    try:
        tokens.spend(link.key)
    except tokens.KeySpentError as error:
        raise SignInLinkError(_MESSAGES["spent"](), code="spent") from error
    user = person_user_ensure(person=link.person)
    # Last, so that a refusal rolls back the spend and the account's creation.
    return check_link_may_sign_in(user, refused=SignInLinkRefusedError), link.next_path


def session_sign_in_by_account_link(*, request: HttpRequest, raw: str) -> str:
    """Spend a site sign-in link (``sign_in_link_use``) and sign its person in on ``request``'s
    session (accounts/sessions.py); returns where to go next. SignInLinkError leaves the
    session as it was."""
    user, next_path = sign_in_link_use(raw=raw)
    session_sign_in(request=request, user=user)
    return next_path


def on_user_logged_in(sender, request, user, **kwargs) -> None:
    """Record the new session (``user_logged_in``); writes one AccountSession row."""
    session = getattr(request, "session", None)
    if session is None:
        return
    if session.session_key is None:
        session.save()
    AccountSession.objects.get_or_create(session_key=session.session_key, defaults={"user": user})


def _session_store(session_key: str) -> SessionBase:
    from django.conf import settings

    return import_string(f"{settings.SESSION_ENGINE}.SessionStore")(session_key)


@transaction.atomic
def sessions_end_all(*, user: User) -> int:
    """End every session of ``user`` on every device; returns how many were recorded.

    Also closes the person's live-room sockets (after commit, through the channel layer) and,
    for accounts without a password, changes the unusable password, which Django's session
    check turns into "signed out" for any session started before sessions were recorded."""
    keys = list(
        AccountSession.objects.select_for_update()
        .filter(user=user)
        .values_list("session_key", flat=True)
    )
    for key in keys:
        _session_store(key).delete()
    AccountSession.objects.filter(user=user).delete()
    if not user.has_usable_password():
        user.set_unusable_password()
        user.save(update_fields=["password"])
    user_id = user.pk
    transaction.on_commit(lambda: _close_live_sockets(user_id))
    return len(keys)


def _close_live_sockets(user_id: int) -> None:
    from live.services.presence import person_sockets_close

    person_sockets_close(user_id=user_id)


def session_forget(*, session_key: str | None) -> None:
    """Forget a session that ended by signing out here; writes at most one row."""
    if session_key:
        AccountSession.objects.filter(session_key=session_key).delete()


@transaction.atomic
def account_delete(*, user: User) -> None:
    """Delete a vendor's account at their request: every active registration cancelled (places
    go to the waiting list), every consent withdrawn and every agency's lead removed at once,
    personal data anonymised as the retention purge does, single sign-on links and every
    session ended (live-room sockets closed after commit). Emails the waiting list's promoted
    people (after commit); the deleted person gets no email, their address is gone."""
    from registration.models import Registration
    from registration.services import person_erase, registration_cancel

    person = Person.objects.select_for_update().get(user=user)
    for registration in person.registrations.filter(status__in=Registration.ACTIVE_STATUSES):
        registration_cancel(registration=registration)
    person_erase(person=person)
    user.refresh_from_db()
    user.external_identities.all().delete()
    sessions_end_all(user=user)
