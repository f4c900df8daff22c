"""A printable schedule of one person's meetings (table, time, counterpart) for venues with a
weak connection or none. Rendered like the certificates (polls/certificates.py): an HTML
template and ``schedule.css`` handed to WeasyPrint, so Arabic is shaped and laid out right to
left and every script of the six UN languages comes from the Noto fonts ``.ci/run`` installs."""

from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import get_language_bidi

from meetings.models import Meeting
from meetings.times import clock
from seminars.models import Seminar

STYLESHEET = Path(__file__).with_name("schedule.css")


def _counterpart(meeting: Meeting, side: str) -> str:
    if side == "vendor":
        agency = meeting.officer.agency
        return f"{meeting.officer.display_name} ({agency.acronym or agency.name})"
    company = meeting.registration.company
    return company.legal_name if company else meeting.registration.person.full_name


def schedule_html(
    *,
    seminar: Seminar,
    title: str,
    zone: str,
    meetings: list[Meeting],
    side: str,
    language: str,
) -> str:
    """The schedule's HTML page in ``language``, ``dir="rtl"`` for Arabic."""
    with translation.override(language):
        rows = [
            {
                "seminar_time": clock(meeting.starts_at, meeting.ends_at, seminar.time_zone),
                "your_time": clock(meeting.starts_at, meeting.ends_at, zone),
                "table": meeting.table_number,
                "counterpart": _counterpart(meeting, side),
            }
            for meeting in meetings
        ]
        return render_to_string(
            "meetings/schedule_pdf.html",
            {
                "seminar": seminar,
                "title": title,
                "rows": rows,
                "notice": seminar.meetings.notice,
                "rtl": get_language_bidi(),
                "language": language,
            },
        )


def schedule_pdf(
    *,
    seminar: Seminar,
    title: str,
    zone: str,
    meetings: list[Meeting],
    side: str,
    language: str,
) -> bytes:
    """The PDF as bytes, in ``language`` (right to left for Arabic). No side effects."""
    from weasyprint import CSS, HTML  # type: ignore[import-untyped]  # no type hints shipped

    html = schedule_html(
        seminar=seminar, title=title, zone=zone, meetings=meetings, side=side, language=language
    )
    return HTML(string=html, base_url=settings.SITE_URL).write_pdf(
        stylesheets=[CSS(filename=str(STYLESHEET))]
    )
