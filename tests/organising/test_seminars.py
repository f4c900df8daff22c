"""Creating, editing, publishing and duplicating a seminar without the admin."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from registration import services as registration_services
from registration.models import Registration
from seminars.models import Seminar, SeminarRole
from tests import factories
from tests.factories import registration_payload


def _form(**overrides):
    data = {
        "title": "Nairobi Procurement Seminar",
        "host_name": "Kenya Export Promotion Council",
        "format": "hybrid",
        "time_zone": "Africa/Nairobi",
        "starts_on": "2031-05-06",
        "ends_on": "2031-05-07",
        "languages": ["en", "fr"],
        "online_capacity": "",
        "in_room_capacity": "50",
        "registration_opens_local": "2031-04-01T09:00",
        "registration_closes_local": "2031-05-05T17:00",
        "personal_data_retention_days": "60",
        "privacy_notice_version": "2026-01",
    }
    data.update(overrides)
    return data


def test_creating_a_seminar_makes_a_draft_its_creator_organises(client, organiser):
    client.force_login(organiser)
    page = client.get(reverse("organising:create")).content.decode()
    # Languages as checkboxes in the UN order; the zone picker lists offsets.
    order = [page.index(f'value="{code}"') for code in ("ar", "zh-hans", "en", "fr", "ru", "es")]
    assert order == sorted(order)
    assert 'type="checkbox" name="languages"' in page
    assert "Nairobi (UTC+03:00)" in page
    response = client.post(reverse("organising:create"), _form())
    assert response.status_code == 302
    created = Seminar.objects.get(title="Nairobi Procurement Seminar")
    assert created.status == Seminar.Status.DRAFT
    assert created.languages == ["en", "fr"]
    assert created.host.name == "Kenya Export Promotion Council"
    # 09:00 in Nairobi (UTC+3) is 06:00 UTC.
    assert created.registration_opens_at.hour == 6
    role = SeminarRole.objects.get(seminar=created, user=organiser)
    assert role.role == SeminarRole.Role.ORGANIZER and role.granted_by == organiser


def test_an_unknown_zone_is_refused_beside_the_field_and_creates_nothing(client, organiser):
    client.force_login(organiser)
    before = Seminar.objects.count()
    response = client.post(reverse("organising:create"), _form(time_zone="Mars/Olympus"))
    assert response.status_code == 400
    assert "Choose a time zone from the list" in response.content.decode()
    assert Seminar.objects.count() == before


def test_a_capacity_below_the_confirmed_places_says_how_many_and_saves_nothing(
    client, seminar, organiser
):
    for n in range(3):
        registration_services.registration_apply(
            seminar=seminar,
            payload=registration_payload(email=f"v{n}@example.org", attendance_mode="in_room"),
        )
    client.force_login(organiser)
    data = _form(
        title=seminar.title,
        starts_on="2030-03-04",
        ends_on="2030-03-05",
        in_room_capacity="2",
        registration_opens_local="",
        registration_closes_local="",
    )
    response = client.post(reverse("organising:edit", args=[seminar.slug]), data)
    assert response.status_code == 400
    assert "3 people already have a confirmed place" in response.content.decode()
    seminar.refresh_from_db()
    assert seminar.in_room_capacity is None


def test_raising_the_capacity_promotes_the_waiting_list_in_order(client, seminar, organiser):
    Seminar.objects.filter(pk=seminar.pk).update(in_room_capacity=1)
    seminar.refresh_from_db()
    made = [
        registration_services.registration_apply(
            seminar=seminar,
            payload=registration_payload(email=f"v{n}@example.org", attendance_mode="in_room"),
        )
        for n in range(4)
    ]
    assert [r.status for r in made] == ["confirmed", "waiting", "waiting", "waiting"]
    client.force_login(organiser)
    data = _form(
        title=seminar.title,
        starts_on="2030-03-04",
        ends_on="2030-03-05",
        in_room_capacity="3",
        registration_opens_local="",
        registration_closes_local="",
    )
    assert client.post(reverse("organising:edit", args=[seminar.slug]), data).status_code == 302
    statuses = [Registration.objects.get(pk=r.pk).status for r in made]
    assert statuses == ["confirmed", "confirmed", "confirmed", "waiting"]


def test_publishing_is_refused_with_a_checklist_until_the_seminar_is_ready(client, organiser):
    draft = factories.SeminarFactory(status=Seminar.Status.DRAFT)
    factories.RoleFactory(seminar=draft, user=organiser)
    factories.SessionFactory(seminar=draft, title="Nobody presents")
    client.force_login(organiser)
    page = client.get(reverse("organising:overview", args=[draft.slug])).content.decode()
    assert "Nobody presents" in page and "No privacy notice version is set." in page
    client.post(reverse("organising:publish", args=[draft.slug]))
    draft.refresh_from_db()
    assert draft.status == Seminar.Status.DRAFT
    draft.privacy_notice_version = "2026-01"
    draft.save()
    draft.sessions.get().agencies.set([factories.AgencyFactory()])
    client.post(reverse("organising:publish", args=[draft.slug]))
    draft.refresh_from_db()
    assert draft.status == Seminar.Status.PUBLISHED
    client.post(reverse("organising:unpublish", args=[draft.slug]))
    draft.refresh_from_db()
    assert draft.status == Seminar.Status.DRAFT


@pytest.mark.parametrize("with_agencies", [True, False])
def test_duplicating_shifts_sessions_to_the_new_dates_at_the_same_wall_clock(
    client, seminar, organiser, with_agencies
):
    client.force_login(organiser)
    data = {"title": "Next year", "starts_on": "2031-03-10"}
    if with_agencies:
        data["with_agencies"] = "on"
    assert (
        client.post(reverse("organising:duplicate", args=[seminar.slug]), data).status_code == 302
    )
    copy = Seminar.objects.get(title="Next year")
    assert (copy.starts_on, copy.ends_on) == (date(2031, 3, 10), date(2031, 3, 11))
    assert copy.status == Seminar.Status.DRAFT
    [original], [new] = seminar.sessions.all(), copy.sessions.all()
    assert (
        new.starts_at.astimezone(copy.zone).time()
        == original.starts_at.astimezone(seminar.zone).time()
    )
    assert new.starts_at - original.starts_at == timedelta(
        days=(date(2031, 3, 10) - seminar.starts_on).days
    )
    assert new.agencies.exists() is with_agencies
    assert copy.roles.filter(user=organiser, role="organizer").exists()
