"""Emails to vendors, each rendered in the vendor's language (translation.override).

Called after commit by the services; they read what they need by primary key.
"""

import io
import logging
import smtplib

import segno
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from accesskeys import purposes
from ops import mail
from ops import metrics as ops_metrics
from registration import links
from registration.models import Registration
from registration.times import session_times
from seminars.models import Seminar, Session

logger = logging.getLogger(__name__)


def _send(*, to: str, subject: str, template: str, context: dict, attachments=()) -> None:
    body = render_to_string(f"registration/email/{template}.txt", context)
    message = mail.message_build(subject=subject, body=body, to=[to])
    for name, content, mimetype in attachments:
        message.attach(name, content, mimetype)
    try:
        message.send(using="default")
        ops_metrics.email_sent(True)
    except (OSError, smtplib.SMTPException):
        ops_metrics.email_sent(False)
        # Sent after commit: the registration is saved whatever happens here, so a mail
        # server outage is logged (and the vendor can ask for a new link) instead of turning
        # the page into an error.
        logger.exception("Could not send %r to %s", subject, to)


def _minutes(purpose) -> int:
    return max(1, int(purpose.max_age().total_seconds() // 60))


def send_confirm_link(*, seminar: Seminar, email: str, raw_token: str, language: str) -> None:
    with translation.override(language):
        _send(
            to=email,
            subject=_("Confirm your registration: %(title)s") % {"title": seminar.title},
            template="confirm_link",
            context={
                "seminar": seminar,
                "url": links.email_link_url(seminar.slug, raw_token),
                "minutes": _minutes(purposes.CONFIRM),
            },
        )


def send_sign_in_link(*, seminar: Seminar, email: str, raw_token: str, language: str) -> None:
    with translation.override(language):
        _send(
            to=email,
            subject=_("Your sign-in link: %(title)s") % {"title": seminar.title},
            template="sign_in_link",
            context={
                "seminar": seminar,
                "url": links.email_link_url(seminar.slug, raw_token),
                "minutes": _minutes(purposes.SIGN_IN),
            },
        )


def _load(registration_id: int) -> Registration:
    return Registration.objects.select_related("seminar", "person", "company").get(
        pk=registration_id
    )


def _context(registration: Registration) -> dict:
    seminar = registration.seminar
    return {
        "registration": registration,
        "seminar": seminar,
        "person": registration.person,
        "times": session_times(
            registration.sessions.all(),
            vendor_zone=registration.person.time_zone,
            seminar_zone=seminar.time_zone,
        ),
        "join_url": links.join_url(registration),
        "calendar_url": links.webcal(links.calendar_url(registration)),
        "page_url": links.absolute(f"/seminars/{seminar.slug}/my-registration/"),
    }


def _session_context(registration: Registration, session: Session) -> dict:
    """The registration's context plus one session's times in the vendor's and seminar's zones."""
    context = _context(registration)
    context["session_times"] = session_times(
        [session],
        vendor_zone=registration.person.time_zone,
        seminar_zone=registration.seminar.time_zone,
    )[0]
    return context


def _ics(registration: Registration) -> bytes:
    from scheduling.calendar import calendar_for_sessions

    return calendar_for_sessions(
        seminar=registration.seminar,
        sessions=list(registration.sessions.all()),
        calendar_name=registration.seminar.title,
    )


def send_registration_status(
    *, registration_id: int, changed: bool = True, reason: str = ""
) -> None:
    """Confirmation (with .ics, join link and QR code) or the current status otherwise;
    ``reason`` is the organiser's, for a declined registration."""
    registration = _load(registration_id)
    if registration.anonymised_at:
        return  # erased since (a deleted account): there is nobody to write to
    with translation.override(registration.person.preferred_language):
        context = _context(registration)
        context["reason"] = reason
        attachments = []
        if registration.status == Registration.Status.CONFIRMED:
            attachments.append(("seminar.ics", _ics(registration), "text/calendar"))
            if registration.attendance_mode == Registration.AttendanceMode.IN_ROOM:
                attachments.append(("check-in.png", _qr_png(registration), "image/png"))
        subjects = {
            Registration.Status.CONFIRMED: _("You are registered: %(title)s"),
            Registration.Status.WAITING: _("You are on the waiting list: %(title)s"),
            Registration.Status.PENDING_APPROVAL: _("Registration received: %(title)s"),
            Registration.Status.REJECTED: _("Registration not approved: %(title)s"),
            Registration.Status.CANCELLED: _("Registration cancelled: %(title)s"),
        }
        _send(
            to=registration.person.email,
            subject=subjects[registration.status] % {"title": registration.seminar.title},
            template=f"status_{registration.status}",
            context=context,
            attachments=attachments,
        )


def _qr_png(registration: Registration) -> bytes:
    buffer = io.BytesIO()
    segno.make(f"OPENIPS:{registration.check_in_code}", error="m").save(buffer, kind="png", scale=6)
    return buffer.getvalue()


def send_promoted(*, registration_id: int) -> None:
    registration = _load(registration_id)
    with translation.override(registration.person.preferred_language):
        _send(
            to=registration.person.email,
            subject=_("A place is free for you: %(title)s") % {"title": registration.seminar.title},
            template="promoted",
            context=_context(registration),
            attachments=[("seminar.ics", _ics(registration), "text/calendar")]
            + (
                [("check-in.png", _qr_png(registration), "image/png")]
                if registration.attendance_mode == Registration.AttendanceMode.IN_ROOM
                else []
            ),
        )


def send_cancelled(*, registration_id: int) -> None:
    send_registration_status(registration_id=registration_id)


def send_reminder(*, registration_id: int, session_id: int, lead: str) -> None:
    registration = _load(registration_id)
    session = Session.objects.get(pk=session_id)
    with translation.override(registration.person.preferred_language):
        context = _session_context(registration, session)
        context["lead"] = lead
        subject = (
            _("Tomorrow: %(session)s") if lead == "24h" else _("In one hour: %(session)s")
        ) % {"session": session.title}
        _send(
            to=registration.person.email,
            subject=subject,
            template="reminder",
            context=context,
        )


def send_session_moved(*, registration_id: int, session_id: int) -> None:
    """The new time of a chosen session, in the vendor's zone and language, with an .ics whose
    higher SEQUENCE makes calendar apps move the event."""
    from scheduling.calendar import calendar_for_sessions

    registration = _load(registration_id)
    session = Session.objects.prefetch_related("agencies").get(pk=session_id)
    with translation.override(registration.person.preferred_language):
        context = _session_context(registration, session)
        ics = calendar_for_sessions(
            seminar=registration.seminar, sessions=[session], calendar_name=session.title
        )
        _send(
            to=registration.person.email,
            subject=_("New time: %(session)s") % {"session": session.title},
            template="session_moved",
            context=context,
            attachments=[("session.ics", ics, "text/calendar")],
        )
