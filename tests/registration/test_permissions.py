"""Who may see what: vendors, agencies A and B, organisers of this and another seminar."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accesskeys import purposes, tokens
from tests import factories


@pytest.fixture
def world(register, open_seminar, agencies):
    unicef, undp = agencies["UNICEF"], agencies["UNDP"]
    only_undp = register(
        email="only-undp@v.example", full_name="Only Undp", consents={str(undp.pk): True}
    )
    only_unicef = register(
        email="only-unicef@v.example", full_name="Only Unicef", consents={str(unicef.pk): True}
    )
    nobody = register(email="nobody@v.example", full_name="No Consent")
    unicef_presenter = factories.RoleFactory(
        seminar=open_seminar, role="presenter", agency=unicef
    ).user
    undp_presenter = factories.RoleFactory(seminar=open_seminar, role="presenter", agency=undp).user
    organizer = factories.RoleFactory(seminar=open_seminar, role="organizer").user
    other_organizer = factories.RoleFactory(role="organizer").user
    return {
        "seminar": open_seminar,
        "regs": {"undp": only_undp, "unicef": only_unicef, "nobody": nobody},
        "unicef": unicef_presenter,
        "undp": undp_presenter,
        "organizer": organizer,
        "other_organizer": other_organizer,
    }


EMAILS = ("only-undp@v.example", "only-unicef@v.example", "nobody@v.example")


def _url(name, seminar, **kw):
    return reverse(f"registration:{name}", kwargs={"slug": seminar.slug, **kw})


def _emails_in(response) -> set[str]:
    if response.get("Content-Type", "").startswith("application/vnd.openxml"):
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        text = " ".join(str(c.value) for row in sheet.iter_rows() for c in row)
    elif hasattr(response, "streaming_content"):
        text = b"".join(response.streaming_content).decode("utf-8-sig")
    else:
        text = response.content.decode()
    return {
        e for e in ("only-undp@v.example", "only-unicef@v.example", "nobody@v.example") if e in text
    }


@pytest.mark.parametrize(
    "view",
    [
        ("leads", {}),
        ("leads_json", {}),
        ("export_leads", {"fmt": "csv"}),
        ("export_leads", {"fmt": "xlsx"}),
    ],
)
def test_agency_sees_only_vendors_who_consented_to_it(client, world, view):
    name, kwargs = view
    seminar = world["seminar"]
    client.force_login(world["unicef"])
    response = client.get(_url(name, seminar, **kwargs))
    assert response.status_code == 200
    assert _emails_in(response) == {"only-unicef@v.example"}
    client.force_login(world["undp"])
    assert _emails_in(client.get(_url(name, seminar, **kwargs))) == {"only-undp@v.example"}


def test_agency_cannot_update_a_lead_that_consented_only_to_another(client, world):
    client.force_login(world["unicef"])
    other = world["regs"]["undp"]
    response = client.post(
        _url("lead_update", world["seminar"], pk=other.pk), {"status": "contacted", "notes": "x"}
    )
    assert response.status_code == 404
    own = world["regs"]["unicef"]
    response = client.post(
        _url("lead_update", world["seminar"], pk=own.pk), {"status": "qualified", "notes": "ok"}
    )
    assert response.status_code == 302
    assert own.leads.get().status == "qualified"


def test_withdrawn_consent_removes_vendor_from_agency_leads_at_once(client, world):
    seminar, vendor_reg = world["seminar"], world["regs"]["unicef"]
    unicef_agency = world["unicef"].seminar_roles.get().agency
    client.force_login(world["unicef"])
    client.post(
        _url("lead_update", seminar, pk=vendor_reg.pk), {"status": "contacted", "notes": "called"}
    )
    client.force_login(vendor_reg.person.user)
    response = client.post(
        _url("consent", seminar), {f"consent_{unicef_agency.pk}": "no", "list_visibility": "full"}
    )
    assert response.status_code == 302
    client.force_login(world["unicef"])
    for name, kwargs in [("leads_json", {}), ("export_leads", {"fmt": "csv"}), ("leads", {})]:
        assert _emails_in(client.get(_url(name, seminar, **kwargs))) == set()
    assert not vendor_reg.leads.exists()  # the agency's notes go with the consent
    assert list(vendor_reg.consent_events.values_list("granted", "source")) == [
        (True, "form"),
        (False, "vendor"),
    ]


@pytest.mark.parametrize(
    "name,kwargs",
    [
        ("registrations", {}),
        ("check_in", {}),
        ("check_in_count", {}),
        ("reach", {}),
        ("reach_csv", {}),
        ("export_attendees", {"fmt": "csv"}),
        ("export_attendees", {"fmt": "xlsx"}),
    ],
)
def test_organiser_pages_are_for_this_seminars_organisers_only(client, world, name, kwargs):
    seminar = world["seminar"]
    url = _url(name, seminar, **kwargs)
    assert client.get(url).status_code == 302  # anonymous: to the sign-in page
    for who in ("other_organizer", "unicef", "undp"):
        client.force_login(world[who])
        assert client.get(url).status_code == 403, who
    client.force_login(world["regs"]["unicef"].person.user)
    assert client.get(url).status_code == 403
    client.force_login(world["organizer"])
    response = client.get(url)
    assert response.status_code == 200
    if name == "export_attendees":
        assert _emails_in(response) == {
            "only-undp@v.example",
            "only-unicef@v.example",
            "nobody@v.example",
        }
    if name == "reach_csv":
        assert _emails_in(response) == set()  # no personal data in the reach report


@pytest.mark.parametrize("name", ["leads", "leads_json", "exports"])
def test_non_presenters_get_no_leads(client, world, name):
    url = _url(name, world["seminar"])
    for who in ("other_organizer",):
        client.force_login(world[who])
        assert client.get(url).status_code == 403
    client.force_login(world["regs"]["unicef"].person.user)
    assert client.get(url).status_code == 403


def _calendar_subjects(page: str) -> set:
    pieces = page.split("/my-calendar/")[1:]
    return {tokens.read(purposes.CALENDAR, p.split(".ics", 1)[0]).subject for p in pieces}


def test_vendor_sees_only_their_own_registration(client, world):
    seminar = world["seminar"]
    mine = world["regs"]["undp"]
    client.force_login(mine.person.user)
    page = client.get(_url("mine", seminar)).content.decode()
    # Every calendar link on the page opens this vendor's feed, no one else's.
    assert "Your registration" in page and _calendar_subjects(page) == {mine.pk}
    # Another vendor's calendar needs its own signed link; a wrong one is 404.
    assert client.get(_url("calendar", seminar, token="wrong")).status_code == 404
    other = world["regs"]["unicef"]
    other_token = tokens.issue(purposes.CALENDAR, subject=other.pk)
    assert client.get(_url("calendar", seminar, token=other_token)).status_code == 200
    client.force_login(world["organizer"])
    assert client.get(_url("mine", seminar)).status_code == 404


def test_organiser_of_another_seminar_sees_nothing_in_the_attendee_export(client, world):
    other_seminar = world["other_organizer"].seminar_roles.get().seminar
    client.force_login(world["other_organizer"])
    response = client.get(_url("export_attendees", other_seminar, fmt="csv"))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 1  # the header only
