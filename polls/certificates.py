"""Certificates of attendance: eligibility by the organiser's rule, issue, PDF, revocation.

The PDF is rendered through seminars/pdf.py (WeasyPrint: HTML and CSS through Pango and
HarfBuzz, Arabic shaped and laid out right to left, CJK and Cyrillic from the Noto fonts that
``.ci/run`` installs), in the person's language, with a verification link and its QR code
(segno). Writes are services, reads are selectors; the task worker calls
``certificate_render_and_send``.
"""

import io
import secrets
from dataclasses import dataclass
from pathlib import Path

import segno
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from live.models import Attendance
from ops import mail
from polls.models import Certificate, CertificateRule
from registration.models import EngagementEvent, Registration
from seminars.models import Seminar, Session
from seminars.pdf import render_pdf

PDF_CONTENT_TYPE = "application/pdf"
STYLESHEET = Path(__file__).with_name("certificate.css")


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    live_minutes: int
    recording_share: int
    sessions: list[str]


def _sessions(seminar: Seminar):
    return Session.objects.filter(seminar=seminar).exclude(kind=Session.Kind.BREAK)


def certificate_eligibility(*, seminar: Seminar, user) -> Eligibility:
    """Minutes present live, share of recordings watched (a session's recording counts once
    half its length was watched), and whether the seminar's rule is met (four queries)."""
    rule = CertificateRule.objects.filter(seminar=seminar).first()
    sessions = {s.pk: s for s in _sessions(seminar)}
    present = dict(
        Attendance.objects.filter(session_id__in=sessions, user=user)
        .values_list("session_id")
        .annotate(seconds=Sum("seconds_present"))
        .order_by()
    )
    watched = dict(
        EngagementEvent.objects.filter(
            session_id__in=sessions,
            registration__person__user=user,
            kind=EngagementEvent.Kind.RECORDING_WATCHED_SECONDS,
        )
        .values_list("session_id")
        .annotate(seconds=Sum("amount"))
        .order_by()
    )
    recordings = [
        pk
        for pk, seconds in watched.items()
        if seconds * 2 >= (sessions[pk].ends_at - sessions[pk].starts_at).total_seconds()
    ]
    minutes = sum(present.values()) // 60
    share = round(100 * len(recordings) / len(sessions)) if sessions else 0
    eligible = rule is not None and (
        (rule.min_live_minutes is not None and minutes >= rule.min_live_minutes)
        or (rule.min_recording_share is not None and share >= rule.min_recording_share)
    )
    attended = sorted(
        {pk for pk, s in present.items() if s} | set(recordings),
        key=lambda pk: (sessions[pk].starts_at, pk),
    )
    return Eligibility(eligible, minutes, share, [sessions[pk].title for pk in attended])


def _registration(seminar: Seminar, user) -> Registration | None:
    return (
        Registration.objects.filter(seminar=seminar, person__user=user)
        .select_related("person", "company")
        .first()
    )


def certificate_issue(*, seminar: Seminar, user) -> Certificate:
    """Issue (or return the already issued) certificate of one registered person; refused
    below the seminar's threshold. Queues its PDF and email for the task worker."""
    existing = Certificate.objects.filter(seminar=seminar, user=user).first()
    if existing is not None:
        return existing
    registration = _registration(seminar, user)
    if registration is None:
        raise ValidationError(_("Only registered participants receive certificates."))
    eligibility = certificate_eligibility(seminar=seminar, user=user)
    if not eligibility.eligible:
        raise ValidationError(_("This person has not met the seminar's attendance rule."))
    person = registration.person
    try:
        with transaction.atomic():
            certificate = Certificate.objects.create(
                seminar=seminar,
                user=user,
                code=secrets.token_urlsafe(12),
                full_name=person.full_name,
                company=registration.company.legal_name if registration.company else "",
                language=person.preferred_language or settings.LANGUAGE_CODE,
                sessions=eligibility.sessions,
            )
            transaction.on_commit(lambda: _queue(certificate.pk))
    except IntegrityError:  # issued a moment ago by another request
        return Certificate.objects.get(seminar=seminar, user=user)
    return certificate


def _queue(certificate_id: int) -> None:
    from polls.tasks import render_certificate

    render_certificate.enqueue(certificate_id)


def certificates_issue(*, seminar: Seminar) -> int:
    """Issue the certificates of every eligible registered participant not yet holding one.
    Returns how many were issued. Queues their PDFs and emails."""
    have = set(Certificate.objects.filter(seminar=seminar).values_list("user_id", flat=True))
    issued = 0
    registrations = Registration.objects.filter(
        seminar=seminar, person__user__isnull=False, anonymised_at__isnull=True
    ).select_related("person__user")
    for registration in registrations:
        user = registration.person.user
        if (
            user is None
            or user.pk in have
            or not certificate_eligibility(seminar=seminar, user=user).eligible
        ):
            continue
        certificate_issue(seminar=seminar, user=user)
        issued += 1
    return issued


def certificate_revoke(*, certificate: Certificate) -> Certificate:
    """Revoke a certificate: its verification page says so from now on."""
    if certificate.revoked_at is None:
        certificate.revoked_at = timezone.now()
        certificate.save(update_fields=["revoked_at"])
    return certificate


def verification_url(certificate: Certificate) -> str:
    return settings.SITE_URL + reverse("polls:certificate_verify", args=[certificate.code])


def _qr_svg(url: str) -> str:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=4, xmldecl=False, svgns=True)
    return buffer.getvalue().decode()


def certificate_pdf(*, certificate: Certificate) -> bytes:
    """The certificate's PDF in its language (seminars/pdf.py). No side effects."""
    seminar = certificate.seminar
    url = verification_url(certificate)
    return render_pdf(
        "polls/certificate.html",
        {
            "certificate": certificate,
            "seminar": seminar,
            "host": seminar.host,
            "url": url,
            "qr_svg": _qr_svg(url),
        },
        STYLESHEET,
        language=certificate.language,
    )


def certificate_render_and_send(*, certificate_id: int) -> bool:
    """Render a certificate's PDF once and email it once (the task worker). Sends an email."""
    certificate = Certificate.objects.select_related("seminar__host").get(pk=certificate_id)
    if certificate.pdf is None:
        certificate.pdf = certificate_pdf(certificate=certificate)
        certificate.save(update_fields=["pdf"])
    claimed = Certificate.objects.filter(pk=certificate.pk, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    if not claimed or not certificate.user.email:
        return False
    with translation.override(certificate.language):
        message = mail.message_build(
            subject=_("Your certificate of attendance: %(seminar)s")
            % {"seminar": certificate.seminar.title},
            body=render_to_string(
                "polls/email/certificate.txt",
                {"certificate": certificate, "url": verification_url(certificate)},
            ),
            to=[certificate.user.email],
        )
    message.attach("certificate.pdf", bytes(certificate.pdf), PDF_CONTENT_TYPE)
    message.send()
    return True


def certificate_pdf_for_download(*, certificate: Certificate) -> bytes:
    """The certificate's PDF; made now and stored once when the task worker has not made it
    yet. Stores the PDF on the certificate."""
    if certificate.pdf is not None:
        return bytes(certificate.pdf)
    pdf = certificate_pdf(certificate=certificate)
    Certificate.objects.filter(pk=certificate.pk, pdf__isnull=True).update(pdf=pdf)
    return pdf


def certificate_by_code_or_404(code: str) -> Certificate:
    return get_object_or_404(Certificate.objects.select_related("seminar"), code=code)


def certificate_rule_of(seminar: Seminar) -> CertificateRule | None:
    return CertificateRule.objects.filter(seminar=seminar).first()


def seminar_certificates(seminar: Seminar) -> QuerySet[Certificate]:
    return Certificate.objects.filter(seminar=seminar).order_by("full_name")


def seminar_certificate_or_404(seminar: Seminar, pk: object) -> Certificate:
    """The seminar's certificate ``pk`` (as posted: anything that is not a number is 404)."""
    if not str(pk).isdigit():
        raise Http404
    return get_object_or_404(Certificate, pk=int(str(pk)), seminar=seminar)
