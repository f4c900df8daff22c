"""In-room identities per client: how many a client address may mint, and which address each
one came from, so that reopening the invite link cannot multiply the ask limit.

A phone that keeps its cookie keeps its identity (the join view reuses the room token it
holds), so its mutes and limits hold. A client that drops its cookies gets a new identity
each time: those are capped per client address (``LIVE_ROOM_IDENTITY_RATE``), and the
questions of all identities from one address share one more limit
(``LIVE_GUEST_ASK_RATE_PER_CLIENT``), so a room behind one venue network still works.
"""

import hashlib

from django.core.cache import cache
from django.utils.translation import gettext as _

from accesskeys import purposes
from live import conf
from live.errors import LiveError
from live.models import RoomDevice
from live.ratelimit import person_rate_check
from live.rooms import Room, Viewer
from live.services.tokens import room_device_join
from seminars.ratelimit import RateLimitError, hit, wait_text


def _client_cache_key(device_pk: int) -> str:
    return f"live:device-client:{device_pk}"


def room_identity_join(*, invite: str, client: str) -> tuple[RoomDevice, str]:
    """A new in-room identity for ``client`` (its address) from an invite, with its token.

    Writes one RoomDevice row and remembers (in the cache, for the token's lifetime) which
    client address it came from. LiveError ``rate_limited`` (nothing written) past the
    identities one address may mint.
    """
    try:
        hit(("live:room-identity", client, conf.get("LIVE_ROOM_IDENTITY_RATE")))
    except RateLimitError as error:
        raise LiveError(
            "rate_limited",
            _("Too many new room identities were asked for from your network.")
            + " "
            + wait_text(error.retry_after),
            retry_after=error.retry_after,
        ) from error
    device, token = room_device_join(invite=invite)
    digest = hashlib.sha256(client.encode()).hexdigest()[:32]
    cache.set(
        _client_cache_key(device.pk),
        digest,
        timeout=int(purposes.ROOM_TOKEN.max_age().total_seconds()),
    )
    return device, token


def guest_client_ask_check(*, room: Room, viewer: Viewer) -> None:
    """Count a guest's question against every guest from the same client address;
    LiveError ``rate_limited`` past ``LIVE_GUEST_ASK_RATE_PER_CLIENT``. Signed-in people
    are counted as themselves only. Reads the cache; writes only its counter."""
    if viewer.device_pk is None:
        return
    client = cache.get(_client_cache_key(viewer.device_pk))
    if client is None:  # minted before this limit existed, or evicted: the person limit holds
        return
    person_rate_check(
        kind="ask_client",
        session_id=room.session_id,
        person_key=f"c{client}",
        rate=conf.get("LIVE_GUEST_ASK_RATE_PER_CLIENT"),
    )
