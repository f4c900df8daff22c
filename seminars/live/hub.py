"""Per-process fan-out: one channel-layer subscription per room feed, one encoded frame
written to every local socket of that feed.

Why not a group per consumer: Channels would deliver each event into every consumer
separately, and since Channels 4.2 each delivered message costs a thread hop to close old
database connections (``aclose_old_connections`` in ``AsyncConsumer.dispatch``). Here an
event costs one channel-layer message per feed per process, and one ``send`` per socket.

Works with any channel layer that has ``new_channel``/``group_add``/``receive``: the
in-memory layer (tests, one process) and ``RedisPubSubChannelLayer`` (production).
"""

import asyncio
import collections
import contextlib
import logging
import weakref

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer

from seminars.live import conf, groups
from seminars.live.broadcast import CLOSE_PERSON_TYPE, MESSAGE_TYPE, encode, event_messages
from seminars.live.gcpolicy import SocketHeap
from seminars.live.heartbeat import Heartbeat
from seminars.live.wire import Prepared, Send, buffered_bytes, server_protocol, write_frame

logger = logging.getLogger(__name__)

CLOSE_TOO_SLOW = 4008
# This process was taken for dead and its connection rows swept: its sockets are closed so
# that their clients reconnect (and count again) and resume from their last seq.
CLOSE_RECONNECT = 1012
# WebSocket's "internal error": a socket the hub could not write to; the client resumes.
CLOSE_INTERNAL_ERROR = 1011
# The person signed out everywhere: the client does not reconnect (as for a refused sign-in).
CLOSE_SIGNED_OUT = 4401
# Delivery failures since the process started, per kind ("socket": one socket's write;
# "feed": a whole event of a feed), for logs, tests and a later metrics endpoint.
FAILURES: collections.Counter = collections.Counter()
_CLOSE = object()


class Outlet:
    """One socket's bounded outbox.

    Frames are written at once while the server's ``send`` completes without waiting
    (Daphne's always does): the send coroutine is stepped by hand, so no task is created
    per frame. When a send has to wait, it is finished in a task and later frames queue up
    to ``limit``; past that the socket is closed with 4008 so that the client resumes from
    its last seq instead of lagging for ever. Under Daphne a send never waits: the bytes a
    slow reader has not taken pile up in the server's transport instead, so that is bounded
    too (``LIVE_SEND_BUFFER_BYTES``), with the same 4008.
    While ``holding`` (between connect and the snapshot) live frames are kept aside with
    their seq and released after the snapshot, skipping what the snapshot already covers.
    """

    __slots__ = (
        "send",
        "person_key",
        "limit",
        "queue",
        "writing",
        "closed",
        "held",
        "task",
        "protocol",
        "buffer_limit",
        "close_code",
    )

    def __init__(self, send: Send, person_key: str, *, limit: int | None = None) -> None:
        self.send = send
        self.protocol = server_protocol(send)
        self.person_key = person_key
        self.limit = limit or conf.get("LIVE_SEND_QUEUE_FRAMES")
        self.buffer_limit = conf.get("LIVE_SEND_BUFFER_BYTES")
        # A list, not a deque: an empty deque costs 760 bytes per socket, and the queue is
        # almost always empty (frames are written at once) and at most ``limit`` long.
        self.queue: list = []
        self.writing = False
        self.closed = False
        self.held: list[tuple[int, str]] | None = []
        self.task: asyncio.Task | None = None
        self.close_code = CLOSE_TOO_SLOW

    def push_live(self, seq: int, text: str, prepared: "Prepared | None" = None) -> None:
        if self.held is not None:
            self.held.append((seq, text))
            return
        protocol = self.protocol
        if (
            prepared is not None
            and protocol is not None
            and not self.queue
            and not self.writing
            and not self.closed
            and protocol.state == protocol.STATE_OPEN
        ):
            if self._behind():
                self._give_up()
                return
            # Nothing queued before it, so order is kept: write the event's frame, framed
            # once for every socket of the feed, straight to this socket.
            write_frame(protocol.transport, prepared.frame(protocol))
            return
        self.push(text)

    def release(self, covered_seq: int) -> None:
        """Stop holding; send the held frames the snapshot or replay did not cover."""
        held, self.held = self.held or [], None
        for seq, text in held:
            if seq > covered_seq:
                self.push(text)

    def push(self, text) -> None:
        if self.closed:
            return
        if self._behind():
            self._give_up()
            return
        self.queue.append(text)
        if not self.writing:
            self._pump()

    def _behind(self) -> bool:
        """Too many frames queued here, or too many bytes the server holds unsent."""
        if len(self.queue) >= self.limit:
            return True
        return (
            self.protocol is not None
            and buffered_bytes(self.protocol.transport) > self.buffer_limit
        )

    def _give_up(self, code: int = CLOSE_TOO_SLOW) -> None:
        """Too far behind (or see ``close``): nothing more but a close, 4008 unless said
        otherwise, after which the client resumes from its last seq."""
        if self.closed:
            return
        self.closed = True
        self.close_code = code
        self.queue.clear()
        self.queue.append(_CLOSE)
        if not self.writing:
            self._pump()

    def close(self, code: int) -> None:
        """Close the socket after what is already queued is dropped; its client resumes."""
        self._give_up(code)

    def push_frame(self, frame: dict) -> None:
        self.push(encode(frame))

    def _message(self) -> dict:
        text = self.queue.pop(0)
        if text is _CLOSE:
            self.queue.clear()
            return {"type": "websocket.close", "code": self.close_code}
        return {"type": "websocket.send", "text": text}

    def _pump(self) -> None:
        """Write queued frames now; hand over to a task at the first send that must wait."""
        while self.queue:
            sending = self.send(self._message())
            try:
                pending = sending.send(None)
            except StopIteration:
                continue
            except Exception:  # the socket went away under us; its consumer cleans up
                self.closed = True
                self.queue.clear()
                return
            self.writing = True
            self.task = asyncio.ensure_future(self._drain(_Continue(sending, pending)))
            return

    async def _drain(self, waiting: "_Continue") -> None:
        try:
            await waiting
            while self.queue:
                await self.send(self._message())
        except Exception:  # as in _pump
            self.closed = True
            self.queue.clear()
        finally:
            self.writing = False


class _Continue:
    """Awaitable that carries on a coroutine already stepped once (it yielded ``pending``),
    speaking the same protocol a Task uses with the coroutines it runs."""

    __slots__ = ("coroutine", "pending")

    def __init__(self, coroutine, pending) -> None:
        self.coroutine, self.pending = coroutine, pending

    def __await__(self):
        coroutine, pending = self.coroutine, self.pending
        while True:
            try:
                value = yield pending
            except BaseException as error:  # cancellation reaches the inner send too
                try:
                    pending = coroutine.throw(error)
                except StopIteration as stop:
                    return stop.value
                continue
            try:
                pending = coroutine.send(value)
            except StopIteration as stop:
                return stop.value


class Feed:
    """The local sockets of one room feed and the one channel that receives its events.

    It also notes which seqs it has seen, so that the hub can fetch from the database the
    events the channel layer lost (the pub/sub layer drops messages while Redis reconnects).
    """

    def __init__(self, session_id: int, key: str) -> None:
        self.session_id = session_id
        self.key = key
        self.group = groups.group_name(session_id, key)
        self.outlets: dict[Outlet, None] = {}
        self.channel: str | None = None
        self.task: asyncio.Task | None = None
        self.last_seq: int | None = None
        self.missing: set[int] = set()
        self.suspect: set[int] = set()

    def note(self, seq: int) -> bool:
        """Record a delivered seq; False if it was delivered before (a repaired duplicate)."""
        if self.last_seq is None:
            self.last_seq = seq
            return True
        if seq > self.last_seq:
            self.missing.update(range(self.last_seq + 1, seq))
            self.last_seq = seq
            return True
        if seq in self.missing:
            self.missing.discard(seq)
            return True
        return False

    def wanted(self, head: int) -> set[int]:
        """Seqs the database has that this feed has not delivered."""
        if self.last_seq is None:
            self.last_seq = head
        return self.missing | set(range(self.last_seq + 1, head + 1))

    def deliver(self, message: dict) -> None:
        seq, text = message["seq"], message["frame"]
        prepared = Prepared(text)  # before noting the seq: if this fails, repair fetches it
        if not self.note(seq):
            return
        owner, owner_text = message.get("owner"), message.get("owner_frame")
        for outlet in list(self.outlets):
            try:
                if owner is not None and outlet.person_key == owner:
                    outlet.push_live(seq, owner_text)
                else:
                    outlet.push_live(seq, text, prepared)
            except Exception:
                # One broken socket never stops the room: it is logged, counted and closed
                # (its client reconnects and resumes by seq); the other sockets go on.
                self.outlet_failed(outlet, seq)

    def close_person(self, person_key: str) -> None:
        for outlet in list(self.outlets):
            if outlet.person_key == person_key:
                outlet.close(CLOSE_SIGNED_OUT)

    def outlet_failed(self, outlet: "Outlet", seq: int) -> None:
        FAILURES["socket"] += 1
        logger.exception(
            "live feed %s: delivering seq %s to socket %s failed; closing it",
            self.group,
            seq,
            outlet.person_key,
        )
        with contextlib.suppress(Exception):
            outlet.close(CLOSE_INTERNAL_ERROR)


class Hub:
    def __init__(self, layer) -> None:
        self.layer = layer
        self.feeds: dict[str, Feed] = {}
        self.locks: dict[str, asyncio.Lock] = collections.defaultdict(asyncio.Lock)
        self.presence: dict[int, int] = {}
        self.ticker: asyncio.Task | None = None
        self.heap = SocketHeap() if conf.get("LIVE_GC_FREEZE") else None
        self.heartbeat = Heartbeat(on_lost=self.reconnect_all)

    async def attach(self, session_id: int, key: str, outlet: Outlet) -> None:
        group = groups.group_name(session_id, key)
        async with self.locks[group]:
            feed = self.feeds.get(group)
            if feed is None:
                feed = Feed(session_id, key)
                feed.channel = await self.layer.new_channel()
                await self.layer.group_add(group, feed.channel)
                feed.task = asyncio.create_task(self._read(feed))
                self.feeds[group] = feed
            feed.outlets[outlet] = None
        if self.ticker is None or self.ticker.done():
            self.ticker = asyncio.create_task(self._tick_forever())
        self.heartbeat.start()

    def feed_synced(self, session_id: int, key: str, seq: int) -> None:
        """A socket of a new feed got the room as of ``seq``: lost events after it are
        noticed from now on."""
        feed = self.feeds.get(groups.group_name(session_id, key))
        if feed is not None and feed.last_seq is None:
            feed.last_seq = seq

    async def detach(self, session_id: int, key: str, outlet: Outlet) -> None:
        group = groups.group_name(session_id, key)
        async with self.locks[group]:
            feed = self.feeds.get(group)
            if feed is None:
                return
            if feed.outlets.pop(outlet, False) is None and self.heap is not None:
                self.heap.closed()
            if feed.outlets:
                return
            del self.feeds[group]
            feed.task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await feed.task
            with contextlib.suppress(Exception):
                await self.layer.group_discard(group, feed.channel)
        if not self.feeds and self.ticker is not None:
            self.ticker.cancel()
            self.ticker = None
        if not self.feeds:
            self.heartbeat.stop()

    async def _read(self, feed: Feed) -> None:
        while True:
            try:
                message = await self.layer.receive(feed.channel)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("live feed %s could not receive; retrying", feed.group)
                await asyncio.sleep(1)
                continue
            if message.get("type") == MESSAGE_TYPE:
                self._deliver(feed, message)
            elif message.get("type") == CLOSE_PERSON_TYPE:
                feed.close_person(str(message.get("person_key", "")))

    @staticmethod
    def _deliver(feed: Feed, message: dict) -> None:
        """Deliver one event; a failure is logged and counted, and the feed reads on (an event
        it could not note is fetched again by seq in the next repair tick)."""
        try:
            feed.deliver(message)
        except Exception:
            FAILURES["feed"] += 1
            logger.exception(
                "live feed %s: delivering seq %s failed; the feed goes on",
                feed.group,
                message.get("seq"),
            )

    def outlets_of_room(self, session_id: int) -> list[Outlet]:
        return [
            outlet
            for feed in self.feeds.values()
            if feed.session_id == session_id
            for outlet in feed.outlets
        ]

    async def presence_tick(self) -> None:
        """Send each local room its presence count when it changed (one query per tick)."""
        from seminars.live.selectors import presence_counts

        rooms = sorted({feed.session_id for feed in self.feeds.values()})
        if not rooms:
            return
        counts = await database_sync_to_async(presence_counts)(session_ids=rooms)
        for session_id in rooms:
            count = counts.get(session_id, 0)
            if self.presence.get(session_id) != count:
                self.presence[session_id] = count
                text = encode({"type": "presence", "count": count})
                for outlet in self.outlets_of_room(session_id):
                    if outlet.held is None:
                        outlet.push(text)

    async def repair_tick(self) -> None:
        """Deliver events the channel layer lost: a seq the database has that a feed has not
        seen over a whole tick is read back and delivered (one query per tick, more only when
        something was lost)."""
        from seminars.live.selectors import room_events_by_seq, room_heads

        rooms = sorted({feed.session_id for feed in self.feeds.values()})
        if not rooms:
            return
        heads = await database_sync_to_async(room_heads)(session_ids=rooms)
        lost: dict[int, set[int]] = collections.defaultdict(set)
        for feed in list(self.feeds.values()):
            wanted = feed.wanted(heads.get(feed.session_id, 0))
            overdue, feed.suspect = wanted & feed.suspect, wanted - feed.suspect
            lost[feed.session_id] |= overdue
        for session_id, seqs in lost.items():
            if seqs:
                events = await database_sync_to_async(room_events_by_seq)(
                    session_id=session_id, seqs=sorted(seqs)
                )
                self._redeliver(session_id, events)

    def _redeliver(self, session_id: int, events: list[dict]) -> None:
        for feed in [f for f in self.feeds.values() if f.session_id == session_id]:
            agency_ids = [int(feed.key.split("-")[1])] if feed.key.startswith("agency-") else []
            for event in events:
                logger.warning("live feed %s repaired lost seq %s", feed.group, event["seq"])
                self._deliver(feed, event_messages(event, agency_ids)[feed.key])

    def reconnect_all(self) -> None:
        """Close every local socket with 1012: their clients reconnect and resume."""
        for feed in list(self.feeds.values()):
            for outlet in list(feed.outlets):
                outlet.close(CLOSE_RECONNECT)

    async def _tick_forever(self) -> None:
        interval = conf.get("LIVE_PRESENCE_INTERVAL")
        while True:
            await asyncio.sleep(interval)
            try:
                await self.presence_tick()
                await self.repair_tick()
                if self.heap is not None:
                    self.heap.tick(sum(len(feed.outlets) for feed in self.feeds.values()))
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("live hub tick failed")


_hubs: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Hub]" = weakref.WeakKeyDictionary()


def hub_get() -> Hub:
    """This process's hub for the running event loop and the current channel layer."""
    loop = asyncio.get_running_loop()
    layer = get_channel_layer()
    hub = _hubs.get(loop)
    if hub is None or hub.layer is not layer:
        hub = Hub(layer)
        _hubs[loop] = hub
    return hub
