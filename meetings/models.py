"""One-on-one meetings between vendors and agency procurement officers (issue 17).

Exclusivity lives in the database. Every meeting starts on the programme's grid (windows cut
into ``meeting_minutes + gap_minutes`` steps), so "at the same time" is "at the same start":
partial unique constraints on (officer, start), (registration, start) and (seminar, table,
start) over active meetings hold on SQLite and PostgreSQL alike. On PostgreSQL the migration
adds exclusion constraints on the time ranges as well (0002_postgres_exclusion), which also
catch overlaps off the grid (a programme whose length changed after meetings were booked).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from registration.models import Registration
from seminars.models import Organization, Seminar

DEFAULT_INTEGRITY_NOTICE = _(
    "UN staff accept no gifts, hospitality or favours from vendors. A meeting is a chance to "
    "learn how the agency buys; it never guarantees a contract."
)


class Programme(models.Model):
    """A seminar's meetings programme, configured by its organisers."""

    class Priority(models.TextChoices):
        NONE = "none", _("Category overlap only")
        LDC = "ldc", _("Vendors from least developed countries first")
        WOMEN = "women", _("Women-owned businesses first")

    seminar = models.OneToOneField(Seminar, on_delete=models.CASCADE, related_name="meetings")
    enabled = models.BooleanField(_("meetings open to vendors"), default=False)
    meeting_minutes = models.PositiveSmallIntegerField(_("meeting length (minutes)"), default=20)
    gap_minutes = models.PositiveSmallIntegerField(_("gap between meetings (minutes)"), default=5)
    online = models.BooleanField(_("online meetings"), default=True)
    in_person = models.BooleanField(_("in-person meetings"), default=False)
    tables = models.PositiveSmallIntegerField(_("tables in the hall"), default=0)
    cap_per_vendor = models.PositiveSmallIntegerField(_("meetings per vendor"), default=3)
    cap_per_officer_per_day = models.PositiveSmallIntegerField(
        _("meetings per officer per day"), default=12
    )
    requests_open_at = models.DateTimeField(_("requests open"), null=True, blank=True)
    requests_close_at = models.DateTimeField(_("requests close"), null=True, blank=True)
    integrity_notice = models.TextField(_("integrity notice"), max_length=2000, blank=True)
    priority = models.CharField(
        _("suggestion priority"), max_length=8, choices=Priority.choices, default=Priority.NONE
    )

    class Meta:
        verbose_name = _("meetings programme")
        verbose_name_plural = _("meetings programmes")
        constraints = [
            models.CheckConstraint(
                condition=Q(meeting_minutes__gte=5) & Q(meeting_minutes__lte=240),
                name="meeting_length_5_to_240",
            )
        ]

    def __str__(self) -> str:
        return f"meetings of {self.seminar_id}"

    @property
    def notice(self) -> str:
        return self.integrity_notice or str(DEFAULT_INTEGRITY_NOTICE)


class Window(models.Model):
    """Hours when meetings take place, entered in the seminar's zone, stored in UTC."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="windows")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="window_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M}–{self.ends_at:%H:%M} UTC"


class Officer(models.Model):
    """An agency procurement officer who takes meetings in one seminar (the meetings role)."""

    seminar = models.ForeignKey(Seminar, on_delete=models.CASCADE, related_name="officers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meeting_officers"
    )
    agency = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="+",
        limit_choices_to={"kind": Organization.Kind.AGENCY},
    )
    display_name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("email"), max_length=254)
    job_title = models.CharField(_("job title"), max_length=100, blank=True)
    # Two-digit segments and four-digit families (UNSPSC).
    unspsc_codes = models.JSONField(_("UNSPSC segments or families bought"), default=list)
    languages = models.JSONField(_("languages spoken"), default=list)
    preferred_language = models.CharField(_("language of emails"), max_length=8, default="en")
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    meeting_link = models.URLField(_("online meeting link"), blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["agency__acronym", "display_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["seminar", "user"], name="one_officer_per_seminar")
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.agency_id})"


class Block(models.Model):
    """A grid slot the officer is not available for."""

    officer = models.ForeignKey(Officer, on_delete=models.CASCADE, related_name="blocks")
    starts_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["officer", "starts_at"], name="one_block_per_slot")
        ]

    def __str__(self) -> str:
        return f"{self.officer_id} blocked at {self.starts_at}"


class Request(models.Model):
    """A vendor's request for a meeting: a purpose and up to three preferred grid slots."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the officer")
        PROPOSED = "proposed", _("Another time proposed")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        CANCELLED = "cancelled", _("Cancelled")

    OPEN = (Status.PENDING, Status.PROPOSED, Status.ACCEPTED)

    seminar = models.ForeignKey(Seminar, on_delete=models.CASCADE, related_name="+")
    officer = models.ForeignKey(Officer, on_delete=models.CASCADE, related_name="requests")
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="meeting_requests"
    )
    purpose = models.TextField(_("purpose"), max_length=500)
    # ISO 8601 UTC instants of the preferred grid slots (one to three).
    slots = models.JSONField(default=list)
    proposed_starts_at = models.DateTimeField(null=True, blank=True)
    mode = models.CharField(max_length=10, default="online")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["officer", "status"])]

    def __str__(self) -> str:
        return f"request {self.pk} ({self.status})"


class Meeting(models.Model):
    class Mode(models.TextChoices):
        ONLINE = "online", _("Online")
        IN_PERSON = "in_person", _("In person")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Confirmed")
        CANCELLED = "cancelled", _("Cancelled")

    seminar = models.ForeignKey(Seminar, on_delete=models.CASCADE, related_name="+")
    request = models.OneToOneField(Request, on_delete=models.CASCADE, related_name="meeting")
    officer = models.ForeignKey(Officer, on_delete=models.CASCADE, related_name="meetings")
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="meetings"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.ONLINE)
    table_number = models.PositiveSmallIntegerField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    # Raised on every change, so calendar apps replace their copy of the event.
    sequence = models.PositiveIntegerField(default=0)
    outcome_note = models.TextField(_("outcome note"), max_length=2000, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["seminar", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="meeting_ends_after_start"
            ),
            models.UniqueConstraint(
                fields=["officer", "starts_at"],
                condition=Q(status="active"),
                name="officer_one_meeting_per_slot",
                violation_error_message=_("The officer already has a meeting at that time."),
            ),
            models.UniqueConstraint(
                fields=["registration", "starts_at"],
                condition=Q(status="active"),
                name="vendor_one_meeting_per_slot",
                violation_error_message=_("The vendor already has a meeting at that time."),
            ),
            models.UniqueConstraint(
                fields=["seminar", "table_number", "starts_at"],
                condition=Q(status="active", table_number__isnull=False),
                name="table_one_meeting_per_slot",
                violation_error_message=_("The table is taken at that time."),
            ),
        ]

    def __str__(self) -> str:
        return f"meeting {self.pk} at {self.starts_at}"
