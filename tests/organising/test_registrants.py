"""The registrant list, a registrant's page and the organiser's actions on registrations."""

import secrets

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registration import services as registration_services
from registration.models import Company, Person, Registration
from seminars.models import Seminar
from tests import factories
from tests.factories import registration_payload


def _register(seminar, n, **overrides):
    payload = registration_payload(
        email=f"v{n}@example.org",
        full_name=f"Vendor {n}",
        company={"legal_name": f"Firm {n}", "national_registration_number": f"N{n}"},
        **overrides,
    )
    return registration_services.registration_apply(seminar=seminar, payload=payload)


def _bulk_registrations(seminar, count, prefix="b"):
    company = Company.objects.create(legal_name="Bulk Firm", country="NP", size_band="small")
    people = Person.objects.bulk_create(
        Person(
            email=f"{prefix}{i}@bulk.example",
            full_name=f"Bulk {i}",
            time_zone="UTC",
            company=company,
        )
        for i in range(count)
    )
    Registration.objects.bulk_create(
        Registration(
            seminar=seminar,
            person=person,
            company=company,
            status="confirmed",
            attendance_mode="online",
            country="NP",
            calendar_token=secrets.token_urlsafe(32),
            check_in_code=secrets.token_hex(5).upper(),
            privacy_notice_version="1",
        )
        for person in people
    )


# Session, user, seminar, the organiser's role, the filter's agencies, count, the page.
QUERIES = 7


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_list_is_labelled_searchable_and_filters_the_waiting_list_in_order(
    client, organiser, seminar
):
    Seminar.objects.filter(pk=seminar.pk).update(in_room_capacity=1)
    seminar.refresh_from_db()
    first = _register(seminar, 0, attendance_mode="in_room")
    waiting = [_register(seminar, n, attendance_mode="in_room") for n in (1, 2)]
    client.force_login(organiser)
    url = reverse("organising:registrants", args=[seminar.slug])
    page = client.get(url).content.decode()
    assert "<h1>Registrants</h1>" in page
    assert '<label for="id_q">Search registrants:</label>' in page
    page = client.get(url, {"status": "waiting"}).content.decode()
    assert first.person.full_name not in page
    assert page.index("Vendor 1") < page.index("Vendor 2")
    assert "no. 1 in line" in page and "no. 2 in line" in page
    page = client.get(url, {"q": "Firm 2"}).content.decode()
    assert "Vendor 2" in page and "Vendor 1" not in page
    page = client.get(url, {"q": "nepal"}).content.decode()
    assert "3 registrants" in page
    assert [r.status for r in waiting] == ["waiting", "waiting"]


def test_the_list_reads_in_the_same_number_of_queries_at_two_sizes_and_pages_10000(
    client, organiser, seminar
):
    client.force_login(organiser)
    url = reverse("organising:registrants", args=[seminar.slug])
    _bulk_registrations(seminar, 20)
    small = _queries(client, url)
    _bulk_registrations(seminar, 10_000 - 20, prefix="more")
    assert _queries(client, url) == small == QUERIES
    page = client.get(url, {"page": "200"}).content.decode()
    assert "Page 200 of 200" in page
    assert page.count('name="ids"') == 50


def test_declining_with_a_reason_emails_it_and_frees_the_place_for_the_first_waiting(
    client, organiser, seminar, mailoutbox, django_capture_on_commit_callbacks
):
    Seminar.objects.filter(pk=seminar.pk).update(in_room_capacity=1)
    seminar.refresh_from_db()
    holder = _register(seminar, 0, attendance_mode="in_room", preferred_language="fr")
    next_in_line = _register(seminar, 1, attendance_mode="in_room")
    client.force_login(organiser)
    act = reverse("organising:registrant_action", args=[seminar.slug, holder.pk])
    client.post(act, {"action": "decline", "reason": ""})
    holder.refresh_from_db()
    assert holder.status == "confirmed"  # no reason, nothing done
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(act, {"action": "decline", "reason": "Places are for local firms."})
    holder.refresh_from_db()
    next_in_line.refresh_from_db()
    assert (holder.status, next_in_line.status) == ("rejected", "confirmed")
    to_holder = [m for m in mailoutbox if m.to == [holder.person.email]]
    assert "Places are for local firms." in to_holder[0].body


def test_bulk_actions_say_how_many_first_and_act_only_after_confirmation(
    client, organiser, seminar
):
    made = [_register(seminar, n) for n in range(3)]
    other_seminar_registration = _register(factories.SeminarFactory(), 9)
    client.force_login(organiser)
    url = reverse("organising:bulk", args=[seminar.slug])
    ids = [r.pk for r in made[:2]] + [other_seminar_registration.pk]
    page = client.post(url, {"action": "cancel", "ids": ids}).content.decode()
    assert "This affects 2 people" in page
    assert Registration.objects.filter(status="cancelled").count() == 0
    client.post(url, {"action": "cancel", "ids": ids, "confirmed": "yes"})
    statuses = {r.pk: Registration.objects.get(pk=r.pk).status for r in made}
    assert statuses == {made[0].pk: "cancelled", made[1].pk: "cancelled", made[2].pk: "confirmed"}
    other_seminar_registration.refresh_from_db()
    assert other_seminar_registration.status == "confirmed"
    assert client.post(url, {"action": "cancel", "ids": ["x"]}).status_code == 302


def test_changing_mode_gives_the_old_place_to_the_first_waiting(client, organiser, seminar):
    Seminar.objects.filter(pk=seminar.pk).update(in_room_capacity=1)
    seminar.refresh_from_db()
    holder = _register(seminar, 0, attendance_mode="in_room")
    waiting = _register(seminar, 1, attendance_mode="in_room")
    client.force_login(organiser)
    act = reverse("organising:registrant_action", args=[seminar.slug, holder.pk])
    client.post(act, {"action": "mode", "mode": "online"})
    holder.refresh_from_db()
    waiting.refresh_from_db()
    assert (holder.attendance_mode, holder.status) == ("online", "confirmed")
    assert waiting.status == "confirmed"
    page = client.get(reverse("organising:registrant", args=[seminar.slug, holder.pk]))
    assert "Consent history" in page.content.decode()


@pytest.mark.parametrize("name", ["registrant", "registrant_action"])
def test_another_seminars_organiser_cannot_open_or_act_on_a_registrant(
    client, seminar, organiser, other_organiser, name
):
    registration = _register(seminar, 0)
    client.force_login(other_organiser)
    url = reverse(f"organising:{name}", args=[seminar.slug, registration.pk])
    response = (
        client.post(url, {"action": "cancel"}) if name.endswith("action") else client.get(url)
    )
    assert response.status_code == 403
    registration.refresh_from_db()
    assert registration.status == "confirmed"
    # And a registrant of another seminar is not reachable through one's own seminar.
    client.force_login(organiser)
    foreign = _register(factories.SeminarFactory(), 5)
    assert (
        client.get(reverse("organising:registrant", args=[seminar.slug, foreign.pk])).status_code
        == 404
    )
