"""Organisers' writes: the programme, its windows, officers; officers' own profile and blocks."""

from datetime import date, datetime, time

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from meetings.grid import slot_starts, window_bounds
from meetings.models import Block, Officer, Programme, Window
from meetings.services.errors import MeetingError
from seminars.models import Organization, Seminar


def programme_get_or_create(*, seminar: Seminar) -> Programme:
    programme, _created = Programme.objects.get_or_create(seminar=seminar)
    return programme


@transaction.atomic
def programme_save(*, programme: Programme) -> Programme:
    """Validates and saves the organiser's configuration."""
    if not programme.online and not programme.in_person:
        raise MeetingError(_("Choose online meetings, in-person meetings or both."))
    if programme.in_person and programme.tables < 1:
        raise MeetingError(_("In-person meetings need at least one table."))
    if (
        programme.requests_open_at
        and programme.requests_close_at
        and programme.requests_close_at <= programme.requests_open_at
    ):
        raise MeetingError(_("Requests must close after they open."))
    programme.full_clean()
    programme.save()
    return programme


@transaction.atomic
def window_add(*, programme: Programme, day: date, start: time, end: time) -> Window:
    """Adds meeting hours on ``day`` (wall clock in the seminar's zone)."""
    seminar = programme.seminar
    if not seminar.starts_on <= day <= seminar.ends_on:
        raise MeetingError(_("Meeting days must be days of the seminar."))
    starts_at, ends_at = window_bounds(programme, day, start, end)
    if ends_at <= starts_at:
        raise MeetingError(_("A window must end after it starts."))
    if programme.windows.filter(starts_at__lt=ends_at, ends_at__gt=starts_at).exists():
        raise MeetingError(_("This window overlaps another one."))
    return Window.objects.create(programme=programme, starts_at=starts_at, ends_at=ends_at)


@transaction.atomic
def officer_save(
    *,
    seminar: Seminar,
    user: User,
    agency: Organization,
    display_name: str,
    unspsc_codes: list[str],
    languages: list[str],
    time_zone: str,
    meeting_link: str = "",
    preferred_language: str = "en",
) -> Officer:
    """Creates or updates the user's officer profile in the seminar (the meetings role)."""
    if agency.kind != Organization.Kind.AGENCY:
        raise MeetingError(_("Officers speak for a UN agency."))
    for code in unspsc_codes:
        if not (code.isascii() and code.isdigit() and len(code) in (2, 4)):
            raise MeetingError(
                _("“%(code)s” is not a UNSPSC segment (2 digits) or family (4 digits).")
                % {"code": code}
            )
    officer, _created = Officer.objects.update_or_create(
        seminar=seminar,
        user=user,
        defaults={
            "agency": agency,
            "display_name": display_name,
            "email": user.email,
            "unspsc_codes": sorted(set(unspsc_codes)),
            "languages": languages,
            "time_zone": time_zone,
            "meeting_link": meeting_link,
            "preferred_language": preferred_language,
            "active": True,
        },
    )
    return officer


@transaction.atomic
def block_toggle(*, officer: Officer, programme: Programme, starts_at: datetime) -> bool:
    """Blocks a free grid slot or frees a blocked one; returns whether it is now blocked."""
    if starts_at not in slot_starts(programme, programme.windows.all()):
        raise MeetingError(_("That time is not a meeting slot of this seminar."))
    deleted, _rows = Block.objects.filter(officer=officer, starts_at=starts_at).delete()
    if deleted:
        return False
    Block.objects.create(officer=officer, starts_at=starts_at)
    return True
