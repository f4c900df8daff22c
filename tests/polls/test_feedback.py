"""Session feedback: who may answer, who sees what (named or not), and the one email."""

import secrets
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from live.models import Attendance
from polls.feedback import feedback_requests_send
from polls.models import FeedbackQuestions, FeedbackRequest, SessionFeedback
from registration.models import EngagementEvent, Person, Registration
from tests import factories
from tests.smtp import smtp_server


@pytest.fixture
def ended(db):
    seminar = factories.SeminarFactory()
    agency = factories.AgencyFactory(acronym="UNA")
    other_agency = factories.AgencyFactory(acronym="UNB")
    now = timezone.now()
    session = factories.SessionFactory(
        seminar=seminar, starts_at=now - timedelta(hours=2), ends_at=now - timedelta(hours=1)
    )
    session.agencies.set([agency])
    FeedbackQuestions.objects.create(session=session, question_one="Was the pace right?")
    live = factories.UserFactory(first_name="Grace", last_name="Banda", email="grace@x.example")
    Attendance.objects.create(
        session=session, user=live, first_joined_at=now - timedelta(hours=2), seconds_present=900
    )
    Person.objects.create(
        user=live, email="grace@x.example", full_name="Grace Banda", preferred_language="fr",
        time_zone="Africa/Nairobi",
    )  # fmt: skip
    watcher = factories.UserFactory(first_name="Kofi", last_name="Mensah", email="kofi@x.example")
    person = Person.objects.create(
        user=watcher, email="kofi@x.example", full_name="Kofi Mensah", preferred_language="es",
        time_zone="Africa/Accra",
    )  # fmt: skip
    registration = Registration.objects.create(
        seminar=seminar,
        person=person,
        status="confirmed",
        attendance_mode="online",
        calendar_token=secrets.token_urlsafe(32),
        check_in_code=secrets.token_hex(4),
    )
    EngagementEvent.objects.create(
        registration=registration,
        agency=agency,
        session=session,
        kind=EngagementEvent.Kind.RECORDING_WATCHED_SECONDS,
        amount=1200,
    )
    return {
        "session": session,
        "live": live,
        "watcher": watcher,
        "absent": factories.UserFactory(),
        "organizer": factories.RoleFactory(seminar=seminar, role="organizer").user,
        "presenter": factories.RoleFactory(seminar=seminar, role="presenter", agency=agency).user,
        "other_presenter": factories.RoleFactory(
            seminar=seminar, role="presenter", agency=other_agency
        ).user,
    }


def _url(ended, name: str) -> str:
    session = ended["session"]
    return reverse(f"polls:{name}", kwargs={"slug": session.seminar.slug, "session_id": session.pk})


def _answer(client, ended, **fields):
    data = {"rating": "4", "answer_one": "A bit fast", "comment": "Useful", **fields}
    return client.post(_url(ended, "feedback"), data)


def test_attendees_live_or_by_recording_answer_once_and_may_change_it(client, ended):
    for who in ("live", "watcher"):
        client.force_login(ended[who])
        page = client.get(_url(ended, "feedback")).content.decode()
        assert "Was the pace right?" in page and "Send feedback" in page
        assert _answer(client, ended).status_code == 302
    client.force_login(ended["live"])
    assert _answer(client, ended, rating="2").status_code == 302
    assert SessionFeedback.objects.count() == 2
    assert SessionFeedback.objects.get(user=ended["live"]).rating == 2


def test_someone_who_did_not_attend_may_not_answer_and_nothing_is_saved(client, ended):
    client.force_login(ended["absent"])
    assert client.get(_url(ended, "feedback")).status_code == 403
    assert _answer(client, ended).status_code == 403
    assert SessionFeedback.objects.count() == 0


def test_feedback_before_the_session_ends_or_after_a_week_is_refused(client, ended):
    session = ended["session"]
    client.force_login(ended["live"])
    session.ends_at = timezone.now() + timedelta(hours=1)
    session.save()
    assert _answer(client, ended).status_code == 403
    session.ends_at = timezone.now() - timedelta(minutes=1)
    session.save()
    assert _answer(client, ended).status_code == 302
    SessionFeedback.objects.update(created_at=timezone.now() - timedelta(days=8))
    response = _answer(client, ended, rating="1")
    assert response.status_code == 400 and "week" in response.content.decode()
    assert SessionFeedback.objects.get().rating == 4


def test_a_bad_rating_gets_a_message_and_nothing_saved(client, ended):
    client.force_login(ended["live"])
    response = _answer(client, ended, rating="9")
    assert response.status_code == 400 and 'role="alert"' in response.content.decode()
    assert SessionFeedback.objects.count() == 0


def test_organisers_see_names_presenting_agency_sees_comments_without_names(client, ended):
    client.force_login(ended["live"])
    _answer(client, ended, comment="Clear slides")
    client.force_login(ended["organizer"])
    named = client.get(_url(ended, "feedback_results")).content.decode()
    assert "Grace Banda" in named and "Clear slides" in named and "A bit fast" in named
    client.force_login(ended["presenter"])
    anonymous = client.get(_url(ended, "feedback_results")).content.decode()
    assert "Clear slides" in anonymous and "Grace" not in anonymous and "Banda" not in anonymous
    for who in ("other_presenter", "live"):
        client.force_login(ended[who])
        assert client.get(_url(ended, "feedback_results")).status_code == 403


def test_the_feedback_email_goes_once_to_each_attendee_in_their_language(ended, settings):
    with smtp_server(settings) as mailbox:
        assert feedback_requests_send(session_id=ended["session"].pk) == 2
        assert feedback_requests_send(session_id=ended["session"].pk) == 0
    assert FeedbackRequest.objects.count() == 2
    by_address = {m["To"]: m for m in mailbox.messages}
    assert sorted(by_address) == ["grace@x.example", "kofi@x.example"]
    french = by_address["grace@x.example"].get_body(preferencelist=("plain",)).get_content()
    spanish = by_address["kofi@x.example"].get_body(preferencelist=("plain",)).get_content()
    assert "/feedback/" in french and "/feedback/" in spanish
    assert by_address["grace@x.example"]["Subject"] != by_address["kofi@x.example"]["Subject"]


def _feedback_tasks():
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path="polls.tasks.send_feedback_requests")


def _run_due() -> list:
    """Run the feedback tasks the db worker would pick up now (the worker itself closes the
    connection between tasks, which would end the test's transaction)."""
    due = list(_feedback_tasks().ready())
    return [t.task.call(*t.task_result.args) for t in due]


def _moved(session, *, minutes: int):
    from seminars.services import session_save

    today = timezone.localdate()
    session.seminar.starts_on, session.seminar.ends_on = today - timedelta(1), today + timedelta(1)
    session.seminar.save()
    session.ends_at += timedelta(minutes=minutes)
    return session_save(session=session)


def test_a_saved_session_queues_its_feedback_requests_after_its_end_and_asks_each_once(
    ended, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        session = _moved(ended["session"], minutes=20)
    (queued,) = _feedback_tasks()
    assert queued.run_after == session.ends_at + timedelta(minutes=10)
    assert queued.args_kwargs["args"] == [session.pk, session.ends_at.isoformat()]
    _feedback_tasks().update(run_after=timezone.now())
    with smtp_server(settings) as mailbox, django_capture_on_commit_callbacks(execute=True):
        assert _run_due() == [2]
        # the follow-up for those who watch the recording later: queued, nobody asked twice
        follow_up = _feedback_tasks().exclude(pk=queued.pk).get()
        assert timezone.now() < follow_up.run_after <= session.ends_at + timedelta(days=2)
        assert follow_up.task.call(*follow_up.task_result.args) == 0
    assert sorted(m["To"] for m in mailbox.messages) == ["grace@x.example", "kofi@x.example"]
    assert FeedbackRequest.objects.filter(session=session).count() == 2


def test_a_moved_session_asks_at_its_new_end_not_its_old_one(
    ended, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _moved(ended["session"], minutes=10)
        session = _moved(ended["session"], minutes=90)  # now ends in the future
    planned = sorted(t.run_after for t in _feedback_tasks())
    assert planned[-1] == session.ends_at + timedelta(minutes=10)
    _feedback_tasks().update(run_after=timezone.now())
    with smtp_server(settings) as mailbox:
        assert _run_due() == [0, 0]  # the old plan skips; at the new one the session is on
    assert mailbox.messages == [] and not FeedbackRequest.objects.exists()


def test_a_cancelled_session_asks_nobody(ended, settings, django_capture_on_commit_callbacks):
    from polls.tasks import send_feedback_requests

    session = ended["session"]
    session.cancelled_at = timezone.now()
    session.save()
    with smtp_server(settings) as mailbox:
        assert send_feedback_requests.call(session.pk, session.ends_at.isoformat()) == 0
    assert mailbox.messages == [] and not _feedback_tasks().exists()


def test_the_operators_command_still_asks_recent_sessions_once(ended, settings):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    with smtp_server(settings) as mailbox:
        call_command("send_feedback_requests", stdout=out)
        call_command("send_feedback_requests", stdout=out)
    assert out.getvalue().splitlines() == ["2 feedback requests sent", "0 feedback requests sent"]
    assert len(mailbox.messages) == 2
