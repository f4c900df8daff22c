"""Reminder emails 24 h and 1 h before each chosen session, as background tasks.

Tasks carry the session start they were planned for. When a task runs and the session has
moved, it re-plans itself for the new time (or gives up if that is past); a registration that
was cancelled or no longer includes the session gets nothing. ``ReminderSent`` makes sending
idempotent when several tasks for the same reminder exist.
"""

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from registration import constants, emails
from registration.models import Registration, ReminderSent
from seminars.models import Seminar, Session


def _enqueue(registration_id: int, session: Session, lead: str) -> bool:
    from registration.tasks import send_session_reminder

    run_after = session.starts_at - timedelta(minutes=constants.REMINDER_LEADS[lead])
    if run_after <= timezone.now():
        return False
    send_session_reminder.using(run_after=run_after).enqueue(
        registration_id, session.pk, lead, session.starts_at.isoformat()
    )
    return True


def reminders_schedule(*, registration_id: int) -> int:
    """Queue both reminders for each chosen future session of a confirmed registration.
    Returns how many tasks were queued."""
    registration = Registration.objects.filter(pk=registration_id).first()
    if registration is None or registration.status != Registration.Status.CONFIRMED:
        return 0
    queued = 0
    for session in registration.sessions.all():
        for lead in constants.REMINDER_LEADS:
            queued += _enqueue(registration.pk, session, lead)
    return queued


def reminders_reschedule_session(*, session_id: int) -> int:
    """After a session's time changed: queue reminders at the new time for everyone who chose
    it (the old tasks find the start moved and skip). Returns how many tasks were queued."""
    session = Session.objects.get(pk=session_id)
    queued = 0
    for registration_id in session.registrations.filter(
        status=Registration.Status.CONFIRMED
    ).values_list("pk", flat=True):
        for lead in constants.REMINDER_LEADS:
            queued += _enqueue(registration_id, session, lead)
    return queued


def reminder_send(
    *, registration_id: int, session_id: int, lead: str, planned_starts_at: str
) -> str:
    """Send one reminder if it is still due. Returns what happened (sent, rescheduled, or the
    reason it was skipped). Emails the vendor."""
    registration = Registration.objects.filter(pk=registration_id).first()
    session = Session.objects.filter(pk=session_id).first()
    if registration is None or session is None:
        return "skipped: gone"
    if registration.status != Registration.Status.CONFIRMED or registration.anonymised_at:
        return "skipped: not confirmed"
    if not registration.sessions.filter(pk=session_id).exists():
        return "skipped: session not chosen"
    if session.starts_at != datetime.fromisoformat(planned_starts_at):
        return "rescheduled" if _enqueue(registration_id, session, lead) else "skipped: moved"
    try:
        with transaction.atomic():
            ReminderSent.objects.create(
                registration=registration, session=session, lead=lead, starts_at=session.starts_at
            )
    except IntegrityError:
        return "skipped: already sent"
    emails.send_reminder(registration_id=registration_id, session_id=session_id, lead=lead)
    return "sent"


def session_moved_notify(*, session_id: int) -> int:
    """Email every confirmed registrant who chose a moved session its new time, while the
    session is still ahead. Returns how many were told. Sends emails."""
    session = Session.objects.select_related("seminar").get(pk=session_id)
    if session.seminar.status != Seminar.Status.PUBLISHED or session.starts_at <= timezone.now():
        return 0
    registration_ids = list(
        session.registrations.filter(
            status=Registration.Status.CONFIRMED, anonymised_at__isnull=True
        ).values_list("pk", flat=True)
    )
    for registration_id in registration_ids:
        emails.send_session_moved(registration_id=registration_id, session_id=session_id)
    return len(registration_ids)
