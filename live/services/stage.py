"""Writes of the live stage: its source, stream keys, nginx's publish callbacks, its state.

Every change the room must see is a ``stage`` room event (docs/websocket-protocol.md); the
event never carries a stream key (only digests are stored, and payloads name no feed)."""

import logging
import re
import subprocess
import threading
from functools import partial
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from live import permissions
from live.errors import LiveError
from live.models import Stage, StageFeed
from live.payloads import stage_payload
from live.selectors import room_load
from live.services.events import event_record, seq_allocate
from live.stage import embeds, keys, supervisor
from seminars.models import Session

log = logging.getLogger(__name__)
_STREAM_NAME = re.compile(r"^s(?P<session>\d+)(?:-(?P<language>[a-z]{2,3}(?:-[a-z0-9]+)?))?$")
# nginx's recordings (record_unique): "<stream name>-<unix time>.flv".
_RECORDING_NAME = re.compile(r"^(?P<stream>s\d+(?:-[a-z]{2,3}(?:-[a-z0-9]+)?)?)-\d+\.flv$")


class StageRefusedError(Exception):
    """nginx is told to refuse the encoder; ``reason`` is logged, never shown to it."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


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
        defaults={"key_hash": keys.key_digest(key), "key_rotated_at": timezone.now()},
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


@transaction.atomic
def stage_publish_start(*, key: str, client_id: str) -> str:
    """nginx's ``on_publish``: may this key publish? Returns the stream's new name (without
    the key) or raises StageRefusedError. Starts or restarts the session's transcoder."""
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
    if feed.publishing_since is not None and feed.client_id != client_id:
        raise StageRefusedError(f"session {stage.session_id}: a second encoder on one key")
    feed.client_id, feed.publishing_since = client_id, timezone.now()
    feed.save(update_fields=["client_id", "publishing_since"])
    if not feed.language:
        _set_state(stage, Stage.State.STARTING)
    transaction.on_commit(partial(_transcoder_start, stage.session_id))
    return supervisor.stream_name(stage.session_id, feed.language)


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
def stage_publish_stop(*, client_id: str) -> None:
    """nginx's ``on_publish_done``. The main feed gone: the room says reconnecting, and the
    stream ends if the encoder is not back within ``LIVE_STAGE_END_GRACE_SECONDS``."""
    feed = StageFeed.objects.select_for_update().filter(client_id=client_id).first()
    if feed is None or not client_id:
        return
    feed.client_id, feed.publishing_since = "", None
    feed.save(update_fields=["client_id", "publishing_since"])
    session_id = feed.stage_id
    if feed.language:
        transaction.on_commit(partial(_transcoder_start, session_id))
        return
    stage = Stage.objects.select_for_update().get(pk=session_id)
    _set_state(stage, Stage.State.RECONNECTING)
    transaction.on_commit(partial(_stop_and_wait, session_id))


def _stop_and_wait(session_id: int) -> None:
    supervisor.transcoder_stop(session_id)
    timer = threading.Timer(
        settings.LIVE_STAGE_END_GRACE_SECONDS, stage_end_if_gone, kwargs={"session_id": session_id}
    )
    timer.daemon = True
    timer.start()


@transaction.atomic
def stage_end_if_gone(*, session_id: int) -> bool:
    """End the stream if its encoder has not come back. Broadcasts ``stage`` ended."""
    stage = Stage.objects.select_for_update().filter(pk=session_id).first()
    if stage is None or stage.feeds.filter(language="", publishing_since__isnull=False).exists():
        return False
    if stage.state in (Stage.State.ENDED, Stage.State.IDLE):
        return False
    _set_state(stage, Stage.State.ENDED)
    return True


def stream_session_id(name: str) -> tuple[int, str] | None:
    """(session id, language) of a stream name given by ``stage_publish_start``."""
    match = _STREAM_NAME.match(name)
    if match is None:
        return None
    return int(match["session"]), match["language"] or ""


def _recording_agency(session: Session):
    return session.agencies.order_by("pk").first()


def stage_recording_import(*, path: str) -> int | None:
    """nginx's ``on_record_done``: the main feed's recording (FLV) becomes a new version of
    the session's presentation (its first agency's), remuxed to MP4 without re-encoding,
    processed like an upload and waiting for approval. Returns the version's id, or None
    when there is nothing to import (an interpreter's feed, an empty recording)."""
    from media_library.services.imports import asset_import_video

    # Known by the file's name (the stream's new name), never by nginx's ``name`` (the key).
    root = Path(settings.LIVE_STAGE_RECORDINGS_ROOT).resolve()
    recording = Path(path).resolve()
    named = _RECORDING_NAME.match(recording.name)
    stream = stream_session_id(named["stream"]) if named else None
    if stream is None or not recording.is_relative_to(root) or not recording.is_file():
        raise StageRefusedError(f"recording {recording.name!r} is not ours")
    session_id, language = stream
    session = Session.objects.get(pk=session_id)
    agency = _recording_agency(session)
    if language or agency is None or recording.stat().st_size == 0:
        log.info("live stage %s: recording %s kept, not imported", session_id, recording)
        return None
    remuxed = recording.with_suffix(".mp4")
    done = subprocess.run(
        ["ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-i", str(recording),
         "-c", "copy", "-movflags", "+faststart", str(remuxed)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    if done.returncode != 0:
        log.warning(
            "live stage %s: recording %s not remuxed: %s", session_id, recording, done.stderr
        )
        return None
    when = timezone.localtime(timezone.now()).strftime("%Y-%m-%d %H:%M")
    asset = asset_import_video(
        session=session,
        agency=agency,
        source=remuxed,
        title=_("Live recording: %(title)s (%(when)s)") % {"title": session.title, "when": when},
        language=session.language,
    )
    recording.unlink()
    return asset.pk
