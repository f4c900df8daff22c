"""The one sign-in page and its emailed links: the same answer for known and unknown
addresses, single-use, 15 minutes, spent only by POST, bound to the asking browser where
possible, in the person's language, limited per address and client, never for staff."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse

from accesskeys import purposes
from accounts import services
from tests import factories

SIGN_IN = "/accounts/sign-in/"


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def _link_path(email: str) -> str:
    body = next(m.body for m in reversed(mail.outbox) if m.to == [email])
    url = next(line for line in body.splitlines() if "/accounts/sign-in/link/" in line).strip()
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def _ask(client, email: str, next_path: str = "", capture=None):
    with capture(execute=True):
        return client.post(SIGN_IN, {"email": email, "next": next_path})


def test_old_login_address_redirects_to_the_sign_in_page_keeping_next(client):
    response = client.get("/accounts/login/?next=/seminars/x/")
    assert response.status_code == 302
    assert response["Location"] == f"{SIGN_IN}?next=/seminars/x/"
    assert reverse("accounts:sign_in") == SIGN_IN


def test_header_and_protected_pages_lead_to_the_sign_in_page(client, db):
    page = client.get("/seminars/")
    assert f'href="{SIGN_IN}?next=/seminars/"' in page.content.decode()
    assert client.get("/accounts/")["Location"].startswith(f"{SIGN_IN}?next=")


def test_known_and_unknown_addresses_get_the_same_answer(
    client, vendor_registration, django_capture_on_commit_callbacks
):
    known = _ask(client, "vendor@firm.example", capture=django_capture_on_commit_callbacks)
    unknown = _ask(client, "nobody@firm.example", capture=django_capture_on_commit_callbacks)
    assert (known.status_code, known["Location"]) == (302, reverse("accounts:sent"))
    assert (unknown.status_code, unknown["Location"]) == (302, reverse("accounts:sent"))
    assert [
        m.to
        for m in mail.outbox
        if "sign-in" in m.subject.lower() or "connexion" in m.subject.lower()
    ] == [["vendor@firm.example"]]


def test_link_is_in_the_persons_language_and_signs_in_once_by_post_to_next(
    client, vendor_registration, django_capture_on_commit_callbacks
):
    room = f"/seminars/{vendor_registration.seminar.slug}/"
    _ask(client, "vendor@firm.example", room, capture=django_capture_on_commit_callbacks)
    message = mail.outbox[-1]
    assert "connexion" in message.subject.lower()  # French, the vendor's language
    link = _link_path("vendor@firm.example")

    page = client.get(link)  # what a mail scanner does
    assert page.status_code == 200 and not _signed_in(client)
    assert "another browser" not in page.content.decode()  # the same browser asked
    used = client.post(link)
    assert used.status_code == 302 and used["Location"] == room
    assert _signed_in(client)
    assert int(client.session["_auth_user_id"]) == vendor_registration.person.user_id

    client.logout()
    again = client.post(link)
    assert again.status_code == 410 and not _signed_in(client)
    assert "already been used" in again.content.decode()


def test_link_opened_in_another_browser_says_so(
    client, vendor_registration, django_capture_on_commit_callbacks
):
    from django.test import Client

    _ask(client, "vendor@firm.example", capture=django_capture_on_commit_callbacks)
    other = Client()
    page = other.get(_link_path("vendor@firm.example"))
    assert page.status_code == 200
    assert "asked for in another browser" in page.content.decode()


def test_expired_link_is_refused_with_a_clear_page(
    client, vendor_registration, django_capture_on_commit_callbacks, settings
):
    _ask(client, "vendor@firm.example", capture=django_capture_on_commit_callbacks)
    link = _link_path("vendor@firm.example")
    assert purposes.ACCOUNT_SIGN_IN.max_age() == timedelta(minutes=15)
    settings.ACCOUNT_SIGN_IN_LINK_MAX_AGE = -1  # any age is now past it
    refused = client.post(link)
    assert refused.status_code == 410 and not _signed_in(client)
    assert "expired" in refused.content.decode()


def test_a_newer_link_replaces_the_older(
    client, vendor_registration, django_capture_on_commit_callbacks
):
    _ask(client, "vendor@firm.example", capture=django_capture_on_commit_callbacks)
    first = _link_path("vendor@firm.example")
    _ask(client, "vendor@firm.example", capture=django_capture_on_commit_callbacks)
    assert client.post(first).status_code == 410
    assert client.post(_link_path("vendor@firm.example")).status_code == 302


@pytest.mark.parametrize("kind", ["staff", "superuser", "organizer"])
def test_staff_cannot_sign_in_with_an_emailed_link(
    client, vendor_registration, django_capture_on_commit_callbacks, kind
):
    """A link issued while the vendor was plain is refused once the account holds rights."""
    _ask(client, "vendor@firm.example", capture=django_capture_on_commit_callbacks)
    link = _link_path("vendor@firm.example")
    user = vendor_registration.person.user
    if kind == "organizer":
        factories.RoleFactory(seminar=vendor_registration.seminar, user=user, role="organizer")
    else:
        user.is_staff = True
        user.is_superuser = kind == "superuser"
        user.save()
    refused = client.post(link)
    assert refused.status_code == 403 and not _signed_in(client)
    assert "Sign in with your password" in refused.content.decode()
    # And they are sent no link at all from now on (the same answer on the page).
    before = len(mail.outbox)
    answer = _ask(client, "vendor@firm.example", capture=django_capture_on_commit_callbacks)
    assert answer.status_code == 302 and len(mail.outbox) == before


def test_staff_user_with_a_vendor_address_gets_no_link(
    client, vendor_registration, django_capture_on_commit_callbacks
):
    person = vendor_registration.person
    person.user = None
    person.save()
    factories.UserFactory(email="vendor@firm.example", is_staff=True)
    before = len(mail.outbox)
    _ask(client, "vendor@firm.example", capture=django_capture_on_commit_callbacks)
    assert len(mail.outbox) == before


def test_rate_limited_per_address_with_the_same_answer_for_unknown(
    client, vendor_registration, django_capture_on_commit_callbacks, settings
):
    settings.REGISTRATION_LINK_RATE_PER_ADDRESS = (2, 3600)
    for email in ("vendor@firm.example", "nobody@firm.example"):
        answers = [
            _ask(client, email, capture=django_capture_on_commit_callbacks).status_code
            for _ in range(3)
        ]
        assert answers == [302, 302, 429]
    refused = _ask(client, "vendor@firm.example", capture=django_capture_on_commit_callbacks)
    assert int(refused["Retry-After"]) > 0
    assert "Too many emails" in refused.content.decode()


def test_rate_limited_per_client(client, db, django_capture_on_commit_callbacks, settings):
    settings.REGISTRATION_LINK_RATE_PER_CLIENT = (3, 600)
    answers = [
        _ask(client, f"p{i}@firm.example", capture=django_capture_on_commit_callbacks).status_code
        for i in range(4)
    ]
    assert answers == [302, 302, 302, 429]


@pytest.mark.parametrize(
    "candidate",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "http:/evil.example",
        "javascript:alert(1)",
        "/\t/evil.example",
    ],
)
def test_only_same_site_paths_are_kept_as_next(
    client, vendor_registration, django_capture_on_commit_callbacks, candidate
):
    _ask(client, "vendor@firm.example", candidate, capture=django_capture_on_commit_callbacks)
    used = client.post(_link_path("vendor@firm.example"))
    assert used.status_code == 302 and used["Location"] == reverse("seminars:list")


def test_tampered_or_foreign_token_is_refused(client, vendor_registration):
    from accesskeys import tokens

    join_token = tokens.issue(purposes.SIGN_IN, subject="x", data={"t": 1})
    for token in ("not-a-token", join_token):
        response = client.post(f"/accounts/sign-in/link/{token}/")
        assert response.status_code == 400 and not _signed_in(client)


def test_password_form_signs_staff_in_and_keeps_same_site_next(client, db):
    factories.UserFactory(username="officer", password="correct horse", is_staff=True)
    response = client.post(
        reverse("accounts:password"),
        {"username": "officer", "password": "correct horse", "next": "/seminars/"},
        REMOTE_ADDR="10.0.0.1",
    )
    assert response.status_code == 302 and response["Location"] == "/seminars/"
    assert _signed_in(client)


def test_services_refuse_a_refused_account_and_leave_the_link_unspent(
    vendor_registration, django_capture_on_commit_callbacks
):
    from accesskeys.models import SpentKey

    with django_capture_on_commit_callbacks(execute=True):
        services.sign_in_link_request(
            email="vendor@firm.example", client="10.0.0.9", next_path="", browser=""
        )
    raw = _link_path("vendor@firm.example").rstrip("/").rsplit("/", 1)[1]
    user = vendor_registration.person.user
    user.is_staff = True
    user.save()
    with pytest.raises(services.SignInLinkRefusedError):
        services.sign_in_link_use(raw=raw)
    assert not SpentKey.objects.exists()
