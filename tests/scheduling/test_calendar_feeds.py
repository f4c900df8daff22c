"""Calendar feeds: valid RFC 5545 for icalendar and for vobject, stable UIDs, growing SEQUENCE."""

from datetime import UTC, datetime, timedelta

import icalendar
import pytest
import vobject
from django.urls import reverse

from scheduling import selectors
from scheduling.calendar import calendar_for_sessions
from seminars.models import Seminar
from seminars.services import session_save
from tests.factories import AgencyFactory, RoleFactory, SeminarFactory, SessionFactory


def feed_url(seminar):
    return reverse("scheduling_seminar:calendar", kwargs={"slug": seminar.slug})


def session_feed_url(session):
    return reverse(
        "scheduling_seminar:session_calendar",
        kwargs={"slug": session.seminar.slug, "session_id": session.pk},
    )


@pytest.fixture
def madrid_seminar(db):
    """A zone with daylight saving time, so the VTIMEZONE has both STANDARD and DAYLIGHT."""
    return SeminarFactory(
        time_zone="Europe/Madrid",
        starts_on=datetime(2030, 3, 30).date(),
        ends_on=datetime(2030, 3, 31).date(),
        venue_name="IFEMA",
        venue_address="Avenida del Partenón 5\nMadrid",
        online_room_url="https://openips.example/room/madrid",
    )


@pytest.fixture
def sessions(madrid_seminar):
    unicef, undp = AgencyFactory(acronym="UNICEF"), AgencyFactory(acronym="UNDP")
    zone = madrid_seminar.zone
    first = SessionFactory(
        seminar=madrid_seminar,
        title="Selling to UNICEF",
        abstract="What UNICEF buys.",
        starts_at=datetime(2030, 3, 30, 10, tzinfo=zone),
        ends_at=datetime(2030, 3, 30, 11, tzinfo=zone),
    )
    first.agencies.set([unicef, undp])
    # The day the clocks go forward in Madrid (+01:00 → +02:00).
    second = SessionFactory(
        seminar=madrid_seminar,
        title="Registering on UNGM",
        starts_at=datetime(2030, 3, 31, 10, tzinfo=zone),
        ends_at=datetime(2030, 3, 31, 11, 30, tzinfo=zone),
    )
    return [first, second]


def test_seminar_feed_parses_with_icalendar_and_has_every_required_property(
    client, madrid_seminar, sessions
):
    response = client.get(feed_url(madrid_seminar))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"].startswith("-//OpenIPS//")
    assert calendar["METHOD"] == "PUBLISH"
    assert calendar["X-WR-CALNAME"] == madrid_seminar.title
    assert calendar["X-WR-TIMEZONE"] == "Europe/Madrid"
    (vtimezone,) = calendar.walk("VTIMEZONE")
    assert vtimezone["TZID"] == "Europe/Madrid"
    assert {c.name for c in vtimezone.subcomponents} == {"STANDARD", "DAYLIGHT"}
    events = calendar.walk("VEVENT")
    assert [e["SUMMARY"] for e in events] == ["Selling to UNICEF", "Registering on UNGM"]
    first, second = events
    assert first["UID"] == f"session-{sessions[0].pk}@127.0.0.1"
    assert first["SEQUENCE"] == 0
    assert isinstance(first.decoded("DTSTAMP"), datetime)
    assert first["DTSTART"].params["TZID"] == "Europe/Madrid"
    assert first["DTEND"].params["TZID"] == "Europe/Madrid"
    assert first.decoded("DTSTART") == sessions[0].starts_at
    assert first.decoded("DTEND") == sessions[0].ends_at
    # After the spring-forward change the same wall clock is an hour earlier in UTC.
    assert second.decoded("DTSTART").astimezone(UTC) == datetime(2030, 3, 31, 8, tzinfo=UTC)
    assert "UNDP, UNICEF" in str(first["DESCRIPTION"])
    assert "What UNICEF buys." in str(first["DESCRIPTION"])
    assert (
        str(first["URL"])
        == f"http://testserver/seminars/{madrid_seminar.slug}/#session-{sessions[0].pk}"
    )
    assert str(first["LOCATION"]) == "IFEMA, Avenida del Partenón 5 Madrid"


def test_seminar_feed_parses_with_vobject_an_independent_parser(client, madrid_seminar, sessions):
    text = client.get(feed_url(madrid_seminar)).content.decode()
    calendar = vobject.readOne(text)
    assert calendar.x_wr_calname.value == madrid_seminar.title
    assert calendar.x_wr_timezone.value == "Europe/Madrid"
    events = calendar.vevent_list
    assert len(events) == 2
    for event, session in zip(events, sessions, strict=True):
        assert event.uid.value == f"session-{session.pk}@127.0.0.1"
        # vobject resolves TZID through the VTIMEZONE in the file: the instants must agree.
        assert event.dtstart.value == session.starts_at
        assert event.dtend.value == session.ends_at
        assert (
            event.dtstart.value.utcoffset()
            == session.starts_at.astimezone(madrid_seminar.zone).utcoffset()
        )
        assert event.summary.value == session.title
        assert int(event.sequence.value) == 0
        assert event.dtstamp.value.tzinfo is not None


def test_feed_uses_crlf_line_endings_and_folds_long_lines(client, madrid_seminar, sessions):
    sessions[0].abstract = "A long abstract. " * 20
    sessions[0].save()
    body = client.get(feed_url(madrid_seminar)).content
    lines = body.split(b"\r\n")
    assert body.endswith(b"\r\n")
    assert b"\n" not in body.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in lines)
    assert any(line.startswith(b" ") for line in lines), "long DESCRIPTION is folded"


def test_moving_a_session_raises_sequence_by_one_and_keeps_uid(client, madrid_seminar, sessions):
    madrid_seminar.status = Seminar.Status.PUBLISHED
    madrid_seminar.save()
    url = session_feed_url(sessions[0])
    before = icalendar.Calendar.from_ical(client.get(url).content).walk("VEVENT")[0]
    session = sessions[0]
    session.starts_at += timedelta(minutes=30)
    session.ends_at += timedelta(minutes=30)
    session_save(session=session)
    after = icalendar.Calendar.from_ical(client.get(url).content).walk("VEVENT")[0]
    assert after["UID"] == before["UID"]
    assert after["SEQUENCE"] == before["SEQUENCE"] + 1
    assert after.decoded("DTSTART") == before.decoded("DTSTART") + timedelta(minutes=30)


def test_uid_does_not_depend_on_the_host_the_feed_was_fetched_through(
    client, madrid_seminar, sessions, settings
):
    settings.ALLOWED_HOSTS = ["testserver", "other.example"]
    one = icalendar.Calendar.from_ical(client.get(feed_url(madrid_seminar)).content)
    two = icalendar.Calendar.from_ical(
        client.get(feed_url(madrid_seminar), HTTP_HOST="other.example").content
    )
    assert [e["UID"] for e in one.walk("VEVENT")] == [e["UID"] for e in two.walk("VEVENT")]


def test_single_session_feed_holds_only_that_session(client, madrid_seminar, sessions):
    calendar = icalendar.Calendar.from_ical(client.get(session_feed_url(sessions[1])).content)
    (event,) = calendar.walk("VEVENT")
    assert event["SUMMARY"] == "Registering on UNGM"
    assert len(calendar.walk("VTIMEZONE")) == 1


def test_session_of_another_seminar_is_not_found(client, madrid_seminar, sessions):
    other = SessionFactory()
    url = reverse(
        "scheduling_seminar:session_calendar",
        kwargs={"slug": madrid_seminar.slug, "session_id": other.pk},
    )
    assert client.get(url).status_code == 404


def test_virtual_seminar_location_is_the_online_room(client, db):
    seminar = SeminarFactory(
        format=Seminar.Format.VIRTUAL, online_room_url="https://openips.example/room/1"
    )
    SessionFactory(seminar=seminar)
    event = icalendar.Calendar.from_ical(client.get(feed_url(seminar)).content).walk("VEVENT")[0]
    assert str(event["LOCATION"]) == "https://openips.example/room/1"


def test_cancelled_seminar_marks_its_events_cancelled(client, db):
    seminar = SeminarFactory(status=Seminar.Status.CANCELLED)
    SessionFactory(seminar=seminar)
    event = icalendar.Calendar.from_ical(client.get(feed_url(seminar)).content).walk("VEVENT")[0]
    assert event["STATUS"] == "CANCELLED"


def test_draft_seminar_feeds_are_not_found_for_the_public(client, db):
    draft = SeminarFactory(status=Seminar.Status.DRAFT)
    session = SessionFactory(seminar=draft)
    assert client.get(feed_url(draft)).status_code == 404
    assert client.get(session_feed_url(session)).status_code == 404


def test_draft_seminar_feed_is_visible_to_its_organiser(client, db):
    draft = SeminarFactory(status=Seminar.Status.DRAFT)
    SessionFactory(seminar=draft)
    client.force_login(RoleFactory(seminar=draft, role="organizer").user)
    assert client.get(feed_url(draft)).status_code == 200


def test_empty_seminar_still_gets_a_valid_calendar_with_its_zone(client, madrid_seminar):
    body = client.get(feed_url(madrid_seminar)).content
    calendar = icalendar.Calendar.from_ical(body)
    assert calendar.walk("VEVENT") == []
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Europe/Madrid"
    assert vobject.readOne(body.decode()).x_wr_timezone.value == "Europe/Madrid"


def test_calendar_for_sessions_without_request_uses_site_url(madrid_seminar, sessions, settings):
    settings.SITE_URL = "https://ips.example.org"
    body = calendar_for_sessions(
        seminar=madrid_seminar,
        sessions=selectors.seminar_sessions(madrid_seminar),
        calendar_name="My sessions",
    )
    calendar = icalendar.Calendar.from_ical(body)
    assert calendar["X-WR-CALNAME"] == "My sessions"
    event = calendar.walk("VEVENT")[0]
    assert str(event["URL"]).startswith("https://ips.example.org/seminars/")
    assert event["UID"] == f"session-{sessions[0].pk}@ips.example.org"


@pytest.mark.parametrize("count", [2, 12])
def test_feed_query_count_does_not_grow_with_sessions(
    client, django_assert_num_queries, madrid_seminar, count
):
    agency = AgencyFactory()
    zone = madrid_seminar.zone
    for index in range(count):
        session = SessionFactory(
            seminar=madrid_seminar,
            track=f"room {index}",
            starts_at=datetime(2030, 3, 30, 9, tzinfo=zone),
            ends_at=datetime(2030, 3, 30, 10, tzinfo=zone),
        )
        session.agencies.set([agency])
    # seminar + sessions + their agencies, whatever the number of sessions.
    with django_assert_num_queries(3):
        response = client.get(feed_url(madrid_seminar))
    assert len(icalendar.Calendar.from_ical(response.content).walk("VEVENT")) == count


def test_demo_feed_parses_with_both_parsers(client, db):
    from django.core.management import call_command

    call_command("seed_demo")
    body = client.get(reverse("scheduling_seminar:calendar", kwargs={"slug": "demo"})).content
    events = icalendar.Calendar.from_ical(body).walk("VEVENT")
    assert len(events) == Seminar.objects.get(slug="demo").sessions.count()
    parsed = vobject.readOne(body.decode())
    assert len(parsed.vevent_list) == len(events)
    assert {e.dtstart.value.utcoffset() for e in parsed.vevent_list} == {timedelta(hours=3)}


def test_without_an_online_room_events_point_to_the_sessions_live_room(client, db):
    seminar = SeminarFactory(format=Seminar.Format.VIRTUAL, online_room_url="")
    session = SessionFactory(seminar=seminar)
    event = icalendar.Calendar.from_ical(client.get(feed_url(seminar)).content).walk("VEVENT")[0]
    live = reverse("live:room", kwargs={"slug": seminar.slug, "session_id": session.pk})
    assert str(event["LOCATION"]).endswith(live)
    assert "Join online: " in str(event["DESCRIPTION"]) and live in str(event["DESCRIPTION"])
