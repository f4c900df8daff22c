"""Attendance written in batches, off the path of a socket that opens or closes.

A room that fills at once (a seminar starting, every socket of a restarted process coming
back) would otherwise write an Attendance and a LiveConnection row per socket, each in its
own transaction, before the socket gets its room. Here a socket's join and leave are noted
in this process's buffer and written together every ``FLUSH_SECONDS`` by a task of the
running loop: first joins with two bulk inserts, returning people and leaves with the same
rules as ``presence.attendance_join`` / ``attendance_leave``, in one transaction.

What stays exact without waiting for the write: the per-person connection limit counts this
process's open sockets in memory (``local_open``) and other processes' from the database;
the liveness sweep is unchanged (a connection row names its process; a process that dies
with notes unwritten loses at most the last ``FLUSH_SECONDS`` of joins, the same fraction
of a second ``synchronous_commit = off`` already risks). Presence counts lag by at most one
flush.
"""

import asyncio
import collections
import itertools
import logging
import threading
import uuid
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from live import conf
from live.errors import LiveError
from live.models import Attendance, LiveConnection
from live.services.presence import _join, _without_waiting_for_disk, attendance_leave

logger = logging.getLogger(__name__)

FLUSH_SECONDS = 0.5


@dataclass(frozen=True, slots=True)
class _Join:
    number: int
    session_id: int
    person: tuple[str, int]  # ("user_id" | "device_id", pk)
    connection_id: uuid.UUID
    process_id: uuid.UUID
    at: datetime


@dataclass(frozen=True, slots=True)
class _Leave:
    number: int
    connection_id: uuid.UUID


_lock = threading.Lock()  # guards the notes below (socket threads and the loop note)
_flushing = threading.Lock()  # one flush at a time, so notes are written in order
_notes: list = []
_numbers = itertools.count(1)  # every note's number, in the order noted
_written = 0  # the number of the last note written
_counted: dict[int, tuple[int, int]] = {}  # session id -> (_written when counted, presence)
_open: collections.Counter = collections.Counter()  # (session id, person) -> local sockets
_person_of: dict[uuid.UUID, tuple[int, tuple[str, int]]] = {}
_flushers: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Task]" = (
    weakref.WeakKeyDictionary()
)


def _person(user_id: int | None, device_pk: int | None) -> tuple[str, int]:
    if user_id:
        return ("user_id", user_id)
    if device_pk is None:
        raise ValueError("a live connection is an account's or a room device's")
    return ("device_id", device_pk)


def local_open(*, session_id: int, user_id: int | None, device_pk: int | None) -> int:
    """Sockets this process holds for the person in the room (written or not)."""
    with _lock:
        return _open[(session_id, _person(user_id, device_pk))]


def attendance_admit(
    *,
    session_id: int,
    user_id: int | None,
    device_pk: int | None,
    connection_id: uuid.UUID,
    process_id: uuid.UUID,
    others: int,
) -> int:
    """Admit a socket that opened and note it (written at the next flush; no database work
    here), or refuse it with 4429 when the person already has the maximum of open sockets:
    ``others`` in other live processes (read by the caller) plus this process's. Returns
    the note's number (see ``presence_with``)."""
    person = _person(user_id, device_pk)
    with _lock:
        if others + _open[(session_id, person)] >= conf.get("LIVE_MAX_CONNECTIONS_PER_PERSON"):
            raise LiveError(
                "too_many_connections",
                _("You are already connected to this room in too many tabs or devices."),
                close_code=4429,
            )
        number = next(_numbers)
        _notes.append(_Join(number, session_id, person, connection_id, process_id, timezone.now()))
        _open[(session_id, person)] += 1
        _person_of[connection_id] = (session_id, person)
    return number


def attendance_note_leave(*, connection_id: uuid.UUID) -> None:
    """Note a socket that closed (written at the next flush, after its join)."""
    with _lock:
        key = _person_of.pop(connection_id, None)
        if key is not None:
            _open[key] -= 1
            if _open[key] <= 0:
                del _open[key]
        _notes.append(_Leave(next(_numbers), connection_id))


def pending(session_id: int | None = None) -> int:
    """Notes not yet written (of one room's joins, when ``session_id`` is given)."""
    with _lock:
        if session_id is None:
            return len(_notes)
        return sum(1 for n in _notes if isinstance(n, _Join) and n.session_id == session_id)


def attendance_flush() -> int:
    """Write every note so far (database thread); returns how many were written."""
    with _flushing:
        return _flush_locked()


def _flush_locked() -> int:
    global _written
    with _lock:
        notes = _notes[:]
        del _notes[:]
    if not notes:
        return 0
    try:
        _write(notes)
    except Exception:
        # Not lost silently, and not retried forever: the sweep and the next connects
        # put attendance right; the count of sockets in memory is unaffected.
        logger.exception("live: writing %s attendance notes failed", len(notes))
    _written = notes[-1].number
    return len(notes)


def presence_with(*, session_id: int, number: int, count: Callable[[], int]) -> int:
    """The room's presence count with the join noted as ``number`` written (database thread):
    for a process whose hub has no count of the room yet. Joiners that arrive together share
    one flush and one ``count``: whoever holds the lock writes every note so far, and the
    count it reads serves every joiner whose note it had written."""
    with _flushing:
        counted = _counted.get(session_id)
        if counted is not None and counted[0] >= number:
            return counted[1]
        _flush_locked()
        presence = count()
        _counted[session_id] = (_written, presence)
        return presence


def _write(notes: list) -> None:
    """Runs of joins in bulk, leaves one by one, in the order noted."""
    run: list[_Join] = []
    for note in notes:
        if isinstance(note, _Join):
            run.append(note)
            continue
        _joins(run)
        run = []
        attendance_leave(connection_id=note.connection_id)
    _joins(run)


def _joins(joins: list[_Join]) -> None:
    if not joins:
        return
    from live import transport

    transport.beat_if_idle()  # a connection row counts only while its process beats
    try:
        _joins_in_bulk(joins)
    except IntegrityError:
        # Another process made one of these people's rows at the same instant: the
        # one-by-one path (with its own retry) handles each.
        for join in joins:
            _join_one(join)


def _join_one(join: _Join) -> None:
    field, pk = join.person
    try:
        _join(join.session_id, {field: pk}, join.connection_id, join.process_id, join.at)
    except IntegrityError:
        _join(join.session_id, {field: pk}, join.connection_id, join.process_id, join.at)


def _joins_in_bulk(joins: list[_Join]) -> None:
    """First joins: one bulk insert of Attendance, one of LiveConnection. A person who
    already has a row (a returning person, a second tab) goes through ``presence._join``,
    which applies the limit's bookkeeping and the stay rules."""
    with transaction.atomic():
        _without_waiting_for_disk()
        by_field: dict[str, set[int]] = collections.defaultdict(set)
        for join in joins:
            by_field[join.person[0]].add(join.person[1])
        session_ids = {join.session_id for join in joins}
        known: set[tuple[int, tuple[str, int]]] = set()
        for field, pks in by_field.items():
            rows = Attendance.objects.filter(
                session_id__in=session_ids, **{f"{field}__in": pks}
            ).values_list("session_id", field)
            known |= {(session_id, (field, pk)) for session_id, pk in rows}
        first: dict[tuple[int, tuple[str, int]], _Join] = {}
        later: list[_Join] = []
        for join in joins:
            key = (join.session_id, join.person)
            if key in known or key in first:
                later.append(join)
            else:
                first[key] = join
        made = Attendance.objects.bulk_create(
            [
                Attendance(
                    session_id=join.session_id,
                    **{join.person[0]: join.person[1]},
                    first_joined_at=join.at,
                    present_since=join.at,
                    joins=1,
                )
                for join in first.values()
            ]
        )
        ids = {
            (
                a.session_id,
                ("user_id", a.user_id) if a.user_id else ("device_id", a.device_id),
            ): a.pk
            for a in made
        }
        LiveConnection.objects.bulk_create(
            [
                LiveConnection(
                    id=join.connection_id,
                    attendance_id=ids[(join.session_id, join.person)],
                    process_id=join.process_id,
                )
                for join in first.values()
            ]
        )
    for join in later:
        _join_one(join)


def ensure_flusher() -> None:
    """A task of the running loop writes the notes every FLUSH_SECONDS while there are any
    (call it from the loop after noting)."""
    loop = asyncio.get_running_loop()
    task = _flushers.get(loop)
    if task is None or task.done():
        _flushers[loop] = loop.create_task(_flush_forever())


async def _flush_forever() -> None:
    from live import transport

    while True:
        await asyncio.sleep(FLUSH_SECONDS)
        try:
            await transport.socket_work(attendance_flush)()
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("live: attendance flush failed")
        if not pending():
            return


def attendance_forget() -> None:
    """Drop every note and count of this process (tests: between two tests' databases)."""
    with _lock:
        del _notes[:]
        _counted.clear()
        _open.clear()
        _person_of.clear()
