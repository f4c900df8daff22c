"""The agenda editor: the admin's validation, and changes that wait to be sent.

Nothing is emailed when a session is saved, in the workspace or in the admin: each change of
a published seminar waits as a pending notice until an organiser previews it and presses
"Notify registrants" (one email per affected registrant) or decides not to notify.
"""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from registration import services as registration_services
from seminars.models import Seminar, Session, SessionChange
from tests import factories
from tests.factories import registration_payload
from tests.seminars.test_admin import session_post, staff_organizer

DELIVER = "organising.tasks.deliver_change_notices"
# Session, user, seminar, the organiser's roles, sessions, their agencies, pending count.
QUERIES = 7


@pytest.fixture
def madrid(organiser):
    seminar = factories.SeminarFactory(
        time_zone="Europe/Madrid",
        starts_on=date(2030, 3, 30),
        ends_on=date(2030, 3, 31),
        status=Seminar.Status.PUBLISHED,
    )
    factories.RoleFactory(seminar=seminar, user=organiser)
    return seminar


def _session_form(**overrides):
    data = {
        "title": "Selling to UNICEF",
        "abstract": "",
        "kind": Session.Kind.PRESENTATION,
        "language": "en",
        "starts_local": "2030-03-30T10:00",
        "ends_local": "2030-03-30T11:00",
        "occurrence": "",
        "track": "Main hall",
        "stream_url": "",
        "qa_moderated": "on",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        # 02:30 on 31 March 2030 does not exist in Madrid: the clocks jump from 02:00 to 03:00.
        (
            {"starts_local": "2030-03-31T02:30", "ends_local": "2030-03-31T04:00"},
            "does not exist",
        ),
        ({"ends_local": "2030-03-30T09:00"}, "must end after it starts"),
        (
            {"starts_local": "2030-04-02T10:00", "ends_local": "2030-04-02T11:00"},
            "outside the seminar",
        ),
        ({"title": "Clash"}, "already uses track"),
    ],
)
def test_a_session_the_admin_would_refuse_is_refused_beside_its_field(
    client, organiser, madrid, overrides, message
):
    factories.SessionFactory(
        seminar=madrid,
        title="Opening",
        track="Main hall",
        starts_at=datetime(2030, 3, 30, 10, tzinfo=madrid.zone),
        ends_at=datetime(2030, 3, 30, 11, tzinfo=madrid.zone),
    )
    client.force_login(organiser)
    response = client.post(
        reverse("organising:session_new", args=[madrid.slug]), _session_form(**overrides)
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert madrid.sessions.count() == 1


def test_an_added_session_is_stored_in_utc_from_the_seminars_wall_clock(client, organiser, madrid):
    agency = factories.AgencyFactory()
    client.force_login(organiser)
    response = client.post(
        reverse("organising:session_new", args=[madrid.slug]),
        _session_form(agencies=[agency.pk]),
    )
    assert response.status_code == 302
    session = madrid.sessions.get()
    # Madrid is at UTC+01:00 on 30 March 2030 (summer time starts the next night).
    assert session.starts_at == datetime(2030, 3, 30, 9, tzinfo=UTC)
    assert list(session.agencies.all()) == [agency]
    page = client.get(reverse("organising:agenda", args=[madrid.slug]) + "?tz=America/Lima")
    text = page.content.decode()
    assert "Europe/Madrid" in text and "America/Lima" in text and "Add session" in text
    # The wall clock typed, in the seminar's zone; beside it Lima's (UTC−05:00): 04:00.
    assert "10:00–11:00</bdi> <span" in text and "Sat 04:00" in text


def _registrants(seminar, session):
    made = []
    for email, language, zone in (
        ("ana@example.org", "es", "America/Lima"),
        ("luc@example.org", "fr", "Africa/Dakar"),
    ):
        made.append(
            registration_services.registration_apply(
                seminar=seminar,
                payload=registration_payload(
                    email=email,
                    preferred_language=language,
                    time_zone=zone,
                    session_ids=[session.pk],
                ),
            )
        )
    registration_services.registration_apply(
        seminar=seminar, payload=registration_payload(email="nobody@example.org")
    )
    return made


def test_moving_a_session_emails_nobody_until_the_organiser_notifies_once(
    client, organiser, seminar, mailoutbox, django_capture_on_commit_callbacks
):
    session = seminar.sessions.get()
    _registrants(seminar, session)
    mailoutbox.clear()
    client.force_login(organiser)
    edit = reverse("organising:session_edit", args=[seminar.slug, session.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            edit,
            _session_form(
                title=session.title,
                starts_local="2030-03-04T14:00",
                ends_local="2030-03-04T15:00",
                agencies=[a.pk for a in session.agencies.all()],
            ),
        )
    assert response.status_code == 302
    assert mailoutbox == []
    assert not DBTaskResult.objects.filter(task_path=DELIVER).exists()
    [pending] = SessionChange.objects.filter(notice="pending")
    # The preview: one per language and zone, as each registrant will read it.
    page = client.get(reverse("organising:notices", args=[seminar.slug])).content.decode()
    assert "Notify registrants" in page
    assert "America/Lima" in page and "Africa/Dakar" in page
    assert "Su hora:" in page and "Votre heure :" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("organising:notices_send", args=[seminar.slug]))
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(reverse("organising:notices_send", args=[seminar.slug]), follow=True)
    assert "nothing was sent" in again.content.decode()
    [task] = DBTaskResult.objects.filter(task_path=DELIVER)
    assert task.task.call(*task.task_result.args) == 2
    assert sorted(m.to[0] for m in mailoutbox) == ["ana@example.org", "luc@example.org"]
    by_to = {m.to[0]: m for m in mailoutbox}
    assert "America/Lima" in by_to["ana@example.org"].body
    assert "Africa/Dakar" in by_to["luc@example.org"].body
    pending.refresh_from_db()
    assert pending.notice == "sent"


def test_saving_a_session_time_in_the_admin_emails_nobody_and_waits_as_pending(
    client, seminar, mailoutbox, django_capture_on_commit_callbacks
):
    session = seminar.sessions.get()
    _registrants(seminar, session)
    mailoutbox.clear()
    client.force_login(staff_organizer(seminar))
    change = reverse("admin:seminars_session_change", args=[session.pk])
    data = session_post(
        seminar,
        title=session.title,
        track="",
        starts_local="2030-03-04T15:00",
        ends_local="2030-03-04T16:00",
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(change, data).status_code == 302
    # The reminders follow the session; no task emails registrants.
    paths = set(DBTaskResult.objects.values_list("task_path", flat=True))
    assert "registration.tasks.notify_session_moved" not in paths
    assert DELIVER not in paths
    assert mailoutbox == []
    assert SessionChange.objects.filter(session=session, notice="pending").count() == 1


def test_dismissed_changes_reach_nobody_but_stay_in_the_public_changelog(
    client, organiser, seminar, mailoutbox
):
    session = seminar.sessions.get()
    _registrants(seminar, session)
    client.force_login(organiser)
    client.post(reverse("organising:session_cancel", args=[seminar.slug, session.pk]))
    client.post(reverse("organising:notices_dismiss", args=[seminar.slug]))
    assert SessionChange.objects.get().notice == "dismissed"
    assert not DBTaskResult.objects.filter(task_path=DELIVER).exists()
    public = client.get(seminar.get_absolute_url()).content.decode()
    assert "cancelled (was" in public


def test_a_deleted_session_enters_the_changelog_and_its_notice_reaches_who_chose_it(
    client, organiser, seminar, mailoutbox, django_capture_on_commit_callbacks
):
    session = seminar.sessions.get()
    title = session.title
    _registrants(seminar, session)
    mailoutbox.clear()
    client.force_login(organiser)
    client.post(reverse("organising:session_delete", args=[seminar.slug, session.pk]))
    assert not seminar.sessions.exists()
    public = client.get(seminar.get_absolute_url()).content.decode()
    assert title in public and "removed from the agenda" in public
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("organising:notices_send", args=[seminar.slug]))
    [task] = DBTaskResult.objects.filter(task_path=DELIVER)
    assert task.task.call(*task.task_result.args) == 2
    assert all(title in m.body for m in mailoutbox)
    assert sorted(m.to[0] for m in mailoutbox) == ["ana@example.org", "luc@example.org"]


def test_the_agenda_editor_reads_in_a_fixed_number_of_queries(client, organiser, seminar):
    client.force_login(organiser)
    url = reverse("organising:agenda", args=[seminar.slug])
    client.get(url)

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    few = count()
    assert few == QUERIES
    start = seminar.sessions.first().starts_at
    for n in range(20):
        s = factories.SessionFactory(
            seminar=seminar,
            starts_at=start + timedelta(hours=1 + n % 8, days=n // 10),
            ends_at=start + timedelta(hours=1 + n % 8, minutes=30, days=n // 10),
            track=f"Room {n}",
        )
        s.agencies.set([factories.AgencyFactory()])
    assert count() == few
