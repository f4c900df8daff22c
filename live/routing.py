"""WebSocket routes of the live app (protocol: docs/websocket-protocol.md)."""

from django.urls import path

from live.consumers import LiveRoomConsumer

websocket_urlpatterns: list = [
    path("ws/sessions/<int:session_id>/", LiveRoomConsumer.as_asgi(), name="live_room"),
]
