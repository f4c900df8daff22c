"""The live room's transport interface: the only names the domain (``live/``) uses.

How a committed room event reaches every open socket of its room, in every server process.
The domain calls:

- ``SocketConsumer``: the base class of the room's consumer (its channel layer alias and
  ``dispatch`` are the transport's);
- ``outlet(consumer, person_key)``: a socket's outbox, made once the socket is accepted;
  ``deliver(outlet, frame)`` sends it a frame (a reply, a snapshot), ``hold``/``release``
  keep live events aside until the snapshot is out;
- ``attach``/``detach``: a socket joins or leaves its room feed (``synced`` once it has the
  room as of a seq; ``presence`` is the count this process last sent the room);
- ``publish``: a committed event, to every feed of its room, in every process;
- ``close_person``: close a person's sockets in this process; ``persons_close``: in every
  process, through the control subscription (role changes, sign-out everywhere), which a
  connecting socket holds with ``listen`` (then ``closed_since``, ``unlisten``);
- ``socket_work``, ``process_id``, ``beat_if_idle``: where a socket's database work runs and
  which server process holds it.

Behind it, two transports (``LIVE_TRANSPORT``, chosen by ``choice.py``): ``portable.py``
(public Channels and ASGI APIs only, any ASGI server) and ``fastpath.py`` (Daphne's
prepared-frame writes, every internal it touches self-checked). ``hub.py`` (one channel-layer
subscription per room feed, repair by seq), ``broadcast.py``, ``heartbeat.py``,
``threads.py`` and ``gcpolicy.py`` serve both.
"""

from channels.generic.websocket import AsyncWebsocketConsumer

from live.transport import broadcast, choice, control, heartbeat, threads
from live.transport.hub import hub_get
from live.transport.portable import Outlet

__all__ = [
    "CLOSE_PERMISSIONS_CHANGED",
    "Listening",
    "Outlet",
    "SocketConsumer",
    "attach",
    "beat_if_idle",
    "close_person",
    "deliver",
    "detach",
    "hold",
    "listen",
    "closed_since",
    "outlet",
    "persons_close",
    "presence",
    "process_id",
    "publish",
    "release",
    "socket_work",
    "start",
    "synced",
    "unlisten",
]

socket_work = threads.socket_work
start = choice.start
persons_close = control.persons_close
CLOSE_PERMISSIONS_CHANGED = control.CLOSE_PERMISSIONS_CHANGED


class SocketConsumer(AsyncWebsocketConsumer):
    """A WebSocket consumer whose channel layer alias and dispatch the transport decides."""

    @property
    def channel_layer_alias(self) -> str:  # type: ignore[override]
        return choice.current().CHANNEL_LAYER_ALIAS

    async def dispatch(self, message: dict) -> None:
        await choice.current().dispatch(self, message)


def outlet(consumer: AsyncWebsocketConsumer, person_key: str) -> Outlet:
    """The outbox of an accepted socket."""
    return choice.current().outlet(consumer, person_key)


def deliver(outlet: Outlet, frame: dict) -> None:
    """Send one frame to one socket, after what is queued for it."""
    outlet.push_frame(frame)


def hold(outlet: Outlet) -> None:
    """Keep the room's live events aside (with their seq) until ``release``."""
    if outlet.held is None:
        outlet.held = []


def release(outlet: Outlet, covered_seq: int) -> None:
    """Send the held events after ``covered_seq`` and stop holding."""
    outlet.release(covered_seq)


async def attach(session_id: int, key: str, outlet: Outlet) -> None:
    await hub_get().attach(session_id, key, outlet)


async def detach(session_id: int, key: str, outlet: Outlet) -> None:
    outlet.closed = True
    await hub_get().detach(session_id, key, outlet)


def synced(session_id: int, key: str, seq: int) -> None:
    hub_get().feed_synced(session_id, key, seq)


def presence(session_id: int) -> int | None:
    return hub_get().presence.get(session_id)


def publish(*, session_id: int, event: dict, agency_ids: list[int]) -> None:
    """Send one committed event to every feed of its room (call it after commit)."""
    broadcast.event_publish(session_id=session_id, event=event, agency_ids=agency_ids)


def close_person(person_key: str, code: int) -> int:
    """Close every socket of a person in this process; how many were closed."""
    return hub_get().close_person(person_key, code)


def process_id():
    return heartbeat.PROCESS_ID


def beat_if_idle() -> None:
    heartbeat.ensure_fresh()


class Listening:
    """A connecting socket's hold on its process's control subscription (``listen``)."""

    __slots__ = ("hub", "mark")

    def __init__(self, hub, mark: int) -> None:
        self.hub, self.mark = hub, mark


async def listen() -> Listening:
    """Before a socket's level is read: make sure this process hears ``persons_close``."""
    hub = hub_get()
    return Listening(hub, await control.listen(hub))


def closed_since(listening: Listening, person_key: str) -> int | None:
    """The close code if a ``persons_close`` named this person since ``listen``, else None."""
    return control.closed_since(listening.hub, listening.mark, person_key)


async def unlisten(listening: Listening) -> None:
    await control.release(listening.hub)
