"""This process's liveness: its id, its heartbeat, and the sweep it runs for the others.

Each process start gets a new id (``PROCESS_ID``); every LiveConnection row names the
process holding the socket. While the process holds sockets, its hub runs a ``Heartbeat``
that updates the process's one ``LiveProcess`` row every ``LIVE_PROCESS_HEARTBEAT_INTERVAL``
seconds and then sweeps the connections of processes that stopped beating
(``services.processes_sweep``). Nothing here runs per socket or per frame: a connect only
checks a timestamp in memory (``ensure_fresh``).
"""

import asyncio
import logging
import time
import uuid
from collections.abc import Callable

from django.utils import timezone

from live import conf
from live.transport.threads import heartbeat_work

logger = logging.getLogger(__name__)

PROCESS_ID = uuid.uuid4()
STARTED_AT = timezone.now()
# Sweep rows whose process row is gone (a rare race, see LiveConnection) every this many beats.
ORPHAN_SWEEP_EVERY = 15

_last_beat = float("-inf")  # time.monotonic() when the last successful beat began


def beat() -> bool:
    """One beat of this process, in the calling thread; False when its row had to be made
    again (see ``process_beat``)."""
    global _last_beat
    from live.services import process_beat

    began = time.monotonic()
    existed = process_beat(process_id=PROCESS_ID, started_at=STARTED_AT)
    _last_beat = began
    return existed


def ensure_fresh() -> None:
    """Before a socket's connection row is written (database thread): a connection counts
    only while its process's beat is recent, so beat now if the last one is older than half
    the window (the process was idle, its heartbeat stopped). Free while the heartbeat runs."""
    if time.monotonic() - _last_beat > conf.get("LIVE_PROCESS_DEAD_AFTER") / 2:
        beat()


def _beat_and_sweep(sweep: bool, orphans: bool) -> bool:
    from live.services import processes_sweep

    existed = beat()
    if sweep:
        swept = processes_sweep(orphans=orphans)
        if swept:
            logger.warning("live: swept %s connections of dead server processes", swept)
    return existed


class Heartbeat:
    """The beat-and-sweep loop of one hub (one per process in production).

    It sweeps others only after beating without a break for a whole window itself: after a
    pause that stopped every process alike (the database restarting, this machine
    suspended), the others get the same window to beat again before they are taken for
    dead. ``on_lost`` is called when this process finds that it was taken for dead anyway
    (its row was swept while it held sockets): their connection rows are gone.
    """

    def __init__(self, on_lost: Callable[[], None]) -> None:
        self.on_lost = on_lost
        self.task: asyncio.Task | None = None
        self.beating_since: float | None = None
        self.last_ok: float | None = None
        self.beats = 0

    def start(self) -> None:
        if self.task is None or self.task.done():
            self.beating_since = self.last_ok = None
            self.task = asyncio.create_task(self._forever())

    def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.task = None

    async def _forever(self) -> None:
        while True:
            try:
                await self.tick()
            except asyncio.CancelledError:
                raise
            except Exception:
                self.beating_since = None
                logger.exception("live heartbeat failed")
            await asyncio.sleep(conf.get("LIVE_PROCESS_HEARTBEAT_INTERVAL"))

    async def tick(self) -> None:
        interval = conf.get("LIVE_PROCESS_HEARTBEAT_INTERVAL")
        began = time.monotonic()
        if self.beating_since is None or began - self.last_ok > 2 * interval:
            self.beating_since = began  # a new unbroken run of beats starts here
        sweep = began - self.beating_since >= conf.get("LIVE_PROCESS_DEAD_AFTER")
        self.beats += 1
        orphans = self.beats % ORPHAN_SWEEP_EVERY == 0
        existed = await heartbeat_work(_beat_and_sweep)(sweep, orphans)
        confirmed, self.last_ok = self.last_ok is not None, began
        # Missing at the first beat of a run is no news (the process was idle, ensure_fresh
        # may have remembered a row since deleted): only a row this run saw can be swept.
        if confirmed and not existed:
            logger.warning("live: this process %s was taken for dead; reconnecting", PROCESS_ID)
            self.on_lost()
