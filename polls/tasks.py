"""Background tasks: thin wrappers that take primary keys and call a service."""

from datetime import timedelta

from django.tasks import task


@task()
def send_feedback_requests(session_id: int, planned_ends_at: str = "") -> int:
    """Queued for the session's end (``feedback_requests_schedule``); without
    ``planned_ends_at``, asks at once whatever the plan."""
    from polls.feedback import feedback_requests_due, feedback_requests_send

    if not planned_ends_at:
        return feedback_requests_send(session_id=session_id)
    return feedback_requests_due(session_id=session_id, planned_ends_at=planned_ends_at)


@task()
def sweep_feedback_requests() -> int:
    """Ask the attendees of every session that ended in the last two days (run it hourly or
    daily: a person already asked is never asked again)."""
    from polls.feedback import feedback_requests_send, sessions_awaiting_feedback_requests

    return sum(
        feedback_requests_send(session_id=pk)
        for pk in sessions_awaiting_feedback_requests(within=timedelta(days=2))
    )


@task()
def render_certificate(certificate_id: int) -> bool:
    from polls.certificates import certificate_render_and_send

    return certificate_render_and_send(certificate_id=certificate_id)
