"""The organisers' planner page: who may see it, what it shows, how it reacts to bad input."""

import re
from datetime import date

import pytest
from django.urls import reverse

from seminars.models import Seminar
from tests.factories import RoleFactory, SeminarFactory, UserFactory


def planner_url(seminar):
    return reverse("scheduling_seminar:planner", kwargs={"slug": seminar.slug})


QUERY = {
    "on": "2030-03-04",
    "length_minutes": "60",
    "working_start": "08:00",
    "working_end": "20:00",
    "country_0": "Kenya",
    "weight_0": "40",
    "country_1": "BD",
    "weight_1": "30",
    "country_2": "pe",
    "weight_2": "20",
    "country_3": "FJ",
    "weight_3": "10",
}


@pytest.fixture
def nairobi(db):
    return SeminarFactory(time_zone="Africa/Nairobi", starts_on=date(2030, 3, 4))


def test_organiser_sees_the_ranking_the_repeat_and_the_heat_map(client, nairobi):
    client.force_login(RoleFactory(seminar=nairobi, role="organizer").user)
    response = client.get(planner_url(nairobi), QUERY)
    assert response.status_code == 200
    html = response.content.decode()
    assert "No start time suits the whole audience on this day." in html
    best = html.split('<tr class="best">')[1].split("</tr>")[0]
    assert "16:00–17:00" in best and "13:00 UTC" in best and "90%" in best
    assert "Fiji 10%" in best
    assert "Repeat the session at 08:00–09:00 (Africa/Nairobi)" in html
    assert "together suit 100%" in html
    svg = html.split("<svg", 1)[1].split("</svg>")[0]
    assert 'role="img"' in svg
    assert svg.count('<text x="4"') == 4  # one row per country
    # 24 hours × 4 countries, each cell with its own <title>.
    assert len(re.findall(r"<rect [^>]*fill=\"#[0-9a-f]{6}\"><title>", svg)) == 96
    assert "Fiji: 01:00 (Night). 16:00 Africa/Nairobi" in svg
    assert "Kenya: 16:00 (Working hours). 16:00 Africa/Nairobi" in svg
    for band in ("Night", "Early morning", "Working hours", "Evening"):
        assert band in html.split("<figcaption>")[1]


def test_first_visit_is_prefilled_and_already_ranked(client, nairobi):
    client.force_login(RoleFactory(seminar=nairobi, role="organizer").user)
    html = client.get(planner_url(nairobi)).content.decode()
    assert 'name="country_0" value="KE"' in html
    assert 'name="on" value="2030-03-04"' in html
    assert 'name="working_start" value="08:00"' in html
    assert '<tr class="best">' in html


def test_bad_country_gets_a_clear_message_and_no_result(client, nairobi):
    client.force_login(RoleFactory(seminar=nairobi, role="organizer").user)
    response = client.get(planner_url(nairobi), {**QUERY, "country_1": "Atlantis"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "“Atlantis” is not a country we know" in html
    assert '<tr class="best">' not in html


def test_working_hours_must_end_after_they_start(client, nairobi):
    client.force_login(RoleFactory(seminar=nairobi, role="organizer").user)
    response = client.get(planner_url(nairobi), {**QUERY, "working_end": "07:00"})
    assert response.status_code == 400
    assert "Working hours must end after they start." in response.content.decode()


def test_country_without_weight_is_rejected(client, nairobi):
    client.force_login(RoleFactory(seminar=nairobi, role="organizer").user)
    response = client.get(planner_url(nairobi), {**QUERY, "weight_0": ""})
    assert response.status_code == 400
    assert "Give this country a weight." in response.content.decode()


def test_anonymous_visitor_is_sent_to_sign_in(client, nairobi):
    response = client.get(planner_url(nairobi))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign_in"))


@pytest.mark.parametrize("role", ["moderator", "presenter", None])
def test_others_than_organisers_are_refused(client, nairobi, agency, role):
    if role is None:
        user = UserFactory()
    else:
        user = RoleFactory(
            seminar=nairobi, role=role, agency=agency if role == "presenter" else None
        ).user
    client.force_login(user)
    assert client.get(planner_url(nairobi), QUERY).status_code == 403


def test_organiser_of_another_seminar_is_refused(client, nairobi):
    other = RoleFactory(role="organizer").user
    client.force_login(other)
    assert client.get(planner_url(nairobi)).status_code == 403
    draft = SeminarFactory(status=Seminar.Status.DRAFT)
    # A draft they have no role in does not exist for them.
    assert client.get(planner_url(draft)).status_code == 404


def test_draft_seminar_planner_works_for_its_organiser(client, db):
    draft = SeminarFactory(status=Seminar.Status.DRAFT)
    client.force_login(RoleFactory(seminar=draft, role="organizer").user)
    assert client.get(planner_url(draft)).status_code == 200


def test_agenda_links_the_planner_only_for_organisers(client, nairobi):
    detail = reverse("seminars:detail", kwargs={"slug": nairobi.slug})
    assert planner_url(nairobi) not in client.get(detail).content.decode()
    client.force_login(RoleFactory(seminar=nairobi, role="organizer").user)
    assert planner_url(nairobi) in client.get(detail).content.decode()
