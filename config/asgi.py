"""ASGI entry point: HTTP through Django, WebSockets through Channels."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402 - needs Django set up

from config.routing import websocket_urlpatterns  # noqa: E402 - as above
from config.websocket_origin import SiteOriginValidator  # noqa: E402 - as above
from live import transport  # noqa: E402 - as above
from live.auth import RoomAuthMiddlewareStack  # noqa: E402 - as above

# The live room's transport is chosen (and the Daphne fast path self-checked) at start-up:
# LIVE_TRANSPORT=daphne with a failing self-check stops the server here.
transport.start()

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        # Scheme, host and port of the Origin, not the host alone (config/websocket_origin.py).
        "websocket": SiteOriginValidator(RoomAuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)
