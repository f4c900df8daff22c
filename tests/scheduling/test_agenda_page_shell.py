"""The agenda page's shell around the cached agenda: the seminar's facts, the calendar links
and the language bar are cached fragments, and the seminar is read with SQL built once
(scheduling/selectors.py). Edits show at once; what is per viewer or per request stays so."""

import re
from datetime import UTC, date, datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.test import Client
from django.urls import reverse

from scheduling import selectors
from seminars.models import Seminar
from tests.factories import RoleFactory, SeminarFactory, UserFactory


def page(client, seminar, **extra) -> str:
    response = client.get(seminar.get_absolute_url(), **extra)
    assert response.status_code == 200
    return response.content.decode()


def test_the_selector_reads_what_the_orm_reads(seminar):
    seminar.description = "Line one\nLine two"
    seminar.registration_opens_at = datetime(2030, 1, 6, 9, 30, tzinfo=UTC)
    seminar.save()
    read = selectors.seminar_with_agenda_version_or_404(user=AnonymousUser(), slug=seminar.slug)
    expected = Seminar.objects.select_related("host").get(pk=seminar.pk)
    for field in Seminar._meta.concrete_fields:
        assert getattr(read, field.attname) == getattr(expected, field.attname), field.name
    assert read.languages == ["en", "fr", "es"]
    assert read.starts_on == date(2030, 3, 4)
    assert read.registration_opens_at == datetime(2030, 1, 6, 9, 30, tzinfo=UTC)
    assert read.host.name == expected.host.name and read.host.pk == expected.host.pk
    assert not read._state.adding and read._state.db == "default"


def test_the_selector_hides_unknown_seminars_and_drafts_from_those_without_a_role(db):
    with pytest.raises(Http404):
        selectors.seminar_with_agenda_version_or_404(user=AnonymousUser(), slug="no-such")
    draft = SeminarFactory(status=Seminar.Status.DRAFT)
    with pytest.raises(Http404):
        selectors.seminar_with_agenda_version_or_404(user=AnonymousUser(), slug=draft.slug)
    organizer = RoleFactory(seminar=draft, role="organizer").user
    read = selectors.seminar_with_agenda_version_or_404(user=organizer, slug=draft.slug)
    assert read.pk == draft.pk


def test_the_agenda_version_changes_with_a_seminar_edit(seminar):
    def version() -> str:
        return selectors.seminar_with_agenda_version_or_404(
            user=AnonymousUser(), slug=seminar.slug
        ).agenda_version

    before = version()
    assert version() == before
    seminar.title = "Renamed"
    seminar.save()
    assert version() != before


def test_seminar_and_host_edits_show_at_once(client, seminar):
    assert seminar.title in page(client, seminar)
    seminar.title = "Supplying the UN in 2030"
    seminar.venue_name = "Kenyatta International Convention Centre"
    seminar.save()
    html = page(client, seminar)
    assert "<h1>Supplying the UN in 2030</h1>" in html
    assert "Kenyatta International Convention Centre" in html
    seminar.host.name = "Kenya Export Promotion Agency"
    seminar.host.save()
    assert "Kenya Export Promotion Agency" in page(client, seminar)


def test_a_status_written_with_update_shows_at_once(client, seminar):
    assert "This seminar has been cancelled." not in page(client, seminar)
    Seminar.objects.filter(pk=seminar.pk).update(status=Seminar.Status.CANCELLED)
    assert "This seminar has been cancelled." in page(client, seminar)


def test_facts_and_calendar_links_are_translated_per_language(client, seminar):
    assert "Hosted by" in page(client, seminar)
    french = page(client, seminar, HTTP_ACCEPT_LANGUAGE="fr")
    assert "Organisé par" in french and "Hosted by" not in french
    assert "Subscribe in your calendar app" not in french
    assert "Hosted by" in page(client, seminar)


def test_the_language_bar_marks_the_viewers_language(client, seminar):
    def current(html: str) -> list[str]:
        return re.findall(r'value="(\w+)" lang="\w+"\s+aria-current="true"', html)

    assert current(page(client, seminar)) == ["en"]
    assert current(page(client, seminar, HTTP_ACCEPT_LANGUAGE="fr")) == ["fr"]
    assert current(page(client, seminar, HTTP_ACCEPT_LANGUAGE="es")) == ["es"]
    assert current(page(client, seminar)) == ["en"]


def test_the_language_form_keeps_each_requests_path_and_csrf_token(seminar):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    page(first, seminar)
    html = page(second, seminar, QUERY_STRING="tz=Asia/Kathmandu")
    form = html[html.index('class="language-bar"') :]
    assert f'name="next" type="hidden" value="{seminar.get_absolute_url()}?tz=Asia/Kathmandu"' in (
        form
    )
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    response = second.post(
        reverse("set_language"), {"csrfmiddlewaretoken": token, "language": "fr", "next": "/"}
    )
    assert response.status_code == 302  # not 403: the token is this request's


def test_calendar_links_follow_the_requests_host(client, seminar):
    assert "http://testserver/" in page(client, seminar)
    html = page(client, seminar, HTTP_HOST="localhost")
    assert "webcal://localhost/" in html and "webcal://testserver/" not in html


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_prepared_read_survives_new_connections_and_sees_edits():
    from django.db import connection

    seminar = SeminarFactory()

    def title() -> str:
        return selectors.seminar_with_agenda_version_or_404(
            user=AnonymousUser(), slug=seminar.slug
        ).title

    assert title() == seminar.title
    Seminar.objects.filter(pk=seminar.pk).update(title="Prepared, then renamed")
    assert title() == "Prepared, then renamed"  # prepared once, planned never again
    connection.close()  # the next read runs on another connection: prepares there too
    assert title() == "Prepared, then renamed"


def test_the_cached_header_is_translated_and_the_sign_in_state_stays_per_viewer(client, seminar):
    english = page(client, seminar)
    assert "Skip to content" in english and 'aria-label="Main"' in english
    assert "Sign in" in english and "Sign out" not in english
    french = page(client, seminar, HTTP_ACCEPT_LANGUAGE="fr")
    assert "Skip to content" not in french and 'aria-label="Main"' not in french
    client.force_login(UserFactory(first_name="Amina", last_name="Odhiambo"))
    signed_in = page(client, seminar)
    assert "Amina Odhiambo" in signed_in and "Sign out" in signed_in
    assert "Skip to content" in signed_in
