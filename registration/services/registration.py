"""Registering, confirming, cancelling and approving; in-room places and the waiting list.

Places are allocated with the seminar row locked (SELECT … FOR UPDATE), so concurrent
registrations never overbook; on SQLite, IMMEDIATE transactions serialise writers anyway.
"""

import hashlib
import secrets
from functools import partial

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from api import events as api_events
from registration import emails, selectors
from registration.countrygroups import country_tags
from registration.models import Person, Registration
from registration.services.company import company_for_registrant
from registration.services.consent import consents_apply
from registration.services.limits import email_link_rate_check
from registration.services.reminders import reminders_schedule
from registration.services.tokens import (
    check_link_may_sign_in,
    sign_in_token_consume,
    sign_in_token_create,
)
from registration.validation import validate_payload
from seminars.models import Seminar

Status = Registration.Status
Mode = Registration.AttendanceMode


def registration_window_error(seminar: Seminar, *, at=None) -> str:
    """Why registration is closed at ``at`` (now by default), or "" when it is open."""
    at = at or timezone.now()
    if seminar.status != Seminar.Status.PUBLISHED:
        return _("Registration is closed: this seminar is not open for registration.")
    if seminar.registration_opens_at and at < seminar.registration_opens_at:
        return _("Registration opens on %(when)s (%(zone)s).") % {
            "when": seminar.registration_opens_at.astimezone(seminar.zone).strftime(
                "%Y-%m-%d %H:%M"
            ),
            "zone": seminar.time_zone,
        }
    if seminar.registration_closes_at and at >= seminar.registration_closes_at:
        return _("Registration closed on %(when)s (%(zone)s).") % {
            "when": seminar.registration_closes_at.astimezone(seminar.zone).strftime(
                "%Y-%m-%d %H:%M"
            ),
            "zone": seminar.time_zone,
        }
    return ""


def allowed_modes(seminar: Seminar) -> list[str]:
    if seminar.format == Seminar.Format.HYBRID:
        return [Mode.ONLINE, Mode.IN_ROOM]
    if seminar.format == Seminar.Format.IN_PERSON:
        return [Mode.IN_ROOM]
    return [Mode.ONLINE]


@transaction.atomic
def registration_request(
    *, seminar: Seminar, payload: dict, user=None, client: str
) -> Registration | None:
    """Handle a submitted registration form.

    A vendor already signed in with the same address is registered at once; anyone else gets
    an emailed confirmation link and nothing is stored but the link (with the form inside).
    Emails the link (after commit). RateLimitError (nothing stored) past the emailed-link limits
    of the address or of the ``client`` address.
    """
    error = registration_window_error(seminar)
    if error:
        raise ValidationError(error, code="closed")
    validate_payload(payload)
    email = payload["email"].lower()
    if user is not None and user.is_authenticated and user.email.lower() == email:
        return registration_apply(seminar=seminar, payload=payload)
    email_link_rate_check(email=email, client=client)
    _token, raw = sign_in_token_create(email=email, seminar=seminar, payload=payload)
    language = payload.get("preferred_language", "en")
    transaction.on_commit(
        lambda: emails.send_confirm_link(
            seminar=seminar, email=email, raw_token=raw, language=language
        )
    )
    return None


@transaction.atomic
def sign_in_link_request(*, seminar: Seminar, email: str, client: str) -> bool:
    """Email a sign-in link to a vendor registered for ``seminar``; False (and no email)
    for unknown addresses. Emails the link (after commit). RateLimitError past the emailed-link
    limits, counted before the look-up so known and unknown addresses are refused alike."""
    email_link_rate_check(email=email, client=client)
    person = Person.objects.filter(email=email.strip().lower()).first()
    if person is None or not person.registrations.filter(seminar=seminar).exists():
        return False
    _token, raw = sign_in_token_create(email=person.email, seminar=seminar)
    language = person.preferred_language
    transaction.on_commit(
        lambda: emails.send_sign_in_link(
            seminar=seminar, email=person.email, raw_token=raw, language=language
        )
    )
    return True


@transaction.atomic
def link_use(*, raw_token: str) -> tuple[User, Registration | None]:
    """Use an emailed link: apply the registration it carries (if any) and return the user to
    sign in. Raises LinkError for an unknown, used, replaced or expired link, and LinkRefusedError
    for an account that may not be signed in by link (staff, superusers, role holders);
    either way nothing changes and the link stays unspent."""
    token = sign_in_token_consume(raw=raw_token)
    registration: Registration | None
    if token.payload and token.seminar is not None:  # a form always names its seminar
        error = registration_window_error(token.seminar, at=token.created_at)
        if error:
            raise ValidationError(error, code="closed")
        registration = registration_apply(seminar=token.seminar, payload=token.payload)
        user = registration.person.user
    else:
        person = Person.objects.get(email=token.email)
        user = _person_user(person)
        registration = person.registrations.filter(seminar=token.seminar).first()
    # Last, so that the refusal rolls back everything above, the spend included.
    return check_link_may_sign_in(user), registration


def _username_for(email: str) -> str:
    """Usernames follow from the address; a hash keeps long or clashing ones unique."""
    digest = hashlib.sha256(email.encode()).hexdigest()[:10]
    candidate = email if len(email) <= 150 else f"{email[:139]}-{digest}"
    if User.objects.filter(username=candidate).exclude(email__iexact=email).exists():
        candidate = f"{email[:139]}-{digest}"
    return candidate


def person_user_ensure(*, person: Person) -> User:
    """The vendor's account, created without a password the first time they sign in (the
    site-wide sign-in page, accounts/, signs people in through this too)."""
    return _person_user(person)


def _person_user(person: Person) -> User:
    if person.user is not None:
        return person.user
    user = User.objects.filter(email__iexact=person.email, vendor_person__isnull=True).first()
    if user is None:
        user = User(username=_username_for(person.email), email=person.email)
        user.set_unusable_password()
    first, _sep, last = person.full_name.partition(" ")
    user.first_name, user.last_name = first[:150], last[:150]
    user.save()
    person.user = user
    person.save(update_fields=["user"])
    return user


def _locked_or_new_person(email: str, payload: dict) -> Person:
    """The person row for ``email``, locked; created if missing. Two first registrations
    with one address at the same moment meet at the unique index: the loser reads the
    winner's row instead of failing."""
    person = Person.objects.select_for_update().filter(email=email).first()
    if person is not None:
        return person
    try:
        with transaction.atomic():
            return Person.objects.create(
                email=email, full_name=payload["full_name"], time_zone=payload["time_zone"]
            )
    except IntegrityError:
        return Person.objects.select_for_update().get(email=email)


def _person_upsert(payload: dict, seminar: Seminar) -> Person:
    email = payload["email"].lower()
    person = _locked_or_new_person(email, payload)
    company = company_for_registrant(data=payload["company"], person=person, seminar=seminar)
    person.company = company
    for field in ("full_name", "job_title", "phone", "preferred_language", "time_zone"):
        setattr(person, field, payload.get(field, ""))
    person.full_clean(validate_unique=False)
    person.save()
    _person_user(person)
    return person


def _snapshot_tags(registration: Registration, seminar: Seminar) -> None:
    # Every registration names a company (set from the person's just before); "" is no country.
    company = registration.company
    country = company.country if company is not None else ""
    tags = country_tags(country=country, on=seminar.starts_on, seminar=seminar)
    registration.country = tags.country
    registration.region = tags.region
    registration.is_ldc, registration.is_lldc = tags.ldc, tags.lldc
    registration.is_sids, registration.is_eit = tags.sids, tags.eit
    registration.income_group = tags.income_group


def _capacity(seminar: Seminar, mode: str) -> int | None:
    return seminar.in_room_capacity if mode == Mode.IN_ROOM else seminar.online_capacity


def _has_place(seminar: Seminar, mode: str, *, exclude_pk: int | None = None) -> bool:
    capacity = _capacity(seminar, mode)
    if capacity is None:
        return True
    taken = Registration.objects.filter(
        seminar=seminar, attendance_mode=mode, status=Status.CONFIRMED
    )
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    return taken.count() < capacity


def _allocate(registration: Registration, seminar: Seminar) -> None:
    """Give a place or a waiting-list position; the seminar row is locked by the caller.

    A free place goes first to whoever waits for it (a place freed by a raised capacity that
    was not yet handed on, say): nobody new overtakes the waiting list."""
    now = timezone.now()
    _promote_waiting(seminar, registration.attendance_mode)
    if _has_place(seminar, registration.attendance_mode, exclude_pk=registration.pk):
        registration.status = Status.CONFIRMED
        registration.confirmed_at = registration.confirmed_at or now
        registration.waiting_since = None
    else:
        registration.status = Status.WAITING
        registration.waiting_since = registration.waiting_since or now


def _lock(seminar: Seminar) -> Seminar:
    return Seminar.objects.select_for_update().get(pk=seminar.pk)


@transaction.atomic
def registration_apply(*, seminar: Seminar, payload: dict) -> Registration:
    """Create or update the vendor, company and registration from a validated payload.

    Re-registering with the same email updates. Allocates a place or a waiting-list position
    (seminar row locked), records consents, snapshots country tags; after commit emails the
    confirmation (or waiting-list / approval notice) and queues reminders.
    """
    validate_payload(payload)
    mode = payload.get("attendance_mode") or allowed_modes(seminar)[0]
    if mode not in allowed_modes(seminar):
        raise ValidationError({"attendance_mode": _("This seminar has no such attendance mode.")})
    person = _person_upsert(payload, seminar)
    # Lock the seminar only now: everything before runs in parallel across vendors.
    seminar = _lock(seminar)
    registration = (
        Registration.objects.select_for_update().filter(seminar=seminar, person=person).first()
    )
    previous_status = registration.status if registration else None
    previous_mode = registration.attendance_mode if registration else None
    registration = registration or _new_registration(seminar, person)
    mode_changed = registration.attendance_mode != mode
    registration.company = person.company
    registration.attendance_mode = mode
    registration.list_visibility = payload.get("list_visibility") or registration.list_visibility
    registration.privacy_notice_version = selectors.privacy_notice_version(seminar)
    _snapshot_tags(registration, seminar)
    if previous_status in (None, Status.CANCELLED, Status.REJECTED) or mode_changed:
        _place(registration, seminar, previous_status=previous_status, mode_changed=mode_changed)
    registration.save()
    sessions = seminar.sessions.filter(pk__in=payload.get("session_ids") or [])
    registration.sessions.set(sessions)
    consents_apply(registration=registration, answers=payload.get("consents") or {}, source="form")
    if previous_status == Status.CONFIRMED and mode_changed and previous_mode is not None:
        # Switching mode gave up a place in the old mode: the next in line gets it.
        _promote_waiting(seminar, previous_mode)
    _after_commit_notify(registration, new=previous_status != registration.status)
    api_events.registration_changed(
        registration,
        "registration.created" if previous_status is None else "registration.updated",
    )
    return registration


def _new_registration(seminar: Seminar, person: Person) -> Registration:
    return Registration(
        seminar=seminar,
        person=person,
        calendar_token=secrets.token_urlsafe(32),
        check_in_code=secrets.token_hex(5).upper(),
        is_returning=Registration.objects.filter(person=person).exclude(seminar=seminar).exists(),
    )


def _place(
    registration: Registration, seminar: Seminar, *, previous_status: str | None, mode_changed: bool
) -> None:
    """A (new) place for a new, returning or mode-switching registration."""
    if previous_status in (Status.CANCELLED, Status.REJECTED):
        registration.cancelled_at = None
        registration.waiting_since = None
    if seminar.registration_requires_approval and previous_status != Status.CONFIRMED:
        registration.status = Status.PENDING_APPROVAL
        return
    if mode_changed:
        registration.waiting_since = None
    _allocate(registration, seminar)


def _after_commit_notify(registration: Registration, *, new: bool) -> None:
    pk = registration.pk
    status = registration.status

    def notify() -> None:
        if status == Status.CONFIRMED:
            reminders_schedule(registration_id=pk)
        emails.send_registration_status(registration_id=pk, changed=new)

    transaction.on_commit(notify)


def _promote_waiting(seminar: Seminar, mode: str) -> list[Registration]:
    """Fill free places from the waiting list, first come first served."""
    promoted = []
    while _has_place(seminar, mode):
        nxt = (
            Registration.objects.select_for_update()
            .filter(seminar=seminar, attendance_mode=mode, status=Status.WAITING)
            .order_by("waiting_since", "pk")
            .first()
        )
        if nxt is None:
            break
        nxt.status = Status.CONFIRMED
        nxt.confirmed_at = timezone.now()
        nxt.waiting_since = None
        nxt.save(update_fields=["status", "confirmed_at", "waiting_since", "updated_at"])
        promoted.append(nxt)
        transaction.on_commit(partial(emails.send_promoted, registration_id=nxt.pk))
        transaction.on_commit(partial(reminders_schedule, registration_id=nxt.pk))
        api_events.registration_changed(nxt, "registration.updated")
    return promoted


@transaction.atomic
def registration_cancel(*, registration: Registration) -> list[Registration]:
    """Cancel a registration and give its place to the first person waiting.

    Emails the cancellation and each promotion (after commit). Returns the promoted.
    """
    seminar = _lock(registration.seminar)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status == Status.CANCELLED:
        return []
    held_place = registration.status == Status.CONFIRMED
    registration.status = Status.CANCELLED
    registration.cancelled_at = timezone.now()
    registration.waiting_since = None
    registration.save(update_fields=["status", "cancelled_at", "waiting_since", "updated_at"])
    pk = registration.pk
    transaction.on_commit(lambda: emails.send_cancelled(registration_id=pk))
    api_events.registration_changed(registration, "registration.cancelled")
    if held_place:
        return _promote_waiting(seminar, registration.attendance_mode)
    return []


@transaction.atomic
def registration_decide(*, registration: Registration, approve: bool) -> Registration:
    """An organiser approves (a place or the waiting list) or rejects a pending registration.
    Emails the outcome (after commit)."""
    seminar = _lock(registration.seminar)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status != Status.PENDING_APPROVAL:
        raise ValidationError(_("Only registrations waiting for approval can be decided."))
    if approve:
        _allocate(registration, seminar)
    else:
        registration.status = Status.REJECTED
    registration.save()
    _after_commit_notify(registration, new=True)
    api_events.registration_changed(registration, "registration.updated")
    return registration


@transaction.atomic
def waiting_list_promote(*, seminar: Seminar) -> list[Registration]:
    """Fill places freed by a larger capacity. Emails each promotion (after commit)."""
    seminar = _lock(seminar)
    return _promote_waiting(seminar, Mode.IN_ROOM) + _promote_waiting(seminar, Mode.ONLINE)
