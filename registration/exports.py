"""Attendee and lead exports: row generators and streaming CSV/XLSX writers.

Memory stays flat whatever the row count: registrations come from one server-side cursor a
chunk at a time (``_chunked``), each chunk's consents or leads are attached with one query as
plain values, and a chunk is freed by reference counting before the next is read; the CSV
writer yields about 64 KiB at a time, and the XLSX writer uses openpyxl's write-only mode
into a file. The benchmark calls these functions directly:

    header = header_row(ATTENDEE_COLUMNS)
    rows = attendee_rows(seminar=seminar, columns=ATTENDEE_COLUMNS)
    write_csv(header, rows, fileobj)        # binary file; UTF-8 with BOM
    write_xlsx(header, rows, path)          # write-only workbook at ``path``
    for chunk in iter_csv(header, rows): …  # bytes, for StreamingHttpResponse

Rows hold plain values; every cell is written by seminars/spreadsheets.py, the project's one
cell writer (control characters, formula injection, values XLSX cannot hold).
"""

import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from itertools import chain, islice

from django.db.models import Model, QuerySet
from django.utils.translation import gettext_lazy as _

from registration.models import AgencyConsent, Registration
from registration.selectors import (
    agency_lead_by_registration,
    lead_score,
    lead_weights,
    leads_for_agency,
    shared_with_by_registration,
)
from scheduling.timezones import utc_offset_label
from seminars import spreadsheets
from seminars.models import Organization, Seminar

CHUNK = 2000


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    get: Callable


def _when(value: datetime | None, seminar: Seminar) -> str:
    if value is None:
        return ""
    local = value.astimezone(seminar.zone)
    return f"{local:%Y-%m-%d %H:%M} {utc_offset_label(local)}"


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def _company(attr: str, default=""):
    return lambda r, s: getattr(r.company, attr, default) if r.company else default


COMMON_COLUMNS = [
    Column("registration_id", _("Registration ID"), lambda r, s: r.pk),
    Column("registered_at", _("Registered"), lambda r, s: _when(r.created_at, s)),
    Column("status", _("Status"), lambda r, s: r.status),
    Column("attendance_mode", _("Attendance"), lambda r, s: r.attendance_mode),
    Column("checked_in_at", _("Checked in"), lambda r, s: _when(r.checked_in_at, s)),
    Column("full_name", _("Name"), lambda r, s: r.person.full_name),
    Column("job_title", _("Job title"), lambda r, s: r.person.job_title),
    Column("email", _("Email"), lambda r, s: r.person.email),
    Column("phone", _("Phone"), lambda r, s: r.person.phone),
    Column("language", _("Language"), lambda r, s: r.person.preferred_language),
    Column("time_zone", _("Time zone"), lambda r, s: r.person.time_zone),
    Column("company", _("Company"), _company("legal_name")),
    Column("country", _("Country"), lambda r, s: r.country.code if r.country else ""),
    Column("region", _("Region"), lambda r, s: r.region),
    Column("city", _("City"), _company("city")),
    Column("website", _("Website"), _company("website")),
    Column("national_number", _("Registration number"), _company("national_registration_number")),
    Column("size_band", _("Size"), _company("size_band")),
    Column("sme", _("SME"), lambda r, s: _yes(bool(r.company and r.company.is_sme))),
    Column(
        "women_owned", _("Women-owned"), lambda r, s: _yes(_company("women_owned", False)(r, s))
    ),
    Column(
        "disability_inclusive",
        _("Disability-inclusive"),
        lambda r, s: _yes(_company("disability_inclusive", False)(r, s)),
    ),
    Column("ungm_number", _("UNGM number"), _company("ungm_number")),
    Column(
        "company_unconfirmed",
        _("Company number not confirmed"),
        lambda r, s: _yes(_company("is_claim", False)(r, s)),
    ),
    Column(
        "unspsc_segments",
        _("UNSPSC segments"),
        lambda r, s: " ".join(_company("unspsc_segments", [])(r, s)),
    ),
    Column(
        "unspsc_codes", _("UNSPSC codes"), lambda r, s: " ".join(_company("unspsc_codes", [])(r, s))
    ),
    Column("ldc", _("LDC"), lambda r, s: _yes(r.is_ldc)),
    Column("lldc", _("LLDC"), lambda r, s: _yes(r.is_lldc)),
    Column("sids", _("SIDS"), lambda r, s: _yes(r.is_sids)),
    Column("eit", _("Economy in transition"), lambda r, s: _yes(r.is_eit)),
    Column("income_group", _("Income group"), lambda r, s: r.income_group),
    Column("returning", _("Returning"), lambda r, s: _yes(r.is_returning)),
]
ATTENDEE_COLUMNS = COMMON_COLUMNS + [
    Column(
        "consents",
        _("Shares details with"),
        lambda r, s: " ".join(sorted(r.shared_with)),
    ),
]
LEAD_COLUMNS = COMMON_COLUMNS + [
    Column("score", _("Score"), lambda r, s: r.score),
    Column("matching_segments", _("Matching segments"), lambda r, s: " ".join(r.matching)),
    Column("minutes_present", _("Minutes present"), lambda r, s: r.seconds_present // 60),
    Column(
        "questions",
        _("Questions asked or voted"),
        lambda r, s: r.questions_asked + r.questions_voted,
    ),
    Column("contact_me", _("Asked to be contacted"), lambda r, s: _yes(r.contact_me > 0)),
    Column("slides_downloaded", _("Slides downloaded"), lambda r, s: r.slides_downloaded),
    Column("minutes_watched", _("Recording minutes watched"), lambda r, s: r.seconds_watched // 60),
    Column("meetings", _("One-on-one meetings"), lambda r, s: r.meetings_held),
    Column("meeting_notes", _("Meeting notes"), lambda r, s: r.meeting_notes),
    Column("lead_status", _("Lead status"), lambda r, s: r.lead_status),
    Column("lead_notes", _("Notes"), lambda r, s: r.lead_notes),
]


def pick_columns(all_columns: list[Column], keys: Iterable[str] | None) -> list[Column]:
    keys = list(keys or [])
    if not keys:
        return list(all_columns)
    return [c for c in all_columns if c.key in keys]


def header_row(columns: list[Column]) -> list[str]:
    return [str(c.header) for c in columns]


def apply_filters(queryset: QuerySet, filters: dict, *, since: datetime | None = None) -> QuerySet:
    """Filters shared by both exports (see ExportForm)."""
    group = filters.get("country_group")
    if group in {"ldc", "lldc", "sids", "eit"}:
        queryset = queryset.filter(**{f"is_{group}": True})
    if filters.get("attendance_mode"):
        queryset = queryset.filter(attendance_mode=filters["attendance_mode"])
    if filters.get("checked_in") == "yes":
        queryset = queryset.filter(checked_in_at__isnull=False)
    elif filters.get("checked_in") == "no":
        queryset = queryset.filter(checked_in_at__isnull=True)
    consenting = AgencyConsent.objects.filter(granted=True).values("registration_id")
    if filters.get("consent") == "yes":
        queryset = queryset.filter(pk__in=consenting)
    elif filters.get("consent") == "no":
        queryset = queryset.exclude(pk__in=consenting)
    if filters.get("agency"):
        queryset = queryset.filter(pk__in=consenting.filter(agency_id=int(filters["agency"])))
    if since is not None:
        queryset = queryset.filter(created_at__gt=since)
    return queryset


def attendee_queryset(seminar: Seminar, filters: dict | None = None, since=None) -> QuerySet:
    queryset = Registration.objects.filter(seminar=seminar, anonymised_at__isnull=True)
    return apply_filters(queryset, filters or {}, since=since).order_by("pk")


def _chunked(queryset: QuerySet, attach: Callable[[list], None]) -> Iterator[Model]:
    """Instances from one server-side cursor, ``attach`` called on each chunk of CHUNK.

    ``attach`` adds related data with a query per chunk, as plain values: objects from a
    reverse ``prefetch_related`` point back at their registration, and those cycles kept
    every finished chunk alive until the next full garbage collection (RSS grew by some
    45 MiB over the first 15,000 rows of an attendee export before levelling off).
    """
    rows = queryset.iterator(chunk_size=CHUNK)
    while chunk := list(islice(rows, CHUNK)):
        attach(chunk)
        yield from chunk
        del chunk  # freed now, not after the next chunk has been read


def _attach_shared_with(chunk: list[Registration]) -> None:
    shared_with = shared_with_by_registration([r.pk for r in chunk])
    for registration in chunk:
        registration.shared_with = shared_with.get(registration.pk, [])


def attendee_rows(
    *, seminar: Seminar, columns: list[Column], queryset: QuerySet | None = None
) -> Iterator[list]:
    """One list of cell values per registration, streamed in chunks."""
    queryset = attendee_queryset(seminar) if queryset is None else queryset
    queryset = queryset.select_related("person", "company")
    for registration in _chunked(queryset, _attach_shared_with):
        yield [c.get(registration, seminar) for c in columns]


def lead_queryset(
    seminar: Seminar, agency: Organization, filters: dict | None = None, since=None
) -> QuerySet:
    filters = dict(filters or {})
    filters.pop("agency", None)  # an agency only ever exports its own leads
    return apply_filters(leads_for_agency(seminar, agency), filters, since=since)


def lead_export_rows(
    *,
    seminar: Seminar,
    agency: Organization,
    columns: list[Column],
    queryset: QuerySet | None = None,
) -> Iterator[list]:
    weights = lead_weights(seminar)
    bought = set(agency.procurement_segments or [])
    queryset = lead_queryset(seminar, agency) if queryset is None else queryset

    def attach_lead(chunk: list[Registration]) -> None:
        from meetings.selectors import meeting_notes_by_registration

        ids = [r.pk for r in chunk]
        leads = agency_lead_by_registration(agency, ids)
        notes = meeting_notes_by_registration(agency.pk, ids)
        for registration in chunk:
            registration.agency_lead = leads.get(registration.pk)
            registration.meeting_notes = notes.get(registration.pk, "")

    # The selector's prefetch of the agency's leads is replaced by attach_lead (see _chunked).
    for registration in _chunked(queryset.prefetch_related(None), attach_lead):
        registration.matching = sorted(set(registration.company.unspsc_segments or []) & bought)
        registration.score = lead_score(registration, weights, len(registration.matching))
        lead = registration.agency_lead
        registration.lead_status = lead.status if lead else "new"
        registration.lead_notes = lead.notes if lead else ""
        yield [c.get(registration, seminar) for c in columns]


def iter_csv(header: list[str], rows: Iterable[list]) -> Iterator[bytes]:
    """CSV as UTF-8 bytes with a BOM (so Excel detects the encoding), about 64 KiB a chunk."""
    return spreadsheets.iter_csv(chain([header], rows))


def write_csv(header: list[str], rows: Iterable[list], fileobj: io.RawIOBase) -> int:
    """Write the CSV to a binary file; returns the number of data rows."""
    count = 0

    def counted():
        nonlocal count
        for row in rows:
            count += 1
            yield row

    for chunk in iter_csv(header, counted()):
        fileobj.write(chunk)
    return count


def write_xlsx(header: list[str], rows: Iterable[list], path) -> int:
    """Write a one-sheet workbook in openpyxl's write-only mode; returns the data rows."""
    return spreadsheets.write_xlsx(chain([header], rows), path, title="Export") - 1
