"""Emails about requests and meetings, each in the recipient's language and time zone (with the
seminar's beside it), and the reminders queued for the task worker.

Called after commit by the services; everything is read again by primary key.
"""

import logging
import smtplib
from datetime import timedelta

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from meetings.ics import meeting_ics
from meetings.models import Meeting, Request
from meetings.times import two_clocks
from ops import mail
from ops import metrics as ops_metrics
from registration import links

logger = logging.getLogger(__name__)
REMINDER_LEADS = {"24h": timedelta(hours=24), "1h": timedelta(hours=1)}


def _send(*, to: str, subject: str, template: str, context: dict, ics: bytes | None = None):
    body = render_to_string(f"meetings/email/{template}.txt", context)
    message = mail.message_build(subject=subject, body=body, to=[to])
    if ics is not None:
        method = "CANCEL" if b"METHOD:CANCEL" in ics else "REQUEST"
        message.attach("meeting.ics", ics, f"text/calendar; method={method}")
    try:
        message.send()
        ops_metrics.email_sent(True)
    except (OSError, smtplib.SMTPException):
        ops_metrics.email_sent(False)
        logger.exception("Could not send %r to %s", subject, to)


def _people(meeting_or_request):
    """(email, language, zone, counterpart) for the vendor and the officer."""
    person = meeting_or_request.registration.person
    officer = meeting_or_request.officer
    company = meeting_or_request.registration.company
    vendor_name = company.legal_name if company else person.full_name
    officer_name = f"{officer.display_name} ({officer.agency.acronym or officer.agency.name})"
    return [
        (person.email, person.preferred_language, person.time_zone, officer_name, "vendor"),
        (officer.email, officer.preferred_language, officer.time_zone, vendor_name, "officer"),
    ]


def _load_request(request_id: int) -> Request:
    return Request.objects.select_related(
        "seminar", "officer__agency", "registration__person", "registration__company"
    ).get(pk=request_id)


def _load_meeting(meeting_id: int) -> Meeting:
    return Meeting.objects.select_related(
        "seminar", "officer__agency", "registration__person", "registration__company"
    ).get(pk=meeting_id)


def _page(seminar, side: str) -> str:
    path = "inbox" if side == "officer" else "mine"
    return links.absolute(f"/seminars/{seminar.slug}/meetings/{path}/")


def request_received(*, request_id: int) -> None:
    """To the officer: a new request, with the preferred times in the officer's zone."""
    request = _load_request(request_id)
    from meetings.selectors import request_slots

    email, language, zone, counterpart, side = _people(request)[1]
    with translation.override(language):
        _send(
            to=email,
            subject=_("Meeting request from %(name)s") % {"name": counterpart},
            template="request_received",
            context={
                "request": request,
                "seminar": request.seminar,
                "counterpart": counterpart,
                "times": [
                    two_clocks(s, e, mine=zone, seminar=request.seminar.time_zone)
                    for s, e in request_slots(request)
                ],
                "url": _page(request.seminar, side),
            },
        )


def request_answered(*, request_id: int) -> None:
    """To the vendor: another time proposed, or the request declined."""
    request = _load_request(request_id)
    email, language, zone, counterpart, side = _people(request)[0]
    with translation.override(language):
        proposed = None
        if request.proposed_starts_at:
            from meetings.selectors import request_proposed_end

            proposed = two_clocks(
                request.proposed_starts_at,
                request_proposed_end(request),
                mine=zone,
                seminar=request.seminar.time_zone,
            )
        subject = (
            _("Another time proposed by %(name)s")
            if request.status == Request.Status.PROPOSED
            else _("Meeting request declined by %(name)s")
        ) % {"name": counterpart}
        _send(
            to=email,
            subject=subject,
            template=f"request_{request.status}",
            context={
                "request": request,
                "seminar": request.seminar,
                "counterpart": counterpart,
                "proposed": proposed,
                "url": _page(request.seminar, side),
            },
        )


SUBJECTS = {
    "accepted": lambda: _("Meeting confirmed with %(name)s"),
    "changed": lambda: _("Meeting changed with %(name)s"),
    "cancelled": lambda: _("Meeting cancelled with %(name)s"),
    "reminder": lambda: _("Reminder: meeting with %(name)s"),
}


def meeting_changed(*, meeting_id: int, kind: str) -> None:
    """To both sides, with the .ics (REQUEST, or CANCEL once cancelled)."""
    meeting = _load_meeting(meeting_id)
    for email, language, zone, counterpart, side in _people(meeting):
        with translation.override(language):
            ics = meeting_ics(meeting) if kind != "reminder" else None
            _send(
                to=email,
                subject=SUBJECTS[kind]() % {"name": counterpart},
                template=f"meeting_{kind}",
                context={
                    "meeting": meeting,
                    "seminar": meeting.seminar,
                    "counterpart": counterpart,
                    "side": side,
                    "times": two_clocks(
                        meeting.starts_at,
                        meeting.ends_at,
                        mine=zone,
                        seminar=meeting.seminar.time_zone,
                    ),
                    "notice": meeting.seminar.meetings.notice,
                    "url": _page(meeting.seminar, side),
                },
                ics=ics,
            )


def reminders_schedule(*, meeting_id: int) -> int:
    """Queue the 24 h and 1 h reminders for a meeting's current start (the worker sends them;
    a reminder whose meeting moved or was cancelled is skipped)."""
    from meetings.tasks import send_meeting_reminder

    meeting = Meeting.objects.get(pk=meeting_id)
    queued = 0
    for lead, before in REMINDER_LEADS.items():
        run_after = meeting.starts_at - before
        if run_after > timezone.now():
            send_meeting_reminder.using(run_after=run_after).enqueue(
                meeting.pk, lead, meeting.starts_at.isoformat()
            )
            queued += 1
    return queued


def reminder_send(*, meeting_id: int, planned_starts_at: str) -> str:
    meeting = Meeting.objects.filter(pk=meeting_id).first()
    if meeting is None or meeting.status != Meeting.Status.ACTIVE:
        return "skipped: cancelled"
    if meeting.starts_at.isoformat() != planned_starts_at:
        return "skipped: moved"
    meeting_changed(meeting_id=meeting_id, kind="reminder")
    return "sent"
