"""Requests and meetings: create, accept, propose, decline, withdraw, cancel, move, note.

Exclusivity is the database's (constraints on Meeting, see meetings/models.py); caps hold
under concurrency because each write locks the row whose cap it checks (the vendor's
registration for the vendor's cap, the officer for the officer's daily cap) before counting.
Every change of a meeting raises its ``sequence``; both sides are emailed after commit.
"""

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from api import events as api_events
from meetings import notify
from meetings.grid import slot_starts
from meetings.models import Block, Meeting, Officer, Programme, Request
from meetings.services.errors import MeetingError
from registration.models import Registration

MAX_SLOTS = 3
PURPOSE_MAX = 500


def _programme(seminar_id: int) -> Programme:
    programme = (
        Programme.objects.select_related("seminar")
        .prefetch_related("windows")
        .filter(seminar_id=seminar_id)
        .first()
    )
    if programme is None or not programme.enabled:
        raise MeetingError(_("This seminar has no meetings programme open."))
    return programme


def _check_open(programme: Programme) -> None:
    now = timezone.now()
    if programme.requests_open_at and now < programme.requests_open_at:
        raise MeetingError(_("Meeting requests have not opened yet."))
    if programme.requests_close_at and now >= programme.requests_close_at:
        raise MeetingError(_("Meeting requests are closed."))


def _parse_slot(value: str | datetime) -> datetime:
    moment = value if isinstance(value, datetime) else parse_datetime(str(value))
    if moment is None or moment.tzinfo is None:
        raise MeetingError(_("A preferred time could not be read."))
    return moment


def _check_slot_free(programme: Programme, officer: Officer, starts_at: datetime) -> None:
    if starts_at not in slot_starts(programme, programme.windows.all()):
        raise MeetingError(_("That time is outside the meeting windows."))
    if Block.objects.filter(officer=officer, starts_at=starts_at).exists():
        raise MeetingError(_("The officer is not available at that time."))
    if Meeting.objects.filter(
        officer=officer, starts_at=starts_at, status=Meeting.Status.ACTIVE
    ).exists():
        raise MeetingError(_("That time is already taken."))


def _mode(programme: Programme, mode: str) -> str:
    allowed = {Meeting.Mode.ONLINE: programme.online, Meeting.Mode.IN_PERSON: programme.in_person}
    if not allowed.get(mode):  # type: ignore[call-overload]
        raise MeetingError(_("This kind of meeting is not offered."))
    return mode


@transaction.atomic
def request_create(
    *,
    registration: Registration,
    officer: Officer,
    purpose: str,
    slots: list[str | datetime],
    mode: str = Meeting.Mode.ONLINE,
) -> Request:
    """A vendor's request; emails the officer after commit."""
    programme = _programme(registration.seminar_id)
    _check_open(programme)
    purpose = purpose.strip()
    if not purpose:
        raise MeetingError(_("Say briefly what you would like to discuss."))
    if len(purpose) > PURPOSE_MAX:
        raise MeetingError(
            _("The purpose is limited to %(max)d characters.") % {"max": PURPOSE_MAX}
        )
    moments = sorted({_parse_slot(s) for s in slots})
    if not 1 <= len(moments) <= MAX_SLOTS:
        raise MeetingError(_("Choose one to three preferred times."))
    if officer.seminar_id != registration.seminar_id or not officer.active:
        raise MeetingError(_("This officer takes no meetings in this seminar."))
    for moment in moments:
        _check_slot_free(programme, officer, moment)
    # The vendor's cap, counted under a lock of the vendor's registration row.
    Registration.objects.select_for_update().filter(pk=registration.pk).first()
    held = Request.objects.filter(registration=registration, status__in=Request.OPEN).count()
    if held >= programme.cap_per_vendor:
        raise MeetingError(
            _("You already have %(cap)d meetings or requests, the most this seminar allows.")
            % {"cap": programme.cap_per_vendor}
        )
    if Request.objects.filter(
        registration=registration, officer=officer, status__in=Request.OPEN
    ).exists():
        raise MeetingError(_("You already have a request with this officer."))
    request = Request.objects.create(
        seminar_id=registration.seminar_id,
        officer=officer,
        registration=registration,
        purpose=purpose,
        slots=[m.isoformat() for m in moments],
        mode=_mode(programme, mode),
    )
    transaction.on_commit(lambda: notify.request_received(request_id=request.pk))
    api_events.meeting_changed(request, "meeting.requested")
    return request


def _lock_officer_and_check_cap(programme: Programme, officer: Officer, moment: datetime) -> None:
    Officer.objects.select_for_update().filter(pk=officer.pk).first()
    zone = programme.seminar.zone
    day = moment.astimezone(zone).date()
    day_start = datetime.combine(day, datetime.min.time(), zone)
    held = Meeting.objects.filter(
        officer=officer,
        status=Meeting.Status.ACTIVE,
        starts_at__gte=day_start,
        starts_at__lt=day_start + timedelta(days=1),
    ).count()
    if held >= programme.cap_per_officer_per_day:
        raise MeetingError(_("The officer's meetings for that day are full."))


def _free_table(programme: Programme, moment: datetime, *, exclude: int = 0) -> int:
    taken = set(
        Meeting.objects.filter(
            seminar_id=programme.seminar_id, starts_at=moment, status=Meeting.Status.ACTIVE
        )
        .exclude(pk=exclude)
        .values_list("table_number", flat=True)
    )
    for number in range(1, programme.tables + 1):
        if number not in taken:
            return number
    raise MeetingError(_("Every table is taken at that time."))


def _book(request: Request, moment: datetime) -> Meeting:
    programme = _programme(request.seminar_id)
    officer = request.officer
    _check_slot_free(programme, officer, moment)
    _lock_officer_and_check_cap(programme, officer, moment)
    length = timedelta(minutes=programme.meeting_minutes)
    in_person = request.mode == Meeting.Mode.IN_PERSON
    try:
        with transaction.atomic():
            meeting = Meeting.objects.create(
                seminar_id=request.seminar_id,
                request=request,
                officer=officer,
                registration_id=request.registration_id,
                starts_at=moment,
                ends_at=moment + length,
                mode=request.mode,
                table_number=_free_table(programme, moment) if in_person else None,
            )
    except IntegrityError as error:
        raise MeetingError(
            _("That time is no longer free for the officer, the vendor or the tables.")
        ) from error
    request.status = Request.Status.ACCEPTED
    request.save(update_fields=["status", "updated_at"])
    transaction.on_commit(lambda: notify.meeting_changed(meeting_id=meeting.pk, kind="accepted"))
    transaction.on_commit(lambda: notify.reminders_schedule(meeting_id=meeting.pk))
    api_events.meeting_changed(request, "meeting.accepted", meeting)
    return meeting


def _locked(request: Request) -> Request:
    return Request.objects.select_for_update().select_related("officer").get(pk=request.pk)


@transaction.atomic
def request_accept(*, request: Request, starts_at: str | datetime) -> Meeting:
    """The officer accepts one of the vendor's times; emails both with an .ics."""
    request = _locked(request)
    if request.status != Request.Status.PENDING:
        raise MeetingError(_("This request has already been answered."))
    moment = _parse_slot(starts_at)
    if moment.isoformat() not in request.slots and moment not in map(_parse_slot, request.slots):
        raise MeetingError(_("Accept one of the times the vendor proposed."))
    return _book(request, moment)


@transaction.atomic
def request_propose(*, request: Request, starts_at: str | datetime) -> Request:
    """The officer proposes another time; emails the vendor."""
    request = _locked(request)
    if request.status != Request.Status.PENDING:
        raise MeetingError(_("This request has already been answered."))
    moment = _parse_slot(starts_at)
    _check_slot_free(_programme(request.seminar_id), request.officer, moment)
    request.status = Request.Status.PROPOSED
    request.proposed_starts_at = moment
    request.save(update_fields=["status", "proposed_starts_at", "updated_at"])
    transaction.on_commit(lambda: notify.request_answered(request_id=request.pk))
    api_events.meeting_changed(request, "meeting.changed")
    return request


@transaction.atomic
def proposal_accept(*, request: Request) -> Meeting:
    """The vendor accepts the officer's proposed time."""
    request = _locked(request)
    if request.status != Request.Status.PROPOSED or request.proposed_starts_at is None:
        raise MeetingError(_("There is no proposed time to accept."))
    return _book(request, request.proposed_starts_at)


@transaction.atomic
def request_decline(*, request: Request, reason: str) -> Request:
    """The officer declines with a reason; emails the vendor."""
    request = _locked(request)
    if request.status not in (Request.Status.PENDING, Request.Status.PROPOSED):
        raise MeetingError(_("This request has already been answered."))
    reason = reason.strip()
    if not reason or len(reason) > 500:
        raise MeetingError(_("Give a short reason (at most 500 characters)."))
    request.status = Request.Status.DECLINED
    request.reason = reason
    request.save(update_fields=["status", "reason", "updated_at"])
    transaction.on_commit(lambda: notify.request_answered(request_id=request.pk))
    api_events.meeting_changed(request, "meeting.cancelled")
    return request


@transaction.atomic
def request_withdraw(*, request: Request) -> Request:
    """The vendor withdraws a request (and cancels its meeting, if accepted)."""
    request = _locked(request)
    if request.status == Request.Status.ACCEPTED:
        meeting_cancel(meeting=request.meeting, reason=_("Withdrawn by the vendor."))
        request.refresh_from_db()
        return request
    if request.status not in (Request.Status.PENDING, Request.Status.PROPOSED):
        raise MeetingError(_("This request is already closed."))
    request.status = Request.Status.WITHDRAWN
    request.save(update_fields=["status", "updated_at"])
    api_events.meeting_changed(request, "meeting.cancelled")
    return request


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, reason: str = "") -> Meeting:
    """Cancels a meeting; both sides get METHOD:CANCEL for the same event."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status == Meeting.Status.CANCELLED:
        raise MeetingError(_("This meeting is already cancelled."))
    meeting.status = Meeting.Status.CANCELLED
    meeting.cancelled_at = timezone.now()
    meeting.cancelled_reason = reason[:500]
    meeting.sequence += 1
    meeting.save()
    Request.objects.filter(pk=meeting.request_id).update(status=Request.Status.CANCELLED)
    transaction.on_commit(lambda: notify.meeting_changed(meeting_id=meeting.pk, kind="cancelled"))
    request = Request.objects.select_related("seminar", "officer").get(pk=meeting.request_id)
    api_events.meeting_changed(request, "meeting.cancelled", meeting)
    return meeting


@transaction.atomic
def meeting_move(
    *, meeting: Meeting, starts_at: str | datetime, table_number: int | None = None
) -> Meeting:
    """An organiser moves a meeting (and its table); both sides are emailed an update."""
    meeting = Meeting.objects.select_for_update().select_related("officer").get(pk=meeting.pk)
    if meeting.status != Meeting.Status.ACTIVE:
        raise MeetingError(_("Only confirmed meetings can be moved."))
    programme = _programme(meeting.seminar_id)
    moment = _parse_slot(starts_at)
    if moment != meeting.starts_at:
        _check_slot_free(programme, meeting.officer, moment)
    if meeting.mode == Meeting.Mode.IN_PERSON:
        if table_number is None:
            table_number = _free_table(programme, moment, exclude=meeting.pk)
        elif not 1 <= table_number <= programme.tables:
            raise MeetingError(_("There is no table with that number."))
    else:
        table_number = None
    meeting.starts_at = moment
    meeting.ends_at = moment + timedelta(minutes=programme.meeting_minutes)
    meeting.table_number = table_number
    meeting.sequence += 1
    try:
        with transaction.atomic():
            meeting.save()
    except IntegrityError as error:
        raise MeetingError(
            _("That time is no longer free for the officer, the vendor or the tables.")
        ) from error
    transaction.on_commit(lambda: notify.meeting_changed(meeting_id=meeting.pk, kind="changed"))
    transaction.on_commit(lambda: notify.reminders_schedule(meeting_id=meeting.pk))
    api_events.meeting_changed(meeting.request, "meeting.changed", meeting)
    return meeting


@transaction.atomic
def meeting_note(*, meeting: Meeting, note: str) -> Meeting:
    """The officer's outcome note (counts in the agency's lead engagement with consent)."""
    note = note.strip()
    if len(note) > 2000:
        raise MeetingError(_("The note is limited to 2000 characters."))
    meeting.outcome_note = note
    meeting.save(update_fields=["outcome_note", "updated_at"])
    return meeting
