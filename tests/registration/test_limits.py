"""Emailed links (confirmations and sign-in links) per address and per client: under the limit
they are sent, past it the person is told when to try again (429, Retry-After) and nothing is
stored or sent; known and unknown addresses are answered alike."""

import pytest
from django.core import mail
from django.urls import reverse

from registration.models import Person, Registration, SignInToken
from tests.registration.test_views import _form_data

HOUR = 3600


@pytest.fixture(autouse=True)
def _rates(settings):
    settings.REGISTRATION_LINK_RATE_PER_ADDRESS = (5, HOUR)
    settings.REGISTRATION_LINK_RATE_PER_CLIENT = (20, 600)
    settings.TRUSTED_PROXY_COUNT = 0


def _url(name, seminar):
    return reverse(f"registration:{name}", kwargs={"slug": seminar.slug})


def _register(client, seminar, agencies, *, address="203.0.113.7", **overrides):
    return client.post(
        _url("register", seminar), _form_data(agencies, **overrides), REMOTE_ADDR=address
    )


def _sign_in(client, seminar, email, *, address="203.0.113.7", **extra):
    return client.post(_url("sign_in", seminar), {"email": email}, REMOTE_ADDR=address, **extra)


def test_twenty_registrations_for_one_address_send_five_emails(
    client, open_seminar, agencies, now, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        statuses = [
            _register(client, open_seminar, agencies, address=f"198.51.100.{n}").status_code
            for n in range(20)
        ]
    assert statuses == [302] * 5 + [429] * 15
    assert len(mail.outbox) == 5 and {m.to[0] for m in mail.outbox} == {"ana@lima.example"}
    assert SignInToken.objects.count() == 5
    assert Person.objects.count() == 0 and Registration.objects.count() == 0


def test_a_refused_registration_says_when_to_try_again_and_keeps_the_form(
    client, open_seminar, agencies, now
):
    for _ in range(5):
        _register(client, open_seminar, agencies)
    now["t"] += 10 * 60
    response = _register(client, open_seminar, agencies)
    assert response.status_code == 429
    assert response["Retry-After"] == str(50 * 60)
    page = response.content.decode()
    assert "Too many emails were asked for this address or from this network." in page
    assert "Please try again in 50 minutes." in page
    assert 'value="Andes Textiles SAC"' in page  # nothing typed is lost


def test_one_client_may_ask_for_twenty_links_in_ten_minutes(client, open_seminar, agencies, now):
    statuses = [
        _register(client, open_seminar, agencies, email=f"vendor{n}@example.org").status_code
        for n in range(21)
    ]
    assert statuses == [302] * 20 + [429]
    assert SignInToken.objects.count() == 20
    # Another network is not held back by this one.
    other = _register(client, open_seminar, agencies, email="x@example.org", address="192.0.2.1")
    assert other.status_code == 302


def test_the_windows_passing_allows_links_again(client, open_seminar, agencies, now):
    for _ in range(6):
        _register(client, open_seminar, agencies)
    assert _register(client, open_seminar, agencies).status_code == 429
    now["t"] += HOUR
    assert _register(client, open_seminar, agencies).status_code == 302
    assert SignInToken.objects.count() == 6


def test_sign_in_links_answer_known_and_unknown_addresses_alike(
    client, open_seminar, register, now, django_capture_on_commit_callbacks
):
    register(email="known@example.org")
    mail.outbox.clear()
    answers = {}
    with django_capture_on_commit_callbacks(execute=True):
        for email in ("known@example.org", "nobody@example.org"):
            answers[email] = [
                (r.status_code, r.get("Retry-After"), r.get("Location"))
                for r in (_sign_in(client, open_seminar, email) for _ in range(7))
            ]
    assert answers["known@example.org"] == answers["nobody@example.org"]
    assert [status for status, _, _ in answers["known@example.org"]] == [302] * 5 + [429] * 2
    assert len(mail.outbox) == 5 and {m.to[0] for m in mail.outbox} == {"known@example.org"}


def test_a_refused_sign_in_link_says_when_to_try_again(client, open_seminar, now):
    for _ in range(5):
        _sign_in(client, open_seminar, "nobody@example.org")
    response = _sign_in(client, open_seminar, "NoBody@Example.org ")
    assert response.status_code == 429 and response["Retry-After"] == str(HOUR)
    assert "Please try again in 60 minutes." in response.content.decode()


def test_registration_and_sign_in_links_share_one_budget(client, open_seminar, agencies, now):
    for _ in range(3):
        _register(client, open_seminar, agencies)
    for _ in range(2):
        assert _sign_in(client, open_seminar, "ana@lima.example").status_code == 302
    assert _register(client, open_seminar, agencies).status_code == 429


def test_the_refusal_is_translated(client, open_seminar, now):
    for _ in range(5):
        _sign_in(client, open_seminar, "nobody@example.org")
    response = _sign_in(client, open_seminar, "nobody@example.org", HTTP_ACCEPT_LANGUAGE="fr")
    page = response.content.decode()
    assert response.status_code == 429
    assert "Trop de courriels ont été demandés pour cette adresse ou depuis ce réseau." in page
    assert "Veuillez réessayer dans 60 minutes." in page


def test_a_signed_in_vendor_editing_their_registration_is_not_counted(
    client, open_seminar, agencies, register, now
):
    registration = register(email="ana@lima.example")
    client.force_login(registration.person.user)
    statuses = {_register(client, open_seminar, agencies).status_code for _ in range(7)}
    assert statuses == {302}
    assert SignInToken.objects.count() == 0
