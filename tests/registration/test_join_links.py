"""Links that are keys: the personal join link, emailed sign-in and confirmation links and
the calendar feed open what they are for, expire, sign in once by POST, never a staff
account, and can be replaced."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accesskeys import purposes, tokens
from registration import links, services
from registration.models import Person, Registration
from tests import factories
from tests.factories import registration_payload


def _url(name, seminar, **kw):
    return reverse(f"registration:{name}", kwargs={"slug": seminar.slug, **kw})


def _path(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def _emailed_join_path(email: str) -> str:
    body = next(m.body for m in reversed(mail.outbox) if m.to == [email])
    return _path(next(line for line in body.splitlines() if "/join/" in line).strip())


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def _move_seminar(seminar, *, ended_days_ago: int) -> None:
    last_day = timezone.localdate() - timedelta(days=ended_days_ago)
    seminar.starts_on, seminar.ends_on = last_day - timedelta(days=1), last_day
    seminar.save()


@pytest.mark.parametrize("flags", [{"is_staff": True}, {"is_superuser": True, "is_staff": True}])
def test_staff_address_in_a_registration_gives_a_join_link_that_opens_no_admin_or_export(
    client, register, open_seminar, flags
):
    """ACCEPTANCE: an organiser who registers to try the form; whoever holds the email."""
    staff = factories.UserFactory(email="organiser@un.example", **flags)
    factories.RoleFactory(seminar=open_seminar, user=staff, role="organizer")
    registration = register(email="organiser@un.example")
    assert registration.person.user == staff  # the registration belongs to the staff account
    join = _emailed_join_path("organiser@un.example")

    page = client.get(join)
    assert page.status_code == 200 and not _signed_in(client)
    assert "Sign in and join" not in page.content.decode()
    refused = client.post(join, {"action": "sign_in"})
    assert refused.status_code == 403 and not _signed_in(client)
    assert "cannot be signed in from an emailed link" in refused.content.decode()
    assert client.post(join, {"action": "email"}).status_code == 403  # no sign-in link either

    admin = client.get("/admin/")
    assert admin.status_code == 302 and "/admin/login/" in admin["Location"]
    for fmt in ("csv", "xlsx"):
        export = client.get(_url("export_attendees", open_seminar, fmt=fmt))
        assert export.status_code == 302 and "/accounts/sign-in/" in export["Location"]
    assert not _signed_in(client)


def test_vendor_join_link_shows_a_page_on_get_and_signs_in_once_by_post(
    client, register, open_seminar, django_capture_on_commit_callbacks
):
    registration = register(email="ana@lima.example")
    join = _emailed_join_path("ana@lima.example")
    for _ in range(3):  # a mail scanner, a preview, the vendor: a GET never signs in
        page = client.get(join)
        assert page.status_code == 200 and not _signed_in(client)
    body = page.content.decode()
    assert "Sign in and join" in body
    live_room = reverse(
        "live:room",
        kwargs={"slug": open_seminar.slug, "session_id": registration.sessions.first().pk},
    )
    assert live_room in body and open_seminar.get_absolute_url() in body

    response = client.post(join, {"action": "sign_in"})
    assert response.status_code == 302 and response["Location"] == open_seminar.get_absolute_url()
    assert int(client.session["_auth_user_id"]) == registration.person.user_id

    client.logout()  # signing out does not make the link a key again
    again = client.post(join, {"action": "sign_in"})
    assert again.status_code == 410 and not _signed_in(client)
    assert "already been used to sign in once" in again.content.decode()
    page = client.get(join)  # it still opens the join page, and offers a fresh sign-in link
    assert page.status_code == 200 and not _signed_in(client)
    assert "Email me a new sign-in link" in page.content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(join, {"action": "email"})
    assert sent.status_code == 302 and not _signed_in(client)
    (message,) = mail.outbox
    assert message.to == ["ana@lima.example"] and "/register/confirm/" in message.body


def test_each_emailed_join_link_is_its_own_single_use_key(client, register, open_seminar):
    registration = register(email="ana@lima.example")
    first = links.join_url(registration)
    second = links.join_url(registration)
    assert client.post(_path(first), {"action": "sign_in"}).status_code == 302
    client.logout()
    assert client.post(_path(first), {"action": "sign_in"}).status_code == 410
    assert client.post(_path(second), {"action": "sign_in"}).status_code == 302


def test_join_link_expires_a_day_after_the_seminar_ends(client, register, open_seminar):
    registration = register(email="ana@lima.example")
    join = _path(links.join_url(registration))
    _move_seminar(open_seminar, ended_days_ago=0)  # the last day is today: still open
    assert client.get(join).status_code == 200
    _move_seminar(open_seminar, ended_days_ago=2)
    expired = client.get(join)
    assert expired.status_code == 410 and "has expired" in expired.content.decode()
    assert client.post(join, {"action": "sign_in"}).status_code == 410
    assert not _signed_in(client)


def test_replaced_join_and_calendar_links_are_refused_and_the_new_ones_work(
    client, register, open_seminar
):
    registration = register(email="ana@lima.example")
    old_join = _path(links.join_url(registration))
    old_feed = _path(links.calendar_url(registration))
    client.force_login(registration.person.user)
    reset = client.post(_url("links_reset", open_seminar))
    assert reset.status_code == 302
    page = client.get(_url("mine", open_seminar)).content.decode()
    new_join = "/" + page.split("http://testserver/", 1)[1].split('"', 1)[0]
    assert "/join/" in new_join and new_join != old_join
    client.logout()
    refused = client.post(old_join, {"action": "sign_in"})
    assert refused.status_code == 410 and "replaced by a newer one" in refused.content.decode()
    assert client.get(old_feed).status_code == 410
    assert not _signed_in(client)
    assert client.post(new_join, {"action": "sign_in"}).status_code == 302
    assert client.get(_path(links.calendar_url(registration))).status_code == 200
    # Only the owner may replace them, and only by POST.
    assert client.get(_url("links_reset", open_seminar)).status_code == 405


def test_forged_or_foreign_join_links_are_not_found(client, register, open_seminar):
    registration = register(email="ana@lima.example")
    other_seminar = factories.SeminarFactory()
    token = tokens.issue(purposes.JOIN, subject=registration.pk)
    assert client.get(_url("join", other_seminar, token=token)).status_code == 404
    assert client.get(_url("join", open_seminar, token=token[:-3] + "abc")).status_code == 404
    calendar_token = tokens.issue(purposes.CALENDAR, subject=registration.pk)
    # A calendar link is not a join link (each kind has its own salt).
    assert client.get(_url("join", open_seminar, token=calendar_token)).status_code == 404
    services.registration_cancel(registration=registration)
    assert client.get(_url("join", open_seminar, token=token)).status_code == 404


def test_calendar_feed_works_until_thirty_days_after_the_seminar(client, register, open_seminar):
    registration = register(email="ana@lima.example")
    feed = _path(links.calendar_url(registration))
    _move_seminar(open_seminar, ended_days_ago=29)
    assert client.get(feed).status_code == 200
    _move_seminar(open_seminar, ended_days_ago=31)
    expired = client.get(feed)
    assert expired.status_code == 410 and b"expired" in expired.content


def _sign_in_link(client, seminar, email, capture) -> str:
    mail.outbox.clear()
    with capture(execute=True):
        client.post(_url("sign_in", seminar), {"email": email})
    (message,) = mail.outbox
    return _path(next(line for line in message.body.splitlines() if "/confirm/" in line))


def test_superuser_and_staff_are_refused_on_an_emailed_sign_in_link(
    client, register, open_seminar, django_capture_on_commit_callbacks
):
    registration = register(email="root@un.example")
    User.objects.filter(pk=registration.person.user_id).update(is_superuser=True)
    link = _sign_in_link(
        client, open_seminar, "root@un.example", django_capture_on_commit_callbacks
    )
    assert client.get(link).status_code == 200 and not _signed_in(client)
    refused = client.post(link)
    assert refused.status_code == 403 and not _signed_in(client)
    assert "Sign in with your password instead" in refused.content.decode()
    # Refused, not spent: once the account is a plain vendor again, the link works.
    User.objects.filter(pk=registration.person.user_id).update(is_superuser=False)
    assert client.post(link).status_code == 302 and _signed_in(client)


def test_confirmation_link_for_a_staff_address_creates_nothing_and_signs_in_no_one(
    client, open_seminar, agencies, django_capture_on_commit_callbacks
):
    factories.UserFactory(email="organiser@un.example", is_staff=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_request(
            seminar=open_seminar,
            payload=registration_payload(email="organiser@un.example"),
            client="192.0.2.1",
        )
    body = mail.outbox[-1].body
    link = _path(next(line for line in body.splitlines() if "/register/confirm/" in line))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post(link)
    assert refused.status_code == 403 and not _signed_in(client)
    assert Registration.objects.count() == 0 and Person.objects.count() == 0
    assert mail.outbox == []


def test_sign_in_link_is_single_use_short_lived_and_replaced_by_a_newer_one(
    client, register, open_seminar, settings, django_capture_on_commit_callbacks
):
    register(email="ana@lima.example")
    capture = django_capture_on_commit_callbacks
    older = _sign_in_link(client, open_seminar, "ana@lima.example", capture)
    assert "expires in 15 minutes" in mail.outbox[0].body
    newer = _sign_in_link(client, open_seminar, "ana@lima.example", capture)
    replaced = client.post(older)
    assert replaced.status_code == 410 and "latest email" in replaced.content.decode()
    assert client.post(newer).status_code == 302
    client.logout()
    spent = client.post(newer)
    assert spent.status_code == 410 and "already been used" in spent.content.decode()
    assert not _signed_in(client)
    latest = _sign_in_link(client, open_seminar, "ana@lima.example", capture)
    settings.REGISTRATION_SIGN_IN_LINK_MAX_AGE = -1
    expired = client.post(latest)
    assert expired.status_code == 410 and "expired" in expired.content.decode()
    assert not _signed_in(client)


def test_reminder_email_carries_a_join_link_that_works(
    client, register, open_seminar, agencies, django_capture_on_commit_callbacks
):
    from registration import emails

    registration = register(email="ana@lima.example")
    mail.outbox.clear()
    emails.send_reminder(
        registration_id=registration.pk, session_id=agencies["sessions"][0].pk, lead="1h"
    )
    join = _emailed_join_path("ana@lima.example")
    assert client.post(join, {"action": "sign_in"}).status_code == 302


def test_link_ends_are_tied_to_the_seminars_last_day_in_its_zone(register, open_seminar):
    registration = register(email="ana@lima.example")
    open_seminar.ends_on = date(2030, 3, 5)
    open_seminar.save()
    end = links.join_link_ends_at(registration.pk)
    assert end.tzinfo.key == open_seminar.time_zone
    assert (end.date(), end.hour) == (date(2030, 3, 7), 0)
    assert links.calendar_link_ends_at(registration.pk).date() == date(2030, 4, 5)
    assert links.join_link_ends_at(registration.pk + 1000) is None


def test_join_page_email_button_is_limited_like_the_sign_in_page(
    client, register, open_seminar, settings
):
    """The join page's "Email me a new sign-in link" counts against the same emailed-link
    limits, and past them answers 429 with Retry-After instead of sending (or failing)."""
    settings.REGISTRATION_LINK_RATE_PER_ADDRESS = (1, 3600)
    register(email="ana@lima.example")
    join = _emailed_join_path("ana@lima.example")
    mail.outbox.clear()
    assert client.post(join, {"action": "email"}).status_code == 302  # within the limit
    mail.outbox.clear()
    refused = client.post(join, {"action": "email"})
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "Too many emails" in refused.content.decode()
    assert mail.outbox == [] and not _signed_in(client)
