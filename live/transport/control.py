"""The control channel: any process asks every server process to close a person's sockets.

Each server process that holds live sockets listens on one channel-layer group,
``live.<database tag>.control`` (``groups.control_group_name``). A message on it reads

    {"type": "live.control", "action": "close", "persons": ["u12", "d3fa…"], "code": 4010}

and every listening process closes its local sockets of those people with that code. The
role-change signals (``live/signals.py``) send it after commit with 4010, "your permissions
changed": the client reconnects at once and the server decides its new level.

The subscription is taken when a socket starts connecting, before its level is read from
the database, so a change committed after that read always reaches it; it is dropped when the
process's last socket has gone.
"""

import asyncio
import collections
import contextlib
import logging
import weakref
from collections.abc import Iterable

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from live import groups

logger = logging.getLogger(__name__)

MESSAGE_TYPE = "live.control"
# The person's roles (or account) changed: reconnect now; the server decides the new level.
CLOSE_PERMISSIONS_CHANGED = 4010


def close_message(person_keys: Iterable[str], code: int = CLOSE_PERMISSIONS_CHANGED) -> dict:
    return {
        "type": MESSAGE_TYPE,
        "action": "close",
        "persons": sorted(set(person_keys)),
        "code": code,
    }


async def persons_close_publish(person_keys: Iterable[str], code: int) -> None:
    layer = get_channel_layer()
    if layer is not None:
        await layer.group_send(groups.control_group_name(), close_message(person_keys, code))


def persons_close(*, person_keys: Iterable[str], code: int = CLOSE_PERMISSIONS_CHANGED) -> None:
    """Close every open socket of these people in every server process (from sync code, after
    commit). A failed publish is logged, not raised: the change itself is committed, and the
    commands a revoked level needs are refused anyway (``permissions.command_allowed_now``)."""
    keys = sorted(set(person_keys))
    if not keys:
        return
    try:
        async_to_sync(persons_close_publish)(keys, code)
    except Exception:
        logger.exception("could not publish the live control message for %s", keys)


class Listener:
    """One process's (one hub's) subscription to the control group."""

    def __init__(self, hub) -> None:
        self.hub = hub
        self.users = 0
        self.channel: str | None = None
        self.task: asyncio.Task | None = None
        self.lock = asyncio.Lock()
        # The close messages received so far, and the people of the latest ones: a socket
        # whose level was read before a message that names it arrived, but that was not yet
        # attached when it did, is closed right after it attaches (``closed_since``).
        self.received = 0
        self.recent: collections.deque[tuple[int, frozenset[str], int]] = collections.deque(
            maxlen=1024
        )

    async def start(self) -> None:
        layer = self.hub.layer
        self.channel = await layer.new_channel()
        await layer.group_add(groups.control_group_name(), self.channel)
        self.task = asyncio.create_task(self._read())

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self.task
            self.task = None
        if self.channel is not None:
            with contextlib.suppress(Exception):
                await self.hub.layer.group_discard(groups.control_group_name(), self.channel)
            self.channel = None

    async def _read(self) -> None:
        while True:
            try:
                message = await self.hub.layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("live control channel could not receive; retrying")
                await asyncio.sleep(1)
                continue
            self.handle(message)

    def handle(self, message: dict) -> None:
        if message.get("type") != MESSAGE_TYPE or message.get("action") != "close":
            return
        try:
            code = int(message["code"])
            self.received += 1
            self.recent.append((self.received, frozenset(map(str, message["persons"])), code))
            for person_key in message["persons"]:
                closed = self.hub.close_person(str(person_key), code)
                if closed:
                    logger.info("live: closed %s socket(s) of %s with %s", closed, person_key, code)
        except Exception:
            logger.exception("live control message %r could not be handled", message)


_listeners: "weakref.WeakKeyDictionary[object, Listener]" = weakref.WeakKeyDictionary()


async def listen(hub) -> int:
    """A socket of this hub starts connecting: make sure the process listens (pair it with
    ``release``). Returns a mark for ``closed_since``."""
    listener = _listeners.get(hub)
    if listener is None:
        listener = _listeners[hub] = Listener(hub)
    async with listener.lock:
        listener.users += 1
        if listener.task is None:
            await listener.start()
        return listener.received


def closed_since(hub, mark: int, person_key: str) -> int | None:
    """The close code for this person if a control message named them after ``mark``."""
    listener = _listeners.get(hub)
    if listener is None:
        return None
    for number, persons, code in reversed(listener.recent):
        if number <= mark:
            return None
        if person_key in persons:
            return code
    return None


async def release(hub) -> None:
    """A socket that called ``listen`` has gone; the last one stops the subscription."""
    listener = _listeners.get(hub)
    if listener is None:
        return
    async with listener.lock:
        listener.users -= 1
        if listener.users <= 0:
            listener.users = 0
            await listener.stop()
