"""Who a live socket's scope says it is, without a thread hop for in-room phones.

Channels' ``AuthMiddleware`` resolves ``scope["user"]`` in the process's one sync thread
before the consumer runs, for every socket. A socket with a room token (``?token=``) is a
guest whatever its cookie says (``selectors.room_join``), so its user is not read at all:
in a room filling at once, thousands of such hops queued in that one thread before the
consumer could accept, and Daphne dropped the handshakes that waited longer than its
``websocket_connect_timeout``.
"""

from urllib.parse import parse_qs

from channels.auth import AuthMiddleware
from channels.sessions import CookieMiddleware, SessionMiddleware
from django.contrib.auth.models import AnonymousUser


class RoomTokenAuthMiddleware(AuthMiddleware):
    async def resolve_scope(self, scope):
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        if query.get("token", [""])[-1]:
            scope["user"]._wrapped = AnonymousUser()
            return
        await super().resolve_scope(scope)


def RoomAuthMiddlewareStack(inner):  # noqa: N802 - named like Channels' AuthMiddlewareStack
    """Channels' ``AuthMiddlewareStack`` with ``RoomTokenAuthMiddleware``."""
    return CookieMiddleware(SessionMiddleware(RoomTokenAuthMiddleware(inner)))
