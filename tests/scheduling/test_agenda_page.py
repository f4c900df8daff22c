"""The public agenda in two clocks: offsets, zone selector, remembered zone, day grouping."""

import re
from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse

from scheduling.middleware import VIEWER_TZ_COOKIE
from seminars.models import Seminar, Session
from seminars.services import session_save
from tests.factories import AgencyFactory, SeminarFactory, SessionFactory


def detail(seminar):
    return reverse("seminars:detail", kwargs={"slug": seminar.slug})


@pytest.fixture
def nairobi_seminar(db):
    seminar = SeminarFactory(
        slug="nairobi",
        time_zone="Africa/Nairobi",
        starts_on=date(2030, 3, 4),
        ends_on=date(2030, 3, 5),
        venue_name="KICC",
        venue_address="Harambee Avenue",
        languages=["en", "fr"],
    )
    zone = seminar.zone
    # 14:30–15:30 in Nairobi is 23:30–00:30 in Fiji (UTC+12): it crosses midnight there.
    SessionFactory(
        seminar=seminar,
        title="Live Q&A",
        starts_at=datetime(2030, 3, 4, 14, 30, tzinfo=zone),
        ends_at=datetime(2030, 3, 4, 15, 30, tzinfo=zone),
    )
    SessionFactory(
        seminar=seminar,
        title="Late panel",
        starts_at=datetime(2030, 3, 4, 16, tzinfo=zone),
        ends_at=datetime(2030, 3, 4, 17, tzinfo=zone),
    )
    return seminar


def test_kathmandu_times_show_utc_plus_05_45(client, nairobi_seminar):
    response = client.get(detail(nairobi_seminar), {"tz": "Asia/Kathmandu"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "UTC+05:45" in html
    assert "UTC+03:00" in html
    # 14:30 Nairobi is 17:15 Kathmandu.
    assert "Mon 4 Mar 17:15" in html
    assert "Mon 4 Mar 14:30" in html
    assert "differs from the seminar" in html


def test_unknown_zone_gets_a_clear_message_and_the_seminar_zone(client, nairobi_seminar):
    response = client.get(detail(nairobi_seminar), {"tz": "Not/AZone"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "“Not/AZone” is not a time zone we know" in html
    assert "Mon 4 Mar 14:30" in html
    assert "UTC+03:00" in html
    assert "Your time (" not in html
    assert VIEWER_TZ_COOKIE not in response.cookies


def test_chosen_zone_is_remembered_in_a_cookie(client, nairobi_seminar):
    response = client.get(detail(nairobi_seminar), {"tz": "America/Lima"})
    cookie = response.cookies[VIEWER_TZ_COOKIE]
    assert cookie.value == "America/Lima"
    assert "Cookie" in response["Vary"]  # shared caches must not mix viewers' zones
    assert cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) > 30 * 24 * 3600
    # The next visit without ?tz= shows Lima from the cookie.
    html = client.get(detail(nairobi_seminar)).content.decode()
    assert "UTC−05:00" in html
    assert "Your time (America/Lima)" in html
    assert 'data-viewer-zone="America/Lima"' in html


def test_query_zone_wins_over_the_cookie(client, nairobi_seminar):
    client.cookies[VIEWER_TZ_COOKIE] = "America/Lima"
    html = client.get(detail(nairobi_seminar), {"tz": "Asia/Dhaka"}).content.decode()
    assert "Your time (Asia/Dhaka)" in html
    assert "America/Lima" not in html.split('id="agenda-heading"')[1]


def test_a_bad_cookie_is_ignored(client, nairobi_seminar):
    client.cookies[VIEWER_TZ_COOKIE] = "Mars/Olympus_Mons"
    response = client.get(detail(nairobi_seminar))
    assert response.status_code == 200
    assert 'data-viewer-zone=""' in response.content.decode()


def test_without_a_zone_the_page_asks_the_browser_script(client, nairobi_seminar):
    html = client.get(detail(nairobi_seminar)).content.decode()
    assert 'data-viewer-zone=""' in html
    assert 'type="module"' in html and "js/timezone.js" in html
    assert "Times are in the seminar's time zone (Africa/Nairobi)" in html


def test_same_zone_shows_one_clock_and_no_difference_notice(client, nairobi_seminar):
    html = client.get(detail(nairobi_seminar), {"tz": "Africa/Nairobi"}).content.decode()
    assert "differs from the seminar" not in html
    assert "Your time (" not in html
    # Kampala keeps Nairobi's clock: named, but one column is enough.
    html = client.get(detail(nairobi_seminar), {"tz": "Africa/Kampala"}).content.decode()
    assert "reads the same as the seminar" in html
    assert "Your time (" not in html


def test_days_follow_the_viewer_zone_across_midnight(client, nairobi_seminar):
    html = client.get(detail(nairobi_seminar), {"tz": "Pacific/Fiji"}).content.decode()
    # In Fiji the Q&A starts 23:30 on Monday 4 and ends 00:30 on Tuesday 5; the late panel
    # (16:00 Nairobi) is 01:00 on Tuesday: it belongs to Tuesday's heading, the Q&A to Monday.
    monday = html.index("Monday 4 March 2030")
    tuesday = html.index("Tuesday 5 March 2030")
    assert monday < html.index("Live Q&amp;A") < tuesday < html.index("Late panel")
    assert "Mon 4 Mar 23:30" in html
    assert "(+1)" in html
    assert "ends on Tue 5 Mar" in html


def test_zone_selector_is_labelled_grouped_and_preselected(client, nairobi_seminar):
    html = client.get(detail(nairobi_seminar), {"tz": "Asia/Kathmandu"}).content.decode()
    assert '<label for="zone-select">' in html
    assert '<select id="zone-select" name="tz"' in html
    assert '<optgroup label="Africa">' in html
    assert '<optgroup label="Pacific Ocean">' in html
    assert '<option value="Asia/Kathmandu" selected>Kathmandu (UTC+05:45)</option>' in html
    assert 'method="get"' in html


def test_legacy_alias_is_shown_under_its_present_name(client, nairobi_seminar):
    # Chromium reports Asia/Katmandu (ICU's name) for Nepal.
    client.cookies[VIEWER_TZ_COOKIE] = "Asia/Katmandu"
    html = client.get(detail(nairobi_seminar)).content.decode()
    assert "Your time (Asia/Kathmandu)" in html
    html = client.get(detail(nairobi_seminar), {"tz": "US/Eastern"}).content.decode()
    assert "Your time (America/New_York)" in html
    assert '<option value="America/New_York" selected>' in html


def test_a_known_zone_no_country_uses_stays_selectable(client, nairobi_seminar):
    html = client.get(detail(nairobi_seminar), {"tz": "Etc/GMT-3"}).content.decode()
    assert '<option value="Etc/GMT-3" selected>Etc/GMT-3</option>' in html


def test_page_links_the_calendar_feeds(client, nairobi_seminar):
    html = client.get(detail(nairobi_seminar)).content.decode()
    assert 'href="webcal://testserver/seminars/nairobi/calendar.ics"' in html
    assert 'href="http://testserver/seminars/nairobi/calendar.ics"' in html
    session = nairobi_seminar.sessions.first()
    assert f'href="/seminars/nairobi/sessions/{session.pk}/calendar.ics"' in html


def test_page_shows_format_venue_and_languages(client, nairobi_seminar):
    html = client.get(detail(nairobi_seminar)).content.decode()
    assert "Hybrid" in html
    assert "KICC" in html and "Harambee Avenue" in html
    assert "English, French" in html


def test_public_changelog_lists_time_and_title_changes(client, nairobi_seminar):
    session = nairobi_seminar.sessions.get(title="Late panel")
    session.starts_at += timedelta(hours=1)
    session.ends_at += timedelta(hours=1)
    session_save(session=session)
    session.title = "Later panel"
    session_save(session=session)
    html = client.get(detail(nairobi_seminar), {"tz": "Asia/Dhaka"}).content.decode()
    changelog = html.split('id="changelog-heading"')[1]
    assert (
        "time changed from 2030-03-04 16:00–17:00 Africa/Nairobi to "
        "2030-03-04 17:00–18:00 Africa/Nairobi"
    ) in changelog
    assert "title changed from “Late panel” to “Later panel”" in changelog
    # The new time also in the viewer's zone: 17:00 Nairobi is 20:00 Dhaka.
    assert "now starts Mon 4 Mar 20:00 Asia/Dhaka" in changelog
    # Newest first.
    assert changelog.index("title changed") < changelog.index("time changed")


def test_changes_while_a_seminar_is_a_draft_are_not_in_the_public_changelog(client, db):
    seminar = SeminarFactory(status=Seminar.Status.DRAFT)
    session = SessionFactory(seminar=seminar)
    session.title = "Renamed"
    session_save(session=session)
    seminar.status = Seminar.Status.PUBLISHED
    seminar.save()
    html = client.get(detail(seminar)).content.decode()
    assert 'id="changelog-heading"' not in html


def _add_sessions(seminar, count):
    agency = AgencyFactory()
    zone = seminar.zone
    for index in range(count):
        session = SessionFactory(
            seminar=seminar,
            track=f"Room {index}",
            starts_at=datetime(2030, 3, 4, 9, tzinfo=zone) + timedelta(minutes=10 * index),
            ends_at=datetime(2030, 3, 4, 10, tzinfo=zone) + timedelta(minutes=10 * index),
        )
        session.agencies.set([agency])
        if index % 3 == 0:
            session.title += " (moved)"
            Session.objects.filter(pk=session.pk).update(sequence=1)
    for session in seminar.sessions.all()[:3]:
        session.repeat_of = seminar.sessions.exclude(pk=session.pk).first()
        session.save()


@pytest.mark.parametrize("count", [3, 15])
def test_agenda_page_query_count_does_not_grow_with_sessions(
    client, django_assert_num_queries, db, count
):
    seminar = SeminarFactory(starts_on=date(2030, 3, 4), ends_on=date(2030, 3, 5))
    _add_sessions(seminar, count)
    session = seminar.sessions.first()
    session.starts_at += timedelta(minutes=5)
    session.ends_at += timedelta(minutes=5)
    session_save(session=session)
    # Seminar with host, sessions (with repeat_of), their agencies, the changelog.
    with django_assert_num_queries(4):
        response = client.get(detail(seminar), {"tz": "Pacific/Fiji"})
    assert response.status_code == 200
    assert response.content.decode().count('<tr id="session-') == count


@pytest.mark.parametrize("count", [2, 12])
def test_seminar_list_query_count_does_not_grow_with_seminars(
    client, django_assert_num_queries, db, count
):
    for _index in range(count):
        SeminarFactory()
    SeminarFactory(status=Seminar.Status.DRAFT)
    with django_assert_num_queries(1):
        response = client.get(reverse("seminars:list"))
    assert response.content.decode().count("<h2><a href=") == count


def test_demo_agenda_meets_the_acceptance_points(client, db):
    from django.core.management import call_command

    call_command("seed_demo")
    url = reverse("seminars:detail", kwargs={"slug": "demo"})
    kathmandu = client.get(url, {"tz": "Asia/Kathmandu"})
    assert kathmandu.status_code == 200
    assert "UTC+05:45" in kathmandu.content.decode()
    unknown = client.get(url, {"tz": "Not/AZone"})
    assert unknown.status_code == 400
    assert "is not a time zone we know" in unknown.content.decode()
    fiji = client.get(url, {"tz": "Pacific/Fiji"}).content.decode()
    # The 14:30–15:30 Nairobi Q&A crosses midnight in Fiji and is marked so.
    assert "(+1)" in fiji


def test_agenda_links_each_session_to_its_live_room_but_not_breaks(client, seminar):
    from datetime import timedelta

    from django.urls import reverse

    from tests.factories import SessionFactory

    talk = SessionFactory(seminar=seminar, kind="presentation")
    pause = SessionFactory(
        seminar=seminar,
        kind="break",
        starts_at=talk.ends_at,
        ends_at=talk.ends_at + timedelta(minutes=30),
    )
    page = client.get(seminar.get_absolute_url()).content.decode()
    assert reverse("live:room", args=[seminar.slug, talk.pk]) in page
    assert reverse("live:room", args=[seminar.slug, pause.pk]) not in page


def test_media_links_only_for_organisers_and_the_sessions_own_presenters(
    client, seminar, organizer, presenter, agency
):
    from django.urls import reverse

    from tests.factories import AgencyFactory, SessionFactory

    own = SessionFactory(seminar=seminar)
    own.agencies.set([agency])
    other = SessionFactory(
        seminar=seminar, starts_at=own.ends_at, ends_at=own.ends_at + (own.ends_at - own.starts_at)
    )
    other.agencies.set([AgencyFactory()])

    def media_link(session):
        return reverse("media_library_seminar:session_media", args=[seminar.slug, session.pk])

    page = client.get(seminar.get_absolute_url()).content.decode()
    assert media_link(own) not in page
    client.force_login(presenter)
    page = client.get(seminar.get_absolute_url()).content.decode()
    assert media_link(own) in page and media_link(other) not in page
    client.force_login(organizer)
    page = client.get(seminar.get_absolute_url()).content.decode()
    assert media_link(own) in page and media_link(other) in page


@pytest.mark.parametrize(
    ("language", "kathmandu", "buenos_aires"),
    [
        ("ar", "كاتماندو", "بوينوس أيرس"),
        ("zh-hans", "加德满都", "布宜诺斯艾利斯"),
        ("ru", "Катманду", "Буэнос-Айрес"),
        ("fr", "Katmandou", "Argentina – Buenos Aires"),  # CLDR has no French name for it
    ],
)
def test_zone_selector_names_cities_in_the_readers_language(
    client, nairobi_seminar, language, kathmandu, buenos_aires
):
    client.cookies["django_language"] = language
    html = client.get(detail(nairobi_seminar), {"tz": "Asia/Kathmandu"}).content.decode()
    assert f'<option value="Asia/Kathmandu" selected>{kathmandu} (UTC+05:45)</option>' in html
    assert f'<option value="America/Argentina/Buenos_Aires">{buenos_aires} (UTC−03:00)' in html
    # CLDR files these under older names (Asia/Katmandu, America/Buenos_Aires): no English
    # city is left in the list but UTC and America/Coyhaique (tzdata 2025b, newer than the
    # CLDR in babel 2.18).
    options = re.findall(r'<option value="([^"]+)"[^>]*>([^<]+)</option>', html)
    english = {name for name, label in options if label.split(" (")[0].isascii()}
    if language != "fr":
        assert english <= {"UTC", "America/Coyhaique"}, english
