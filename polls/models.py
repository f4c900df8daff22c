"""Polls of a live room: prepared before or during a session, launched, voted on, closed.

A person is an account (``voter``) or an in-room phone (``device``, a room token); each has
at most one vote per poll, changed in place while the poll is open.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Poll(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        RATING = "rating", _("Rating from 1 to 5")
        TEXT = "text", _("Short text answer")

    class State(models.TextChoices):
        DRAFT = "draft", _("Prepared")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    QUESTION_MAX_CHARS = 300
    OPTION_MAX_CHARS = 120
    MAX_OPTIONS = 10
    TEXT_MAX_CHARS = 60

    session = models.ForeignKey("seminars.Session", on_delete=models.CASCADE, related_name="polls")
    agency = models.ForeignKey(
        "seminars.Organization",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        help_text=_("The presenting agency that prepared it (empty: the moderators)."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    question = models.CharField(_("question"), max_length=QUESTION_MAX_CHARS)
    max_choices = models.PositiveSmallIntegerField(_("most choices per vote"), default=1)
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.DRAFT)
    results_shown = models.BooleanField(_("results shown to the audience"), default=False)
    results_while_voting = models.BooleanField(_("results visible while voting"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("poll")
        verbose_name_plural = _("polls")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.question

    @property
    def results_public(self) -> bool:
        """Whether the audience sees the totals now."""
        if not self.results_shown or self.state == self.State.DRAFT:
            return False
        return self.state == self.State.CLOSED or self.results_while_voting


class PollOption(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveSmallIntegerField()
    text = models.CharField(_("option"), max_length=Poll.OPTION_MAX_CHARS)

    class Meta:
        verbose_name = _("poll option")
        verbose_name_plural = _("poll options")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text


class PollVote(models.Model):
    class TextState(models.TextChoices):
        PENDING = "pending", _("Waiting for a moderator")
        ALLOWED = "allowed", _("Shown")
        REJECTED = "rejected", _("Not shown")

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="poll_votes",
    )
    device = models.ForeignKey(
        "live.RoomDevice",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="poll_votes",
    )
    option_ids = models.JSONField(default=list, blank=True)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    text = models.CharField(max_length=Poll.TEXT_MAX_CHARS, blank=True)
    text_state = models.CharField(
        max_length=8, choices=TextState.choices, default=TextState.PENDING
    )
    updated_at = models.DateTimeField(auto_now=True)
    # 0 for a first vote: the vote's one statement returns it to say "changed" or not
    times_changed = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("poll vote")
        verbose_name_plural = _("poll votes")
        constraints = [
            models.UniqueConstraint(
                fields=["poll", "voter"],
                condition=models.Q(voter__isnull=False),
                name="one_poll_vote_per_user",
            ),
            models.UniqueConstraint(
                fields=["poll", "device"],
                condition=models.Q(device__isnull=False),
                name="one_poll_vote_per_device",
            ),
            models.CheckConstraint(
                condition=models.Q(voter__isnull=False) | models.Q(device__isnull=False),
                name="poll_vote_has_a_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.poll_id}: {self.pk}"


class FeedbackQuestions(models.Model):
    """The organiser's up to two questions of a session's feedback (besides the rating)."""

    session = models.OneToOneField(
        "seminars.Session", on_delete=models.CASCADE, related_name="feedback_questions"
    )
    question_one = models.CharField(_("first question"), max_length=200, blank=True)
    question_two = models.CharField(_("second question"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("feedback questions")
        verbose_name_plural = _("feedback questions")

    def __str__(self) -> str:
        return str(self.session_id)


class SessionFeedback(models.Model):
    """One person's feedback on a session: one per person and session, editable for a week."""

    EDITABLE_DAYS = 7
    TEXT_MAX_CHARS = 1000

    session = models.ForeignKey(
        "seminars.Session", on_delete=models.CASCADE, related_name="feedback"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="session_feedback"
    )
    rating = models.PositiveSmallIntegerField(_("rating"))
    answer_one = models.TextField(_("answer to the first question"), blank=True)
    answer_two = models.TextField(_("answer to the second question"), blank=True)
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("session feedback")
        verbose_name_plural = _("session feedback")
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="one_feedback_per_person"),
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5), name="feedback_rating_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session_id}: {self.rating}"


class FeedbackRequest(models.Model):
    """The one email asking a person for a session's feedback (its row: sent, never again)."""

    session = models.ForeignKey("seminars.Session", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="one_feedback_email")
        ]

    def __str__(self) -> str:
        return f"{self.session_id}: {self.user_id}"


class CertificateRule(models.Model):
    """An organiser's rule for certificates of attendance of one seminar: either threshold
    (or both, when set) makes a person eligible."""

    seminar = models.OneToOneField(
        "seminars.Seminar", on_delete=models.CASCADE, related_name="certificate_rule"
    )
    min_live_minutes = models.PositiveIntegerField(
        _("minutes present live"),
        null=True,
        blank=True,
        help_text=_("In the seminar's sessions, all together. Empty: not a way to qualify."),
    )
    min_recording_share = models.PositiveSmallIntegerField(
        _("share of recordings watched (%)"),
        null=True,
        blank=True,
        help_text=_(
            "A session's recording counts once half its length was watched. "
            "Empty: not a way to qualify."
        ),
    )

    class Meta:
        verbose_name = _("certificate rule")
        verbose_name_plural = _("certificate rules")

    def __str__(self) -> str:
        return str(self.seminar_id)


class Certificate(models.Model):
    """A certificate of attendance as issued (what it says is kept as issued)."""

    seminar = models.ForeignKey(
        "seminars.Seminar", on_delete=models.CASCADE, related_name="certificates"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="certificates"
    )
    code = models.CharField(max_length=32, unique=True)
    full_name = models.CharField(max_length=150)
    company = models.CharField(max_length=200, blank=True)
    language = models.CharField(max_length=8)
    sessions = models.JSONField(default=list)
    issued_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("certificate of attendance")
        verbose_name_plural = _("certificates of attendance")
        constraints = [
            models.UniqueConstraint(fields=["seminar", "user"], name="one_certificate_per_person")
        ]

    def __str__(self) -> str:
        return self.code
