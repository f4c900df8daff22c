"""HTTP side of the live room: the room page, the projector view, the in-room join link,
exports and the published FAQ. Every view checks permissions itself; the socket consumer
checks them again for every frame (docs/websocket-protocol.md)."""

from live.views.after import export_csv, export_xlsx, faq, faq_publish
from live.views.common import ROOM_TOKENS_KEY, get_visible_session
from live.views.projector import projector, projector_qr, projector_rotate
from live.views.room import live_room, room_join
from live.views.strings import client_strings

__all__ = [
    "ROOM_TOKENS_KEY",
    "client_strings",
    "export_csv",
    "export_xlsx",
    "faq",
    "faq_publish",
    "get_visible_session",
    "live_room",
    "projector",
    "projector_qr",
    "projector_rotate",
    "room_join",
]
