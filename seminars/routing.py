from django.urls import path  # noqa: F401 - routes are added by the live room

websocket_urlpatterns: list = []
