"""Arrival at the venue, recorded once per in-room registration."""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from api import events as api_events
from registration.models import Registration
from seminars.models import Seminar


@dataclass(frozen=True)
class CheckIn:
    outcome: str  # "checked_in", "already", "unknown", "not_in_room", "not_confirmed"
    registration: Registration | None = None
    at: datetime | None = None


@transaction.atomic
def check_in_record(*, seminar: Seminar, code: str, by_user) -> CheckIn:
    """Record arrival for the registration with ``code``; a second scan changes nothing."""
    code = (code or "").strip().upper().removeprefix("OPENIPS:")
    registration = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("person", "company")
        .filter(seminar=seminar, check_in_code=code)
        .first()
    )
    if registration is None:
        return CheckIn("unknown")
    if registration.attendance_mode != Registration.AttendanceMode.IN_ROOM:
        return CheckIn("not_in_room", registration)
    if registration.status != Registration.Status.CONFIRMED:
        return CheckIn("not_confirmed", registration)
    if registration.checked_in_at is not None:
        return CheckIn("already", registration, registration.checked_in_at)
    registration.checked_in_at = timezone.now()
    registration.checked_in_by = by_user
    registration.save(update_fields=["checked_in_at", "checked_in_by", "updated_at"])
    api_events.registration_changed(registration, "registration.updated")
    return CheckIn("checked_in", registration, registration.checked_in_at)
