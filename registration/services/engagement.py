"""Engagement signals of vendors towards agencies, and the agencies' follow-up of leads."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from registration import permissions
from registration.models import EngagementEvent, Lead, Registration
from seminars.models import Organization, Seminar, Session

KINDS = {choice.value for choice in EngagementEvent.Kind}
# "Contact me" is a yes/no wish: pressing it twice is still one wish.
ONCE_ONLY_KINDS = {EngagementEvent.Kind.CONTACT_ME}


def _registration_of(seminar: Seminar, user) -> Registration | None:
    if user is None or not user.is_authenticated:
        return None
    return (
        Registration.objects.filter(
            seminar=seminar,
            person__user=user,
            status__in=Registration.ACTIVE_STATUSES,
        )
        .select_related("person")
        .first()
    )


@transaction.atomic
def engagement_record(
    *,
    seminar: Seminar,
    user: AbstractBaseUser | AnonymousUser | None,
    agency: Organization,
    kind: str,
    amount: int = 1,
    session: Session | None = None,
) -> EngagementEvent | None:
    """Record one engagement signal of a registered vendor towards an agency.

    Kinds: ``contact_me``, ``slides_downloaded``, ``recording_watched_seconds`` (``amount`` =
    seconds watched). Users who are not registered (organisers, presenters, anonymous viewers)
    are ignored and None is returned, so callers may call it for every viewer. Writes one row.
    """
    if kind not in KINDS:
        raise ValidationError(_("Unknown engagement kind “%(kind)s”.") % {"kind": kind})
    if amount < 0:
        raise ValidationError(_("The amount cannot be negative."))
    registration = _registration_of(seminar, user)
    if registration is None:
        return None
    if kind in ONCE_ONLY_KINDS:
        event, _created = EngagementEvent.objects.get_or_create(
            registration=registration,
            agency=agency,
            kind=kind,
            defaults={"amount": 1, "session": session},
        )
        return event
    return EngagementEvent.objects.create(
        registration=registration, agency=agency, kind=kind, amount=amount, session=session
    )


@transaction.atomic
def lead_update(
    *, registration: Registration, agency: Organization, user, status: str, notes: str
) -> Lead:
    """Set an agency's status and notes on a lead. Only a presenter for that agency, and only
    for a vendor who currently consents to it, may do so."""
    if not permissions.can_update_lead(user, registration, agency):
        raise PermissionDenied
    if status not in Lead.Status.values:
        raise ValidationError({"status": _("Choose a valid status.")})
    if len(notes) > 4000:
        raise ValidationError({"notes": _("Notes are limited to 4000 characters.")})
    lead, _created = Lead.objects.select_for_update().get_or_create(
        registration=registration, agency=agency
    )
    lead.status = status
    lead.notes = notes
    lead.updated_by = user
    lead.save()
    return lead
