"""Every page and action of a seminar's workspace: its organisers and superusers may, an
organiser of another seminar may not (403 for a public seminar, 404 for a draft), and a
signed-out visitor is sent to sign in. Nothing changes on a refused action."""

import pytest
from django.urls import reverse

from organising.models import Announcement
from polls.models import FeedbackQuestions
from seminars.models import Organization, Seminar, SeminarRole, SessionChange
from tests import factories

PAGES = [
    "overview",
    "edit",
    "duplicate",
    "agenda",
    "session_new",
    "notices",
    "people",
    "registrants",
    "agencies",
]
SESSION_PAGES = ["session_edit", "session_delete", "session_feedback"]
ACTIONS = ["publish", "unpublish", "notices_send", "notices_dismiss", "bulk"]


def _urls(seminar):
    session = seminar.sessions.first()
    role = seminar.roles.first()
    agency = session.agencies.first()
    announcement = Announcement.objects.get_or_create(seminar=seminar, default_language="en")[0]
    urls = [("get", reverse(f"organising:{name}", args=[seminar.slug])) for name in PAGES]
    urls += [
        ("get", reverse(f"organising:{name}", args=[seminar.slug, session.pk]))
        for name in SESSION_PAGES
    ]
    urls += [("post", reverse(f"organising:{name}", args=[seminar.slug])) for name in ACTIONS]
    urls += [
        ("post", reverse("organising:session_cancel", args=[seminar.slug, session.pk])),
        ("post", reverse("organising:session_delete", args=[seminar.slug, session.pk])),
        ("post", reverse("organising:session_edit", args=[seminar.slug, session.pk])),
        ("post", reverse("organising:session_feedback", args=[seminar.slug, session.pk])),
        ("post", reverse("organising:edit", args=[seminar.slug])),
        ("post", reverse("organising:people", args=[seminar.slug])),
        ("post", reverse("organising:agencies", args=[seminar.slug])),
        ("get", reverse("organising:agency_edit", args=[seminar.slug, agency.pk])),
        ("post", reverse("organising:agency_edit", args=[seminar.slug, agency.pk])),
        ("post", reverse("organising:revoke", args=[seminar.slug, role.pk])),
        ("post", reverse("organising:duplicate", args=[seminar.slug])),
        ("post", reverse("organising:announcements", args=[seminar.slug])),
        ("get", reverse("organising:announcement", args=[seminar.slug, announcement.pk])),
        ("post", reverse("organising:announcement_send", args=[seminar.slug, announcement.pk])),
    ]
    return urls


def _snapshot(seminar):
    seminar.refresh_from_db()
    return (
        seminar.status,
        seminar.title,
        list(seminar.sessions.values_list("pk", "starts_at", "cancelled_at")),
        list(seminar.roles.values_list("pk", flat=True)),
        Seminar.objects.count(),
        SessionChange.objects.count(),
        list(Announcement.objects.values_list("pk", "status")),
        list(Organization.objects.values_list("pk", "name", "acronym")),
        list(FeedbackQuestions.objects.values_list("session_id", "question_one", "question_two")),
    )


@pytest.mark.parametrize("status", [Seminar.Status.PUBLISHED, Seminar.Status.DRAFT])
def test_an_organiser_of_another_seminar_is_refused_everywhere_and_changes_nothing(
    client, seminar, organiser, other_organiser, status
):
    Seminar.objects.filter(pk=seminar.pk).update(status=status)
    urls = _urls(seminar)
    before = _snapshot(seminar)
    client.force_login(other_organiser)
    expected = 403 if status == Seminar.Status.PUBLISHED else 404
    for method, url in urls:
        response = getattr(client, method)(url, {"title": "Hijacked", "minutes": 5})
        assert response.status_code == expected, (method, url)
    assert _snapshot(seminar) == before


def test_a_signed_out_visitor_is_sent_to_sign_in_and_changes_nothing(client, seminar, organiser):
    urls = _urls(seminar)
    before = _snapshot(seminar)
    for method, url in urls + [("get", reverse("organising:home"))]:
        response = getattr(client, method)(url)
        assert response.status_code == 302, (method, url)
        assert response["Location"].startswith(reverse("accounts:sign_in"))
    assert _snapshot(seminar) == before


def test_a_presenter_of_the_seminar_is_not_an_organiser(client, seminar):
    presenter = factories.UserFactory()
    factories.RoleFactory(
        seminar=seminar,
        user=presenter,
        role=SeminarRole.Role.PRESENTER,
        agency=factories.AgencyFactory(),
    )
    client.force_login(presenter)
    for method, url in _urls(seminar):
        assert getattr(client, method)(url).status_code == 403, (method, url)
    assert client.get(reverse("organising:home")).status_code == 403
    assert client.get(reverse("organising:create")).status_code == 403


@pytest.mark.parametrize("who", ["organiser", "superuser"])
def test_the_organiser_and_a_superuser_open_every_page(client, seminar, organiser, who):
    user = organiser if who == "organiser" else factories.UserFactory(is_superuser=True)
    client.force_login(user)
    for method, url in _urls(seminar):
        if method == "get":
            assert client.get(url).status_code == 200, url
    assert client.get(reverse("organising:home")).status_code == 200


def test_the_organisers_list_shows_only_their_seminars(client, seminar, organiser):
    elsewhere = factories.SeminarFactory(title="Someone else's seminar")
    client.force_login(organiser)
    page = client.get(reverse("organising:home")).content.decode()
    assert seminar.title in page and elsewhere.title not in page
    assert "Create seminar" in page
