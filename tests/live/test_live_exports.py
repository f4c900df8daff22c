"""Question exports: who may download which questions, in CSV (UTF-8 with BOM) and XLSX, with
spreadsheet formulas neutralised."""

import csv
import io
from types import SimpleNamespace

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from live.models import Question, RoomDevice
from registration.models import ExportLog
from tests import factories

S = Question.State


@pytest.fixture
def room(db):
    seminar = factories.SeminarFactory()
    agency_a = factories.AgencyFactory(acronym="UNA")
    agency_b = factories.AgencyFactory(acronym="UNB")
    session = factories.SessionFactory(seminar=seminar)
    session.agencies.set([agency_a, agency_b])

    def role(name, agency=None):
        return factories.RoleFactory(seminar=seminar, role=name, agency=agency).user

    grace = factories.UserFactory(first_name="Grace", last_name="Banda")
    kofi = factories.UserFactory(first_name="Kofi", last_name="Mensah")
    device = RoomDevice.objects.create(session=session, device_id="abc123")

    def ask(text, *, author=grace, agency=None, state=S.APPROVED, hide=False, **extra):
        return Question.objects.create(
            session=session,
            author=author if author != "device" else None,
            author_device=device if author == "device" else None,
            addressed_agency=agency,
            text=text,
            language="en",
            hide_name=hide,
            state=state,
            **extra,
        )

    questions = SimpleNamespace(
        to_a=ask("To A, named", agency=agency_a, vote_count=4),
        to_a_hidden=ask("To A, hidden name", author=kofi, agency=agency_a, hide=True),
        to_a_pending=ask("To A, pending", agency=agency_a, state=S.PENDING),
        to_a_dismissed=ask("To A, dismissed", agency=agency_a, state=S.DISMISSED),
        to_b=ask("To B only", agency=agency_b),
        general=ask("General, named", answer_text="Yes, in French too.", state=S.ANSWERED),
        general_hidden=ask("General, hidden name", author=kofi, hide=True),
        general_pending=ask("General, pending", state=S.PENDING),
        guest=ask("From a phone", author="device"),
        formula=ask('=HYPERLINK("http://evil.example","click")'),
    )
    return SimpleNamespace(
        seminar=seminar,
        session=session,
        q=questions,
        moderator=role("moderator"),
        organizer=role("organizer"),
        presenter_a=role("presenter", agency_a),
        presenter_a_agency=agency_a,
        outside_presenter=role("presenter", factories.AgencyFactory()),
        vendor=grace,
    )


def export_url(room, fmt):
    return reverse(
        f"live:export_{fmt}", kwargs={"slug": room.seminar.slug, "session_id": room.session.pk}
    )


def csv_rows(response) -> list[list[str]]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf"), "UTF-8 byte-order mark"
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def xlsx_rows(response) -> list[list[object]]:
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


def by_text(rows, column="Question") -> dict[str, dict]:
    header = rows[0]
    return {row[header.index(column)]: dict(zip(header, row, strict=True)) for row in rows[1:]}


@pytest.mark.parametrize("who", ["moderator", "organizer"])
def test_moderators_export_every_question_with_every_name(client, room, who):
    client.force_login(getattr(room, who))
    rows = by_text(csv_rows(client.get(export_url(room, "csv"))))
    assert len(rows) == 10
    assert rows["General, hidden name"]["Asked by"] == "Kofi Mensah"
    assert rows["To A, dismissed"]["State"] == "Dismissed"
    assert rows["General, pending"]["State"] == "Waiting for a moderator"
    assert rows["From a phone"]["Asked by"] == "Guest in the room"
    assert rows["General, named"]["Written answer"] == "Yes, in French too."
    assert rows["To A, named"]["Votes"] == "4"
    assert rows["To A, named"]["Addressed to"] == "UNA"


def test_agency_exports_its_own_questions_with_names_and_the_public_general_ones(client, room):
    client.force_login(room.presenter_a)
    rows = by_text(csv_rows(client.get(export_url(room, "csv"))))
    assert set(rows) == {
        "To A, named",
        "To A, hidden name",
        "To A, pending",
        "General, named",
        "General, hidden name",
        "From a phone",
        '\'=HYPERLINK("http://evil.example","click")',
    }
    # The addressed agency always sees who asked; a general question keeps a hidden name hidden.
    assert rows["To A, hidden name"]["Asked by"] == "Kofi Mensah"
    assert rows["General, hidden name"]["Asked by"] == "(name hidden)"
    assert rows["General, named"]["Asked by"] == "Grace Banda"


def test_xlsx_export_has_the_same_rows_and_neutralised_formulas(client, room):
    client.force_login(room.moderator)
    csv_data = csv_rows(client.get(export_url(room, "csv")))
    xlsx_data = xlsx_rows(client.get(export_url(room, "xlsx")))
    assert xlsx_data[0] == csv_data[0]
    assert len(xlsx_data) == len(csv_data)
    rows = by_text(xlsx_data)
    # Text in XLSX is typed as text: shown exactly as asked, without an apostrophe.
    formula = '=HYPERLINK("http://evil.example","click")'
    assert formula in rows
    assert rows[formula]["Votes"] == 0  # numbers stay numbers in XLSX
    # openpyxl would store an unescaped "=…" string as a formula cell; it must be plain text.
    workbook = load_workbook(io.BytesIO(client.get(export_url(room, "xlsx")).content))
    assert not any(cell.data_type == "f" for row in workbook.active.iter_rows() for cell in row)


def test_export_file_is_named_and_not_cached(client, room):
    client.force_login(room.moderator)
    response = client.get(export_url(room, "xlsx"))
    assert response["Content-Disposition"] == (
        f'attachment; filename="{room.seminar.slug}-session-{room.session.pk}-questions.xlsx"'
    )
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("who", ["vendor", "outside_presenter"])
def test_vendors_and_other_agencies_may_not_export(client, room, who, fmt):
    client.force_login(getattr(room, who))
    assert client.get(export_url(room, fmt)).status_code == 403


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_anonymous_visitors_are_sent_to_sign_in(client, room, fmt):
    response = client.get(export_url(room, fmt))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign_in"))


def test_export_of_a_draft_seminar_is_not_found_for_outsiders(client, room):
    room.seminar.status = "draft"
    room.seminar.save()
    client.force_login(room.vendor)
    assert client.get(export_url(room, "csv")).status_code == 404


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_queries_do_not_grow_with_questions(client, room, fmt, django_assert_num_queries):
    client.force_login(room.moderator)
    client.get(export_url(room, fmt))
    # browser session, user, seminar, session, roles, questions (joined with people), the
    # export log's row
    with django_assert_num_queries(7):
        client.get(export_url(room, fmt))
    for n in range(20):
        Question.objects.create(
            session=room.session,
            author=factories.UserFactory(),
            text=f"More {n}",
            language="en",
            state=S.APPROVED,
        )
    with django_assert_num_queries(7):
        client.get(export_url(room, fmt))


def test_every_question_export_is_in_the_seminars_export_log(client, room):
    client.force_login(room.moderator)
    client.get(export_url(room, "csv"))
    client.force_login(room.presenter_a)
    client.get(export_url(room, "xlsx"))
    everything, agency_share = ExportLog.objects.order_by("pk")
    assert (everything.user, everything.kind, everything.file_format) == (
        room.moderator,
        "questions",
        "csv",
    )
    assert everything.seminar == room.seminar and everything.rows == 10
    assert everything.filters == {"session": room.session.pk}
    assert "Asked by" in everything.columns
    assert (agency_share.user, agency_share.file_format, agency_share.rows) == (
        room.presenter_a,
        "xlsx",
        7,
    )
    assert agency_share.filters == {
        "session": room.session.pk,
        "agencies": [room.presenter_a_agency.pk],
    }


@pytest.mark.parametrize("who", ["vendor", "outside_presenter"])
def test_a_refused_question_export_leaves_no_log_entry(client, room, who):
    client.force_login(getattr(room, who))
    assert client.get(export_url(room, "csv")).status_code == 403
    assert not ExportLog.objects.exists()


def test_csv_keeps_injection_and_non_latin_text_as_text(client, room):
    Question.objects.create(
        session=room.session,
        author=room.vendor,
        text="@cmd|' /C calc'!A0 — هل تقبلون العروض بالعربية؟",
        language="ar",
        state=S.APPROVED,
    )
    client.force_login(room.moderator)
    rows = by_text(csv_rows(client.get(export_url(room, "csv"))))
    assert "'@cmd|' /C calc'!A0 — هل تقبلون العروض بالعربية؟" in rows
