"""Agencies: an organiser adds and edits the agencies presenting without the admin; an agency
shared with a seminar they do not organise is not theirs to change; bad input changes nothing."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from seminars.models import Organization
from tests import factories

UNOPS = {
    "name": "United Nations Office for Project Services",
    "acronym": "UNOPS",
    "country": "DK",
    "procurement_segments": ["43", "72"],
}


def test_an_organiser_adds_an_agency_and_chooses_it_for_a_session(client, organiser, seminar):
    client.force_login(organiser)
    response = client.post(reverse("organising:agencies", args=[seminar.slug]), UNOPS)
    assert response.status_code == 302
    agency = Organization.objects.get(acronym="UNOPS")
    assert agency.kind == "agency" and agency.country == "DK"
    assert agency.procurement_segments == ["43", "72"]
    page = client.get(reverse("organising:session_new", args=[seminar.slug])).content.decode()
    assert f'value="{agency.pk}"' in page and "UNOPS" in page
    listing = client.get(reverse("organising:agencies", args=[seminar.slug])).content.decode()
    assert "United Nations Office for Project Services" in listing
    assert reverse("organising:agency_edit", args=[seminar.slug, agency.pk]) in listing


def test_bad_agency_input_is_refused_beside_the_field_and_creates_nothing(
    client, organiser, seminar
):
    client.force_login(organiser)
    url = reverse("organising:agencies", args=[seminar.slug])
    before = Organization.objects.count()
    response = client.post(url, {**UNOPS, "name": "  "})
    assert response.status_code == 400 and "This field is required." in response.content.decode()
    response = client.post(url, {**UNOPS, "acronym": "unicef"})  # the fixture's UNICEF
    assert response.status_code == 400
    assert "Another agency already uses this acronym." in response.content.decode()
    response = client.post(url, {**UNOPS, "procurement_segments": ["99x"]})
    assert response.status_code == 400 and "Select a valid choice." in response.content.decode()
    response = client.post(url, {**UNOPS, "country": "XX"})
    assert response.status_code == 400
    assert Organization.objects.count() == before


def test_an_organiser_edits_an_agency_only_their_seminars_use(
    client, organiser, seminar, other_organiser
):
    mine = factories.AgencyFactory(acronym="IFAD", name="IFAD")
    shared = seminar.sessions.get().agencies.get()  # UNICEF
    elsewhere = factories.SessionFactory(seminar=other_organiser.seminar_roles.get().seminar)
    elsewhere.agencies.add(shared)
    client.force_login(organiser)
    edit = reverse("organising:agency_edit", args=[seminar.slug, mine.pk])
    response = client.post(edit, {"name": "International Fund for Agricultural Development",
                                  "acronym": "IFAD"})  # fmt: skip
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.name == "International Fund for Agricultural Development"
    listing = client.get(reverse("organising:agencies", args=[seminar.slug])).content.decode()
    assert "Shared with other seminars" in listing
    shared_edit = reverse("organising:agency_edit", args=[seminar.slug, shared.pk])
    refused = client.get(shared_edit)
    assert refused.status_code == 403
    assert "also presents in seminars you do not organise" in refused.content.decode()
    assert client.post(shared_edit, {"name": "Renamed", "acronym": "X"}).status_code == 403
    shared.refresh_from_db()
    assert shared.acronym == "UNICEF"
    host = reverse("organising:agency_edit", args=[seminar.slug, seminar.host_id])
    assert client.get(host).status_code == 404


def test_a_superuser_may_edit_a_shared_agency(client, seminar, other_organiser):
    shared = seminar.sessions.get().agencies.get()
    factories.SessionFactory(seminar=other_organiser.seminar_roles.get().seminar).agencies.add(
        shared
    )
    client.force_login(factories.UserFactory(is_superuser=True, is_staff=True))
    edit = reverse("organising:agency_edit", args=[seminar.slug, shared.pk])
    response = client.post(edit, {"name": "United Nations Children's Fund", "acronym": "UNICEF"})
    assert response.status_code == 302
    shared.refresh_from_db()
    assert shared.name == "United Nations Children's Fund"


def test_the_agency_list_pages_in_a_fixed_number_of_queries(client, organiser, seminar):
    client.force_login(organiser)
    url = reverse("organising:agencies", args=[seminar.slug])

    def count() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries), response.content.decode()

    small, _ = count()
    Organization.objects.bulk_create(
        Organization(kind="agency", name=f"Agency {n:03}", acronym=f"A{n:03}") for n in range(60)
    )
    large, page = count()
    assert small == large == 7
    assert "Page 1 of 2" in page and page.count(">Edit<") == 50
