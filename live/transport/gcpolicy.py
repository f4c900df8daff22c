"""When the garbage collector may pause a server process that holds thousands of sockets.

A full collection walks every object the collector tracks, and each socket brings a few
hundred (Twisted's transport, autobahn's protocol, Daphne's and Channels' scope and
consumer, the application task). With 5,000 sockets in one Daphne process a full collection
stopped the event loop for up to 670 ms (bench, measured with ``gc.callbacks``), and CPython
runs one each time the heap has grown by a quarter: again and again while a room fills,
each time holding every live event back for the whole room.

So what has lived through a tick while the number of sockets grew is moved out of the
collector's way (``gc.freeze``): later collections walk only what is newer. The first such
tick also freezes what the process loaded at start (Django, the apps, their modules).
Cyclic garbage among frozen objects (a closed socket's protocol, transport and consumer) is
not reclaimed while frozen, so once as many sockets have closed as are open (and at least
``THAW_AFTER_CLOSED``), everything is thawed and collected in one pass, then frozen again:
memory stays within about twice the live set, and that pause comes only after heavy churn.
"""

import gc
import logging
import time

logger = logging.getLogger(__name__)

THAW_AFTER_CLOSED = 1000


class SocketHeap:
    def __init__(self) -> None:
        self.frozen_with = 0  # sockets open at the last freeze
        self.closed_since_thaw = 0

    def closed(self) -> None:
        self.closed_since_thaw += 1

    def tick(self, open_sockets: int) -> None:
        if self.closed_since_thaw >= max(open_sockets, THAW_AFTER_CLOSED):
            started = time.perf_counter()
            gc.unfreeze()
            found = gc.collect()
            gc.freeze()
            logger.info(
                "live: %s sockets closed since the last thaw; full collection found %s "
                "objects in %.0f ms",
                self.closed_since_thaw,
                found,
                (time.perf_counter() - started) * 1000,
            )
            self.closed_since_thaw = 0
            self.frozen_with = open_sockets
        elif open_sockets > self.frozen_with:
            # The young generations first: garbage that is frozen stays until the next thaw.
            gc.collect(1)
            gc.freeze()
            self.frozen_with = open_sockets
