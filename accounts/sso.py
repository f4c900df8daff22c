"""Single sign-on's effect on accounts: who a verified ID token is, here.

Accounts are found by the provider's subject (``ExternalIdentity``), never by email alone. An
address links an existing account only when the provider says it is verified and its domain
is one the organiser allowed for that provider (``link_domains``). A new account's agency or
host organisation comes from the provider's mapping (email domain or groups claim); roles on
seminars still come from invitations and organisers, never from the provider.
"""

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from accounts.models import ExternalIdentity
from accounts.oidc_config import Provider
from seminars.models import Organization


class SingleSignOnRefusedError(ValidationError):
    """Claims that do not allow a sign-in here; the message says why."""


def _domain(email: str) -> str:
    return email.rpartition("@")[2].strip().lower()


def organization_for(provider: Provider, claims: dict) -> Organization | None:
    """The agency or host organisation the claims map to: a group first (more specific),
    then the email domain; None if neither maps."""
    groups = claims.get(provider.groups_claim) if provider.groups_claim else None
    if isinstance(groups, str):
        groups = [groups]
    for group in groups or []:
        if str(group) in provider.groups:
            return Organization.objects.filter(pk=provider.groups[str(group)]).first()
    email = str(claims.get("email") or "")
    if email and _domain(email) in provider.domains:
        return Organization.objects.filter(pk=provider.domains[_domain(email)]).first()
    return None


def _verified_email(claims: dict) -> str:
    email = str(claims.get("email") or "").strip()
    if not email:
        raise SingleSignOnRefusedError(
            _("Your organisation's sign-in did not give an email address."), code="no_email"
        )
    if claims.get("email_verified") is not True:
        raise SingleSignOnRefusedError(
            _(
                "Your organisation's sign-in says your email address is not verified. Verify "
                "it with your organisation, then sign in again."
            ),
            code="unverified",
        )
    return email


def _names(claims: dict) -> tuple[str, str]:
    first = str(claims.get("given_name") or "")
    last = str(claims.get("family_name") or "")
    if not (first or last):
        first, _sep, last = str(claims.get("name") or "").partition(" ")
    return first[:150], last[:150]


def _new_account(provider: Provider, email: str, claims: dict) -> User:
    first, last = _names(claims)
    username = f"{provider.key}-{get_random_string(12).lower()}"
    user = User(username=username, email=email, first_name=first, last_name=last)
    user.set_unusable_password()
    user.save()
    return user


def _linkable_account(provider: Provider, email: str) -> User | None:
    """An existing account with this address, if the organiser allowed linking for its domain;
    SingleSignOnRefusedError if an account exists but may not be linked."""
    existing = list(User.objects.filter(email__iexact=email)[:2])
    if not existing:
        return None
    if _domain(email) not in provider.link_domains or len(existing) > 1:
        raise SingleSignOnRefusedError(
            _(
                "An OpenIPS account already uses this email address, and it cannot be linked "
                "to your organisation's sign-in automatically. Ask an administrator to link it."
            ),
            code="not_linkable",
        )
    account = existing[0]
    if account.external_identities.filter(provider=provider.key).exists():
        raise SingleSignOnRefusedError(
            _("This account is already linked to another identity at your organisation."),
            code="linked_elsewhere",
        )
    return account


@transaction.atomic
def external_sign_in(*, provider: Provider, claims: dict) -> User:
    """The account for verified ID-token claims: found by subject, else linked by a verified
    address in an allowed domain, else created in the mapped organisation. Writes the account
    and its ExternalIdentity on first sign-in, the last sign-in time always.
    SingleSignOnRefusedError when the claims do not allow it (disabled account, unverified or
    missing address, an existing account that may not be linked)."""
    subject = str(claims["sub"])
    identity = (
        ExternalIdentity.objects.select_for_update()
        .select_related("user")
        .filter(provider=provider.key, subject=subject)
        .first()
    )
    if identity is None:
        email = _verified_email(claims)
        user = _linkable_account(provider, email) or _new_account(provider, email, claims)
        try:
            with transaction.atomic():
                identity = ExternalIdentity.objects.create(
                    user=user,
                    provider=provider.key,
                    subject=subject,
                    organization=organization_for(provider, claims),
                )
        except IntegrityError as error:  # the same person's other tab, at the same instant
            raise SingleSignOnRefusedError(
                _("Sign-in was already in progress. Please try again."), code="race"
            ) from error
    if not identity.user.is_active:
        raise SingleSignOnRefusedError(
            _("This account is disabled. Please contact the organisers."), code="inactive"
        )
    identity.last_sign_in_at = timezone.now()
    identity.save(update_fields=["last_sign_in_at"])
    return identity.user
