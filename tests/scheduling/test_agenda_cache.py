"""The agenda page's cached part (scheduling/agenda_page.py): shared by every viewer in one zone
and language, new on the first view after any edit, and never carrying one viewer's links."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from live.services import session_set_faq_published
from seminars.services import session_save
from tests.factories import AgencyFactory, SessionFactory, UserFactory


def page(client, seminar, **headers) -> str:
    response = client.get(seminar.get_absolute_url(), **headers)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def talk(seminar, agency):
    session = SessionFactory(seminar=seminar, title="Selling to the agencies")
    session.agencies.set([agency])
    return session


def test_a_cached_view_reads_only_the_seminar(client, talk, django_assert_num_queries):
    page(client, talk.seminar)
    with django_assert_num_queries(1):  # the seminar with its host and agenda version
        html = page(client, talk.seminar)
    assert "Selling to the agencies" in html


def test_a_title_change_shows_at_once_with_its_changelog_entry(client, talk):
    assert "Selling to the agencies" in page(client, talk.seminar)
    talk.title = "Selling to UNICEF"
    session_save(session=talk)
    html = page(client, talk.seminar)
    assert "<strong>Selling to UNICEF</strong>" in html
    assert "title changed from “Selling to the agencies” to “Selling to UNICEF”" in html


def test_a_time_change_shows_at_once(client, talk):
    assert "Mon 4 Mar 10:00" in page(client, talk.seminar)
    talk.starts_at += timedelta(hours=2)
    talk.ends_at += timedelta(hours=2)
    session_save(session=talk)
    html = page(client, talk.seminar)
    assert "Mon 4 Mar 12:00" in html and "Mon 4 Mar 10:00" not in html


def test_added_and_deleted_sessions_show_at_once(client, talk):
    page(client, talk.seminar)
    late = SessionFactory(
        seminar=talk.seminar,
        title="Late addition",
        starts_at=talk.ends_at,
        ends_at=talk.ends_at + timedelta(hours=1),
    )
    assert "Late addition" in page(client, talk.seminar)
    late.delete()
    assert "Late addition" not in page(client, talk.seminar)


def test_publishing_and_hiding_the_faq_show_at_once(client, talk, organizer):
    # The FAQ flag is written with QuerySet.update(), which leaves updated_at alone.
    faq = reverse("live:faq", args=[talk.seminar.slug, talk.pk])
    assert faq not in page(client, talk.seminar)
    session_set_faq_published(session=talk, user=organizer, published=True)
    assert faq in page(client, talk.seminar)
    session_set_faq_published(session=talk, user=organizer, published=False)
    assert faq not in page(client, talk.seminar)


def test_agency_renames_and_new_agencies_show_at_once(client, talk, agency):
    assert agency.acronym in page(client, talk.seminar)
    agency.acronym = "UNICEF"
    agency.save()
    assert "UNICEF" in page(client, talk.seminar)
    talk.agencies.add(AgencyFactory(acronym="UNDP"))
    assert "UNDP" in page(client, talk.seminar)
    talk.agencies.remove(agency)
    assert "UNICEF" not in page(client, talk.seminar)


def test_a_seminar_zone_change_shows_at_once(client, talk):
    seminar = talk.seminar
    assert "Seminar time (Africa/Nairobi)" in page(client, seminar)
    seminar.time_zone = "Asia/Kathmandu"
    seminar.save()
    html = page(client, seminar)
    assert "Seminar time (Asia/Kathmandu)" in html and "UTC+05:45" in html


def test_each_zone_and_language_gets_its_own_agenda(client, talk):
    url = talk.seminar.get_absolute_url()
    kathmandu = client.get(url, {"tz": "Asia/Kathmandu"}).content.decode()
    lima = client.get(url, {"tz": "America/Lima"}).content.decode()
    assert "Your time (Asia/Kathmandu)" in kathmandu
    assert "Your time (America/Lima)" in lima and "Your time (Asia/Kathmandu)" not in lima
    french = client.get(url, {"tz": "America/Lima"}, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Rejoindre la salle en direct" in french
    assert "Join the live room" in client.get(url, {"tz": "America/Lima"}).content.decode()


def test_an_unknown_zone_is_quoted_to_its_viewer_only(client, talk):
    assert (
        "Not/AZone"
        in client.get(talk.seminar.get_absolute_url(), {"tz": "Not/AZone"}).content.decode()
    )
    assert "Not/AZone" not in page(client, talk.seminar)


def test_manage_and_media_links_only_for_the_organiser_whoever_filled_the_cache(
    client, talk, organizer
):
    seminar = talk.seminar
    media = reverse("media_library_seminar:session_media", args=[seminar.slug, talk.pk])
    planner = reverse("scheduling_seminar:planner", args=[seminar.slug])
    registrations = reverse("registration:registrations", args=[seminar.slug])
    contact = reverse(
        "registration:contact_me", args=[seminar.slug, talk.pk, talk.agencies.get().pk]
    )

    html = page(client, seminar)  # anonymous: fills the cache
    assert media not in html and planner not in html and contact not in html

    client.force_login(organizer)
    html = page(client, seminar)
    assert media in html and planner in html and registrations in html and contact in html

    client.force_login(UserFactory())  # a vendor: may ask to be contacted, manages nothing
    html = page(client, seminar)
    assert contact in html
    assert media not in html and planner not in html and registrations not in html

    client.logout()
    html = page(client, seminar)
    assert media not in html and planner not in html and contact not in html
    assert "<!--viewer-links" not in html


def test_media_links_for_the_sessions_own_presenter_from_the_cached_agenda(client, talk, presenter):
    other = SessionFactory(
        seminar=talk.seminar, starts_at=talk.ends_at, ends_at=talk.ends_at + timedelta(hours=1)
    )
    other.agencies.set([AgencyFactory()])
    page(client, talk.seminar)
    client.force_login(presenter)
    html = page(client, talk.seminar)
    slug = talk.seminar.slug
    assert reverse("media_library_seminar:session_media", args=[slug, talk.pk]) in html
    assert reverse("media_library_seminar:session_media", args=[slug, other.pk]) not in html


def test_contact_me_buttons_carry_each_viewers_own_csrf_token(talk):
    """The agenda was cached for the first vendor; the second vendor's button must still
    pass the CSRF check with the second vendor's cookie."""
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.force_login(UserFactory())
    page(first, talk.seminar)
    second.force_login(UserFactory())
    html = page(second, talk.seminar)
    contact = reverse(
        "registration:contact_me", args=[talk.seminar.slug, talk.pk, talk.agencies.get().pk]
    )
    form = html[html.index(f'action="{contact}"') :]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    response = second.post(contact, {"csrfmiddlewaretoken": token, "next": "/"})
    assert response.status_code == 302  # not 403: the token is this viewer's
