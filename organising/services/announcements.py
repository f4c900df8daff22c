"""Announcements: written per language, previewed, sent once on the task worker with a
delivery log; a second "Send" finds the announcement no longer a draft and is refused."""

from datetime import datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ops import mail
from organising import registrants as registrant_selectors
from organising.models import Announcement, AnnouncementDelivery, AnnouncementText
from registration import links
from registration.models import Registration
from seminars.models import Seminar


def _validate_texts(seminar: Seminar, default_language: str, texts: dict) -> None:
    errors = {}
    if default_language not in seminar.languages:
        errors["default_language"] = _("Choose one of the seminar's languages.")
    for language, (subject, body) in texts.items():
        if bool(subject.strip()) != bool(body.strip()):
            missing = "body" if subject.strip() else "subject"
            errors[f"{missing}_{language}"] = _(
                "Write both a subject and a message in this language, or leave both empty "
                "(its readers then get the default language's)."
            )
    subject, body = texts.get(default_language, ("", ""))
    if not (subject.strip() and body.strip()) and "default_language" not in errors:
        errors.setdefault(
            f"body_{default_language}",
            _("The default language needs a subject and a message."),
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def announcement_create(
    *,
    seminar: Seminar,
    user: User,
    default_language: str,
    audience: dict,
    texts: dict[str, tuple[str, str]],
    send_after: datetime | None,
) -> Announcement:
    """A draft announcement; ValidationError (by field, nothing stored) for a language with a
    subject but no message, or no text in the default language."""
    _validate_texts(seminar, default_language, texts)
    announcement = Announcement.objects.create(
        seminar=seminar,
        created_by=user,
        default_language=default_language,
        audience={k: v for k, v in audience.items() if v},
        send_after=send_after,
    )
    AnnouncementText.objects.bulk_create(
        AnnouncementText(announcement=announcement, language=lang, subject=s.strip(), body=b)
        for lang, (s, b) in texts.items()
        if s.strip()
    )
    return announcement


def recipients(announcement: Announcement):
    filters = registrant_selectors.RegistrantFilters(
        **{k: v for k, v in announcement.audience.items() if k in {"mode", "status", "group"}}
    )
    rows = registrant_selectors.registrants(announcement.seminar, filters)
    return rows.filter(
        status__in=Registration.ACTIVE_STATUSES, anonymised_at__isnull=True
    ).order_by("pk")


def render(announcement: Announcement, language: str, texts=None) -> tuple[str, str, str]:
    """(language used, subject, body) for a reader of ``language``."""
    texts = texts or {t.language: t for t in announcement.texts.all()}
    text = texts.get(language) or texts[announcement.default_language]
    with translation.override(text.language):
        body = render_to_string(
            "organising/email/announcement.txt",
            {
                "text": text,
                "seminar": announcement.seminar,
                "page_url": links.absolute(announcement.seminar.get_absolute_url()),
            },
        )
    return text.language, text.subject, body


@transaction.atomic
def announcement_send(*, announcement: Announcement) -> Announcement:
    """Queue the announcement for the task worker (at ``send_after`` if scheduled). Refused if
    it was queued before, so a double click or a second tab sends nothing twice."""
    from organising.tasks import deliver_announcement

    announcement = Announcement.objects.select_for_update().get(pk=announcement.pk)
    if announcement.status != Announcement.Status.DRAFT:
        raise ValidationError(_("This announcement has already been sent or is being sent."))
    announcement.status = Announcement.Status.QUEUED
    announcement.queued_at = timezone.now()
    announcement.recipients = recipients(announcement).count()
    announcement.save(update_fields=["status", "queued_at", "recipients"])
    pk, run_after = announcement.pk, announcement.send_after
    task = deliver_announcement.using(run_after=run_after) if run_after else deliver_announcement
    transaction.on_commit(lambda: task.enqueue(pk))
    return announcement


def _deliver_one(announcement, registration, texts) -> bool:
    language, subject, body = render(announcement, registration.person.preferred_language, texts)
    try:
        with transaction.atomic():
            delivery = AnnouncementDelivery.objects.create(
                announcement=announcement,
                registration=registration,
                email=registration.person.email,
                language=language,
                outcome=AnnouncementDelivery.Outcome.SENT,
            )
    except IntegrityError:
        return False  # already delivered by an earlier run
    message = mail.message_build(subject=subject, body=body, to=[delivery.email], language=language)
    try:
        message.send()
    except OSError as error:  # smtplib.SMTPException is an OSError
        delivery.outcome, delivery.error = AnnouncementDelivery.Outcome.FAILED, str(error)[:200]
        delivery.save(update_fields=["outcome", "error"])
    return True


def announcement_deliver(*, announcement_id: int) -> int:
    """Email each recipient once, recording each outcome in the delivery log. Returns how many
    were attempted by this run. Sends emails."""
    announcement = Announcement.objects.select_related("seminar").get(pk=announcement_id)
    if announcement.status not in (Announcement.Status.QUEUED, Announcement.Status.SENDING):
        return 0
    Announcement.objects.filter(pk=announcement.pk).update(status=Announcement.Status.SENDING)
    texts = {t.language: t for t in announcement.texts.all()}
    attempted = 0
    for registration in recipients(announcement).select_related("person").iterator(500):
        attempted += _deliver_one(announcement, registration, texts)
    Announcement.objects.filter(pk=announcement.pk).update(
        status=Announcement.Status.SENT, finished_at=timezone.now()
    )
    return attempted
