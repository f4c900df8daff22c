"""Live room limits: Django settings with their defaults in config/settings.py, read when used,
so a changed setting and ``override_settings`` take effect."""

from django.conf import settings

# Part of the protocol (docs/websocket-protocol.md), not a setting.
MAX_FRAME_BYTES = 8 * 1024


def get(name: str):
    return getattr(settings, name)
