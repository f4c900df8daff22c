"""What the API returns and accepts (pydantic models; OpenAPI 3.1 is generated from them)."""

from datetime import date, datetime
from typing import Literal

from ninja import Schema
from pydantic import Field


class Problem(Schema):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[dict] | None = None


class OrganizationOut(Schema):
    id: int
    name: str
    acronym: str


class AgencyOut(OrganizationOut):
    procurement_segments: list[str]


class SeminarOut(Schema):
    slug: str
    title: str
    description: str
    host: OrganizationOut
    format: str
    status: str
    time_zone: str = Field(description="IANA zone the seminar's times are set in.")
    starts_on: date
    ends_on: date
    venue_name: str
    languages: list[str]
    registration_opens_at: datetime | None
    registration_closes_at: datetime | None
    url: str


class SessionOut(Schema):
    id: int
    title: str
    abstract: str
    kind: str
    track: str
    language: str
    starts_at: datetime = Field(description="UTC instant.")
    ends_at: datetime = Field(description="UTC instant.")
    starts_at_local: datetime = Field(description="The same instant in the seminar's zone.")
    ends_at_local: datetime = Field(description="The same instant in the seminar's zone.")
    time_zone: str
    cancelled_at: datetime | None
    agency_ids: list[int]
    repeat_of: int | None
    updated_at: datetime


class PersonOut(Schema):
    full_name: str
    email: str
    job_title: str
    phone: str
    preferred_language: str
    time_zone: str


class CompanyOut(Schema):
    legal_name: str
    country: str
    national_registration_number: str
    city: str
    website: str
    size_band: str
    women_owned: bool
    disability_inclusive: bool
    ungm_number: str
    unspsc_segments: list[str]
    unspsc_codes: list[str]
    unconfirmed: bool


class RegistrationOut(Schema):
    id: int
    status: str
    attendance_mode: str
    created_at: datetime
    updated_at: datetime
    confirmed_at: datetime | None
    cancelled_at: datetime | None
    checked_in_at: datetime | None
    country: str
    region: str
    is_ldc: bool
    is_lldc: bool
    is_sids: bool
    is_eit: bool
    income_group: str
    is_returning: bool
    person: PersonOut
    company: CompanyOut | None
    session_ids: list[int]
    consented_agency_ids: list[int]


class RegistrationPage(Schema):
    items: list[RegistrationOut]
    next_cursor: str | None


class DecisionIn(Schema):
    approve: bool


class CheckInIn(Schema):
    code: str = Field(max_length=64)


class CheckInOut(Schema):
    outcome: Literal["checked_in", "already", "unknown", "not_in_room", "not_confirmed"]
    registration_id: int | None
    checked_in_at: datetime | None


class SessionAttendance(Schema):
    session_id: int
    people: int
    seconds_present: int


class AttendanceOut(Schema):
    arrived: int
    expected: int
    sessions: list[SessionAttendance]


class CountOut(Schema):
    key: str
    count: int


class ShareOut(Schema):
    label: str
    count: int
    percent: int


class ReachOut(Schema):
    total: int
    by_region: list[CountOut]
    by_country: list[CountOut]
    shares: list[ShareOut]
    over_time: list[CountOut]


class QuestionOut(Schema):
    id: int
    session_id: int
    text: str
    language: str
    state: str
    vote_count: int
    addressed_agency_id: int | None
    answer_text: str
    answered_live: bool
    created_at: datetime
    updated_at: datetime


class ConsentEventOut(Schema):
    agency_id: int
    granted: bool
    at: datetime
    source: str
    privacy_notice_version: str


class LeadOut(Schema):
    registration_id: int
    person: PersonOut
    company: CompanyOut | None
    country: str
    score: int
    matching_segments: list[str]
    lead_status: str
    notes: str
    seconds_present: int
    questions: int
    contact_me: bool
    consent_history: list[ConsentEventOut]


class LeadPage(Schema):
    items: list[LeadOut]
    next_cursor: str | None


class ConsentOut(Schema):
    agency: OrganizationOut
    granted: bool


class MyRegistrationOut(Schema):
    id: int
    seminar: str
    status: str
    attendance_mode: str
    list_visibility: str
    person: PersonOut
    company: CompanyOut | None
    session_ids: list[int]
    consents: list[ConsentOut]
    consent_history: list[ConsentEventOut]


class ConsentsIn(Schema):
    consents: dict[str, bool] = Field(
        description="Agency id -> share my details with it (agencies not named are unchanged)."
    )
    list_visibility: Literal["hidden", "company", "full"] | None = None
