"""Presence and attendance: who is in a room, how long they stayed, how many sockets each has.

A person with several tabs or devices has one Attendance row and counts once; every socket
has a LiveConnection row. Rows of a process that died go stale and are closed by
``connections_reap`` (run by every process's hub).
"""

import uuid
from datetime import datetime, timedelta

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from seminars.live import conf
from seminars.live.errors import LiveError
from seminars.live.rooms import Room, Viewer
from seminars.models import Attendance, LiveConnection


def _stale_before(now: datetime) -> datetime:
    return now - timedelta(seconds=conf.get("LIVE_CONNECTION_STALE_AFTER"))


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
    if attendance.present_since is not None:
        seconds = (until - attendance.present_since).total_seconds()
        attendance.seconds_present += max(0, int(seconds))
        attendance.present_since = None
        attendance.last_left_at = until
    attendance.save(update_fields=["seconds_present", "present_since", "last_left_at"])


def attendance_join(
    *, room: Room, viewer: Viewer, connection_id: uuid.UUID, process_id: str
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
    session_id: int, person: dict, connection_id: uuid.UUID, process_id: str, now: datetime
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
            id=connection_id, attendance=attendance, process_id=process_id, last_seen_at=now
        )
    return attendance


def _reopen(attendance: Attendance, now: datetime) -> None:
    """A returning person: close what a crashed process left open, refuse one socket too
    many, start a new stay if none is open. (A first join needs none of it: the row was
    just made with its stay started.)"""
    stale_before = _stale_before(now)
    connections = list(attendance.connections.values_list("pk", "last_seen_at"))
    stale = [(pk, seen) for pk, seen in connections if seen < stale_before]
    if stale:
        LiveConnection.objects.filter(pk__in=[pk for pk, _seen in stale]).delete()
    open_count = len(connections) - len(stale)
    if open_count == 0 and stale:
        _credit(attendance, max(seen for _pk, seen in stale))  # the stay a crashed process left
    if open_count >= conf.get("LIVE_MAX_CONNECTIONS_PER_PERSON"):
        raise LiveError(
            "too_many_connections",
            _("You are already connected to this room in too many tabs or devices."),
            close_code=4429,
        )
    if open_count == 0 and attendance.present_since is None:
        attendance.present_since = now
        attendance.joins += 1
        attendance.save(update_fields=["present_since", "joins"])


def attendance_leave(*, connection_id: uuid.UUID) -> None:
    """Close a connection; ends the person's stay when it was their last open socket."""
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
        if not attendance.connections.exists():
            _credit(attendance, timezone.now())


def connections_touch(*, process_id: str) -> int:
    """Mark every connection of this process as alive (one UPDATE per process)."""
    return LiveConnection.objects.filter(process_id=process_id).update(last_seen_at=timezone.now())


def connections_reap() -> int:
    """Close the connections of processes that stopped refreshing them; returns how many."""
    now = timezone.now()
    stale = list(
        LiveConnection.objects.filter(last_seen_at__lt=_stale_before(now)).values_list(
            "attendance_id", "last_seen_at"
        )
    )
    last_seen: dict[int, datetime] = {}
    for attendance_id, seen in stale:
        last_seen[attendance_id] = max(seen, last_seen.get(attendance_id, seen))
    for attendance_id, seen in last_seen.items():
        with transaction.atomic():
            attendance = Attendance.objects.select_for_update().get(pk=attendance_id)
            attendance.connections.filter(last_seen_at__lt=_stale_before(now)).delete()
            if not attendance.connections.exists():
                _credit(attendance, seen)
    return len(stale)
