"""Pre-recorded presentations: versions of their files, renditions, uploads in flight, watch time.

A ``Presentation`` is one agency's recorded talk for one session. Each uploaded file is a
``MediaAsset``: a numbered version of one slot (video; slides or captions per language).
A new version waits for an organiser's approval while the approved one stays live.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from seminars.models import Organization, Session


class Presentation(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted for review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="presentations", verbose_name=_("session")
    )
    agency = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="presentations",
        verbose_name=_("agency"),
    )
    title = models.CharField(_("title"), max_length=200)
    language = models.CharField(_("language"), max_length=8, default="en")
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    approved_video = models.ForeignKey(
        "MediaAsset",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved video version"),
        help_text=_("The version the public sees; a newer one replaces it only once approved."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["session__starts_at", "pk"]
        verbose_name = _("presentation")
        verbose_name_plural = _("presentations")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "agency"], name="one_presentation_per_agency_and_session"
            )
        ]

    def __str__(self) -> str:
        return self.title


class MediaAsset(models.Model):
    """One version of one file of a presentation."""

    class Kind(models.TextChoices):
        VIDEO = "video", _("Video")
        SLIDES = "slides", _("Slides (PDF)")
        CAPTIONS = "captions", _("Captions (WebVTT)")

    class Status(models.TextChoices):
        UPLOADING = "uploading", _("Uploading")
        QUEUED = "queued", _("Queued")
        PROCESSING = "processing", _("Processing")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    class Review(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        SUPERSEDED = "superseded", _("Replaced by a newer approved version")

    presentation = models.ForeignKey(Presentation, on_delete=models.CASCADE, related_name="assets")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    language = models.CharField(_("language"), max_length=8, default="en")
    title = models.CharField(_("title"), max_length=200)
    version = models.PositiveIntegerField(_("version"), default=1)
    original_filename = models.CharField(max_length=255, blank=True)
    storage_key = models.CharField(max_length=500, blank=True)
    size_bytes = models.BigIntegerField(_("size"), default=0)
    content_type = models.CharField(
        _("detected type"), max_length=100, blank=True, help_text=_("From the file's content.")
    )
    probe = models.JSONField(_("media facts"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.UPLOADING
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    failure_reason = models.TextField(_("why it failed"), blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    lease_expires_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("A processing job renews this; once past, the job counts as abandoned."),
    )
    review = models.CharField(
        _("review"), max_length=16, choices=Review.choices, default=Review.PENDING
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["presentation", "kind", "language", "-version"]
        verbose_name = _("media file version")
        verbose_name_plural = _("media file versions")
        indexes = [models.Index(fields=["status", "lease_expires_at"])]

    def __str__(self) -> str:
        return f"{self.title} v{self.version} ({self.get_kind_display()})"

    @property
    def duration_seconds(self) -> float:
        return float(self.probe.get("duration") or 0)


class Rendition(models.Model):
    class Kind(models.TextChoices):
        HLS_240 = "hls_240", _("240p (HLS)")
        HLS_360 = "hls_360", _("360p (HLS)")
        HLS_720 = "hls_720", _("720p (HLS)")
        AUDIO = "audio", _("Audio only (HLS)")
        POSTER = "poster", _("Poster image")
        MASTER = "master", _("HLS master playlist")

    asset = models.ForeignKey(MediaAsset, on_delete=models.CASCADE, related_name="renditions")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    storage_key = models.CharField(max_length=500)
    bandwidth = models.PositiveIntegerField(default=0)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("rendition")
        verbose_name_plural = _("renditions")
        constraints = [
            models.UniqueConstraint(fields=["asset", "kind"], name="one_rendition_of_a_kind")
        ]

    def __str__(self) -> str:
        return f"{self.asset_id}:{self.kind}"


class UploadSession(models.Model):
    """A file on its way in: a local chunked upload or an S3 multipart upload."""

    class Backend(models.TextChoices):
        LOCAL = "local", _("Chunked to the server")
        S3 = "s3", _("Multipart to S3")

    asset = models.OneToOneField(MediaAsset, on_delete=models.CASCADE, related_name="upload")
    backend = models.CharField(max_length=8, choices=Backend.choices)
    expected_size = models.BigIntegerField()
    part_size = models.PositiveIntegerField()
    s3_upload_id = models.CharField(max_length=1024, blank=True)
    temp_path = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("upload in progress")
        verbose_name_plural = _("uploads in progress")

    def __str__(self) -> str:
        return f"upload of {self.asset_id}"


class WatchTime(models.Model):
    """How long a signed-in viewer watched a presentation: a signal for the agency's leads."""

    presentation = models.ForeignKey(
        Presentation, on_delete=models.CASCADE, related_name="watch_times"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="watch_times"
    )
    seconds_watched = models.PositiveIntegerField(default=0)
    furthest_position = models.PositiveIntegerField(default=0)
    duration_seconds = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("watch time")
        verbose_name_plural = _("watch times")
        constraints = [
            models.UniqueConstraint(fields=["presentation", "user"], name="one_watch_time_row")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} watched {self.seconds_watched}s of {self.presentation_id}"

    @property
    def share_watched(self) -> float:
        if not self.duration_seconds:
            return 0.0
        return min(1.0, self.seconds_watched / self.duration_seconds)
