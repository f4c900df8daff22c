"""Inviting presenters and moderators by a single-use, expiring link that never signs in."""

import re

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from seminars.models import SeminarRole
from tests import factories


def _invite(client, seminar, mailoutbox, django_capture_on_commit_callbacks, **data):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("organising:people", args=[seminar.slug]), data)
    return response, (re.search(r"https?://\S+/organise/invitations/\S+/", mailoutbox[-1].body)
                      if mailoutbox else None)  # fmt: skip


@pytest.fixture
def agency(db):
    return factories.AgencyFactory(acronym="UNOPS")


def test_a_new_presenter_creates_an_account_and_signs_in_with_the_password(
    client, organiser, seminar, agency, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(organiser)
    response, link = _invite(
        client, seminar, mailoutbox, django_capture_on_commit_callbacks,
        email="pia@unops.example", role="presenter", agency=agency.pk,
    )  # fmt: skip
    assert response.status_code == 302 and link
    path = link.group(0).split("testserver", 1)[-1]
    client.logout()
    assert "pia@unops.example" in client.get(path).content.decode()  # reading spends nothing
    response = client.post(path, {"full_name": "Pia Lund", "password": "a long pass phrase 42"})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:password")
    # The link signed nobody in.
    assert "_auth_user_id" not in client.session
    user = User.objects.get(email="pia@unops.example")
    role = SeminarRole.objects.get(user=user, seminar=seminar)
    assert (role.role, role.agency, role.granted_by) == ("presenter", agency, organiser)
    signed_in = client.post(
        reverse("accounts:password"),
        {"username": user.username, "password": "a long pass phrase 42"},
    )
    assert signed_in.status_code == 302 and client.session["_auth_user_id"] == str(user.pk)
    # Single use: the same link is refused afterwards.
    client.logout()
    assert client.get(path).status_code == 404
    assert (
        client.post(path, {"full_name": "X", "password": "another long one 43"}).status_code == 404
    )


def test_an_existing_account_accepts_only_signed_in_as_the_invited_address(
    client, organiser, seminar, mailoutbox, django_capture_on_commit_callbacks
):
    mod = factories.UserFactory(email="mo@example.org")
    stranger = factories.UserFactory(email="stranger@example.org")
    client.force_login(organiser)
    _response, link = _invite(
        client, seminar, mailoutbox, django_capture_on_commit_callbacks,
        email="mo@example.org", role="moderator",
    )  # fmt: skip
    path = link.group(0).split("testserver", 1)[-1]
    client.logout()
    page = client.get(path).content.decode()
    assert "Sign in with your password to accept" in page
    # A password-holding account cannot be given a new password through the link.
    client.post(path, {"full_name": "Mallory", "password": "taken over 12345"})
    mod.refresh_from_db()
    assert mod.check_password("pw")
    client.force_login(stranger)
    assert client.post(path).status_code == 400
    assert not SeminarRole.objects.filter(seminar=seminar, role="moderator").exists()
    client.force_login(mod)
    assert client.post(path).status_code == 302
    assert SeminarRole.objects.filter(seminar=seminar, user=mod, role="moderator").exists()


def test_inviting_an_address_that_has_the_role_is_refused_beside_the_field(
    client, organiser, seminar, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(organiser)
    response, link = _invite(
        client, seminar, mailoutbox, django_capture_on_commit_callbacks,
        email=organiser.email.upper(), role="organizer",
    )  # fmt: skip
    assert response.status_code == 400
    assert "already has this role" in response.content.decode()
    assert mailoutbox == [] and link is None


def test_a_presenter_needs_an_agency(client, organiser, seminar):
    client.force_login(organiser)
    response = client.post(
        reverse("organising:people", args=[seminar.slug]),
        {"email": "x@example.org", "role": "presenter"},
    )
    assert response.status_code == 400
    assert "choose it" in response.content.decode()


def test_roles_list_their_granter_and_revoking_takes_the_role_away(client, organiser, seminar):
    presenter = factories.RoleFactory(
        seminar=seminar, role="presenter", agency=factories.AgencyFactory(), granted_by=organiser
    )
    client.force_login(organiser)
    page = client.get(reverse("organising:people", args=[seminar.slug])).content.decode()
    assert "Revoke" in page and presenter.user.email in page
    assert organiser.get_full_name() in page
    client.post(reverse("organising:revoke", args=[seminar.slug, presenter.pk]))
    assert not SeminarRole.objects.filter(pk=presenter.pk).exists()
    # The last organiser stays.
    own = SeminarRole.objects.get(seminar=seminar, user=organiser)
    response = client.post(reverse("organising:revoke", args=[seminar.slug, own.pk]), follow=True)
    assert "at least one organiser" in response.content.decode()
    assert SeminarRole.objects.filter(pk=own.pk).exists()
