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
