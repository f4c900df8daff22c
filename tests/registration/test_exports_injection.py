"""Every export view against the injection corpus, in CSV and XLSX, read back with csv and
openpyxl: no formula anywhere, ordinary values unchanged, and a control character in a
vendor's name is a 200, not a 500."""

from types import SimpleNamespace

import pytest
from django.db import connection
from django.urls import reverse

from live.models import Question, RoomDevice
from registration.models import Company, Lead, Person
from tests import factories
from tests.injection import (
    INJECTIONS,
    ORDINARY,
    assert_csv_safe,
    assert_xlsx_safe,
    csv_cells,
    csv_expected,
    xlsx_expected,
    xlsx_sheet,
)


def _storable() -> list[str]:
    """The corpus as the database can hold it: PostgreSQL text refuses NUL outright, so a value
    with NUL can never reach an export there (SQLite stores it, and it is exported cleaned)."""
    values = INJECTIONS + ORDINARY
    if connection.vendor == "postgresql":
        return [value for value in values if "\x00" not in value]
    return values


COLUMNS = ["registration_id", "full_name", "job_title", "phone", "company", "city"]


@pytest.fixture
def poisoned(register, open_seminar, agencies):
    """One registration per injected value, in the name, job title, company, city and the
    agency's notes (stored as any earlier version or the admin may have left them)."""
    unicef = agencies["UNICEF"]
    values = _storable()
    for i, value in enumerate(values):
        registration = register(email=f"v{i}@x.example", consents={unicef.pk: True})
        Person.objects.filter(pk=registration.person_id).update(
            full_name=value, job_title=value, phone="+254712345678"
        )
        Company.objects.filter(pk=registration.company_id).update(legal_name=value, city=value)
        Lead.objects.create(registration=registration, agency=unicef, notes=value)
    return SimpleNamespace(
        organizer=factories.RoleFactory(seminar=open_seminar, role="organizer").user,
        presenter=factories.RoleFactory(seminar=open_seminar, role="presenter", agency=unicef).user,
        values=values,
    )


def _get(client, user, name, slug, fmt, **query):
    client.force_login(user)
    url = reverse(f"registration:{name}", kwargs={"slug": slug, "fmt": fmt})
    columns = COLUMNS + (["lead_notes"] if name == "export_leads" else [])
    response = client.get(url, {"columns": columns, **query})
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def _expected(value: str, fmt: str) -> str:
    if value in INJECTIONS:
        return csv_expected(value) if fmt == "csv" else xlsx_expected(value)
    return value


def _check_rows(rows: list[list], values: list[str], fmt: str) -> None:
    header, data = rows[0], rows[1:]
    assert len(data) == len(values)
    for row, value in zip(data, values, strict=True):
        cells = dict(zip(header, row, strict=False))
        for column in ("Name", "Job title", "Company", "City"):
            assert cells[column] == _expected(value, fmt), (column, value)
        assert cells["Phone"] == "+254712345678"  # E.164 stays as it is, in both formats
        if "Notes" in cells:
            assert cells["Notes"] == _expected(value, fmt)


@pytest.mark.parametrize("name", ["export_attendees", "export_leads"])
def test_registration_exports_pass_the_corpus_in_csv(client, open_seminar, poisoned, name):
    user = poisoned.organizer if name == "export_attendees" else poisoned.presenter
    rows = csv_cells(_get(client, user, name, open_seminar.slug, "csv"))
    assert_csv_safe(rows)
    _check_rows(rows, poisoned.values, "csv")


@pytest.mark.parametrize("name", ["export_attendees", "export_leads"])
def test_registration_exports_pass_the_corpus_in_xlsx(client, open_seminar, poisoned, name):
    user = poisoned.organizer if name == "export_attendees" else poisoned.presenter
    sheet = xlsx_sheet(_get(client, user, name, open_seminar.slug, "xlsx"))
    assert_xlsx_safe(sheet)
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    _check_rows(rows, poisoned.values, "xlsx")
    ids = [row[0] for row in sheet.iter_rows(min_row=2, max_col=1)]
    assert all(cell.data_type == "n" and isinstance(cell.value, int) for cell in ids)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_control_character_in_a_vendor_name_is_exported_not_a_server_error(
    client, register, open_seminar, agencies, fmt
):
    unicef = agencies["UNICEF"]
    registration = register(consents={unicef.pk: True})
    Company.objects.filter(pk=registration.company_id).update(legal_name="Acme\x01\x1f Ltd")
    Person.objects.filter(pk=registration.person_id).update(
        full_name="Kofi\x00 Mensah" if connection.vendor != "postgresql" else "Kofi\x02 Mensah"
    )
    organizer = factories.RoleFactory(seminar=open_seminar, role="organizer").user
    presenter = factories.RoleFactory(seminar=open_seminar, role="presenter", agency=unicef).user
    for user, name in ((organizer, "export_attendees"), (presenter, "export_leads")):
        content = _get(client, user, name, open_seminar.slug, fmt)
        if fmt == "csv":
            rows = csv_cells(content)
        else:
            rows = [list(r) for r in xlsx_sheet(content).iter_rows(values_only=True)]
        cells = dict(zip(rows[0], rows[1], strict=False))
        assert (cells["Company"], cells["Name"]) == ("Acme Ltd", "Kofi Mensah")


def test_reach_csv_goes_through_the_cell_writer(client, register, open_seminar):
    register(company={"country": "KE"})
    organizer = factories.RoleFactory(seminar=open_seminar, role="organizer").user
    client.force_login(organizer)
    response = client.get(reverse("registration:reach_csv", kwargs={"slug": open_seminar.slug}))
    assert response.status_code == 200
    rows = csv_cells(response.content)
    assert_csv_safe(rows)
    assert rows[0] == ["measure", "value", "count", "percent"]
    assert ["total", "", "1", "100"] in rows


@pytest.fixture
def guest_questions(db):
    """Questions as a room-token guest (no account) can plant them, one per value."""
    session = factories.SessionFactory()
    device = RoomDevice.objects.create(session=session, device_id="guest-1")
    values = _storable()
    for value in values:
        Question.objects.create(
            session=session,
            author_device=device,
            text=value,
            answer_text=value,
            language="en",
            state=Question.State.ANSWERED,
        )
    moderator = factories.RoleFactory(seminar=session.seminar, role="moderator").user
    return SimpleNamespace(session=session, moderator=moderator, values=values)


def _questions(client, q, fmt: str) -> bytes:
    client.force_login(q.moderator)
    url = reverse(
        f"live:export_{fmt}", kwargs={"slug": q.session.seminar.slug, "session_id": q.session.pk}
    )
    response = client.get(url)
    assert response.status_code == 200
    return response.content


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_question_exports_pass_the_corpus(client, guest_questions, fmt):
    content = _questions(client, guest_questions, fmt)
    if fmt == "csv":
        rows = csv_cells(content)
        assert_csv_safe(rows)
    else:
        sheet = xlsx_sheet(content)
        assert_xlsx_safe(sheet)
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        numbers = [row[0] for row in sheet.iter_rows(min_row=2, max_col=1)]
        assert all(cell.data_type == "n" for cell in numbers)
    header = rows[0]
    texts = [r[header.index("Question")] for r in rows[1:]]
    answers = [r[header.index("Written answer")] for r in rows[1:]]
    expected = [_expected(v, fmt) for v in guest_questions.values]
    assert texts == expected and answers == expected
