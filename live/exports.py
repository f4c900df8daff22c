"""Question exports (CSV and XLSX) after a session.

Who gets what:
- moderators and organisers: every question of the session, in every state (dismissed and
  merged ones included, so the record is complete), always with the asker's name;
- a presenter of an agency that presents in the session: the questions addressed to their
  agency in any state but dismissed, with the asker's name (the addressed agency always sees
  who asked), plus the general questions the audience saw (approved, on screen, answered),
  with the name only when the asker did not hide it. Questions addressed to other agencies
  are not theirs to export.
No contact details are exported: passing a vendor's details to an agency needs the vendor's
consent, which the registration leads export handles.
"""

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from live import permissions
from live.models import Question
from seminars import spreadsheets
from seminars.models import Session

XLSX_CONTENT_TYPE = spreadsheets.XLSX_CONTENT_TYPE


@dataclass(frozen=True)
class ExportScope:
    """What one person may export: everything, or their agencies' share."""

    everything: bool
    agency_ids: frozenset[int] = frozenset()


def export_scope(*, user, session: Session) -> ExportScope | None:
    """None when the person may not export this session's questions at all."""
    agency_ids = permissions.export_agency_ids(user, session)
    if agency_ids is None:
        return None
    if not agency_ids:
        return ExportScope(everything=True)
    return ExportScope(everything=False, agency_ids=frozenset(agency_ids))


def exported_questions(*, session: Session, scope: ExportScope) -> QuerySet[Question]:
    questions = Question.objects.filter(session=session).select_related(
        "author", "author_device", "addressed_agency", "merged_into"
    )
    if not scope.everything:
        own = Q(addressed_agency_id__in=scope.agency_ids) & ~Q(state=Question.State.DISMISSED)
        general = Q(addressed_agency__isnull=True, state__in=Question.PUBLIC_STATES)
        questions = questions.filter(own | general, merged_into__isnull=True)
    return questions.order_by("created_at", "pk")


def _asker(question: Question, scope: ExportScope) -> str:
    if question.author_id is None:
        return _("Guest in the room") if question.author_device_id else ""
    shows_name = (
        scope.everything
        or not question.hide_name
        or question.addressed_agency_id in scope.agency_ids
    )
    if not shows_name:
        return _("(name hidden)")
    return question.author.get_full_name() or question.author.get_username()


def _header(session: Session) -> list[str]:
    return [
        _("Question number"),
        _("Asked at (%(zone)s)") % {"zone": session.seminar.time_zone},
        _("Asked at (UTC)"),
        _("State"),
        _("Addressed to"),
        _("Language"),
        _("Question"),
        _("Asked by"),
        _("Name hidden from the audience"),
        _("Votes"),
        _("Pinned"),
        _("Answered live"),
        _("Written answer"),
        _("Merged into question"),
    ]


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def question_rows(*, session: Session, scope: ExportScope) -> list[list[object]]:
    """The header and one row of plain values per question. One query for the rows."""
    zone = session.seminar.zone
    rows: list[list[object]] = [_header(session)]
    for question in exported_questions(session=session, scope=scope):
        asked = question.created_at
        rows.append(
            [
                question.pk,
                asked.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S"),
                asked.strftime("%Y-%m-%d %H:%M:%S"),
                question.get_state_display(),
                str(question.addressed_agency) if question.addressed_agency_id else _("All"),
                question.language,
                question.text,
                _asker(question, scope),
                _yes_no(question.hide_name),
                question.vote_count,
                _yes_no(question.pinned),
                _yes_no(question.answered_live),
                question.answer_text,
                question.merged_into_id or "",
            ]
        )
    return rows


def as_csv(rows: list[list[object]]) -> bytes:
    """UTF-8 with a byte-order mark, cells written by the project's one cell writer."""
    return spreadsheets.csv_bytes(rows)


def as_xlsx(rows: list[list[object]]) -> bytes:
    """An XLSX workbook (openpyxl write-only mode), cells written by the one cell writer."""
    return spreadsheets.xlsx_bytes(rows, title=_("Questions"))


def faq_questions(*, session: Session) -> list[dict]:
    """Answered questions without anything that names the asker. One query."""
    questions = (
        Question.objects.filter(
            session=session, state=Question.State.ANSWERED, merged_into__isnull=True
        )
        .select_related("addressed_agency")
        .order_by("-vote_count", "created_at", "pk")
    )
    return [
        {
            "text": question.text,
            "language": question.language,
            "agency": question.addressed_agency,
            "answer_text": question.answer_text,
            "answered_live": question.answered_live,
        }
        for question in questions
    ]
