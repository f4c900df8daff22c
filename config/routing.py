"""WebSocket routes of every app, in one list for config.asgi."""

from live.routing import websocket_urlpatterns as live_routes

websocket_urlpatterns = [*live_routes]
