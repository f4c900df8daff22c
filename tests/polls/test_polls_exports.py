"""Poll exports: who may download, and the totals (never voters' names) in CSV and XLSX."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from live.models import RoomDevice
from polls.models import Poll, PollOption, PollVote
from tests import factories


@pytest.fixture
def polled(db):
    seminar = factories.SeminarFactory()
    agency = factories.AgencyFactory(acronym="UNA")
    session = factories.SessionFactory(seminar=seminar)
    session.agencies.set([agency])
    poll = Poll.objects.create(
        session=session, kind="single", question="=cmd|' /C calc'!A0", state="closed"
    )
    yes, no = (PollOption.objects.create(poll=poll, position=i, text=t) for i, t in enumerate("YN"))
    grace = factories.UserFactory(first_name="Grace", last_name="Banda")
    device = RoomDevice.objects.create(session=session, device_id="abc")
    PollVote.objects.create(poll=poll, voter=grace, option_ids=[yes.pk])
    PollVote.objects.create(poll=poll, device=device, option_ids=[yes.pk])
    rating = Poll.objects.create(session=session, kind="rating", question="Useful?", state="open")
    PollVote.objects.create(poll=rating, voter=grace, rating=4)
    return {
        "session": session,
        "poll": poll,
        "moderator": factories.RoleFactory(seminar=seminar, role="moderator").user,
        "presenter": factories.RoleFactory(seminar=seminar, role="presenter", agency=agency).user,
        "vendor": factories.UserFactory(),
    }


def _url(polled, name: str, **extra) -> str:
    session = polled["session"]
    kwargs = {"slug": session.seminar.slug, "session_id": session.pk, **extra}
    return reverse(f"polls:{name}", kwargs=kwargs)


def test_session_csv_has_each_polls_totals_without_names_and_formulas_neutralised(client, polled):
    client.force_login(polled["moderator"])
    response = client.get(_url(polled, "export_csv"))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["Poll number", "Question"]
    assert rows[1][1].startswith("'=") and rows[1][4:] == ["Y", "2", "2"]
    assert rows[2][4:] == ["N", "0", "2"]
    assert [r[4:6] for r in rows[3:]] == [
        ["1", "0"],
        ["2", "0"],
        ["3", "0"],
        ["4", "1"],
        ["5", "0"],
    ]
    assert "Grace" not in response.content.decode("utf-8-sig")


def test_one_polls_xlsx_matches_its_totals(client, polled):
    client.force_login(polled["presenter"])
    response = client.get(_url(polled, "poll_xlsx", poll_id=polled["poll"].pk))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert [row[4:] for row in values[1:]] == [["Y", 2, 2], ["N", 0, 2]]


def test_vendors_may_not_export_and_strangers_are_sent_to_sign_in(client, polled):
    assert client.get(_url(polled, "export_csv")).status_code == 302
    client.force_login(polled["vendor"])
    assert client.get(_url(polled, "export_csv")).status_code == 403
    client.force_login(polled["moderator"])
    assert client.get(_url(polled, "poll_csv", poll_id=999999)).status_code == 404
