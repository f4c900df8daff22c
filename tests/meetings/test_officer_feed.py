"""The officer's personal calendar feed: the officer's own meetings only, the same events as
the emailed .ics, a link that can be reset and grants nothing but the feed."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from icalendar import Calendar

from accesskeys import purposes, tokens
from meetings.models import Meeting, Request
from meetings.services import requests as services
from tests import factories


def _meeting(w, django_capture_on_commit_callbacks, *, officer=None, vendor=None, slot=0):
    with django_capture_on_commit_callbacks(execute=True):
        request = services.request_create(
            registration=vendor or w.vendor,
            officer=officer or w.officer,
            purpose="Cold chain",
            slots=[w.slots[slot]],
        )
    with django_capture_on_commit_callbacks(execute=True):
        return services.request_accept(request=request, starts_at=w.slots[slot])


def _feed_url(w, officer=None, slug=None):
    token = tokens.issue(purposes.OFFICER_CALENDAR, subject=(officer or w.officer).pk)
    return reverse("meetings:officer_calendar", args=[slug or w.seminar.slug, token])


def _events(response):
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content).walk("VEVENT")


def test_the_feed_lists_the_officers_own_meetings_with_the_emailed_uid_and_sequence(
    client, world, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    mine = _meeting(world, django_capture_on_commit_callbacks)
    (officer_mail,) = [m for m in mail.outbox if m.to == [world.officer.email] and m.attachments]
    (emailed,) = Calendar.from_ical(officer_mail.attachments[0][1]).walk("VEVENT")
    # A colleague of the same agency: seen on the inbox page, never in this officer's feed.
    _meeting(world, django_capture_on_commit_callbacks, officer=world.colleague, slot=1)
    feed = client.get(_feed_url(world))
    calendar = Calendar.from_ical(feed.content)
    (event,) = _events(feed)
    assert str(event["UID"]) == str(emailed["UID"])
    assert str(event["UID"]).startswith(f"meeting-{mine.pk}@")
    assert int(event["SEQUENCE"]) == int(emailed["SEQUENCE"])
    assert event.decoded("DTSTART") == mine.starts_at
    assert str(event["DTSTART"].dt.tzinfo) == "UTC"
    assert str(calendar["X-WR-TIMEZONE"]) == "Asia/Bangkok"
    assert str(event["STATUS"]) == "CONFIRMED"


def test_a_moved_then_cancelled_meeting_raises_sequence_and_shows_cancelled(
    client, world, django_capture_on_commit_callbacks
):
    meeting = _meeting(world, django_capture_on_commit_callbacks)
    url = _feed_url(world)
    (before,) = _events(client.get(url))
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_move(meeting=meeting, starts_at=world.slots[2])
    (moved,) = _events(client.get(url))
    assert int(moved["SEQUENCE"]) == int(before["SEQUENCE"]) + 1
    assert moved.decoded("DTSTART") == world.slots[2]
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_cancel(meeting=meeting)
    (cancelled,) = _events(client.get(url))
    assert str(cancelled["UID"]) == str(before["UID"])
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert int(cancelled["SEQUENCE"]) == int(before["SEQUENCE"]) + 2


def test_the_feed_speaks_the_officers_language(client, world, django_capture_on_commit_callbacks):
    world.officer.preferred_language = "fr"
    world.officer.save()
    _meeting(world, django_capture_on_commit_callbacks)
    feed = client.get(_feed_url(world), HTTP_ACCEPT_LANGUAGE="es")
    (event,) = _events(feed)
    assert str(event["SUMMARY"]).startswith("Réunion")
    assert str(Calendar.from_ical(feed.content)["X-WR-CALNAME"]).startswith("Mes réunions")


def test_a_reset_link_stops_the_old_one_working(client, world):
    old = _feed_url(world)
    assert client.get(old).status_code == 200
    client.force_login(world.officer.user)
    page = client.get(reverse("meetings:inbox", args=[world.seminar.slug]))
    assert "Subscribe to my meetings calendar" in page.text
    assert 'aria-labelledby="calendar-heading"' in page.text
    response = client.post(reverse("meetings:officer_calendar_reset", args=[world.seminar.slug]))
    assert response.status_code == 302
    client.logout()
    refused = client.get(old)
    assert refused.status_code == 410
    assert "Subscribe again" in refused.text
    assert client.get(_feed_url(world)).status_code == 200


def test_only_the_officer_may_reset_their_link(client, world):
    url = reverse("meetings:officer_calendar_reset", args=[world.seminar.slug])
    old = _feed_url(world)
    assert client.post(url).status_code == 302  # anonymous: to sign-in
    client.force_login(world.vendor.person.user)
    assert client.post(url).status_code == 403
    client.force_login(world.organiser)
    assert client.post(url).status_code == 403
    assert client.get(old).status_code == 200


def test_the_token_grants_nothing_but_its_own_feed(client, world):
    token = tokens.issue(purposes.OFFICER_CALENDAR, subject=world.officer.pk)
    slug = world.seminar.slug
    response = client.get(reverse("meetings:officer_calendar", args=[slug, token]))
    assert response.status_code == 200
    # Not a sign-in: no session is started and the officer's pages still ask to sign in.
    assert "_auth_user_id" not in client.session
    assert "sessionid" not in response.cookies
    assert client.get(reverse("meetings:inbox", args=[slug])).status_code == 302
    # Not another kind of link: the vendor feed and the join link refuse it.
    assert client.get(reverse("registration:calendar", args=[slug, token])).status_code == 404
    assert client.get(reverse("registration:join", args=[slug, token])).status_code == 404
    # A vendor's calendar token does not open an officer's feed.
    vendor_token = tokens.issue(purposes.CALENDAR, subject=world.officer.pk)
    url = reverse("meetings:officer_calendar", args=[slug, vendor_token])
    assert client.get(url).status_code == 404
    # Not another officer's feed: the token names one officer; another seminar's slug is 404.
    other_seminar = factories.SeminarFactory()
    url = reverse("meetings:officer_calendar", args=[other_seminar.slug, token])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("token", ["nonsense", "a" * 300, "eyJzIjo1fQ:1abc:xyz"])
def test_a_bad_token_is_404(client, world, token):
    url = reverse("meetings:officer_calendar", args=[world.seminar.slug, token])
    assert client.get(url).status_code == 404


def test_a_deactivated_officer_has_no_feed(client, world):
    url = _feed_url(world)
    world.officer.active = False
    world.officer.save()
    assert client.get(url).status_code == 404


def _fill(w, count):
    vendors = [factories.vendor_registration(w.seminar, n=20_000 + i) for i in range(count)]
    requests = Request.objects.bulk_create(
        Request(
            seminar=w.seminar, officer=w.officer, registration=v, purpose="p", status="accepted"
        )
        for v in vendors
    )
    length = timedelta(minutes=w.programme.meeting_minutes)
    start = w.slots[0]
    Meeting.objects.bulk_create(
        Meeting(
            seminar=w.seminar,
            request=r,
            officer=w.officer,
            registration=v,
            starts_at=start + timedelta(hours=i),
            ends_at=start + timedelta(hours=i) + length,
        )
        for i, (r, v) in enumerate(zip(requests, vendors, strict=True))
    )


# The key's version, the seminar's end (for the link's end), the officer, the meetings.
FEED_QUERIES = 4


@pytest.mark.parametrize("count", [2, 25])
def test_feed_queries_are_the_same_at_two_sizes(client, world, django_assert_num_queries, count):
    _fill(world, count)
    url = _feed_url(world)
    with django_assert_num_queries(FEED_QUERIES):
        response = client.get(url)
    assert len(_events(response)) == count
