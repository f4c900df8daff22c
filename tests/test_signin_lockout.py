"""Password sign-in lockout (django-axes): per account, per client address, on the site's
sign-in page and the admin's, answered with a translated 429 that says when to try again."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.utils import timezone

from tests import factories

LOGIN = "/accounts/sign-in/password/"
ADMIN_LOGIN = "/admin/login/"


@pytest.fixture(autouse=True)
def _lockout_settings(settings):
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)
    settings.TRUSTED_PROXY_COUNT = 0


@pytest.fixture
def organiser(db):
    return factories.UserFactory(username="amina", is_staff=True)


def _try(client, username, password, *, url=LOGIN, address="203.0.113.7", **extra):
    return client.post(
        url, {"username": username, "password": password}, REMOTE_ADDR=address, **extra
    )


def _signed_in(client) -> bool:
    return SESSION_KEY in client.session


def test_a_few_wrong_passwords_then_the_right_one_signs_in(client, organiser):
    for _ in range(4):
        assert _try(client, "amina", "wrong").status_code == 200
    response = _try(client, "amina", "pw")
    assert response.status_code == 302 and _signed_in(client)


def test_fifty_wrong_passwords_then_the_right_one_does_not_sign_in(client, organiser):
    statuses = [_try(client, "amina", "wrong").status_code for _ in range(50)]
    assert statuses[:4] == [200] * 4 and set(statuses[4:]) == {429}
    response = _try(client, "amina", "pw")
    assert response.status_code == 429
    assert response["Retry-After"] == str(15 * 60)
    assert "Please try again in 15 minutes." in response.content.decode()
    assert not _signed_in(client)


def test_the_account_is_counted_across_client_addresses(client, organiser):
    for number in range(5):
        _try(client, "amina", "wrong", address=f"198.51.100.{number}")
    assert _try(client, "amina", "pw", address="192.0.2.200").status_code == 429
    assert not _signed_in(client)


def test_the_client_address_is_counted_across_accounts(client, organiser, db):
    other = factories.UserFactory(username="kofi")
    for number in range(5):
        _try(client, f"guess{number}", "wrong")
    assert _try(client, "kofi", "pw").status_code == 429
    assert not _signed_in(client)
    # The same person from another network is not held back by that address.
    assert _try(client, other.username, "pw", address="192.0.2.9").status_code == 302


def test_the_admin_sign_in_is_locked_out_too(client, organiser):
    for _ in range(5):
        _try(client, "amina", "wrong", url=ADMIN_LOGIN)
    response = _try(client, "amina", "pw", url=ADMIN_LOGIN)
    assert response.status_code == 429 and response["Retry-After"] == "900"
    assert not _signed_in(client)


def test_failures_on_one_page_count_on_the_other(client, organiser):
    for _ in range(3):
        _try(client, "amina", "wrong", url=ADMIN_LOGIN)
    for _ in range(2):
        _try(client, "amina", "wrong")
    assert _try(client, "amina", "pw", url=ADMIN_LOGIN).status_code == 429


def test_after_the_cool_off_the_right_password_signs_in_again(client, organiser):
    for _ in range(6):
        _try(client, "amina", "wrong")
    assert _try(client, "amina", "pw").status_code == 429
    # Move the recorded failures back past the cool-off rather than waiting 15 minutes.
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    response = _try(client, "amina", "pw")
    assert response.status_code == 302 and _signed_in(client)


def test_the_lockout_page_is_translated(client, organiser):
    for _ in range(5):
        _try(client, "amina", "wrong")
    response = _try(client, "amina", "pw", HTTP_ACCEPT_LANGUAGE="fr")
    body = response.content.decode()
    assert response.status_code == 429
    assert "Veuillez réessayer dans 15 minutes." in body
    assert "Connexion suspendue" in body


def test_limits_follow_the_settings(client, organiser, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.AXES_COOLOFF_TIME = timedelta(minutes=3)
    _try(client, "amina", "wrong")
    response = _try(client, "amina", "wrong")
    assert response.status_code == 429 and response["Retry-After"] == "180"


def test_a_forged_forwarded_for_does_not_escape_the_address_limit(client, organiser, settings):
    """Behind one proxy, only the entry the proxy appended names the client; what the client
    put before it changes nothing."""
    settings.TRUSTED_PROXY_COUNT = 1
    for number in range(5):
        _try(
            client,
            f"guess{number}",
            "wrong",
            address="127.0.0.1",
            HTTP_X_FORWARDED_FOR=f"10.9.9.{number}, 203.0.113.50",
        )
    forged = _try(
        client, "amina", "pw", address="127.0.0.1", HTTP_X_FORWARDED_FOR="10.1.1.1, 203.0.113.50"
    )
    assert forged.status_code == 429
    elsewhere = _try(client, "amina", "pw", address="127.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.1")
    assert elsewhere.status_code == 302


def test_without_a_trusted_proxy_forwarded_for_is_ignored(client, organiser):
    for number in range(5):
        _try(client, f"guess{number}", "wrong", HTTP_X_FORWARDED_FOR=f"10.9.9.{number}")
    assert _try(client, "amina", "pw", HTTP_X_FORWARDED_FOR="192.0.2.1").status_code == 429


@pytest.mark.django_db(transaction=True)
async def test_the_lockout_holds_under_asgi_too(async_client, transactional_db):
    """Daphne serves the site through the ASGI handler, where the middleware runs async."""
    from channels.db import database_sync_to_async

    await database_sync_to_async(factories.UserFactory)(username="amina")
    for _ in range(5):
        await async_client.post(
            LOGIN, {"username": "amina", "password": "wrong"}, REMOTE_ADDR="203.0.113.7"
        )
    response = await async_client.post(
        LOGIN, {"username": "amina", "password": "pw"}, REMOTE_ADDR="203.0.113.7"
    )
    assert response.status_code == 429 and response["Retry-After"] == "900"
    assert "Please try again in 15 minutes." in response.content.decode()
