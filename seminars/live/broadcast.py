"""Publish a committed room event: encoded once per permission level, sent once per level.

Called from ``transaction.on_commit`` in the services, so nothing is ever sent that is not
stored. Each process's hub (``hub.py``) writes the encoded frame to its local sockets.
"""

import logging

import orjson
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from seminars.live import groups
from seminars.live.payloads import frame_of

logger = logging.getLogger(__name__)

MESSAGE_TYPE = "live.frame"
# Close one person's sockets in a room feed (they signed out everywhere); carries person_key.
CLOSE_PERSON_TYPE = "live.close_person"


def encode(frame: dict) -> str:
    return orjson.dumps(frame).decode()


def event_messages(event: dict, agency_ids: list[int]) -> dict[str, dict]:
    """Channel-layer message per feed key for one stored event (see RoomEvent)."""
    seq = event["seq"]
    full = encode(frame_of(seq, event["full"]))
    public = (
        encode(frame_of(seq, event["public"]))
        if event["public"] is not None
        else encode({"type": "seq", "seq": seq})
    )
    owner = event["owner_key"] or None
    owner_frame = encode(frame_of(seq, event["owner"])) if owner and event["owner"] else None

    def message(text: str) -> dict:
        return {
            "type": MESSAGE_TYPE,
            "seq": seq,
            "frame": text,
            "owner": owner if owner_frame else None,
            "owner_frame": owner_frame,
        }

    messages = {"moderators": message(full), "attendees": message(public)}
    for agency_id in agency_ids:
        text = full if agency_id == event["agency_id"] else public
        messages[f"agency-{agency_id}"] = message(text)
    return messages


async def messages_publish(session_id: int, messages: dict[str, dict]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    for key, message in messages.items():
        await layer.group_send(groups.group_name(session_id, key), message)


def event_publish(*, session_id: int, event: dict, agency_ids: list[int]) -> None:
    """Send one committed event to every feed of its room (after commit, from sync code).

    A failed publish is logged, not raised: the event is stored, and clients that missed
    it recover it with ``resume``.
    """
    try:
        async_to_sync(messages_publish)(session_id, event_messages(event, agency_ids))
    except Exception:
        logger.exception("could not publish live event %s#%s", session_id, event["seq"])
