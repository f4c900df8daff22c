"""Inviting presenters, moderators and organisers; accepting an invitation; revoking roles.

An invitation link never signs anyone in (docs/security.md): the invited person accepts
while signed in with the invited address's password, or creates that account (a password of
their own) and then signs in with it like any role holder.
"""

from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accesskeys import purposes, tokens
from organising.models import Invitation
from registration import links
from seminars.models import Organization, Seminar, SeminarRole


def invitation_url(invitation: Invitation) -> str:
    token = tokens.issue(purposes.INVITATION, subject=invitation.pk)
    return links.absolute(reverse("organising:invitation", kwargs={"token": token}))


@transaction.atomic
def invitation_create(
    *,
    seminar: Seminar,
    email: str,
    role: str,
    agency: Organization | None,
    invited_by: User,
    language: str,
) -> Invitation:
    """Invite ``email`` to ``role``. Refused (nothing stored, nothing sent) if that address
    already holds the role. Emails the single-use link after commit, in ``language``."""
    email = email.strip().lower()
    holds = SeminarRole.objects.filter(seminar=seminar, role=role, user__email__iexact=email)
    if holds.exists():
        raise ValidationError(
            {"email": _("%(email)s already has this role in this seminar.") % {"email": email}}
        )
    invitation = Invitation.objects.create(
        seminar=seminar,
        email=email,
        role=role,
        agency=agency if role == SeminarRole.Role.PRESENTER else None,
        invited_by=invited_by,
    )
    url = invitation_url(invitation)
    transaction.on_commit(lambda: _send_invitation(invitation, url, language))
    return invitation


def _send_invitation(invitation: Invitation, url: str, language: str) -> None:
    from django.template.loader import render_to_string

    from ops import mail

    with translation.override(language):
        subject = _("Invitation: %(title)s") % {"title": invitation.seminar.title}
        body = render_to_string(
            "organising/email/invitation.txt",
            {
                "invitation": invitation,
                "url": url,
                "days": purposes.INVITATION.max_age().days,
            },
        )
        message = mail.message_build(subject=subject, body=body, to=[invitation.email])
    message.send()


def invitation_read(*, raw_token: str) -> Invitation:
    """The open invitation a link names; AccessKeyError if the link is bad, expired or spent,
    KeyRevokedError if the invitation was withdrawn. Writes nothing."""
    key = tokens.read(purposes.INVITATION, raw_token)
    invitation = (
        Invitation.objects.select_related("seminar", "agency", "invited_by")
        .filter(pk=key.subject, accepted_at__isnull=True, withdrawn_at__isnull=True)
        .first()
    )
    if invitation is None or tokens.is_spent(key):
        raise tokens.KeySpentError
    return invitation


def _grant(invitation: Invitation, user: User, raw_token: str) -> SeminarRole:
    tokens.read_and_spend(purposes.INVITATION, raw_token)
    role, _created = SeminarRole.objects.get_or_create(
        seminar=invitation.seminar,
        user=user,
        role=invitation.role,
        defaults={
            "agency": invitation.agency,
            "granted_by": invitation.invited_by,
            "granted_at": timezone.now(),
        },
    )
    invitation.accepted_at, invitation.accepted_by = timezone.now(), user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return role


@transaction.atomic
def invitation_accept(*, raw_token: str, user: User) -> SeminarRole:
    """Grant the invited role to the signed-in ``user``, whose address must be the invited one.
    Spends the link."""
    invitation = invitation_read(raw_token=raw_token)
    if user.email.lower() != invitation.email:
        raise ValidationError(
            _("This invitation is for %(email)s. Sign in with that account to accept it.")
            % {"email": invitation.email}
        )
    return _grant(invitation, user, raw_token)


def account_for_invitation(invitation: Invitation) -> User | None:
    return User.objects.filter(email__iexact=invitation.email, is_active=True).first()


@transaction.atomic
def invitation_accept_with_new_password(
    *, raw_token: str, full_name: str, password: str
) -> SeminarRole:
    """Create the invited address's account (or give a password to its password-less vendor
    account) and grant the role. Signs nobody in: the person then signs in with the password.
    Refused for an account that already has a password or is staff."""
    invitation = invitation_read(raw_token=raw_token)
    user = account_for_invitation(invitation)
    if user is not None and (user.has_usable_password() or user.is_staff or user.is_superuser):
        raise ValidationError(
            _("An account with this address already has a password: sign in to accept.")
        )
    if user is None:
        user = User(username=invitation.email[:150], email=invitation.email)
    first, _sep, last = full_name.strip().partition(" ")
    user.first_name, user.last_name = first[:150], last[:150]
    validate_password(password, user)
    user.set_password(password)
    user.save()
    return _grant(invitation, user, raw_token)


@transaction.atomic
def role_revoke(*, role: SeminarRole) -> None:
    """Take a role away at once. The last organiser of a seminar cannot be removed."""
    role = SeminarRole.objects.select_for_update().get(pk=role.pk)
    if role.role == SeminarRole.Role.ORGANIZER:
        organisers = SeminarRole.objects.filter(
            seminar_id=role.seminar_id, role=SeminarRole.Role.ORGANIZER
        )
        if organisers.count() <= 1:
            raise ValidationError(_("A seminar needs at least one organiser."))
    role.delete()
