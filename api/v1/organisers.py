"""Organisers' reads and writes: registrations, check-in, attendance, reach, questions."""

from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from ninja import Path, Query, Router, Schema
from pydantic import Field

from api import permissions, selectors
from api.auth import token_auth, token_of
from api.problems import bad_request, forbidden, not_found
from api.v1 import convert
from api.v1.common import ID_MAX, MAX_LIMIT, decode_cursor, visible_seminar
from api.v1.schemas import (
    AttendanceOut,
    CheckInIn,
    CheckInOut,
    DecisionIn,
    QuestionOut,
    ReachOut,
    RegistrationOut,
    RegistrationPage,
)
from registration import selectors as registration_selectors
from registration import services as registration_services
from seminars.models import Seminar

router = Router(tags=["organisers"], auth=token_auth)


class RegistrationFilters(Schema):
    """The attendee export's filters, plus status, ``updated_since`` and the cursor."""

    status: Literal["pending_approval", "confirmed", "waiting", "cancelled", "rejected"] | None = (
        None
    )
    attendance_mode: Literal["online", "in_room"] | None = None
    country_group: Literal["ldc", "lldc", "sids", "eit"] | None = None
    checked_in: Literal["yes", "no"] | None = None
    consent: Literal["yes", "no"] | None = None
    agency: int | None = Field(None, ge=1, le=ID_MAX)
    updated_since: datetime | None = Field(
        None, description="ISO 8601 instant with an offset; only rows changed after it."
    )
    cursor: str | None = Field(None, max_length=200)
    limit: int = Field(50, ge=1, le=MAX_LIMIT)


def _organised(request: HttpRequest, slug: str, scope: str) -> Seminar:
    seminar = visible_seminar(request, slug)
    if not permissions.can_organise(request.user, token_of(request), seminar, scope):
        raise forbidden()
    return seminar


@router.get(
    "/seminars/{slug}/registrations", response=RegistrationPage, operation_id="registrations_list"
)
def registrations_list(
    request: HttpRequest,
    slug: str = Path(max_length=50),
    filters: Query[RegistrationFilters] = None,  # type: ignore[assignment]
):
    """Registrations, oldest change first; pass ``next_cursor`` back as ``cursor``."""
    seminar = _organised(request, slug, "registrations:read")
    values = filters.dict() if filters else {}
    since = values.pop("updated_since", None)
    if since is not None and since.utcoffset() is None:
        raise bad_request("updated_since needs an offset (for example 2030-03-04T10:00:00Z).")
    after = decode_cursor(values.pop("cursor", None), 2)
    if after is not None:
        try:
            datetime.fromisoformat(str(after[0]))
            int(after[1])
        except (TypeError, ValueError) as error:
            raise bad_request("The cursor is not one this API returned.") from error
    limit = values.pop("limit", 50)
    rows, next_after = selectors.registrations_page(
        seminar, filters=values, updated_since=since, after=after, limit=limit
    )
    return {
        "items": [convert.registration(r) for r in rows],
        "next_cursor": selectors.cursor_encode(next_after) if next_after else None,
    }


def _registration(seminar: Seminar, registration_id: int):
    registration = selectors.registration_of(seminar, registration_id)
    if registration is None:
        raise not_found("No such registration.")
    return registration


@router.get(
    "/seminars/{slug}/registrations/{registration_id}",
    response=RegistrationOut,
    operation_id="registration_get",
)
def registration_get(
    request: HttpRequest,
    slug: str = Path(max_length=50),
    registration_id: int = Path(ge=1, le=ID_MAX),
):
    seminar = _organised(request, slug, "registrations:read")
    registration = _registration(seminar, registration_id)
    registration.consented_agency_ids = sorted(  # type: ignore[attr-defined]
        registration_selectors.consented_agency_ids(registration)
    )
    return convert.registration(registration)


@router.post(
    "/seminars/{slug}/registrations/{registration_id}/decision",
    response=RegistrationOut,
    operation_id="registration_decide",
)
def registration_decide(
    request: HttpRequest,
    body: DecisionIn,
    slug: str = Path(max_length=50),
    registration_id: int = Path(ge=1, le=ID_MAX),
):
    """Approve or reject a registration waiting for approval (emails the vendor)."""
    seminar = _organised(request, slug, "registrations:write")
    registration = registration_services.registration_decide(
        registration=_registration(seminar, registration_id), approve=body.approve
    )
    return convert.registration(_registration(seminar, registration.pk))


@router.post("/seminars/{slug}/check-ins", response=CheckInOut, operation_id="check_in")
def check_in(request: HttpRequest, body: CheckInIn, slug: str = Path(max_length=50)):
    """Record an arrival by check-in code (a second scan changes nothing)."""
    seminar = _organised(request, slug, "registrations:write")
    result = registration_services.check_in_record(
        seminar=seminar, code=body.code, by_user=request.user
    )
    return {
        "outcome": result.outcome,
        "registration_id": result.registration.pk if result.registration else None,
        "checked_in_at": result.at,
    }


@router.get("/seminars/{slug}/attendance", response=AttendanceOut, operation_id="attendance")
def attendance(request: HttpRequest, slug: str = Path(max_length=50)):
    """Arrivals at the venue and presence per session in the live rooms."""
    seminar = _organised(request, slug, "registrations:read")
    return selectors.attendance_figures(seminar)


@router.get("/seminars/{slug}/reach", response=ReachOut, operation_id="reach")
def reach(request: HttpRequest, slug: str = Path(max_length=50)):
    """The reach report's figures (no personal data)."""
    seminar = _organised(request, slug, "registrations:read")
    report = registration_selectors.reach_report(seminar)
    return {
        "total": report.total,
        "by_region": [{"key": k, "count": n} for k, n in report.by_region],
        "by_country": [{"key": k, "count": n} for k, n in report.by_country],
        "shares": [{"label": k, "count": n, "percent": p} for k, n, p in report.shares],
        "over_time": [{"key": k, "count": n} for k, n in report.over_time],
    }


@router.get(
    "/seminars/{slug}/sessions/{session_id}/questions",
    response=list[QuestionOut],
    operation_id="questions_list",
)
def questions_list(
    request: HttpRequest,
    slug: str = Path(max_length=50),
    session_id: int = Path(ge=1, le=ID_MAX),
):
    """A session's questions and answers, without their authors."""
    seminar = visible_seminar(request, slug)
    session = selectors.session_of(seminar, session_id)
    if session is None:
        raise not_found("No such session.")
    token = token_of(request)
    if not permissions.can_read_questions(request.user, token, session):
        raise forbidden()
    return [
        {
            "id": q.pk,
            "session_id": q.session_id,
            "text": q.text,
            "language": q.language,
            "state": q.state,
            "vote_count": q.vote_count,
            "addressed_agency_id": q.addressed_agency_id,
            "answer_text": q.answer_text,
            "answered_live": q.answered_live,
            "created_at": q.created_at,
            "updated_at": q.updated_at,
        }
        for q in selectors.session_questions(session, agency_id=token.agency_id if token else None)
    ]
