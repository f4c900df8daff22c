"""Poll totals, coalesced: each poll's totals are sent at most once a second, whatever the
number of votes, as one ``poll.totals`` room event (with its seq).

A committed vote calls ``totals_soon``: unless this process already has a flush of that poll
waiting, it starts one ``FIRST_DELAY`` later. The flush takes the poll's one-second slot in
the shared cache (Redis with REDIS_URL: ``add`` is SET NX, so the slot is shared by every
server process); when another flush holds it, it tries again ``RETRY_DELAY`` later. The slot
is released only by expiry, so two flushes of one poll are at least a second apart in the
whole deployment, and the last vote is always followed by a flush that counts it.

Flushes run in short-lived threads (``threading.Timer``), not in the event loop: the vote
commits in the consumer's database thread, and the flush's own database work must not wait
behind the room's commands.
"""

import logging
import threading

from django.core.cache import cache
from django.db import connections

from live.groups import control_group_name

logger = logging.getLogger(__name__)

SLOT_SECONDS = 1
FIRST_DELAY = 0.2
RETRY_DELAY = 0.25

_lock = threading.Lock()
_waiting: dict[int, threading.Timer] = {}


def _slot_key(poll_id: int) -> str:
    # the control group name carries the database tag: parallel deployments share Redis
    return f"{control_group_name()}.poll-totals.{poll_id}"


def totals_soon(poll_id: int, delay: float = FIRST_DELAY) -> None:
    """Make sure a flush of this poll's totals follows (call after the vote commits)."""
    with _lock:
        if poll_id in _waiting:
            return
        timer = threading.Timer(delay, _flush, args=(poll_id,))
        timer.daemon = True
        _waiting[poll_id] = timer
    timer.start()


def _flush(poll_id: int) -> None:
    from polls.services import poll_totals_publish

    with _lock:
        # Votes committed from now on need a flush after this one: let them start it.
        _waiting.pop(poll_id, None)
    try:
        if not cache.add(_slot_key(poll_id), 1, timeout=SLOT_SECONDS):
            totals_soon(poll_id, RETRY_DELAY)
            return
        poll_totals_publish(poll_id=poll_id)
    except Exception:
        logger.exception("polls: totals of poll %s not sent", poll_id)
    finally:
        connections.close_all()  # this thread's own connection


def pending() -> int:
    """Flushes waiting in this process (tests, drain)."""
    with _lock:
        return len(_waiting)
