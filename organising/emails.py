"""The agenda-change notice, rendered for one registrant in their language and zone.

The preview in the workspace and the email come from the same function, so what the
organiser reads is what each registrant receives (the personal join link excepted: the
preview shows a placeholder, since an organiser must not hold a vendor's link).
"""

import logging
import smtplib
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from ops import mail
from registration import links
from registration.models import Registration
from registration.times import session_times
from seminars.models import SessionChange

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Notice:
    to: str
    language: str
    time_zone: str
    subject: str
    body: str
    ics: bytes | None


def _lines(registration: Registration, changes: list[SessionChange]) -> list[dict]:
    chosen = {s.pk: s for s in registration.sessions.all()}
    vendor_zone, seminar_zone = registration.person.time_zone, registration.seminar.time_zone
    lines = []
    for change in changes:
        session = chosen.get(change.session_id)
        if session is None and registration.pk not in change.affected_registration_ids:
            continue
        times = None
        if session is not None and change.field != SessionChange.Field.DELETED:
            times = session_times([session], vendor_zone=vendor_zone, seminar_zone=seminar_zone)[0]
        lines.append({"change": change, "title": change.session_title, "times": times})
    return lines


def notice_render(
    *, registration: Registration, changes: list[SessionChange], preview: bool
) -> Notice | None:
    """The notice for ``registration`` about ``changes``; None if none of them concerns it."""
    from scheduling.calendar import calendar_for_sessions

    lines = _lines(registration, changes)
    if not lines:
        return None
    language = registration.person.preferred_language
    with translation.override(language):
        join_url = _("[the registrant's personal join link]") if preview else None
        context = {
            "person": registration.person,
            "seminar": registration.seminar,
            "lines": lines,
            "join_url": join_url or links.join_url(registration),
            "page_url": links.absolute(f"/seminars/{registration.seminar.slug}/"),
        }
        body = render_to_string("organising/email/agenda_changed.txt", context)
        subject = _("Agenda change: %(title)s") % {"title": registration.seminar.title}
        moved = [line["times"].session for line in lines if line["times"] is not None]
        ics = None
        if moved:
            ics = calendar_for_sessions(
                seminar=registration.seminar, sessions=moved, calendar_name=subject
            )
    return Notice(
        registration.person.email, language, registration.person.time_zone, subject, body, ics
    )


def notice_send(notice: Notice) -> bool:
    """Send one notice; False (logged) if the mail server refused it."""
    message = mail.message_build(
        subject=notice.subject, body=notice.body, to=[notice.to], language=notice.language
    )
    if notice.ics:
        message.attach("agenda-change.ics", notice.ics, "text/calendar")
    try:
        message.send()
    except (OSError, smtplib.SMTPException):
        logger.exception("Could not send the agenda-change notice to %s", notice.to)
        return False
    return True
