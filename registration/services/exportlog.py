"""The export log: who exported what, when, with which filters (organisers read it)."""

from django.contrib.auth.models import User
from django.db.models import QuerySet

from registration.models import ExportLog
from seminars.models import Organization, Seminar


def export_log_record(
    *,
    seminar: Seminar,
    user: User,
    kind: str,
    file_format: str,
    agency: Organization | None,
    filters: dict,
    columns: list[str],
    queryset: QuerySet | None = None,
    rows: int | None = None,
) -> ExportLog:
    """Record an export before its file is sent, with its number of rows: ``rows``, or what
    ``queryset`` holds (one of the two). One INSERT, so no transaction of its own."""
    if queryset is not None and rows is None:
        rows = queryset.count()
    elif queryset is not None or rows is None:
        raise TypeError("export_log_record needs exactly one of queryset and rows")
    return ExportLog.objects.create(
        seminar=seminar,
        user=user,
        kind=kind,
        file_format=file_format,
        agency=agency,
        filters=filters,
        columns=columns,
        rows=rows,
    )
