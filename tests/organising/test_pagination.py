"""Every list of the workspace is paginated and reads in a fixed number of queries: the same
count with a few rows and with more than a page, and the second page reachable."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organising.models import Announcement, AnnouncementDelivery, Invitation
from seminars.models import SeminarRole
from tests import factories

# Each list reads its count and its page; the rest is the session, the user and the door.
QUERIES = {"home": 6, "people": 9, "announcements": 6, "announcement": 9}


def _queries(client, url, **params) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def _add_roles(seminar, granted_by, n, start):
    users = [factories.UserFactory(username=f"p{start + i}") for i in range(n)]
    SeminarRole.objects.bulk_create(
        SeminarRole(seminar=seminar, user=u, role=SeminarRole.Role.MODERATOR, granted_by=granted_by)
        for u in users
    )


def test_the_roles_and_invitations_lists_page_in_fixed_queries(client, organiser, seminar):
    client.force_login(organiser)
    url = reverse("organising:people", args=[seminar.slug])

    def invite(n, start):
        Invitation.objects.bulk_create(
            Invitation(seminar=seminar, email=f"i{start + i}@example.org", role="moderator")
            for i in range(n)
        )

    _add_roles(seminar, organiser, 2, 0)
    invite(2, 0)
    small, page = _queries(client, url)
    assert "Page 1 of" not in page
    _add_roles(seminar, organiser, 60, 2)
    invite(60, 2)
    large, page = _queries(client, url)
    assert small == large == QUERIES["people"]
    assert page.count('aria-label="Roles"') == 1 and page.count("Page 1 of 2") == 2
    assert page.count(">Revoke</button>") == 50
    second = client.get(url, {"page": 2, "invitations_page": 2}).content.decode()
    assert second.count(">Revoke</button>") == 63 - 50  # 62 moderators and the organiser
    assert second.count("Page 2 of 2") == 2


def test_the_announcements_list_pages_in_fixed_queries(client, organiser, seminar):
    client.force_login(organiser)
    url = reverse("organising:announcements", args=[seminar.slug])

    def announce(n):
        Announcement.objects.bulk_create(
            Announcement(seminar=seminar, created_by=organiser, default_language="en")
            for _ in range(n)
        )

    announce(3)
    small, _ = _queries(client, url)
    announce(60)
    large, page = _queries(client, url)
    assert small == large == QUERIES["announcements"]
    assert page.count("UTC</a> · ") == 50
    assert "Page 1 of 2" in page
    assert "Page 2 of 2" in client.get(url, {"page": 2}).content.decode()


def test_the_delivery_log_pages_in_fixed_queries(client, organiser, seminar):
    client.force_login(organiser)
    announcement = Announcement.objects.create(
        seminar=seminar, created_by=organiser, default_language="en", status="sent"
    )
    url = reverse("organising:announcement", args=[seminar.slug, announcement.pk])

    def deliver(n, start):
        AnnouncementDelivery.objects.bulk_create(
            AnnouncementDelivery(
                announcement=announcement,
                email=f"d{start + i}@example.org",
                language="en",
                outcome="sent",
            )
            for i in range(n)
        )
        Announcement.objects.filter(pk=announcement.pk).update(recipients=start + n)

    deliver(3, 0)
    small, page = _queries(client, url)
    assert "3 of 3 sent" in page
    deliver(60, 3)
    large, page = _queries(client, url)
    assert small == large == QUERIES["announcement"]
    assert "63 of 63 sent" in page and page.count("@example.org</td>") == 50
    assert "Page 1 of 2" in page


@pytest.mark.parametrize("extra", [0, 60])
def test_my_seminars_pages_in_fixed_queries(client, organiser, seminar, extra):
    client.force_login(organiser)
    SeminarRole.objects.bulk_create(
        SeminarRole(seminar=factories.SeminarFactory(), user=organiser, role="organizer")
        for _ in range(extra)
    )
    count, page = _queries(client, reverse("organising:home"))
    assert count == QUERIES["home"]
    assert page.count("<tr><td><a href=") == min(1 + extra, 50)
    assert ("Page 1 of 2" in page) == (extra > 0)
