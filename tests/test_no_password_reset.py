"""No emailed password reset: the accounts that have passwords (staff, organisers, presenters)
must not be opened by whoever holds their mailbox, and nobody can flood them with reset mail."""

import pytest
from django.core import mail
from django.urls import NoReverseMatch, reverse

from tests import factories


@pytest.mark.parametrize("path", ["/accounts/password_reset/", "/accounts/reset/MQ/set-password/"])
def test_password_reset_pages_do_not_exist(client, db, path):
    factories.UserFactory(email="organiser@un.example", is_staff=True)
    assert client.get(path).status_code == 404
    assert client.post(path, {"email": "organiser@un.example"}).status_code == 404
    assert mail.outbox == []
    with pytest.raises(NoReverseMatch):
        reverse("password_reset")


def test_sign_in_sign_out_and_password_change_remain(client, db):
    assert client.get(reverse("accounts:sign_in")).status_code == 200
    assert client.get(reverse("accounts:password")).status_code == 200
    assert client.get(reverse("password_change")).status_code == 302  # asks to sign in first
    assert client.post(reverse("accounts:sign_out")).status_code == 302
