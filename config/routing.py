"""WebSocket routes of every app, in one list for config.asgi."""

from seminars.routing import websocket_urlpatterns as seminar_routes

websocket_urlpatterns = [*seminar_routes]
