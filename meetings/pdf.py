"""A printable schedule of one person's meetings (table, time, counterpart) for venues with a
weak connection or none: reportlab, one A4 table. DejaVu Sans is used when the system has it
(Latin, Greek and Cyrillic names); otherwise Helvetica (Latin-1 only)."""

import io
from pathlib import Path

from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from meetings.models import Meeting
from meetings.times import clock
from seminars.models import Seminar

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def _font() -> str:
    if not DEJAVU.exists():
        return "Helvetica"
    if "DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVuSans", str(DEJAVU)))
    return "DejaVuSans"


def _counterpart(meeting: Meeting, side: str) -> str:
    if side == "vendor":
        agency = meeting.officer.agency
        return f"{meeting.officer.display_name} ({agency.acronym or agency.name})"
    company = meeting.registration.company
    return company.legal_name if company else meeting.registration.person.full_name


def schedule_pdf(
    *, seminar: Seminar, title: str, zone: str, meetings: list[Meeting], side: str
) -> bytes:
    """The PDF as bytes. No side effects."""
    font = _font()
    styles = getSampleStyleSheet()
    for style in styles.byName.values():
        style.fontName = font
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, title=str(_("Meetings")))
    rows = [[_("Time (seminar)"), _("Your time"), _("Table"), _("With")]]
    for meeting in meetings:
        rows.append(
            [
                Paragraph(
                    clock(meeting.starts_at, meeting.ends_at, seminar.time_zone), styles["Normal"]
                ),
                Paragraph(clock(meeting.starts_at, meeting.ends_at, zone), styles["Normal"]),
                str(meeting.table_number or _("online")),
                Paragraph(_counterpart(meeting, side), styles["Normal"]),
            ]
        )
    table = Table(rows, colWidths=[150, 150, 50, 150], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), font),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story = [
        Paragraph(seminar.title, styles["Title"]),
        Paragraph(title, styles["Heading2"]),
        Paragraph(f"{seminar.venue_name}", styles["Normal"]),
        Spacer(1, 12),
        table,
        Spacer(1, 12),
        Paragraph(seminar.meetings.notice, styles["Italic"]),
    ]
    document.build(story)
    return buffer.getvalue()
