"""Presence and attendance: who is in a room, how long they stayed, how many sockets each has.

A person with several tabs or devices has one Attendance row and counts once; every socket
has a LiveConnection row tagged with the process that holds it. A connection counts while
its process beats (``LiveProcess``); the connections of a process that stopped beating
stop counting at once and are swept by ``processes_sweep`` (services/processes.py).
"""

import uuid
from datetime import datetime, timedelta

from django.db import IntegrityError, connection, transaction
from django.db.models import F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from live import conf, transport
from live.errors import LiveError
from live.models import Attendance, LiveConnection, LiveProcess
from live.rooms import Room, Viewer


def dead_before(now: datetime) -> datetime:
    """A process whose last beat is older than this is dead."""
    return now - timedelta(seconds=conf.get("LIVE_PROCESS_DEAD_AFTER"))


def _process_beat():
    """A connection's last sign of life: its process's last beat, or, for a row whose
    process row is gone (swept while it opened), the moment it opened."""
    beat = LiveProcess.objects.filter(pk=OuterRef("process_id")).values("beat_at")[:1]
    return Coalesce(Subquery(beat), F("opened_at"))


def connections_alive(connections: QuerySet, now: datetime) -> QuerySet:
    """The connections among these whose process is alive (one correlated look-up each,
    by primary key, in the same query)."""
    return connections.alias(beat=_process_beat()).filter(beat__gte=dead_before(now))


def _without_waiting_for_disk() -> None:
    """Let this transaction's COMMIT return before PostgreSQL has flushed it to disk.

    Every socket that opens or closes writes its connection row; waiting for the WAL flush
    was about a sixth of a connect's time (the benchmark's connect storms). What a database
    crash could lose is the last fraction of a second of such rows, which the reaper and the
    next connect put right; registrations, consents and questions keep the default.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def _credit(attendance: Attendance, until: datetime) -> None:
    """Close the person's current stay: add its seconds and note when they left."""
    if attendance.present_since is None:
        return
    close_stay(attendance, until)
    attendance.save(update_fields=["seconds_present", "present_since", "last_left_at"])


def close_stay(attendance: Attendance, until: datetime) -> None:
    """The stay's seconds added, the stay closed at ``until`` (never before it began); not
    saved."""
    since = attendance.present_since
    if since is None:  # no stay open: nothing to close
        return
    until = max(until, since)
    attendance.seconds_present += int((until - since).total_seconds())
    attendance.present_since = None
    attendance.last_left_at = until


def attendance_join(
    *, room: Room, viewer: Viewer, connection_id: uuid.UUID, process_id: uuid.UUID
) -> Attendance:
    """Open a connection for a person; starts their stay if it is their first open socket.

    Refuses (close code 4429) a person who already has the maximum of open connections.
    """
    now = timezone.now()
    person = {"user_id": viewer.user_id} if viewer.user_id else {"device_id": viewer.device_pk}
    try:
        return _join(room.session_id, person, connection_id, process_id, now)
    except IntegrityError:
        # The same person's other socket made the row at the same instant; it is there now.
        return _join(room.session_id, person, connection_id, process_id, now)


def _join(
    session_id: int, person: dict, connection_id: uuid.UUID, process_id: uuid.UUID, now: datetime
) -> Attendance:
    # Not get_or_create: its savepoint costs two more round trips on every first join, the
    # common case; the rare race it guards against is retried whole by the caller instead.
    with transaction.atomic():
        _without_waiting_for_disk()
        attendance = (
            Attendance.objects.select_for_update().filter(session_id=session_id, **person).first()
        )
        if attendance is None:
            attendance = Attendance.objects.create(
                session_id=session_id, **person, first_joined_at=now, present_since=now, joins=1
            )
        else:
            _reopen(attendance, now)
        LiveConnection.objects.create(
            id=connection_id, attendance=attendance, process_id=process_id
        )
    return attendance


def _reopen(attendance: Attendance, now: datetime) -> None:
    """A returning person: refuse one socket too many, counting only connections of live
    processes; close the stay that only a dead process's connections kept open (at that
    process's last beat); start a new stay if none is open. (A first join needs none of
    it: the row was just made with its stay started.) The dead rows are left to the sweep."""
    beats = list(
        attendance.connections.annotate(beat=_process_beat()).values_list("beat", flat=True)
    )
    alive = sum(1 for beat in beats if beat >= dead_before(now))
    if alive >= conf.get("LIVE_MAX_CONNECTIONS_PER_PERSON"):
        raise LiveError(
            "too_many_connections",
            _("You are already connected to this room in too many tabs or devices."),
            close_code=4429,
        )
    if alive == 0 and beats and attendance.present_since is not None:
        _credit(attendance, max(beats))  # the stay a crashed process left open
    if alive == 0 and attendance.present_since is None:
        attendance.present_since = now
        attendance.joins += 1
        attendance.save(update_fields=["present_since", "joins"])


def attendance_leave(*, connection_id: uuid.UUID) -> None:
    """Close a connection; ends the person's stay when no connection of a live process is
    left."""
    with transaction.atomic():
        _without_waiting_for_disk()
        attendance_id = (
            LiveConnection.objects.filter(pk=connection_id)
            .values_list("attendance_id", flat=True)
            .first()
        )
        if attendance_id is None:
            return
        attendance = Attendance.objects.select_for_update().get(pk=attendance_id)
        LiveConnection.objects.filter(pk=connection_id).delete()
        now = timezone.now()
        if not connections_alive(attendance.connections.all(), now).exists():
            _credit(attendance, now)


# The person signed out everywhere: the client does not reconnect (as for a refused sign-in).
CLOSE_SIGNED_OUT = 4401


def person_sockets_close(*, user_id: int) -> None:
    """Close every live-room socket of an account with 4401, in every process (they signed
    out everywhere), through the transport's control subscription (call it after commit)."""
    transport.persons_close(person_keys=[f"u{user_id}"], code=CLOSE_SIGNED_OUT)
