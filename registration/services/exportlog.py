"""The export log: who exported what, when, with which filters (organisers read it)."""

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import QuerySet

from registration.models import ExportLog
from seminars.models import Organization, Seminar


@transaction.atomic
def export_log_record(
    *,
    seminar: Seminar,
    user: User,
    kind: str,
    file_format: str,
    agency: Organization | None,
    filters: dict,
    columns: list[str],
    queryset: QuerySet,
) -> ExportLog:
    """Record an export before its file is sent, with the number of rows ``queryset`` holds."""
    return ExportLog.objects.create(
        seminar=seminar,
        user=user,
        kind=kind,
        file_format=file_format,
        agency=agency,
        filters=filters,
        columns=columns,
        rows=queryset.count(),
    )
