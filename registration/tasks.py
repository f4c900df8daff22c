"""Background tasks: thin wrappers that take primary keys and call a service."""

from django.tasks import task


@task()
def send_session_reminder(
    registration_id: int, session_id: int, lead: str, planned_starts_at: str
) -> str:
    from registration.services.reminders import reminder_send

    return reminder_send(
        registration_id=registration_id,
        session_id=session_id,
        lead=lead,
        planned_starts_at=planned_starts_at,
    )


@task()
def reschedule_session_reminders(session_id: int) -> int:
    from registration.services.reminders import reminders_reschedule_session

    return reminders_reschedule_session(session_id=session_id)


@task()
def notify_session_moved(session_id: int) -> int:
    from registration.services.reminders import session_moved_notify

    return session_moved_notify(session_id=session_id)
