"""Poll results exports (CSV and XLSX through the project's one cell writer,
``seminars/spreadsheets.py``), per poll and per session.

Totals and allowed short answers only: who voted is never exported (passing a vendor's
details to an agency needs the vendor's consent, which the leads export handles).
"""

from django.utils.translation import gettext as _

from polls import selectors
from polls.models import Poll
from seminars import spreadsheets
from seminars.models import Session

XLSX_CONTENT_TYPE = spreadsheets.XLSX_CONTENT_TYPE


def _header() -> list[str]:
    return [
        _("Poll number"),
        _("Question"),
        _("Kind"),
        _("State"),
        _("Answer"),
        _("Votes"),
        _("People who voted"),
    ]


def _answers(poll: Poll, totals: dict) -> list[tuple[object, int]]:
    if "options" in totals:
        texts = {o.pk: o.text for o in poll.options.all()}
        return [(texts[o["id"]], o["count"]) for o in totals["options"]]
    if "ratings" in totals:
        return [(r["value"], r["count"]) for r in totals["ratings"]]
    return [(w["text"], w["count"]) for w in totals["words"]]


def poll_rows(*, session: Session, poll_id: int | None = None) -> list[list[object]]:
    """The header and one row per answer of each poll (one poll with ``poll_id``)."""
    rows: list[list[object]] = [_header()]
    for poll in selectors.session_polls(session_id=session.pk):
        if poll_id is not None and poll.pk != poll_id:
            continue
        totals = selectors.poll_totals(poll)
        for answer, count in _answers(poll, totals):
            kind, state = poll.get_kind_display(), poll.get_state_display()
            rows.append([poll.pk, poll.question, kind, state, answer, count, totals["voters"]])
    return rows


def as_csv(rows: list[list[object]]) -> bytes:
    return spreadsheets.csv_bytes(rows)


def as_xlsx(rows: list[list[object]]) -> bytes:
    return spreadsheets.xlsx_bytes(rows, title=_("Polls"))
