"""External players: a pasted link becomes an embeddable player address on an allowed host.

YouTube links become the privacy-enhanced player (youtube-nocookie.com), Vimeo links the
player with Do Not Track; any other link is kept as it is and must be on the allow-list
(``LIVE_EMBED_HOSTS``), which is also the page's Content-Security-Policy ``frame-src``."""

import re
from urllib.parse import parse_qs, urlsplit

from django.conf import settings

_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{6,20}$")
_YOUTUBE_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com", "youtu.be"}
_VIMEO_HOSTS = {"vimeo.com", "www.vimeo.com"}


def _youtube_player(parts) -> str | None:
    host = (parts.hostname or "").lower()
    video = ""
    if host == "youtu.be":
        video = parts.path.strip("/")
    elif parts.path == "/watch":
        video = (parse_qs(parts.query).get("v") or [""])[0]
    elif parts.path.startswith(("/live/", "/embed/")):
        video = parts.path.split("/")[2]
    if not _YOUTUBE_ID.match(video):
        return None
    return f"https://www.youtube-nocookie.com/embed/{video}"


def embed_player_url(url: str) -> str | None:
    """The player address to frame for ``url``, or None when its host is not allowed."""
    parts = urlsplit(url.strip())
    if parts.scheme != "https" or not parts.hostname:
        return None
    host = parts.hostname.lower()
    if host in _YOUTUBE_HOSTS:
        player = _youtube_player(parts)
    elif host in _VIMEO_HOSTS and parts.path.strip("/").isdigit():
        player = f"https://player.vimeo.com/video/{parts.path.strip('/')}?dnt=1"
    else:
        player = url.strip()
    if player is None:
        return None
    return (
        player if (urlsplit(player).hostname or "").lower() in settings.LIVE_EMBED_HOSTS else None
    )
