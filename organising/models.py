"""What the organiser workspace stores beyond seminars and registrations: invitations."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from seminars.models import Organization, Seminar, SeminarRole


class Invitation(models.Model):
    """An emailed invitation to take a role in a seminar. The link is a single-use token of
    accesskeys (purpose ``organising.invitation``) naming this row."""

    seminar = models.ForeignKey(Seminar, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email"), max_length=254)
    role = models.CharField(_("role"), max_length=16, choices=SeminarRole.Role.choices)
    agency = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.email} → {self.role} ({self.seminar_id})"


class Announcement(models.Model):
    """A message to a seminar's registrants (all, or those matching ``audience``), written in
    each of the seminar's languages; a registrant whose language has no text gets the
    default language's."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")

    seminar = models.ForeignKey(Seminar, on_delete=models.CASCADE, related_name="announcements")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    default_language = models.CharField(_("default language"), max_length=8)
    # Filters of the registrant list: {"status": "confirmed", "mode": "in_room", "group": "ldc"}.
    audience = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.DRAFT)
    send_after = models.DateTimeField(_("send at"), null=True, blank=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")

    def __str__(self) -> str:
        return f"announcement {self.pk} ({self.status})"


class AnnouncementText(models.Model):
    announcement = models.ForeignKey(Announcement, on_delete=models.CASCADE, related_name="texts")
    language = models.CharField(max_length=8)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"), max_length=10000)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["announcement", "language"], name="one_text_per_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.language}: {self.subject}"


class AnnouncementDelivery(models.Model):
    """The delivery log: one row per recipient. The unique constraint means a recipient is
    emailed at most once per announcement, whatever runs twice."""

    class Outcome(models.TextChoices):
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    announcement = models.ForeignKey(
        Announcement, on_delete=models.CASCADE, related_name="deliveries"
    )
    registration = models.ForeignKey(
        "registration.Registration", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    email = models.EmailField(max_length=254)
    language = models.CharField(max_length=8)
    outcome = models.CharField(max_length=8, choices=Outcome.choices)
    error = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["announcement", "email"], name="one_delivery_per_recipient"
            )
        ]

    def __str__(self) -> str:
        return f"{self.email}: {self.outcome}"
