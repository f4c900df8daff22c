import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.naive.settings")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402 - Django first
from django.urls import path  # noqa: E402 - as above

from bench.naive.consumers import PublisherConsumer, RoomConsumer  # noqa: E402 - as above

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": URLRouter(
            [
                path("ws/publish/", PublisherConsumer.as_asgi()),
                path("ws/room/", RoomConsumer.as_asgi()),
            ]
        ),
    }
)
