"""Background tasks of meetings: thin wrappers that take primary keys."""

from django.tasks import task


@task()
def send_meeting_reminder(meeting_id: int, lead: str, planned_starts_at: str) -> str:
    from meetings.notify import reminder_send

    return reminder_send(meeting_id=meeting_id, planned_starts_at=planned_starts_at)
