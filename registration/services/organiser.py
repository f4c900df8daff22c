"""What an organiser does to one registration from the workspace: decline with a reason,
promote from the waiting list, change the attendance mode, resend the confirmation.

Approving and cancelling are ``registration_decide`` and ``registration_cancel``. Every
change runs with the seminar row locked, like registering, so places are never overbooked
by accident and a freed place goes to the first person waiting for that mode.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from registration import emails
from registration.models import Registration
from registration.services.registration import (
    _allocate,
    _lock,
    _promote_waiting,
    allowed_modes,
)
from registration.services.reminders import reminders_schedule
from seminars.models import Seminar

Status = Registration.Status


def _locked(registration: Registration) -> tuple[Seminar, Registration]:
    seminar = _lock(registration.seminar)
    return seminar, Registration.objects.select_for_update().get(pk=registration.pk)


@transaction.atomic
def registration_decline(*, registration: Registration, reason: str) -> Registration:
    """Decline a registration with the organiser's reason, emailed in the registrant's
    language (after commit). A place it held goes to the first person waiting."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why: the registrant receives the reason.")})
    seminar, registration = _locked(registration)
    if registration.status not in Registration.ACTIVE_STATUSES:
        raise ValidationError(_("This registration is no longer active."))
    held_place = registration.status == Status.CONFIRMED
    registration.status = Status.REJECTED
    registration.waiting_since = None
    registration.save(update_fields=["status", "waiting_since", "updated_at"])
    pk = registration.pk
    transaction.on_commit(
        lambda: emails.send_registration_status(registration_id=pk, reason=reason)
    )
    if held_place:
        _promote_waiting(seminar, registration.attendance_mode)
    return registration


@transaction.atomic
def registration_promote(*, registration: Registration) -> Registration:
    """Confirm a waiting registration now, even past the capacity (the organiser's call).
    Emails the promotion and queues reminders (after commit)."""
    _seminar, registration = _locked(registration)
    if registration.status != Status.WAITING:
        raise ValidationError(_("Only someone on the waiting list can be promoted."))
    registration.status = Status.CONFIRMED
    registration.confirmed_at = timezone.now()
    registration.waiting_since = None
    registration.save(update_fields=["status", "confirmed_at", "waiting_since", "updated_at"])
    pk = registration.pk
    transaction.on_commit(lambda: emails.send_promoted(registration_id=pk))
    transaction.on_commit(lambda: reminders_schedule(registration_id=pk))
    return registration


@transaction.atomic
def registration_mode_change(*, registration: Registration, mode: str) -> Registration:
    """Move a registration to another attendance mode: a place there if one is free (after
    those waiting for it), the waiting list otherwise. The place it gave up goes to the first
    person waiting in the old mode. Emails the new status (after commit)."""
    seminar, registration = _locked(registration)
    if mode not in allowed_modes(seminar):
        raise ValidationError({"mode": _("This seminar has no such attendance mode.")})
    if registration.status not in (Status.CONFIRMED, Status.WAITING):
        raise ValidationError(_("Only a confirmed or waiting registration can change mode."))
    if registration.attendance_mode == mode:
        return registration
    old_mode, held_place = registration.attendance_mode, registration.status == Status.CONFIRMED
    registration.attendance_mode = mode
    registration.waiting_since = None
    _allocate(registration, seminar)
    registration.save()
    if held_place:
        _promote_waiting(seminar, old_mode)
    pk = registration.pk
    transaction.on_commit(lambda: emails.send_registration_status(registration_id=pk))
    return registration


def registration_confirmation_resend(*, registration: Registration) -> None:
    """Email the registration's current status again (the confirmation, with its .ics, join
    link and QR code, for a confirmed one). Sends an email after commit."""
    pk = registration.pk
    transaction.on_commit(
        lambda: emails.send_registration_status(registration_id=pk, changed=False)
    )
