"""Server processes' liveness: each beats, and the connections of a dead one are swept.

A process that dies (``kill -9``, a crash, a host lost) leaves its LiveConnection rows
behind. They stop counting towards the per-person limit as soon as the process misses its
beats for ``LIVE_PROCESS_DEAD_AFTER`` seconds (``presence.connections_alive``); the sweep
here deletes them and closes the stays they kept open at the process's last beat, the last
moment anyone was known to be there.
"""

import itertools
import os
import socket
import uuid
from datetime import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from live.models import Attendance, LiveConnection, LiveProcess
from live.services.presence import close_stay, connections_alive, dead_before

# Attendances closed per statement: bounds the ``IN (...)`` lists (SQLite's variable limit).
_BATCH = 500


def process_beat(*, process_id: uuid.UUID, started_at: datetime) -> bool:
    """Record that this process is alive now (one UPDATE); returns False when its row was
    not there (its first beat, or a sweep took it for dead) and was made again."""
    now = timezone.now()
    if LiveProcess.objects.filter(pk=process_id).update(beat_at=now):
        return True
    # ignore_conflicts: two socket threads may register the process at the same instant.
    LiveProcess.objects.bulk_create(
        [
            LiveProcess(
                id=process_id,
                hostname=socket.gethostname()[:255],
                pid=os.getpid(),
                started_at=started_at,
                beat_at=now,
            )
        ],
        ignore_conflicts=True,
    )
    return False


def processes_sweep(*, orphans: bool = False) -> int:
    """Delete the connections of dead processes and close the stays only they kept open,
    at each process's last beat; with ``orphans``, also connections whose process row is
    gone. Returns how many connections were swept. Broadcasts nothing: the hubs' presence
    tick sends the new counts."""
    now = timezone.now()
    swept = 0
    dead = LiveProcess.objects.filter(beat_at__lt=dead_before(now)).values_list("pk", "beat_at")
    for process_id, beat_at in dead:
        swept += _sweep_process(process_id, beat_at, now)
    if orphans:
        swept += _sweep_orphans(now)
    return swept


def _sweep_process(process_id: uuid.UUID, beat_at: datetime, now: datetime) -> int:
    with transaction.atomic():
        # Deleting the row first claims the sweep (another sweeper then deletes nothing)
        # and makes a process that was only slow notice at its next beat that it was
        # taken for dead (hub: it closes its sockets, which reconnect and count again).
        claimed, _by_model = LiveProcess.objects.filter(
            pk=process_id, beat_at__lt=dead_before(now)
        ).delete()
        if not claimed:
            return 0
        connections = LiveConnection.objects.filter(process_id=process_id)
        until = {attendance_id: beat_at for attendance_id in _attendance_ids(connections)}
        return _close(connections, until, now)


def _sweep_orphans(now: datetime) -> int:
    """Connections older than the window whose process row is gone: closed as of when they
    opened, the last moment they are known to have been alive."""
    with transaction.atomic():
        connections = LiveConnection.objects.filter(opened_at__lt=dead_before(now)).exclude(
            Exists(LiveProcess.objects.filter(pk=OuterRef("process_id")))
        )
        until: dict[int, datetime] = {}
        for attendance_id, opened_at in connections.values_list("attendance_id", "opened_at"):
            until[attendance_id] = max(opened_at, until.get(attendance_id, opened_at))
        return _close(connections, until, now)


def _attendance_ids(connections: QuerySet) -> list[int]:
    return list(connections.values_list("attendance_id", flat=True).distinct())


def _close(connections: QuerySet, until: dict[int, datetime], now: datetime) -> int:
    """Delete these connections, then close each stay left without a live connection."""
    swept = 0
    for batch in itertools.batched(sorted(until), _BATCH):
        # The people's attendances are locked before their connection rows, in the order
        # a socket closing takes them (no deadlock with it); and read after: a person
        # reconnecting right now either committed their new connection before this lock
        # (and the read below sees it) or waits for it.
        stays = list(Attendance.objects.select_for_update().filter(pk__in=batch).order_by("pk"))
        swept += connections.filter(attendance_id__in=batch).delete()[0]
        alive = set(
            connections_alive(LiveConnection.objects.filter(attendance_id__in=batch), now)
            .values_list("attendance_id", flat=True)
            .distinct()
        )
        closed = [s for s in stays if s.present_since is not None and s.pk not in alive]
        for stay in closed:
            close_stay(stay, until[stay.pk])
        Attendance.objects.bulk_update(
            closed, ["seconds_present", "present_since", "last_left_at"], batch_size=_BATCH
        )
    return swept
