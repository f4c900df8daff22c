"""Meeting exports (CSV streamed, XLSX written to a temporary file and streamed back), every
cell through seminars/spreadsheets.py, the project's one cell writer."""

import tempfile

from django.db.models import QuerySet
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.utils.translation import gettext as _

from meetings.models import Meeting
from registration.services.exportlog import export_log_record
from seminars import spreadsheets
from seminars.downloads import content_disposition
from seminars.models import Organization, Seminar

CHUNK = 2000


def header() -> list[str]:
    return [
        _("Meeting ID"), _("Status"), _("Starts (seminar time)"), _("Ends (seminar time)"),
        _("Mode"), _("Table"), _("Agency"), _("Officer"), _("Company"), _("Vendor"),
        _("Vendor email"), _("Purpose"), _("Outcome note"),
    ]  # fmt: skip


def rows(meetings: QuerySet[Meeting], seminar: Seminar):
    zone = seminar.zone
    queryset = meetings.select_related(
        "officer__agency", "registration__person", "registration__company", "request"
    ).order_by("starts_at", "pk")
    for m in queryset.iterator(chunk_size=CHUNK):
        company = m.registration.company
        yield [
            m.pk, m.status,
            m.starts_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
            m.ends_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
            m.mode, m.table_number, m.officer.agency.acronym or m.officer.agency.name,
            m.officer.display_name, company.legal_name if company else "",
            m.registration.person.full_name, m.registration.person.email,
            m.request.purpose, m.outcome_note,
        ]  # fmt: skip


def response(
    *,
    meetings: QuerySet[Meeting],
    seminar: Seminar,
    file_format: str,
    filename: str,
    user,
    agency: Organization | None = None,
):
    """The export as a download, recorded in the seminar's export log first (it names
    vendors)."""
    from itertools import chain

    if file_format not in {"csv", "xlsx"}:
        raise Http404
    export_log_record(
        seminar=seminar,
        user=user,
        kind="meetings",
        file_format=file_format,
        agency=agency,
        filters={},
        columns=header(),
        queryset=meetings,
    )
    data = chain([header()], rows(meetings, seminar))
    name = f"{seminar.slug}-{filename}.{file_format}"
    if file_format == "csv":
        streamed = StreamingHttpResponse(
            spreadsheets.iter_csv(data), content_type="text/csv; charset=utf-8"
        )
        streamed["Content-Disposition"] = content_disposition(name)
        return streamed
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    try:
        spreadsheets.write_xlsx(data, handle, title="Meetings")
    except BaseException:
        handle.close()
        raise
    handle.seek(0)
    sent = FileResponse(handle, content_type=spreadsheets.XLSX_CONTENT_TYPE)
    sent["Content-Disposition"] = content_disposition(name)
    return sent
