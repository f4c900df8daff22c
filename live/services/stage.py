"""Writes of the live stage: its source, stream keys, nginx's publish callbacks, its state.

Every change the room must see is a ``stage`` room event (docs/websocket-protocol.md); the
event never carries a stream key (only digests are stored, and payloads name no feed)."""

import logging
import re
import threading
from functools import partial
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from live import permissions
from live.errors import LiveError
from live.models import Stage, StageFeed
from live.payloads import stage_payload
from live.selectors import room_load
from live.services.events import event_record, seq_allocate
from live.stage import embeds, keys, recordings, supervisor
from seminars.models import Session

log = logging.getLogger(__name__)
_STREAM_NAME = re.compile(r"^s(?P<session>\d+)(?:-(?P<language>[a-z]{2,3}(?:-[a-z0-9]+)?))?$")
_RECORDING_NAME = recordings.RECORDING_NAME


class StageRefusedError(Exception):
    """nginx is told to refuse the encoder; ``reason`` is logged, never shown to it.
    ``second_encoder``: the feed whose key a second encoder tried while the first streams."""

    def __init__(self, reason: str, *, second_encoder: int | None = None):
        super().__init__(reason)
        self.reason = reason
        self.second_encoder = second_encoder


def stage_of(session: Session) -> Stage:
    stage, _created = Stage.objects.get_or_create(session=session)
    return stage


def _announce(stage: Stage) -> None:
    room = room_load(session_id=stage.session_id)
    payload = stage_payload(stage)
    event_record(room=room, seq=seq_allocate(room=room), full=payload, public=payload)


@transaction.atomic
def stage_set_source(*, session: Session, user, source: str, external_url: str = "") -> Stage:
    """Choose what the room shows. Broadcasts a ``stage`` event."""
    if not permissions.can_choose_stage(user, session):
        raise PermissionDenied(_("Only the room's moderators choose what the stage shows."))
    if source not in Stage.Source.values:
        raise LiveError("invalid", _("Choose one of the offered sources."), field="source")
    if source == Stage.Source.EXTERNAL and embeds.embed_player_url(external_url) is None:
        raise LiveError(
            "invalid",
            _("This address cannot be embedded: its site is not on the list of allowed players."),
            field="external_url",
        )
    stage = Stage.objects.select_for_update().get(pk=stage_of(session).pk)
    stage.source = source
    stage.external_url = external_url.strip() if source == Stage.Source.EXTERNAL else ""
    stage.save()
    _announce(stage)
    return stage


@transaction.atomic
def stage_key_rotate(*, session: Session, user, language: str = "") -> str:
    """A new stream key for the main feed (``language`` empty) or an interpreter's language;
    the previous key stops working for new connections. Returns the key, shown once."""
    if not permissions.can_see_stream_keys(user, session):
        raise PermissionDenied(_("Only the session's organisers and presenters get stream keys."))
    if language and language not in (session.seminar.languages or []):
        raise LiveError("invalid", _("Choose one of the seminar's languages."), field="language")
    if language and language == session.language:
        raise LiveError("invalid", _("The hall already speaks this language."), field="language")
    stage = stage_of(session)
    key = keys.key_new()
    StageFeed.objects.update_or_create(
        stage=stage,
        language=language,
        defaults={
            "key_hash": keys.key_digest(key),
            "key_rotated_at": timezone.now(),
            "second_encoder_at": None,
        },
    )
    return key


def _set_state(stage: Stage, state: str, problem: str = "") -> None:
    if stage.state == state and stage.problem == problem:
        return
    stage.state, stage.problem = state, problem
    now = timezone.now()
    if state == Stage.State.ON_AIR and stage.on_air_since is None:
        stage.on_air_since = now
    if state == Stage.State.ENDED:
        stage.ended_at, stage.on_air_since = now, None
    stage.save()
    _announce(stage)


@transaction.atomic
def stage_state_set(*, session_id: int, state: str, problem: str = "") -> None:
    """The transcoder's news (on air, reconnecting, a problem). Broadcasts when it changes;
    ignored once the main feed stopped publishing (the stream is going or gone)."""
    stage = Stage.objects.select_for_update().filter(session_id=session_id).first()
    if stage is None:  # the session was deleted while on air
        return
    if not stage.feeds.filter(language="", publishing_since__isnull=False).exists():
        return
    _set_state(stage, state, problem)


def stage_publish_start(*, key: str, client_id: str) -> str:
    """nginx's ``on_publish``: may this key publish? Returns the stream's new name (without
    the key) or raises StageRefusedError. Starts or restarts the session's transcoder; a
    second encoder on a key that streams is refused and noted for the organisers' page."""
    try:
        return _publish_start(key=key, client_id=client_id)
    except StageRefusedError as refused:
        if refused.second_encoder is not None:  # noted after the refusal's rollback
            StageFeed.objects.filter(pk=refused.second_encoder).update(
                second_encoder_at=timezone.now()
            )
        raise


@transaction.atomic
def _publish_start(*, key: str, client_id: str) -> str:
    feed = (
        StageFeed.objects.select_for_update()
        .select_related("stage__session")
        .filter(key_hash=keys.key_digest(key))
        .first()
    )
    if feed is None or not keys.key_matches(key, feed.key_hash):
        raise StageRefusedError("unknown or rotated key")
    stage = Stage.objects.select_for_update().get(pk=feed.stage_id)
    if stage.source != Stage.Source.LIVE:
        raise StageRefusedError(f"session {stage.session_id}: the stage's source is {stage.source}")
    digest = keys.key_digest(key)
    if _publisher_alive(feed) and (feed.client_id, feed.publisher_key_hash) != (client_id, digest):
        raise StageRefusedError(
            f"session {stage.session_id}: a second encoder on one key", second_encoder=feed.pk
        )
    if feed.publishing_since is not None and feed.client_id != client_id:
        log.info("live stage %s: the previous encoder is gone, a new one takes over", stage.pk)
    now = timezone.now()
    feed.client_id, feed.publisher_key_hash = client_id, digest
    feed.publishing_since = feed.publisher_seen_at = now
    feed.save(
        update_fields=["client_id", "publisher_key_hash", "publishing_since", "publisher_seen_at"]
    )
    if not feed.language and stage.state != Stage.State.RECONNECTING:
        # An encoder back within the grace period: the room keeps saying "reconnecting"
        # until the picture is back (on air), rather than "starting" a new stream.
        _set_state(stage, Stage.State.STARTING)
    transaction.on_commit(partial(_transcoder_start, stage.session_id))
    return supervisor.stream_name(stage.session_id, feed.language)


# nginx says every ``notify_update_timeout`` (deploy/nginx-rtmp.conf: 10 s) that an encoder
# still publishes; one silent this long (three updates missed) is gone, as it is when nginx
# restarted without telling (its on_publish_done never came).
PUBLISHER_GONE_AFTER_SECONDS = 35


def _publisher_alive(feed: StageFeed) -> bool:
    if feed.publishing_since is None:
        return False
    seen = feed.publisher_seen_at or feed.publishing_since
    return (timezone.now() - seen).total_seconds() < PUBLISHER_GONE_AFTER_SECONDS


def stage_publish_update(*, key: str, client_id: str) -> bool:
    """nginx's ``on_update``: an encoder still publishes. False when the feed it published
    has been taken over by another encoder since (nginx then drops it). Also called for the
    transcoder reading a stream, whose name is no key: nothing to do, True."""
    digest = keys.key_digest(key)
    if not client_id or not StageFeed.objects.filter(publisher_key_hash=digest).exists():
        return True
    return bool(
        StageFeed.objects.filter(
            publisher_key_hash=digest, client_id=client_id, publishing_since__isnull=False
        ).update(publisher_seen_at=timezone.now())
    )


def _feeds_now(session_id: int):
    """What the transcoder should read now: None when the main feed is not publishing."""
    publishing = list(
        StageFeed.objects.filter(stage_id=session_id, publishing_since__isnull=False)
        .order_by("language")
        .values_list("language", flat=True)
    )
    if "" not in publishing:
        return None
    hall = Session.objects.values_list("language", flat=True).get(pk=session_id)
    return hall, [language for language in publishing if language]


def _transcoder_start(session_id: int) -> None:
    if _feeds_now(session_id) is None:
        return  # an interpreter before the hall: the hall's start will include them
    supervisor.transcoder_start(
        session_id,
        report=lambda **news: stage_state_set(session_id=session_id, **news),
        feeds=lambda: _feeds_now(session_id),
    )


@transaction.atomic
def stage_publish_stop(*, key: str, client_id: str) -> None:
    """nginx's ``on_publish_done`` (its ``name`` is the key the encoder published with).
    The main feed gone: the room says reconnecting, and the stream ends if the encoder is
    not back within ``LIVE_STAGE_END_GRACE_SECONDS``. A client that is not the feed's
    publisher (refused, taken over, or of nginx's previous life) changes nothing."""
    feed = (
        StageFeed.objects.select_for_update()
        .filter(
            publisher_key_hash=keys.key_digest(key),
            client_id=client_id,
            publishing_since__isnull=False,
        )
        .first()
    )
    if feed is None or not client_id:
        return
    feed.client_id, feed.publisher_key_hash = "", ""
    feed.publishing_since = feed.publisher_seen_at = None
    feed.save(
        update_fields=["client_id", "publisher_key_hash", "publishing_since", "publisher_seen_at"]
    )
    session_id = feed.stage_id
    if feed.language:
        transaction.on_commit(partial(_transcoder_start, session_id))
        return
    stage = Stage.objects.select_for_update().get(pk=session_id)
    _set_state(stage, Stage.State.RECONNECTING)
    transaction.on_commit(partial(_stop_and_wait, session_id))


# The latest grace timer of each session in this process: an older one (the encoder came
# back and dropped again since) leaves the ending to the newer, so a stream always gets a
# whole grace period after its last drop.
_grace_timers: dict[int, threading.Timer] = {}


def _stop_and_wait(session_id: int) -> None:
    supervisor.transcoder_stop(session_id)
    timer = threading.Timer(
        settings.LIVE_STAGE_END_GRACE_SECONDS, _grace_over, kwargs={"session_id": session_id}
    )
    timer.daemon = True
    previous = _grace_timers.get(session_id)
    if previous is not None:
        previous.cancel()
    _grace_timers[session_id] = timer
    timer.start()


def _grace_over(*, session_id: int) -> None:
    if _grace_timers.get(session_id) is threading.current_thread():
        del _grace_timers[session_id]
    else:
        return  # a newer drop started its own grace
    try:
        stage_end_if_gone(session_id=session_id)
    finally:
        # The timer's own thread: its connection (a pooled one on PostgreSQL) is given back
        # here, or it stays checked out until the process ends and the pool runs dry.
        connections.close_all()


@transaction.atomic
def stage_end_if_gone(*, session_id: int) -> bool:
    """End the stream if its encoder has not come back. Broadcasts ``stage`` ended."""
    stage = Stage.objects.select_for_update().filter(pk=session_id).first()
    if stage is None or stage.feeds.filter(language="", publishing_since__isnull=False).exists():
        return False
    if stage.state in (Stage.State.ENDED, Stage.State.IDLE):
        return False
    _set_state(stage, Stage.State.ENDED)
    transaction.on_commit(partial(_recordings_import_logged, session_id))
    return True


def _recordings_import_logged(session_id: int) -> None:
    try:
        stage_recordings_import(session_id=session_id)
    except Exception:  # a timer thread: nobody else would see it
        log.exception("live stage %s: importing the recordings failed", session_id)


def stream_session_id(name: str) -> tuple[int, str] | None:
    """(session id, language) of a stream name given by ``stage_publish_start``."""
    match = _STREAM_NAME.match(name)
    if match is None:
        return None
    return int(match["session"]), match["language"] or ""


def _recording_agency(session: Session):
    return session.agencies.order_by("pk").first()


def stage_recording_done(*, path: str) -> int | None:
    """nginx's ``on_record_done``: a recording of one of our streams is complete. It waits
    for the stream's end (an encoder that comes back makes another file, and interpreters
    make theirs): once the stage has ended, the session's recordings are imported.
    Returns the version's id, or None while the stream goes on or when there is nothing."""
    root = Path(settings.LIVE_STAGE_RECORDINGS_ROOT).resolve()
    recording = Path(path).resolve()
    named = _RECORDING_NAME.match(recording.name)
    # Known by the file's name (the stream's new name), never by nginx's ``name`` (the key).
    stream = stream_session_id(named["stream"]) if named else None
    if stream is None or not recording.is_relative_to(root) or recording.parent != root:
        raise StageRefusedError(f"recording {recording.name!r} is not ours")
    session_id, _language = stream
    ended = Stage.objects.filter(pk=session_id, state=Stage.State.ENDED).exists()
    return stage_recordings_import(session_id=session_id) if ended else None


def stage_recordings_import(*, session_id: int) -> int | None:
    """The session's recordings (FLV) become one new version of its presentation (its first
    agency's): the hall's parts one after the other, each interpreter's sound as another
    audio language, remuxed to MP4 without re-encoding, processed like an upload and
    waiting for approval. Files that cannot be imported stay where nginx wrote them."""
    session = Session.objects.filter(pk=session_id).first()
    if session is None:
        return None
    agency = _recording_agency(session)
    if agency is None:
        return None
    root = Path(settings.LIVE_STAGE_RECORDINGS_ROOT).resolve()
    streaming = set(
        StageFeed.objects.filter(stage_id=session_id, publishing_since__isnull=False).values_list(
            "language", flat=True
        )
    )
    claimed = recordings.claim(root, session_id, still_streaming=streaming)
    if claimed is None:  # nothing of the hall's (yet), or another import took them
        return None
    try:
        movie = recordings.remux(claimed, hall_language=session.language)
    except recordings.RemuxError as failed:
        log.warning("live stage %s: recordings kept, not imported: %s", session_id, failed)
        recordings.give_back(claimed, root)
        return None
    from media_library.services.imports import asset_import_video

    when = timezone.localtime(timezone.now()).strftime("%Y-%m-%d %H:%M")
    asset = asset_import_video(
        session=session,
        agency=agency,
        source=movie,
        title=_("Live recording: %(title)s (%(when)s)") % {"title": session.title, "when": when},
        language=session.language,
    )
    recordings.remove(claimed)
    return asset.pk
