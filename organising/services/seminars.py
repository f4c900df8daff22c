"""Creating, editing, publishing and duplicating seminars from the organiser workspace."""

from datetime import date, datetime, timedelta

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from organising import selectors
from registration.models import Registration
from registration.services import waiting_list_promote
from scheduling.timezones import WallClockError, to_utc
from seminars.models import Organization, Seminar, SeminarRole, Session
from seminars.services import seminar_dates_validate

Mode = Registration.AttendanceMode


def _unique_slug(text: str) -> str:
    base = slugify(text)[:40] or "seminar"
    slug, number = base, 2
    while Seminar.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


def _host(name: str) -> Organization:
    host = Organization.objects.filter(kind=Organization.Kind.HOST, name=name).first()
    return host or Organization.objects.create(kind=Organization.Kind.HOST, name=name)


def _capacity_check(seminar: Seminar) -> None:
    """A capacity below the places already confirmed in that mode is refused, saying how many."""
    confirmed = selectors.confirmed_counts(seminar)
    errors = {}
    for field, mode in (("online_capacity", Mode.ONLINE), ("in_room_capacity", Mode.IN_ROOM)):
        capacity, taken = getattr(seminar, field), confirmed.get(mode, 0)
        if capacity is not None and capacity < taken:
            errors[field] = _(
                "%(count)s people already have a confirmed place in this mode. Set the capacity "
                "to %(count)s or more, leave it empty for no limit, or cancel registrations "
                "first in Registrants."
            ) % {"count": taken}
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def seminar_save(*, seminar: Seminar, host_name: str, user: User) -> Seminar:
    """Create or update a seminar from the workspace form. A new seminar is a draft and its
    creator its organiser. A raised capacity gives the freed places to the waiting list first
    (emails the promoted, after commit)."""
    creating = seminar.pk is None
    if not creating:
        Seminar.objects.select_for_update().get(pk=seminar.pk)  # registrations wait for us
        seminar_dates_validate(
            seminar=seminar,
            first=seminar.starts_on,
            last=seminar.ends_on,
            zone_name=seminar.time_zone,
        )
        _capacity_check(seminar)
    seminar.host = _host(host_name.strip())
    if creating:
        seminar.slug = seminar.slug or _unique_slug(seminar.title)
        seminar.status = Seminar.Status.DRAFT
    seminar.full_clean()
    seminar.save()
    if creating:
        SeminarRole.objects.create(
            seminar=seminar,
            user=user,
            role=SeminarRole.Role.ORGANIZER,
            granted_by=user,
            granted_at=timezone.now(),
        )
    else:
        waiting_list_promote(seminar=seminar)
    return seminar


@transaction.atomic
def seminar_publish(*, seminar: Seminar) -> Seminar:
    """Publish a seminar whose checklist is complete; ValidationError lists what is missing."""
    seminar = Seminar.objects.select_for_update().get(pk=seminar.pk)
    missing = selectors.publish_checklist(seminar)
    if missing:
        raise ValidationError(missing)
    seminar.status = Seminar.Status.PUBLISHED
    seminar.save(update_fields=["status", "updated_at"])
    return seminar


@transaction.atomic
def seminar_unpublish(*, seminar: Seminar) -> Seminar:
    """Take a published seminar back to draft: its pages and registration close."""
    seminar = Seminar.objects.select_for_update().get(pk=seminar.pk)
    if seminar.status != Seminar.Status.PUBLISHED:
        raise ValidationError(_("Only a published seminar can be unpublished."))
    seminar.status = Seminar.Status.DRAFT
    seminar.save(update_fields=["status", "updated_at"])
    return seminar


def _shifted(moment: datetime, seminar: Seminar, days: int) -> datetime:
    """The same wall-clock time ``days`` later in the seminar's zone; a time the clocks skip
    that day moves forward with them (zoneinfo's reading of a gap)."""
    local = (moment.astimezone(seminar.zone) + timedelta(days=days)).replace(tzinfo=None)
    try:
        return to_utc(local, seminar.zone, fold=0)
    except WallClockError:
        return local.replace(tzinfo=seminar.zone)


@transaction.atomic
def seminar_duplicate(
    *,
    source: Seminar,
    user: User,
    title: str,
    starts_on: date,
    with_agencies: bool,
    with_roles: bool,
) -> Seminar:
    """A new draft seminar from ``source``: its settings, its sessions shifted to the new dates
    and, if asked, the sessions' agencies and the seminar's roles. ``user`` organises it."""
    days = (starts_on - source.starts_on).days
    copy = Seminar.objects.get(pk=source.pk)
    copy.pk = None
    copy.title, copy.slug = title, _unique_slug(title)
    copy.starts_on, copy.ends_on = starts_on, source.ends_on + timedelta(days=days)
    copy.status = Seminar.Status.DRAFT
    for field in ("registration_opens_at", "registration_closes_at"):
        moment = getattr(source, field)
        setattr(copy, field, moment + timedelta(days=days) if moment else None)
    copy.full_clean()
    copy.save()
    for session in source.sessions.prefetch_related("agencies").order_by("pk"):
        agencies = list(session.agencies.all())
        new = Session.objects.get(pk=session.pk)
        new.pk, new.seminar, new.repeat_of, new.sequence = None, copy, None, 0
        new.cancelled_at = None
        new.starts_at = _shifted(session.starts_at, copy, days)
        new.ends_at = _shifted(session.ends_at, copy, days)
        new.save()
        if with_agencies:
            new.agencies.set(agencies)
    now = timezone.now()
    SeminarRole.objects.create(
        seminar=copy, user=user, role=SeminarRole.Role.ORGANIZER, granted_by=user, granted_at=now
    )
    if with_roles:
        for role in source.roles.exclude(user=user, role=SeminarRole.Role.ORGANIZER):
            SeminarRole.objects.create(
                seminar=copy,
                user_id=role.user_id,
                role=role.role,
                agency_id=role.agency_id,
                granted_by=user,
                granted_at=now,
            )
    return copy
