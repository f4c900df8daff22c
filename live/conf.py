"""Live room limits. Django settings override each default (tests use ``settings``)."""

from django.conf import settings

DEFAULTS: dict[str, object] = {
    # (how many, per seconds), per person per room, across tabs and server processes.
    "LIVE_ASK_RATE": (3, 60),
    "LIVE_VOTE_RATE": (30, 60),
    # (how many, per seconds), per client address (live/services/identities.py):
    # new in-room identities minted from the invite link, and questions of all the guests
    # (room-code identities) behind that address. A room on one venue network shares both.
    # A hall of 300 phones behind one venue NAT scans the QR code in the same few minutes.
    "LIVE_ROOM_IDENTITY_RATE": (300, 600),
    "LIVE_GUEST_ASK_RATE_PER_CLIENT": (10, 60),
    # (how many, per seconds), per socket, counted in the process that holds it.
    "LIVE_FRAME_RATE": (20, 10),
    "LIVE_MAX_CONNECTIONS_PER_PERSON": 5,
    "LIVE_SEND_QUEUE_FRAMES": 1000,
    # Bytes a socket's server transport may hold unsent (a reader that stopped reading)
    # before it is closed with 4008 too; bounds the server's memory per slow client.
    "LIVE_SEND_BUFFER_BYTES": 1024 * 1024,
    "LIVE_REPLAY_MAX_EVENTS": 500,
    "LIVE_PRESENCE_INTERVAL": 5.0,
    # Keep the garbage collector's full passes off the sockets a process holds
    # (live/transport/gcpolicy.py); tests turn it off.
    "LIVE_GC_FREEZE": True,
    # Every process holding sockets beats this often (one UPDATE of its LiveProcess row)...
    "LIVE_PROCESS_HEARTBEAT_INTERVAL": 2.0,
    # ...and one that has not beaten for this long is dead: its connections stop counting
    # towards LIVE_MAX_CONNECTIONS_PER_PERSON and are swept. Three missed beats, so that a
    # busy moment is not taken for a crash; a restart frees the tabs within 10 s.
    "LIVE_PROCESS_DEAD_AFTER": 6.0,
}

MAX_FRAME_BYTES = 8 * 1024


def get(name: str):
    return getattr(settings, name, DEFAULTS[name])
