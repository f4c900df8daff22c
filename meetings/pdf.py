"""A printable schedule of one person's meetings (table, time, counterpart) for venues with a
weak connection or none. Rendered like the certificates, through seminars/pdf.py: an HTML
template and ``schedule.css`` handed to WeasyPrint, so Arabic is shaped and laid out right to
left and every script of the six UN languages comes from the Noto fonts ``.ci/run`` installs."""

from pathlib import Path

from django.utils import translation

from meetings.models import Meeting
from meetings.times import clock
from seminars.models import Seminar
from seminars.pdf import render_html, render_pdf

STYLESHEET = Path(__file__).with_name("schedule.css")


def _counterpart(meeting: Meeting, side: str) -> str:
    if side == "vendor":
        agency = meeting.officer.agency
        return f"{meeting.officer.display_name} ({agency.acronym or agency.name})"
    company = meeting.registration.company
    return company.legal_name if company else meeting.registration.person.full_name


TEMPLATE = "meetings/schedule_pdf.html"


def _context(
    *, seminar: Seminar, title: str, zone: str, meetings: list[Meeting], side: str, language: str
) -> dict[str, object]:
    with translation.override(language):  # the times are written in the reader's language
        rows = [
            {
                "seminar_time": clock(meeting.starts_at, meeting.ends_at, seminar.time_zone),
                "your_time": clock(meeting.starts_at, meeting.ends_at, zone),
                "table": meeting.table_number,
                "counterpart": _counterpart(meeting, side),
            }
            for meeting in meetings
        ]
    return {"seminar": seminar, "title": title, "rows": rows, "notice": seminar.meetings.notice}


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
    context = _context(
        seminar=seminar, title=title, zone=zone, meetings=meetings, side=side, language=language
    )
    return render_html(TEMPLATE, context, language=language)


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
    context = _context(
        seminar=seminar, title=title, zone=zone, meetings=meetings, side=side, language=language
    )
    return render_pdf(TEMPLATE, context, STYLESHEET, language=language)
