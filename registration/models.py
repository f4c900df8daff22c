"""Vendors, their registrations, consent per agency, engagement, leads and the export log."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from seminars.models import Organization, Seminar, Session, validate_time_zone

LANGUAGE_CHOICES = [
    ("en", "English"),
    ("fr", "Français"),
    ("es", "Español"),
    ("ar", "عربي"),
    ("zh-hans", "中文"),
    ("ru", "Русский"),
]


class Company(models.Model):
    """A vendor firm, shared by its representatives; keyed by country + registration number."""

    class SizeBand(models.TextChoices):
        MICRO = "micro", _("Micro (fewer than 10 staff)")
        SMALL = "small", _("Small (10–49 staff)")
        MEDIUM = "medium", _("Medium (50–249 staff)")
        LARGE = "large", _("Large (250 staff or more)")

    SME_BANDS = (SizeBand.MICRO, SizeBand.SMALL, SizeBand.MEDIUM)

    legal_name = models.CharField(_("legal name"), max_length=200)
    country = CountryField(_("country"))
    national_registration_number = models.CharField(
        _("national registration or tax number"), max_length=64, blank=True
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    website = models.URLField(_("website"), max_length=200, blank=True)
    year_established = models.PositiveSmallIntegerField(
        _("year established"), null=True, blank=True
    )
    size_band = models.CharField(_("size"), max_length=8, choices=SizeBand.choices)
    # xgettext:no-python-format ("% o" is a percent sign, not a placeholder)
    women_owned = models.BooleanField(_("51% or more owned and controlled by women"), default=False)
    disability_inclusive = models.BooleanField(_("disability-inclusive supplier"), default=False)
    ungm_number = models.CharField(_("UNGM vendor number"), max_length=32, blank=True)
    unspsc_segments = models.JSONField(_("UNSPSC segments"), default=list, blank=True)
    unspsc_codes = models.JSONField(_("UNSPSC codes (8 digits)"), default=list, blank=True)
    # A registrant's own details while their claim to another company's number is unverified
    # (see CompanyClaim): never matched by number, never shared.
    is_claim = models.BooleanField(_("unverified claim of a registered number"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        constraints = [
            models.UniqueConstraint(
                fields=["country", "national_registration_number"],
                condition=~models.Q(national_registration_number="") & models.Q(is_claim=False),
                name="company_unique_national_number_per_country",
            )
        ]

    def __str__(self) -> str:
        return self.legal_name

    @property
    def is_sme(self) -> bool:
        return self.size_band in self.SME_BANDS


class Person(models.Model):
    """A vendor's representative; one per email address, signed in through emailed links."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="vendor_person",
    )
    company = models.ForeignKey(
        Company, on_delete=models.SET_NULL, null=True, related_name="people"
    )
    email = models.EmailField(_("email"), max_length=254, unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    job_title = models.CharField(_("job title"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True, help_text=_("E.164"))
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=LANGUAGE_CHOICES, default="en"
    )
    time_zone = models.CharField(_("time zone"), max_length=64, validators=[validate_time_zone])
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.full_name


class CompanyClaim(models.Model):
    """A person's claim to belong to a company others already belong to (same country and
    number). Until a member or the seminar's organiser approves, the person's registrations
    use ``claimant_company``, a separate record with their own details."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for verification")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Not approved")

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="claims")
    claimant_company = models.ForeignKey(
        Company, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    person = models.ForeignKey("Person", on_delete=models.CASCADE, related_name="company_claims")
    seminar = models.ForeignKey(Seminar, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("company claim")
        verbose_name_plural = _("company claims")
        constraints = [
            models.UniqueConstraint(fields=["company", "person"], name="one_claim_per_company")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} claims {self.company_id}: {self.status}"


class Registration(models.Model):
    class Status(models.TextChoices):
        PENDING_APPROVAL = "pending_approval", _("Waiting for approval")
        CONFIRMED = "confirmed", _("Confirmed")
        WAITING = "waiting", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")
        REJECTED = "rejected", _("Not approved")

    ACTIVE_STATUSES = (Status.PENDING_APPROVAL, Status.CONFIRMED, Status.WAITING)

    class AttendanceMode(models.TextChoices):
        ONLINE = "online", _("Online")
        IN_ROOM = "in_room", _("In the room")

    class ListVisibility(models.TextChoices):
        HIDDEN = "hidden", _("Nobody: leave me out of the participant list")
        COMPANY = "company", _("My company and country only")
        FULL = "full", _("My name, job title and company")

    seminar = models.ForeignKey(Seminar, on_delete=models.CASCADE, related_name="registrations")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="registrations")
    company = models.ForeignKey(
        Company, on_delete=models.SET_NULL, null=True, related_name="registrations"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    attendance_mode = models.CharField(
        _("attendance"), max_length=8, choices=AttendanceMode.choices
    )
    sessions = models.ManyToManyField(Session, blank=True, related_name="registrations")
    list_visibility = models.CharField(
        _("participant list"),
        max_length=8,
        choices=ListVisibility.choices,
        default=ListVisibility.HIDDEN,
    )
    # Country tags in force on the seminar's first day (see registration/data/SOURCES.md).
    country = CountryField(_("country"), blank=True)
    region = models.CharField(_("region"), max_length=16, blank=True)
    is_ldc = models.BooleanField(_("LDC"), default=False)
    is_lldc = models.BooleanField(_("LLDC"), default=False)
    is_sids = models.BooleanField(_("SIDS"), default=False)
    is_eit = models.BooleanField(_("economy in transition"), default=False)
    income_group = models.CharField(_("World Bank income group"), max_length=4, blank=True)
    is_returning = models.BooleanField(_("attended an earlier seminar"), default=False)
    # Secrets: the calendar feed and check-in code are capability URLs/codes.
    calendar_token = models.CharField(max_length=43, unique=True)
    check_in_code = models.CharField(max_length=12, unique=True)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    privacy_notice_version = models.CharField(max_length=32)
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    waiting_since = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["seminar", "person"], name="one_registration_per_person_and_seminar"
            )
        ]
        indexes = [
            models.Index(fields=["seminar", "status", "attendance_mode"]),
            models.Index(fields=["seminar", "waiting_since"]),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.seminar}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES


class SignInToken(models.Model):
    """What an emailed confirmation or sign-in link does. The link itself is a signed token
    of accesskeys naming this row; spending and replacing it are recorded there.

    ``payload`` holds the submitted form until the link is used: nothing about the vendor
    changes until they prove they own the address.
    """

    email = models.EmailField(max_length=254)
    seminar = models.ForeignKey(Seminar, on_delete=models.CASCADE, null=True, related_name="+")
    payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["email", "created_at"])]

    def __str__(self) -> str:
        return f"sign-in link for {self.email}"


class AgencyConsent(models.Model):
    """The current answer of one registration to "share my details with this agency"."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="consents"
    )
    agency = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    granted = models.BooleanField(default=False)
    privacy_notice_version = models.CharField(max_length=32)
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "agency"], name="one_consent_per_registration_agency"
            )
        ]
        indexes = [models.Index(fields=["agency", "granted"])]

    def __str__(self) -> str:
        return f"{self.registration_id} → {self.agency_id}: {self.granted}"


class ConsentEvent(models.Model):
    """Append-only history of every consent given or withdrawn."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="consent_events"
    )
    agency = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    granted = models.BooleanField()
    privacy_notice_version = models.CharField(max_length=32)
    at = models.DateTimeField()
    source = models.CharField(max_length=32)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.registration_id} → {self.agency_id}: {self.granted} at {self.at}"


class EngagementEvent(models.Model):
    """One engagement signal of a vendor towards an agency (``amount`` counts or seconds)."""

    class Kind(models.TextChoices):
        CONTACT_ME = "contact_me", _("Asked to be contacted")
        SLIDES_DOWNLOADED = "slides_downloaded", _("Downloaded slides")
        RECORDING_WATCHED_SECONDS = "recording_watched_seconds", _("Watched the recording")

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="engagement"
    )
    agency = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    session = models.ForeignKey(Session, on_delete=models.SET_NULL, null=True, blank=True)
    kind = models.CharField(max_length=32, choices=Kind.choices)
    amount = models.PositiveIntegerField(default=1)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["agency", "kind"])]

    def __str__(self) -> str:
        return f"{self.kind} × {self.amount}"


class Lead(models.Model):
    """An agency's follow-up state for one consenting registration."""

    class Status(models.TextChoices):
        NEW = "new", _("New")
        CONTACTED = "contacted", _("Contacted")
        QUALIFIED = "qualified", _("Qualified")
        NOT_RELEVANT = "not_relevant", _("Not relevant")

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="leads")
    agency = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NEW)
    notes = models.TextField(blank=True, max_length=4000)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["registration", "agency"], name="one_lead_per_agency")
        ]

    def __str__(self) -> str:
        return f"{self.registration_id} for {self.agency_id}: {self.status}"


class LeadScoreWeights(models.Model):
    """Per-seminar weights of the lead score; settings.LEAD_SCORE_WEIGHTS when absent."""

    seminar = models.OneToOneField(Seminar, on_delete=models.CASCADE, related_name="lead_weights")
    registered = models.PositiveSmallIntegerField(default=1)
    checked_in = models.PositiveSmallIntegerField(default=3)
    minutes_present = models.PositiveSmallIntegerField(
        default=1, help_text=_("Points per 10 minutes present in the agency's sessions.")
    )
    questions = models.PositiveSmallIntegerField(default=2)
    contact_me = models.PositiveSmallIntegerField(default=10)
    slides_downloaded = models.PositiveSmallIntegerField(default=2)
    recording_watched = models.PositiveSmallIntegerField(
        default=1, help_text=_("Points per 10 minutes of recording watched.")
    )
    segment_match = models.PositiveSmallIntegerField(
        default=3, help_text=_("Points per matching UNSPSC segment.")
    )

    class Meta:
        verbose_name = _("lead score weights")
        verbose_name_plural = _("lead score weights")

    def __str__(self) -> str:
        return str(self.seminar)


class CountryGroupOverride(models.Model):
    """An organiser's correction of the shipped country-group data (global or per seminar)."""

    seminar = models.ForeignKey(
        Seminar,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        help_text=_("Empty: applies to every seminar."),
    )
    country = CountryField(_("country"))
    ldc = models.BooleanField(_("LDC"), null=True, blank=True)
    lldc = models.BooleanField(_("LLDC"), null=True, blank=True)
    sids = models.BooleanField(_("SIDS"), null=True, blank=True)
    eit = models.BooleanField(_("economy in transition"), null=True, blank=True)
    income_group = models.CharField(
        _("World Bank income group"),
        max_length=4,
        blank=True,
        choices=[("L", "L"), ("LM", "LM"), ("UM", "UM"), ("H", "H")],
    )
    note = models.CharField(_("why"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("country group override")
        verbose_name_plural = _("country group overrides")
        constraints = [
            models.UniqueConstraint(
                fields=["seminar", "country"], name="one_override_per_country_and_seminar"
            )
        ]

    def __str__(self) -> str:
        return f"{self.country} ({self.seminar or _('all seminars')})"


class ReminderSent(models.Model):
    """Guards against sending the same reminder twice (tasks may be retried or re-enqueued)."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="+")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="+")
    lead = models.CharField(max_length=4)
    starts_at = models.DateTimeField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "session", "lead", "starts_at"], name="one_reminder"
            )
        ]

    def __str__(self) -> str:
        return f"{self.lead} reminder for {self.session_id}"


class ExportLog(models.Model):
    """Who exported what, when, with which filters, and how many rows."""

    seminar = models.ForeignKey(Seminar, on_delete=models.CASCADE, related_name="export_logs")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)
    kind = models.CharField(max_length=16)
    file_format = models.CharField(max_length=8)
    agency = models.ForeignKey(
        Organization, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    filters = models.JSONField(default=dict)
    columns = models.JSONField(default=list)
    rows = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind}.{self.file_format} by {self.user_id} ({self.rows} rows)"
