"""Reads of meetings: officers with suggestions, inboxes, schedules, the organisers' grid."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.dateparse import parse_datetime

from meetings.grid import slot_starts
from meetings.models import Block, Meeting, Officer, Programme, Request
from registration.models import Registration
from seminars.models import Organization, Seminar


def programme_of(seminar: Seminar) -> Programme | None:
    return (
        Programme.objects.select_related("seminar")
        .prefetch_related("windows")
        .filter(seminar=seminar)
        .first()
    )


def meetings_open(seminar: Seminar) -> bool:
    """Whether the seminar has a meetings programme switched on for vendors."""
    return Programme.objects.filter(seminar=seminar, enabled=True).exists()


def slots_of(programme: Programme) -> list[datetime]:
    return slot_starts(programme, programme.windows.all())


def request_slots(request: Request) -> list[tuple[datetime, datetime]]:
    length = timedelta(minutes=request.seminar.meetings.meeting_minutes)
    moments = [parse_datetime(s) for s in request.slots]
    return [(m, m + length) for m in moments if m is not None]


def request_proposed_end(request: Request) -> datetime:
    assert request.proposed_starts_at is not None
    return request.proposed_starts_at + timedelta(minutes=request.seminar.meetings.meeting_minutes)


def _codes_match(officer_codes: list[str], vendor_segments: set[str], vendor_codes: set[str]):
    """Officer codes (segments of 2 digits, families of 4) the vendor's codes fall under."""
    matched = []
    for code in officer_codes:
        if len(code) == 2 and (code in vendor_segments or any(c[:2] == code for c in vendor_codes)):
            matched.append(code)
        elif len(code) == 4 and any(c[:4] == code for c in vendor_codes):
            matched.append(code)
    return matched


@dataclass
class OfficerRow:
    officer: Officer
    matching: list[str]
    score: int


def officers_for_vendor(
    *,
    seminar: Seminar,
    registration: Registration | None,
    agency_id: int | None = None,
    language: str = "",
    matching_only: bool = False,
) -> list[OfficerRow]:
    """Active officers, filtered, ranked by category overlap with the vendor's codes (one
    query whatever the number of officers)."""
    officers = Officer.objects.filter(seminar=seminar, active=True).select_related("agency")
    if agency_id:
        officers = officers.filter(agency_id=agency_id)
    company = registration.company if registration else None
    segments = set(company.unspsc_segments or []) if company else set()
    codes = set(company.unspsc_codes or []) if company else set()
    rows = []
    for officer in officers:
        if language and language not in officer.languages:
            continue
        matching = _codes_match(officer.unspsc_codes, segments, codes)
        if matching_only and not matching:
            continue
        rows.append(OfficerRow(officer, matching, len(matching)))
    rows.sort(key=lambda r: (-r.score, r.officer.agency.acronym, r.officer.display_name))
    return rows


def seminar_agencies_with_officers(seminar: Seminar) -> QuerySet[Organization]:
    return Organization.objects.filter(
        pk__in=Officer.objects.filter(seminar=seminar, active=True).values("agency_id")
    ).order_by("acronym", "name")


def officer_or_404(*, seminar: Seminar, officer_id: int) -> Officer:
    return get_object_or_404(
        Officer.objects.select_related("agency"), seminar=seminar, pk=officer_id, active=True
    )


def free_slots(programme: Programme, officer: Officer) -> list[datetime]:
    """The officer's grid slots that are neither blocked nor taken."""
    blocked = set(Block.objects.filter(officer=officer).values_list("starts_at", flat=True))
    taken = set(
        Meeting.objects.filter(officer=officer, status=Meeting.Status.ACTIVE).values_list(
            "starts_at", flat=True
        )
    )
    return [s for s in slots_of(programme) if s not in blocked and s not in taken]


def blocked_slots(officer: Officer) -> set[datetime]:
    return set(Block.objects.filter(officer=officer).values_list("starts_at", flat=True))


_REQUEST_RELATED = (
    "seminar__meetings",
    "officer__agency",
    "registration__person",
    "registration__company",
)


def vendor_requests(registration: Registration) -> QuerySet[Request]:
    """The vendor's own requests with their meetings (a fixed number of queries)."""
    return (
        Request.objects.filter(registration=registration)
        .select_related(*_REQUEST_RELATED)
        .prefetch_related(Prefetch("meeting", queryset=Meeting.objects.all()))
        .order_by("-created_at", "-pk")
    )


def vendor_request_or_404(*, registration: Registration, request_id: int) -> Request:
    return get_object_or_404(
        Request.objects.select_related(*_REQUEST_RELATED), pk=request_id, registration=registration
    )


def officer_requests(officer: Officer) -> QuerySet[Request]:
    """Requests to the officer's agency in the seminar (colleagues' too, to cover)."""
    return (
        Request.objects.filter(seminar_id=officer.seminar_id, officer__agency_id=officer.agency_id)
        .select_related(*_REQUEST_RELATED)
        .order_by("-created_at", "-pk")
    )


def officer_request_or_404(*, officer: Officer, request_id: int) -> Request:
    return get_object_or_404(officer_requests(officer), pk=request_id)


def _meetings() -> QuerySet[Meeting]:
    return Meeting.objects.select_related(
        "seminar__meetings", "officer__agency", "registration__person", "registration__company"
    )


def officer_meetings(officer: Officer) -> QuerySet[Meeting]:
    return _meetings().filter(seminar_id=officer.seminar_id, officer__agency_id=officer.agency_id)


def vendor_meetings(registration: Registration) -> QuerySet[Meeting]:
    return _meetings().filter(registration=registration)


def meeting_for_officer_or_404(*, officer: Officer, meeting_id: int) -> Meeting:
    return get_object_or_404(officer_meetings(officer), pk=meeting_id)


def meeting_for_vendor_or_404(*, registration: Registration, meeting_id: int) -> Meeting:
    return get_object_or_404(vendor_meetings(registration), pk=meeting_id)


def seminar_meeting_or_404(*, seminar: Seminar, meeting_id: int) -> Meeting:
    return get_object_or_404(_meetings(), seminar=seminar, pk=meeting_id)


def seminar_meetings(seminar: Seminar) -> QuerySet[Meeting]:
    return _meetings().filter(seminar=seminar).order_by("starts_at", "officer_id", "pk")


@dataclass
class Grid:
    slots: list[datetime]
    officers: list[Officer]
    # cells[officer_id][slot] = meeting
    cells: dict[int, dict[datetime, Meeting]] = field(default_factory=dict)
    rows: list[tuple[Officer, list[Meeting | None]]] = field(default_factory=list)


def organiser_grid(programme: Programme) -> Grid:
    """Officers by time with their active meetings and tables: three queries whatever the
    number of officers, vendors or meetings."""
    slots = slots_of(programme)
    officers = list(
        Officer.objects.filter(seminar_id=programme.seminar_id)
        .select_related("agency")
        .order_by("agency__acronym", "display_name", "pk")
    )
    cells: dict[int, dict[datetime, Meeting]] = defaultdict(dict)
    active = Meeting.objects.filter(
        seminar_id=programme.seminar_id, status=Meeting.Status.ACTIVE
    ).select_related("registration__company", "registration__person")
    for meeting in active:
        cells[meeting.officer_id][meeting.starts_at] = meeting
    rows = [(o, [cells[o.pk].get(s) for s in slots]) for o in officers]
    return Grid(slots, officers, cells, rows)


def meeting_notes_by_registration(agency_id: int, registration_ids: list[int]) -> dict[int, str]:
    """Per registration, the agency's active meetings as "date time: note" lines (seminar's
    zone), for the agency's lead export. Plain values, one query per chunk of leads."""
    found: dict[int, list[str]] = defaultdict(list)
    meetings = Meeting.objects.filter(
        officer__agency_id=agency_id,
        registration_id__in=registration_ids,
        status=Meeting.Status.ACTIVE,
    ).order_by("starts_at")
    for registration_id, starts_at, zone, note in meetings.values_list(
        "registration_id", "starts_at", "seminar__time_zone", "outcome_note"
    ):
        local = starts_at.astimezone(ZoneInfo(zone))
        found[registration_id].append(f"{local:%Y-%m-%d %H:%M}: {note}".strip())
    return {key: "\n".join(lines) for key, lines in found.items()}


def open_requests_q() -> Q:
    return Q(status__in=Request.OPEN)


def active_meetings(meetings: QuerySet[Meeting]) -> list[Meeting]:
    return list(meetings.filter(status=Meeting.Status.ACTIVE).order_by("starts_at", "pk"))


def inbox(officer: Officer, programme: Programme) -> list[Request]:
    """The agency's requests, the open ones first; among them the organisers' priority
    (e.g. vendors from least developed countries) first, then the oldest."""
    rows = list(officer_requests(officer).prefetch_related("meeting"))
    waiting: dict[str, int] = {"pending": 0, "proposed": 1}

    def priority(request: Request) -> int:
        registration, company = request.registration, request.registration.company
        if programme.priority == Programme.Priority.LDC:
            return 0 if registration.is_ldc else 1
        if programme.priority == Programme.Priority.WOMEN:
            return 0 if company and company.women_owned else 1
        return 0

    rows.sort(key=lambda r: (waiting.get(r.status, 2), priority(r), r.created_at.timestamp(), r.pk))
    return rows


def user_by_email(email: str):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(email__iexact=email, is_active=True).first()


def own_officer_meetings(officer: Officer) -> QuerySet[Meeting]:
    return _meetings().filter(officer=officer)


def officer_for_calendar_or_404(*, officer_id: int, slug: str) -> Officer:
    """The officer a calendar feed link names, if active in seminar ``slug``."""
    return get_object_or_404(
        Officer.objects.select_related("seminar", "agency"),
        pk=officer_id,
        seminar__slug=slug,
        active=True,
    )


def officer_calendar_meetings(officer: Officer) -> QuerySet[Meeting]:
    """The officer's own meetings in their seminar, cancelled ones too (the feed marks them
    CANCELLED so subscribed calendars drop them); a colleague's never."""
    return own_officer_meetings(officer).order_by("starts_at", "pk")


def windows_in_zone(programme: Programme) -> list[tuple[datetime, datetime]]:
    zone = programme.seminar.zone
    return [
        (w.starts_at.astimezone(zone), w.ends_at.astimezone(zone)) for w in programme.windows.all()
    ]


def seminar_officers(seminar: Seminar) -> QuerySet[Officer]:
    return Officer.objects.filter(seminar=seminar).select_related("agency")
