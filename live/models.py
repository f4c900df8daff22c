"""The live room: questions, votes, the per-room event log, presence and attendance.

People in a room are either signed-in users or in-room phones (``RoomDevice``, no account).
A person is named in the protocol by a key: ``u<user id>`` or ``d<device id>``.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RoomDevice(models.Model):
    """A lightweight identity for a phone in the room that joined with a room token."""

    session = models.ForeignKey(
        "seminars.Session", on_delete=models.CASCADE, related_name="room_devices"
    )
    device_id = models.CharField(_("device id"), max_length=32)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "seminars_roomdevice"
        verbose_name = _("in-room device")
        verbose_name_plural = _("in-room devices")
        constraints = [
            models.UniqueConstraint(fields=["session", "device_id"], name="one_device_id_per_room")
        ]

    def __str__(self) -> str:
        return f"d{self.device_id}"

    @property
    def person_key(self) -> str:
        return f"d{self.device_id}"


class RoomSequence(models.Model):
    """The last sequence number handed out in a room; its row is locked to hand out the next."""

    session = models.OneToOneField(
        "seminars.Session", on_delete=models.CASCADE, primary_key=True, related_name="room_sequence"
    )
    last_seq = models.PositiveBigIntegerField(default=0)

    class Meta:
        db_table = "seminars_roomsequence"
        verbose_name = _("room sequence")
        verbose_name_plural = _("room sequences")

    def __str__(self) -> str:
        return f"{self.session_id}: {self.last_seq}"


class RoomEvent(models.Model):
    """One room event, stored with its seq in the transaction that caused it.

    The event is kept in up to three versions so that a replay sends each viewer exactly
    what it would have received live: ``payload_full`` (moderators, the addressed agency),
    ``payload_public`` (attendees; null: attendees get a filler) and ``payload_owner`` (the
    person the event concerns; null: same as the level they are in).
    """

    session = models.ForeignKey(
        "seminars.Session", on_delete=models.CASCADE, related_name="room_events"
    )
    seq = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=32)
    agency = models.ForeignKey(
        "seminars.Organization",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The agency that sees the full version (the question's addressee)."),
    )
    owner_key = models.CharField(max_length=40, blank=True)
    payload_full = models.JSONField()
    payload_public = models.JSONField(null=True, blank=True)
    payload_owner = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "seminars_roomevent"
        ordering = ["session", "seq"]
        verbose_name = _("room event")
        verbose_name_plural = _("room events")
        constraints = [
            models.UniqueConstraint(fields=["session", "seq"], name="one_event_per_room_seq")
        ]

    def __str__(self) -> str:
        return f"{self.session_id}#{self.seq} {self.kind}"


class Question(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for a moderator")
        APPROVED = "approved", _("Approved")
        HIGHLIGHTED = "highlighted", _("On screen now")
        ANSWERED = "answered", _("Answered")
        DISMISSED = "dismissed", _("Dismissed")

    PUBLIC_STATES = (State.APPROVED, State.HIGHLIGHTED, State.ANSWERED)
    MAX_CHARS = 500
    ANSWER_MAX_CHARS = 2000

    session = models.ForeignKey(
        "seminars.Session", on_delete=models.CASCADE, related_name="questions"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="live_questions",
    )
    author_device = models.ForeignKey(
        RoomDevice, on_delete=models.SET_NULL, null=True, blank=True, related_name="questions"
    )
    addressed_agency = models.ForeignKey(
        "seminars.Organization",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="live_questions",
        verbose_name=_("addressed to"),
    )
    text = models.TextField(_("question"), max_length=MAX_CHARS)
    language = models.CharField(_("language"), max_length=16)
    hide_name = models.BooleanField(_("name hidden from the audience"), default=False)
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.PENDING
    )
    pinned = models.BooleanField(_("pinned"), default=False)
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="duplicates"
    )
    vote_count = models.PositiveIntegerField(default=0)
    answer_text = models.TextField(_("written answer"), blank=True, max_length=ANSWER_MAX_CHARS)
    answered_live = models.BooleanField(_("answered live"), default=False)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    last_seq = models.PositiveBigIntegerField(default=0, help_text=_("Seq of the last change."))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "seminars_question"
        ordering = ["created_at", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        indexes = [models.Index(fields=["session", "state"])]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def author_key(self) -> str:
        if self.author_id:
            return f"u{self.author_id}"
        if self.author_device_id:
            return self.author_device.person_key
        return ""

    @property
    def is_public(self) -> bool:
        return self.state in self.PUBLIC_STATES and self.merged_into_id is None


class Vote(models.Model):
    """One person's vote on a question; withdrawing deletes it."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="live_votes",
    )
    device = models.ForeignKey(
        RoomDevice, on_delete=models.CASCADE, null=True, blank=True, related_name="votes"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "seminars_vote"
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(
                fields=["question", "voter"],
                condition=models.Q(voter__isnull=False),
                name="one_vote_per_user",
            ),
            models.UniqueConstraint(
                fields=["question", "device"],
                condition=models.Q(device__isnull=False),
                name="one_vote_per_device",
            ),
            models.CheckConstraint(
                condition=models.Q(voter__isnull=False) ^ models.Q(device__isnull=False),
                name="vote_by_user_xor_device",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.voter_id or self.device_id} → {self.question_id}"


class RoomMute(models.Model):
    """A person a moderator has muted in a room: they may watch but not ask or vote."""

    session = models.ForeignKey("seminars.Session", on_delete=models.CASCADE, related_name="mutes")
    person_key = models.CharField(max_length=40)
    muted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "seminars_roommute"
        verbose_name = _("muted person")
        verbose_name_plural = _("muted people")
        constraints = [
            models.UniqueConstraint(fields=["session", "person_key"], name="one_mute_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.session_id}: {self.person_key}"


class Attendance(models.Model):
    """Who was in a room and for how long; one row per person per session.

    ``present_since`` is set while the person has at least one open connection; the seconds
    are added to ``seconds_present`` when their last connection closes.
    """

    session = models.ForeignKey(
        "seminars.Session", on_delete=models.CASCADE, related_name="attendances"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attendances",
    )
    device = models.ForeignKey(
        RoomDevice, on_delete=models.CASCADE, null=True, blank=True, related_name="attendances"
    )
    first_joined_at = models.DateTimeField()
    last_left_at = models.DateTimeField(null=True, blank=True)
    present_since = models.DateTimeField(null=True, blank=True)
    seconds_present = models.PositiveIntegerField(default=0)
    joins = models.PositiveIntegerField(default=0, help_text=_("How many times they came in."))

    class Meta:
        db_table = "seminars_attendance"
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "user"],
                condition=models.Q(user__isnull=False),
                name="one_attendance_per_user",
            ),
            models.UniqueConstraint(
                fields=["session", "device"],
                condition=models.Q(device__isnull=False),
                name="one_attendance_per_device",
            ),
        ]
        indexes = [models.Index(fields=["session", "present_since"])]

    def __str__(self) -> str:
        return f"{self.session_id}: {self.user_id or self.device_id} ({self.seconds_present}s)"


class LiveProcess(models.Model):
    """A server process that holds live sockets, and when it last said it was alive.

    Each process beats every ``LIVE_PROCESS_HEARTBEAT_INTERVAL`` seconds (one UPDATE of its
    own row, however many sockets it holds). A process that has not beaten for
    ``LIVE_PROCESS_DEAD_AFTER`` seconds is dead: its connections stop counting towards the
    per-person limit, and the next live process sweeps them and closes their stays at this
    row's last beat.
    """

    id = models.UUIDField(primary_key=True, help_text=_("New at every start of the process."))
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField(db_index=True)

    class Meta:
        db_table = "seminars_liveprocess"
        verbose_name = _("live server process")
        verbose_name_plural = _("live server processes")

    def __str__(self) -> str:
        return f"{self.hostname}:{self.pid} ({self.id})"


class LiveConnection(models.Model):
    """One open socket, tagged with the process that holds it (``LiveProcess``).

    Not a foreign key on purpose: a sweep deletes a dead process's row before its
    connections, and a socket that a wrongly swept process opens at that instant must not
    fail on a constraint (``processes_sweep`` treats such a row as an orphan).
    """

    id = models.UUIDField(primary_key=True)
    attendance = models.ForeignKey(Attendance, on_delete=models.CASCADE, related_name="connections")
    process_id = models.UUIDField()
    opened_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "seminars_liveconnection"
        verbose_name = _("live connection")
        verbose_name_plural = _("live connections")
        indexes = [models.Index(fields=["process_id"])]

    def __str__(self) -> str:
        return str(self.id)


class Stage(models.Model):
    """What a session's room shows: a pre-recorded presentation, a live stream or an embed.

    ``state`` is the live stream's, as the room tells it: ``idle`` before the encoder starts,
    ``starting`` while the first segments are made, ``on_air``, ``reconnecting`` (the
    transcoder restarts or the encoder dropped and may come back), ``problem`` (the stream
    cannot be shown: ``problem`` says why) and ``ended``.
    """

    class Source(models.TextChoices):
        PRERECORDED = "prerecorded", _("Pre-recorded presentation")
        LIVE = "live", _("Live stream from an encoder (RTMP)")
        EXTERNAL = "external", _("External player (embed)")

    class State(models.TextChoices):
        IDLE = "idle", _("Not started")
        STARTING = "starting", _("Starting")
        ON_AIR = "on_air", _("On air")
        RECONNECTING = "reconnecting", _("Reconnecting")
        PROBLEM = "problem", _("Cannot be shown")
        ENDED = "ended", _("Ended")

    session = models.OneToOneField(
        "seminars.Session", on_delete=models.CASCADE, primary_key=True, related_name="stage"
    )
    source = models.CharField(
        _("source"), max_length=16, choices=Source.choices, default=Source.PRERECORDED
    )
    external_url = models.URLField(_("external player address"), blank=True)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.IDLE)
    problem = models.CharField(max_length=32, blank=True)
    on_air_since = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "live_stage"
        verbose_name = _("stage")
        verbose_name_plural = _("stages")

    def __str__(self) -> str:
        return f"{self.session_id}: {self.source} ({self.state})"


class StageFeed(models.Model):
    """One stream key of a stage: the main feed (``language`` empty) or an interpreter's
    audio in one language. Only a SHA-256 of the key is stored; the key itself is shown once,
    when it is made or rotated."""

    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="feeds")
    language = models.CharField(_("language"), max_length=8, blank=True)
    key_hash = models.CharField(max_length=64, unique=True)
    key_rotated_at = models.DateTimeField()
    client_id = models.CharField(
        max_length=32, blank=True, help_text=_("nginx's id of the encoder publishing now.")
    )
    publishing_since = models.DateTimeField(null=True, blank=True)
    # The publisher is known by (the digest of the key it used, nginx's client id): nginx
    # numbers clients from 1 again after a restart, so a client id alone can name another
    # feed's encoder. The digest outlives a rotation of the key during the stream.
    publisher_key_hash = models.CharField(max_length=64, blank=True)
    publisher_seen_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("When nginx last said this feed's encoder is still publishing."),
    )
    second_encoder_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("When a second encoder last tried to publish with this key (refused)."),
    )

    class Meta:
        db_table = "live_stagefeed"
        ordering = ["stage", "language"]
        verbose_name = _("stage feed")
        verbose_name_plural = _("stage feeds")
        constraints = [
            models.UniqueConstraint(fields=["stage", "language"], name="one_feed_per_language")
        ]

    def __str__(self) -> str:
        return f"{self.stage_id}:{self.language or 'main'}"
