"""API tokens, webhook subscriptions, their deliveries and each delivery's attempts."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from seminars.models import Organization, Seminar

SCOPES = (
    ("agenda:read", _("Read the agenda")),
    ("registrations:read", _("Read registrations, attendance and reach")),
    ("registrations:write", _("Check in and decide registrations")),
    ("leads:read", _("Read your agency's leads")),
    ("questions:read", _("Read questions and answers")),
    ("webhooks:manage", _("Manage webhooks")),
)
SCOPE_NAMES = tuple(name for name, _label in SCOPES)
ORGANISER_SCOPES = (
    "agenda:read",
    "registrations:read",
    "registrations:write",
    "questions:read",
    "webhooks:manage",
)
AGENCY_SCOPES = ("agenda:read", "leads:read", "questions:read")

EVENT_TYPES = (
    "registration.created",
    "registration.updated",
    "registration.cancelled",
    "consent.granted",
    "consent.withdrawn",
    "session.changed",
    "question.answered",
    "meeting.requested",
    "meeting.accepted",
    "meeting.changed",
    "meeting.cancelled",
)


class ApiToken(models.Model):
    """A bearer token: its owner's permissions, narrowed to one seminar or one agency and to
    its scopes. Only a SHA-256 of the secret is kept (the secret has 256 bits of entropy, so a
    slow hash buys nothing); the raw token is shown once, at creation."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    seminar = models.ForeignKey(
        Seminar, on_delete=models.CASCADE, null=True, blank=True, related_name="api_tokens"
    )
    agency = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, blank=True, related_name="api_tokens"
    )
    scopes = models.JSONField(_("scopes"), default=list)
    prefix = models.CharField(max_length=16, unique=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class WebhookSubscription(models.Model):
    """Where a seminar's events are POSTed, signed with ``secret`` (Standard Webhooks).

    After a rotation the previous secret also signs, until ``previous_secret_expires_at``, so
    a receiver can switch over without losing events."""

    seminar = models.ForeignKey(Seminar, on_delete=models.CASCADE, related_name="webhooks")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    url = models.URLField(_("URL"), max_length=500)
    events = models.JSONField(_("events"), default=list)
    secret = models.CharField(max_length=64)
    previous_secret = models.CharField(max_length=64, blank=True)
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True)

    class DisabledReason(models.TextChoices):
        FAILURES = "failures", _("Disabled after repeated failed deliveries")
        OWNER_LOST = "owner_lost", _("Disabled: its owner no longer organises the seminar")
        ORGANISER = "organiser", _("Disabled by an organiser")

    is_active = models.BooleanField(default=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    disabled_at = models.DateTimeField(null=True, blank=True)
    # Why it stopped ("" while active, and for those disabled before this was recorded).
    disabled_reason = models.CharField(max_length=12, choices=DisabledReason.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(models.Model):
    """One event for one subscription; retried until it succeeds or a day has passed."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Delivered")
        FAILED = "failed", _("Failed")

    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    message_id = models.CharField(max_length=40, unique=True)
    event_type = models.CharField(max_length=40)
    payload = models.JSONField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")

    def __str__(self) -> str:
        return f"{self.event_type} {self.message_id}: {self.status}"


class WebhookAttempt(models.Model):
    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="log")
    at = models.DateTimeField(auto_now_add=True)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.delivery_id} at {self.at}: {self.response_status or self.error}"
