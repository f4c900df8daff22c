"""Moving a session re-queues its reminders in the background; a title change does not."""

from datetime import timedelta

import pytest
from django_tasks_db.models import DBTaskResult

from seminars.services import session_save
from tests.factories import SessionFactory

TASK = "registration.tasks.reschedule_session_reminders"


@pytest.mark.django_db(transaction=True)
def test_moving_a_session_queues_a_reminder_reschedule_after_commit():
    session = SessionFactory()
    session.starts_at += timedelta(minutes=30)
    session.ends_at += timedelta(minutes=30)
    session_save(session=session)
    queued = DBTaskResult.objects.filter(task_path=TASK)
    assert [task.args_kwargs["args"] for task in queued] == [[session.pk]]


@pytest.mark.django_db(transaction=True)
def test_renaming_a_session_queues_no_reschedule():
    session = SessionFactory()
    session.title = "A clearer title"
    session_save(session=session)
    assert not DBTaskResult.objects.filter(task_path=TASK).exists()


def test_registrants_who_chose_a_moved_session_get_its_new_time_in_their_zone(
    register, agencies, mailoutbox
):
    from icalendar import Calendar

    from registration.services.reminders import session_moved_notify

    moved, other = agencies["sessions"]
    chose = register(
        email="ana@example.org",
        session_ids=[moved.pk],
        time_zone="America/Lima",
        preferred_language="es",
    )
    register(email="bo@example.org", session_ids=[other.pk])
    moved.starts_at += timedelta(hours=1)
    moved.ends_at += timedelta(hours=1)
    session_save(session=moved)
    mailoutbox.clear()

    assert session_moved_notify(session_id=moved.pk) == 1
    [message] = mailoutbox
    assert message.to == [chose.person.email]
    assert moved.title in message.subject
    assert "America/Lima" in message.body and "UTC−05:00" in message.body
    [(name, content, _mimetype)] = message.attachments
    event = Calendar.from_ical(content).walk("VEVENT")[0]
    assert int(event["SEQUENCE"]) == moved.sequence == 1


def test_a_cancelled_registration_is_not_told_of_a_move(register, agencies, mailoutbox):
    from registration import services
    from registration.services.reminders import session_moved_notify

    moved = agencies["sessions"][0]
    registration = register(session_ids=[moved.pk])
    services.registration_cancel(registration=registration)
    mailoutbox.clear()
    assert session_moved_notify(session_id=moved.pk) == 0
    assert mailoutbox == []
