import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("“%(zone)s” is not a known IANA time zone (for example Africa/Nairobi)."),
            params={"zone": value},
            code="unknown_time_zone",
        )


class Organization(models.Model):
    class Kind(models.TextChoices):
        HOST = "host", _("Host country / trade-promotion body")
        AGENCY = "agency", _("UN agency")
        OTHER = "other", _("Other")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    acronym = models.CharField(_("acronym"), max_length=32, blank=True)
    country = CountryField(_("country"), blank=True)
    logo = models.FileField(_("logo"), upload_to="logos/", blank=True)
    procurement_segments = models.JSONField(
        _("UNSPSC segments bought"),
        default=list,
        blank=True,
        help_text=_("Two-digit UNSPSC segment codes this agency declares it buys."),
    )
    # Part of the cached agenda's version: agendas show agencies' names and acronyms.
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self) -> str:
        return self.acronym or self.name


class Seminar(models.Model):
    class Format(models.TextChoices):
        VIRTUAL = "virtual", _("Virtual")
        HYBRID = "hybrid", _("Hybrid")
        IN_PERSON = "in_person", _("In person")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")
        FINISHED = "finished", _("Finished")

    PUBLIC_STATUSES = (Status.PUBLISHED, Status.CANCELLED, Status.FINISHED)
    # Not a column: set on the agenda page's read (scheduling.selectors, which says what it is).
    agenda_version: str

    slug = models.SlugField(_("slug"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    host = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="hosted_seminars",
        verbose_name=_("host organization"),
    )
    format = models.CharField(_("format"), max_length=16, choices=Format.choices)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        validators=[validate_time_zone],
        help_text=_("IANA name, for example Africa/Nairobi. Times are entered in this zone."),
    )
    starts_on = models.DateField(_("first day"), help_text=_("In the seminar's time zone."))
    ends_on = models.DateField(_("last day"), help_text=_("In the seminar's time zone."))
    venue_name = models.CharField(_("venue"), max_length=200, blank=True)
    venue_address = models.TextField(_("venue address"), blank=True)
    online_room_url = models.URLField(
        _("online room URL"), blank=True, help_text=_("Where online attendees join.")
    )
    languages = models.JSONField(
        _("languages"), default=list, help_text=_("Language codes, for example en, fr, es.")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    registration_opens_at = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("registration closes"), null=True, blank=True)
    registration_requires_approval = models.BooleanField(
        _("registrations need approval"), default=False
    )
    online_capacity = models.PositiveIntegerField(
        _("online capacity"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    in_room_capacity = models.PositiveIntegerField(
        _("in-room capacity"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    personal_data_retention_days = models.PositiveIntegerField(
        _("keep personal data for (days after the seminar)"), default=60
    )
    privacy_notice_version = models.CharField(
        _("privacy notice version"),
        max_length=32,
        blank=True,
        help_text=_("The version of the privacy notice registrants accept, for example 2026-01."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_on", "title"]
        verbose_name = _("seminar")
        verbose_name_plural = _("seminars")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="seminar_ends_on_or_after_start",
                violation_error_message=_("The last day cannot be before the first day."),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("seminars:detail", kwargs={"slug": self.slug})

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def is_public(self) -> bool:
        return self.status in self.PUBLIC_STATUSES


class Session(models.Model):
    class Kind(models.TextChoices):
        PRESENTATION = "presentation", _("Agency presentation")
        PANEL = "panel", _("Panel")
        QA = "qa", _("Live Q&A")
        MEETINGS = "meetings", _("One-on-one meetings")
        BREAK = "break", _("Break")

    seminar = models.ForeignKey(
        Seminar, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("seminar")
    )
    title = models.CharField(_("title"), max_length=200)
    abstract = models.TextField(_("abstract"), blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    starts_at = models.DateTimeField(_("starts"), help_text=_("Stored in UTC."))
    ends_at = models.DateTimeField(_("ends"), help_text=_("Stored in UTC."))
    language = models.CharField(_("language"), max_length=8, default="en")
    agencies = models.ManyToManyField(
        Organization,
        blank=True,
        related_name="presented_sessions",
        verbose_name=_("presenting agencies"),
        limit_choices_to={"kind": Organization.Kind.AGENCY},
    )
    track = models.CharField(_("track / room"), max_length=100, blank=True)
    repeat_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="repeats",
        verbose_name=_("repeat of"),
        help_text=_("The same session offered again for another time-zone band."),
    )
    stream_url = models.URLField(_("stream URL"), blank=True)
    qa_moderated = models.BooleanField(
        _("questions wait for a moderator"),
        default=True,
        help_text=_("Off: questions are approved on arrival."),
    )
    faq_published = models.BooleanField(
        _("publish answered questions as a FAQ"),
        default=False,
        help_text=_("Shows the answered questions, without names, on the session's FAQ page."),
    )
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    sequence = models.PositiveIntegerField(
        _("calendar sequence"),
        default=0,
        editable=False,
        help_text=_("Grows with every change to the time or title (RFC 5545 SEQUENCE)."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "track", "pk"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="session_ends_after_start",
                violation_error_message=_("A session must end after it starts."),
            )
        ]
        indexes = [models.Index(fields=["seminar", "starts_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return (
            reverse("seminars:detail", kwargs={"slug": self.seminar.slug}) + f"#session-{self.pk}"
        )


class SessionChange(models.Model):
    """One public changelog entry: a change to a session of a published seminar.

    It is also the organiser's pending notice: registrants hear of it only when an organiser
    sends it ("Notify registrants") or decides not to (``notice`` leaves PENDING either way).
    """

    class Field(models.TextChoices):
        TIME = "time", _("Time")
        TITLE = "title", _("Title")
        CANCELLED = "cancelled", _("Cancelled")
        DELETED = "deleted", _("Deleted")

    class Notice(models.TextChoices):
        PENDING = "pending", _("Not yet sent")
        SENT = "sent", _("Sent to registrants")
        DISMISSED = "dismissed", _("Not sent (organiser's decision)")

    seminar = models.ForeignKey(Seminar, on_delete=models.CASCADE, related_name="changes")
    # Empty once the session is deleted; ``session_title`` keeps the name for the changelog.
    session = models.ForeignKey(
        Session, on_delete=models.SET_NULL, null=True, blank=True, related_name="changes"
    )
    session_title = models.CharField(max_length=200, blank=True)
    field = models.CharField(max_length=16, choices=Field.choices)
    old_value = models.CharField(max_length=255)
    new_value = models.CharField(max_length=255)
    old_starts_at = models.DateTimeField(null=True, blank=True)
    new_starts_at = models.DateTimeField(null=True, blank=True)
    # Registrations that had chosen a deleted session (its choices go with it).
    affected_registration_ids = models.JSONField(default=list, blank=True)
    changed_at = models.DateTimeField(auto_now_add=True)
    notice = models.CharField(max_length=16, choices=Notice.choices, default=Notice.PENDING)
    notice_decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("session change")
        verbose_name_plural = _("session changes")
        indexes = [models.Index(fields=["seminar", "notice"])]

    def __str__(self) -> str:
        return f"{self.session_title}: {self.old_value} → {self.new_value}"


class SeminarRole(models.Model):
    class Role(models.TextChoices):
        ORGANIZER = "organizer", _("Organizer")
        PRESENTER = "presenter", _("Agency presenter")
        MODERATOR = "moderator", _("Moderator")

    seminar = models.ForeignKey(Seminar, on_delete=models.CASCADE, related_name="roles")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="seminar_roles"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    agency = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="presenter_roles",
        limit_choices_to={"kind": Organization.Kind.AGENCY},
        help_text=_("Required for agency presenters: the agency they speak for."),
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("granted by"),
    )
    granted_at = models.DateTimeField(_("granted"), null=True, blank=True)

    class Meta:
        verbose_name = _("seminar role")
        verbose_name_plural = _("seminar roles")
        constraints = [
            models.UniqueConstraint(
                fields=["seminar", "user", "role"], name="one_role_of_a_kind_per_seminar"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(role="presenter", agency__isnull=False)
                    | (~models.Q(role="presenter") & models.Q(agency__isnull=True))
                ),
                name="presenter_has_agency_others_none",
                violation_error_message=_(
                    "An agency presenter needs an agency; other roles take none."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.seminar}"


__all__ = [
    "Organization",
    "Seminar",
    "SeminarRole",
    "Session",
    "SessionChange",
]
