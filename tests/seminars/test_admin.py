"""The organiser back office (Django admin): validation messages, scoping, sequence/changelog."""

from datetime import date, datetime

import pytest
from django.urls import reverse

from seminars.models import Seminar, SeminarRole, Session, SessionChange
from tests.factories import (
    AgencyFactory,
    OrganizationFactory,
    RoleFactory,
    SeminarFactory,
    SessionFactory,
    UserFactory,
)

SESSION_ADD = reverse("admin:seminars_session_add")
SEMINAR_ADD = reverse("admin:seminars_seminar_add")


def staff_organizer(seminar):
    user = RoleFactory(seminar=seminar, role="organizer").user
    user.is_staff = True
    user.save()
    return user


@pytest.fixture
def madrid(db):
    return SeminarFactory(
        time_zone="Europe/Madrid",
        starts_on=date(2030, 3, 30),
        ends_on=date(2030, 3, 31),
        status=Seminar.Status.PUBLISHED,
    )


@pytest.fixture
def madrid_client(client, madrid):
    client.force_login(staff_organizer(madrid))
    return client


def session_post(seminar, **overrides):
    data = {
        "seminar": seminar.pk,
        "title": "Selling to UNICEF",
        "abstract": "",
        "kind": Session.Kind.PRESENTATION,
        "language": "en",
        "starts_local": "2030-03-30T10:00",
        "ends_local": "2030-03-30T11:00",
        "occurrence": "",
        "track": "Main hall",
        "repeat_of": "",
        "stream_url": "",
        "qa_moderated": "on",
    }
    data.update(overrides)
    return data


def errors_of(response) -> str:
    assert response.status_code == 200, "the form is shown again with its errors"
    return str(response.context["adminform"].form.errors)


def test_organiser_creates_a_session_in_seminar_wall_clock_time(madrid_client, madrid):
    response = madrid_client.post(SESSION_ADD, session_post(madrid))
    assert response.status_code == 302
    session = Session.objects.get()
    # 10:00 in Madrid on 30 March 2030 (UTC+01:00) is 09:00 UTC.
    assert session.starts_at == datetime.fromisoformat("2030-03-30T09:00:00+00:00")


def test_end_before_start_is_rejected_and_nothing_is_created(madrid_client, madrid):
    response = madrid_client.post(SESSION_ADD, session_post(madrid, ends_local="2030-03-30T09:00"))
    assert "The session must end after it starts." in errors_of(response)
    assert not Session.objects.exists()


def test_session_outside_the_seminar_dates_is_rejected(madrid_client, madrid):
    response = madrid_client.post(
        SESSION_ADD,
        session_post(madrid, starts_local="2030-04-02T10:00", ends_local="2030-04-02T11:00"),
    )
    assert "falls outside the seminar&#x27;s dates" in errors_of(response) or (
        "falls outside the seminar's dates" in errors_of(response)
    )
    assert "2030-03-30 to 2030-03-31, Europe/Madrid" in errors_of(response)
    assert not Session.objects.exists()


def test_a_session_ending_at_midnight_of_the_last_day_fits(madrid_client, madrid):
    data = session_post(madrid, starts_local="2030-03-31T23:00", ends_local="2030-04-01T00:00")
    assert madrid_client.post(SESSION_ADD, data).status_code == 302
    # One minute later it runs into a day outside the seminar.
    data = session_post(madrid, starts_local="2030-03-31T23:01", ends_local="2030-04-01T00:01",
                        track="Room B")  # fmt: skip
    assert "falls outside the seminar" in errors_of(madrid_client.post(SESSION_ADD, data))


def test_overlapping_sessions_in_one_track_are_rejected(madrid_client, madrid):
    zone = madrid.zone
    SessionFactory(
        seminar=madrid,
        title="UNDP hour",
        track="Main hall",
        starts_at=datetime(2030, 3, 30, 10, 30, tzinfo=zone),
        ends_at=datetime(2030, 3, 30, 11, 30, tzinfo=zone),
    )
    response = madrid_client.post(SESSION_ADD, session_post(madrid))
    assert "“UNDP hour” already uses track “Main hall” at that time." in errors_of(response)
    assert Session.objects.count() == 1
    # Another track at the same time is fine.
    assert madrid_client.post(SESSION_ADD, session_post(madrid, track="Room B")).status_code == 302


def test_back_to_back_sessions_do_not_overlap(madrid_client, madrid):
    zone = madrid.zone
    SessionFactory(
        seminar=madrid,
        track="Main hall",
        starts_at=datetime(2030, 3, 30, 9, tzinfo=zone),
        ends_at=datetime(2030, 3, 30, 10, tzinfo=zone),
    )
    assert madrid_client.post(SESSION_ADD, session_post(madrid)).status_code == 302


def test_a_time_skipped_by_daylight_saving_is_rejected(madrid_client, madrid):
    # Madrid's clocks jump from 02:00 to 03:00 on 31 March 2030.
    response = madrid_client.post(
        SESSION_ADD,
        session_post(madrid, starts_local="2030-03-31T02:30", ends_local="2030-03-31T03:30"),
    )
    errors = errors_of(response)
    assert "2030-03-31 02:30 does not exist in Europe/Madrid" in errors
    assert not Session.objects.exists()


def test_a_time_skipped_in_mexico_city_is_rejected(client, db):
    seminar = SeminarFactory(
        time_zone="America/Mexico_City", starts_on=date(2021, 4, 3), ends_on=date(2021, 4, 4)
    )
    client.force_login(staff_organizer(seminar))
    response = client.post(
        SESSION_ADD,
        session_post(seminar, starts_local="2021-04-04T02:15", ends_local="2021-04-04T03:30"),
    )
    assert "does not exist in America/Mexico_City" in errors_of(response)
    assert not Session.objects.exists()


def test_a_repeated_time_needs_an_occurrence_then_takes_it(client, db):
    seminar = SeminarFactory(
        time_zone="Europe/Madrid", starts_on=date(2030, 10, 26), ends_on=date(2030, 10, 27)
    )
    client.force_login(staff_organizer(seminar))
    data = session_post(seminar, starts_local="2030-10-27T02:30", ends_local="2030-10-27T04:00")
    response = client.post(SESSION_ADD, data)
    assert "occurs twice in Europe/Madrid" in errors_of(response)
    assert not Session.objects.exists()
    assert client.post(SESSION_ADD, {**data, "occurrence": "1"}).status_code == 302
    # The second 02:30 (after the clocks go back to +01:00) is 01:30 UTC.
    assert Session.objects.get().starts_at == datetime.fromisoformat("2030-10-27T01:30:00+00:00")


def test_unknown_zone_on_a_seminar_is_rejected(client, madrid):
    client.force_login(staff_organizer(madrid))
    data = {
        "slug": "new-one",
        "title": "New seminar",
        "description": "",
        "host": OrganizationFactory().pk,
        "format": "virtual",
        "time_zone": "Mars/Olympus_Mons",
        "starts_on": "2030-05-01",
        "ends_on": "2030-05-02",
        "languages": '["en"]',
        "status": "draft",
        "personal_data_retention_days": "60",
        "roles-TOTAL_FORMS": "0",
        "roles-INITIAL_FORMS": "0",
        "roles-MIN_NUM_FORMS": "0",
        "roles-MAX_NUM_FORMS": "1000",
    }
    response = client.post(SEMINAR_ADD, data)
    assert response.status_code == 200
    assert "“Mars/Olympus_Mons” is not a known IANA time zone" in response.content.decode()
    assert not Seminar.objects.filter(slug="new-one").exists()
    # The same form with a real zone works, and its creator organises it.
    response = client.post(SEMINAR_ADD, {**data, "time_zone": "Asia/Kathmandu"})
    assert response.status_code == 302
    created = Seminar.objects.get(slug="new-one")
    assert SeminarRole.objects.filter(seminar=created, role="organizer").count() == 1


def test_editing_a_session_raises_its_sequence_and_writes_the_changelog(madrid_client, madrid):
    zone = madrid.zone
    session = SessionFactory(
        seminar=madrid,
        title="UNDP hour",
        starts_at=datetime(2030, 3, 30, 10, tzinfo=zone),
        ends_at=datetime(2030, 3, 30, 11, tzinfo=zone),
    )
    change = reverse("admin:seminars_session_change", args=[session.pk])
    data = session_post(madrid, title="UNDP hour", starts_local="2030-03-30T12:00",
                        ends_local="2030-03-30T13:00")  # fmt: skip
    assert madrid_client.post(change, data).status_code == 302
    session.refresh_from_db()
    assert session.sequence == 1
    entry = SessionChange.objects.get(session=session)
    assert entry.field == "time"
    assert entry.old_value == "2030-03-30 10:00–11:00 Europe/Madrid"
    assert entry.new_value == "2030-03-30 12:00–13:00 Europe/Madrid"
    # Saving without a change to time or title leaves both alone.
    assert madrid_client.post(change, {**data, "abstract": "More detail"}).status_code == 302
    session.refresh_from_db()
    assert session.sequence == 1
    assert SessionChange.objects.filter(session=session).count() == 1


def test_editing_a_draft_session_raises_sequence_but_writes_no_public_changelog(client, db):
    draft = SeminarFactory(status=Seminar.Status.DRAFT)
    client.force_login(staff_organizer(draft))
    session = SessionFactory(seminar=draft)
    change = reverse("admin:seminars_session_change", args=[session.pk])
    data = session_post(draft, title="Renamed", starts_local="2030-03-04T10:00",
                        ends_local="2030-03-04T11:00")  # fmt: skip
    assert client.post(change, data).status_code == 302
    session.refresh_from_db()
    assert (session.title, session.sequence) == ("Renamed", 1)
    assert not SessionChange.objects.exists()


def test_repeat_must_be_a_session_of_the_same_seminar(madrid_client, madrid):
    # Another seminar of the same organiser: offered, but refused with a message.
    user = madrid_client.session["_auth_user_id"]
    other = SeminarFactory()
    RoleFactory(seminar=other, user_id=user, role="organizer")
    elsewhere = SessionFactory(seminar=other)
    response = madrid_client.post(SESSION_ADD, session_post(madrid, repeat_of=elsewhere.pk))
    assert "A repeat must belong to the same seminar." in errors_of(response)


def test_repeat_choices_exclude_other_organisers_sessions(madrid_client, madrid):
    foreign = SessionFactory(title="Someone else's secret session")
    response = madrid_client.get(SESSION_ADD)
    assert "secret session" not in response.content.decode()
    response = madrid_client.post(SESSION_ADD, session_post(madrid, repeat_of=foreign.pk))
    assert "Select a valid choice" in errors_of(response)
    assert not Session.objects.filter(seminar=madrid).exists()


# --- Scoping: an organiser sees and edits only their own seminars -------------------------


@pytest.fixture
def two_organisers(client, db):
    mine = SeminarFactory(title="My seminar")
    theirs = SeminarFactory(title="Their seminar", status=Seminar.Status.DRAFT)
    their_session = SessionFactory(seminar=theirs, title="Their session")
    staff_organizer(theirs)
    client.force_login(staff_organizer(mine))
    return mine, theirs, their_session


def test_organiser_does_not_see_another_organisers_seminar_in_lists(client, two_organisers):
    mine, theirs, their_session = two_organisers
    html = client.get(reverse("admin:seminars_seminar_changelist")).content.decode()
    assert "My seminar" in html and "Their seminar" not in html
    html = client.get(reverse("admin:seminars_session_changelist")).content.decode()
    assert "Their session" not in html
    # Not even in the list filter.
    assert "Their seminar" not in html


def test_organiser_cannot_open_or_edit_another_organisers_seminar(client, two_organisers):
    mine, theirs, their_session = two_organisers
    for url in (
        reverse("admin:seminars_seminar_change", args=[theirs.pk]),
        reverse("admin:seminars_session_change", args=[their_session.pk]),
        reverse("admin:seminars_seminar_delete", args=[theirs.pk]),
        reverse("admin:seminars_session_delete", args=[their_session.pk]),
    ):
        response = client.get(url)
        # The admin answers "does not exist" by redirecting to its index.
        assert response.status_code == 302, url
        assert response["Location"] == reverse("admin:index")
    response = client.post(
        reverse("admin:seminars_session_change", args=[their_session.pk]),
        session_post(theirs, title="Hijacked"),
    )
    assert response.status_code == 302
    their_session.refresh_from_db()
    assert their_session.title == "Their session"
    theirs.refresh_from_db()
    assert theirs.title == "Their seminar"


def test_organiser_cannot_add_a_session_to_another_organisers_seminar(client, two_organisers):
    mine, theirs, their_session = two_organisers
    response = client.post(SESSION_ADD, session_post(theirs, title="Sneaked in"))
    assert "Select a valid choice" in errors_of(response)
    assert not Session.objects.filter(title="Sneaked in").exists()


def test_admin_querysets_are_scoped(rf, two_organisers):
    from django.contrib import admin as django_admin

    mine, theirs, their_session = two_organisers
    request = rf.get("/admin/")
    request.user = SeminarRole.objects.get(seminar=mine).user
    seminar_admin = django_admin.site._registry[Seminar]
    session_admin = django_admin.site._registry[Session]
    assert list(seminar_admin.get_queryset(request)) == [mine]
    assert their_session not in session_admin.get_queryset(request)
    assert not seminar_admin.has_change_permission(request, theirs)
    assert seminar_admin.has_change_permission(request, mine)


def test_organiser_may_edit_their_host_but_not_an_agency(client, two_organisers):
    mine, theirs, their_session = two_organisers
    agency = AgencyFactory(name="UNICEF")
    url = reverse("admin:seminars_organization_change", args=[agency.pk])
    response = client.post(url, {"kind": "agency", "name": "Renamed", "acronym": "X"})
    agency.refresh_from_db()
    assert agency.name == "UNICEF"
    assert response.status_code in {200, 403}
    url = reverse("admin:seminars_organization_change", args=[mine.host.pk])
    data = {"kind": "host", "name": "Our council", "acronym": "OC", "country": "KE",
            "procurement_segments": "[]"}  # fmt: skip
    assert client.post(url, data).status_code == 302
    mine.host.refresh_from_db()
    assert mine.host.name == "Our council"


def test_roles_are_given_by_exact_username_without_listing_accounts(client, two_organisers):
    mine, theirs, their_session = two_organisers
    colleague = UserFactory(username="colleague", email="colleague@example.org")
    url = reverse("admin:seminars_seminar_change", args=[mine.pk])
    page = client.get(url).content.decode()
    assert "colleague" not in page  # no list of accounts to pick from
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        {
            "slug": mine.slug,
            "title": mine.title,
            "host": mine.host.pk,
            "format": mine.format,
            "time_zone": mine.time_zone,
            "starts_on": "2030-03-04",
            "ends_on": "2030-03-05",
            "languages": '["en"]',
            "status": mine.status,
            "personal_data_retention_days": "60",
            "description": "",
            "venue_name": mine.venue_name,
            "roles-TOTAL_FORMS": "2",
            "roles-INITIAL_FORMS": "1",
            "roles-MIN_NUM_FORMS": "0",
            "roles-MAX_NUM_FORMS": "1000",
        }
    )
    existing = SeminarRole.objects.get(seminar=mine)
    data.update(
        {
            "roles-0-id": existing.pk,
            "roles-0-seminar": mine.pk,
            "roles-0-account": existing.user.username,
            "roles-0-role": "organizer",
            "roles-1-seminar": mine.pk,
            "roles-1-account": "nobody-by-that-name",
            "roles-1-role": "moderator",
        }
    )
    for key in ("registration_opens_at", "registration_closes_at"):
        data.pop(key, None)
    response = client.post(url, data)
    assert response.status_code == 200
    assert "No single active account has the username or email" in response.content.decode()
    assert not SeminarRole.objects.filter(seminar=mine, role="moderator").exists()
    data["roles-1-account"] = "Colleague@Example.org"
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert SeminarRole.objects.filter(seminar=mine, user=colleague, role="moderator").exists()


def test_non_staff_vendor_cannot_reach_the_admin(client, db, seminar):
    client.force_login(UserFactory())
    for url in (reverse("admin:index"), reverse("admin:seminars_seminar_changelist")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_staff_without_any_organiser_role_sees_no_seminar_admin(client, db, seminar):
    user = UserFactory()
    user.is_staff = True
    user.save()
    client.force_login(user)
    assert "Seminars" not in client.get(reverse("admin:index")).content.decode()
    assert client.get(reverse("admin:seminars_seminar_changelist")).status_code == 403
    assert client.get(reverse("admin:seminars_session_add")).status_code == 403


# --- Drafts are not public ------------------------------------------------------------------


def test_draft_seminar_is_not_public(client, db):
    draft = SeminarFactory(status=Seminar.Status.DRAFT, title="Secret draft")
    detail = reverse("seminars:detail", kwargs={"slug": draft.slug})
    assert client.get(detail).status_code == 404
    assert "Secret draft" not in client.get(reverse("seminars:list")).content.decode()
    # Signed in without a role: still not there.
    client.force_login(UserFactory())
    assert client.get(detail).status_code == 404


def test_draft_seminar_is_visible_to_its_organiser(client, db):
    draft = SeminarFactory(status=Seminar.Status.DRAFT, title="Secret draft")
    client.force_login(staff_organizer(draft))
    response = client.get(reverse("seminars:detail", kwargs={"slug": draft.slug}))
    assert response.status_code == 200
    assert "Draft: only people with a role" in response.content.decode()
    # The public list stays public-only, even for the organiser.
    assert "Secret draft" not in client.get(reverse("seminars:list")).content.decode()


def test_cancelled_and_finished_seminars_stay_listed(client, db):
    SeminarFactory(status=Seminar.Status.CANCELLED, title="Called off")
    SeminarFactory(status=Seminar.Status.FINISHED, title="Done")
    html = client.get(reverse("seminars:list")).content.decode()
    assert "Called off" in html and "Done" in html


def test_session_list_shows_times_in_the_seminar_zone(madrid_client, madrid):
    SessionFactory(
        seminar=madrid,
        starts_at=datetime(2030, 3, 30, 10, tzinfo=madrid.zone),
        ends_at=datetime(2030, 3, 30, 11, tzinfo=madrid.zone),
    )
    html = madrid_client.get(reverse("admin:seminars_session_changelist")).content.decode()
    assert "2030-03-30 10:00 Europe/Madrid (UTC+01:00)" in html


def test_seminar_last_day_before_first_day_is_rejected(client, madrid):
    client.force_login(staff_organizer(madrid))
    data = {
        "slug": "backwards",
        "title": "Backwards",
        "host": OrganizationFactory().pk,
        "format": "virtual",
        "time_zone": "Africa/Nairobi",
        "starts_on": "2030-05-02",
        "ends_on": "2030-05-01",
        "languages": '["en"]',
        "status": "draft",
        "personal_data_retention_days": "60",
        "roles-TOTAL_FORMS": "0",
        "roles-INITIAL_FORMS": "0",
        "roles-MIN_NUM_FORMS": "0",
        "roles-MAX_NUM_FORMS": "1000",
    }
    response = client.post(SEMINAR_ADD, data)
    assert response.status_code == 200
    assert "The last day cannot be before the first day." in response.content.decode()
    assert not Seminar.objects.filter(slug="backwards").exists()


def test_moving_a_seminars_dates_away_from_its_sessions_is_rejected(client, madrid):
    client.force_login(staff_organizer(madrid))
    SessionFactory(
        seminar=madrid,
        title="Day two panel",
        starts_at=datetime(2030, 3, 31, 10, tzinfo=madrid.zone),
        ends_at=datetime(2030, 3, 31, 11, tzinfo=madrid.zone),
    )
    url = reverse("admin:seminars_seminar_change", args=[madrid.pk])
    role = SeminarRole.objects.get(seminar=madrid)
    data = {
        "slug": madrid.slug,
        "title": madrid.title,
        "host": madrid.host.pk,
        "format": madrid.format,
        "time_zone": "Europe/Madrid",
        "starts_on": "2030-03-30",
        "ends_on": "2030-03-30",
        "languages": '["en"]',
        "status": madrid.status,
        "personal_data_retention_days": "60",
        "venue_name": madrid.venue_name,
        "roles-TOTAL_FORMS": "1",
        "roles-INITIAL_FORMS": "1",
        "roles-MIN_NUM_FORMS": "0",
        "roles-MAX_NUM_FORMS": "1000",
        "roles-0-id": role.pk,
        "roles-0-seminar": madrid.pk,
        "roles-0-account": role.user.username,
        "roles-0-role": "organizer",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "1 session(s) would fall outside the seminar" in response.content.decode()
    assert "Day two panel" in response.content.decode()
    madrid.refresh_from_db()
    assert madrid.ends_on == date(2030, 3, 31)
    # Keeping both days saves.
    assert client.post(url, {**data, "ends_on": "2030-03-31"}).status_code == 302
