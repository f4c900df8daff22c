"""The drain on SIGTERM: stop accepting, send live sockets away, let requests finish.

1. The listening sockets close, and /readyz answers 503 ("draining"), so that the load
   balancer sends nothing new here.
2. Every live socket is closed with 1001 ("going away", docs/websocket-protocol.md), spread
   over DRAIN_SECONDS so that the other processes see a trickle of reconnections, not a
   stampede. Its client reconnects elsewhere and resumes by seq.
3. HTTP requests in flight get up to DRAIN_GRACE_SECONDS (from the signal) to finish.
4. The live room's attendance notes not yet written (they are written in batches every
   0.5 s, live/services/attendance.py) are written before the process stops.

The server-specific parts (stop listening, close a socket with 1001, count requests in
flight, stop) are given by ``live/transport/server.py``; this module knows only the order
and timing.
"""

import asyncio
import logging
import random
import time
from collections.abc import Callable

from django.conf import settings

from ops import health

logger = logging.getLogger(__name__)
CLOSE_GOING_AWAY = 1001


async def sockets_send_away(seconds: float, close_socket: Callable) -> int:
    """Close every live socket of this process with 1001, spread over ``seconds``."""
    from live.transport.hub import outlets_all

    outlets = outlets_all()
    random.shuffle(outlets)  # rooms leave together, not one room first
    step = seconds / len(outlets) if outlets else 0
    for outlet in outlets:
        close_socket(outlet, CLOSE_GOING_AWAY)
        if step:
            await asyncio.sleep(step)
    return len(outlets)


async def _attendance_write() -> None:
    """Write the joins and leaves still in the batch, so the closed sockets' stays end now
    rather than at the dead-process sweep."""
    from live import transport
    from live.services import attendance

    try:
        await transport.socket_work(attendance.attendance_flush)()
    except Exception:
        logger.exception("drain: the live room's last attendance notes could not be written")


async def drain(
    *,
    stop_listening: Callable[[], None],
    requests_in_flight: Callable[[], int],
    stop: Callable[[], None],
    close_socket: Callable,
) -> None:
    started = time.monotonic()
    health.draining_start()
    stop_listening()
    logger.warning("SIGTERM: draining (no new connections; live sockets leave with 1001)")
    closed = await sockets_send_away(settings.DRAIN_SECONDS, close_socket)
    deadline = started + settings.DRAIN_GRACE_SECONDS
    while requests_in_flight() and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    left = requests_in_flight()
    await _attendance_write()
    logger.warning(
        "drained in %.1f s: %s live sockets sent away, %s HTTP requests cut at the grace limit",
        time.monotonic() - started,
        closed,
        left,
    )
    stop()
