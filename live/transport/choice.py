"""Which transport this process runs: ``LIVE_TRANSPORT`` (``auto``, ``portable``, ``daphne``).

``auto`` runs the fast path's self-check (``fastpath.self_check``) once, at start-up
(``config/asgi.py``), and takes the Daphne fast path when every internal matches; otherwise
it logs one WARNING naming what did not match and takes the portable transport.
``daphne`` with a failing self-check refuses to start (ImproperlyConfigured).
"""

import logging
import types

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)

CHOICES = ("auto", "portable", "daphne")

_chosen: types.ModuleType | None = None


def choose() -> types.ModuleType:
    """The transport module for ``settings.LIVE_TRANSPORT``, self-checked (no caching)."""
    from live.transport import fastpath, portable

    wanted = settings.LIVE_TRANSPORT
    if wanted not in CHOICES:
        raise ImproperlyConfigured(
            f"LIVE_TRANSPORT must be one of {', '.join(CHOICES)}, not {wanted!r}"
        )
    if wanted == "portable":
        return portable
    failures = fastpath.self_check()
    if not failures:
        return fastpath
    if wanted == "daphne":
        raise ImproperlyConfigured(
            "LIVE_TRANSPORT=daphne, but the Daphne fast path's self-check failed: "
            + "; ".join(failures)
        )
    logger.warning(
        "LIVE_TRANSPORT=auto: using the portable transport; the Daphne fast path's "
        "self-check failed: %s",
        "; ".join(failures),
    )
    return portable


def current() -> types.ModuleType:
    """This process's transport, chosen on first use (or at start-up by ``start``)."""
    global _chosen
    if _chosen is None:
        _chosen = choose()
    return _chosen


def start() -> str:
    """Choose the transport now (server start-up), say which in the log; its name."""
    name = current().NAME
    current().install()
    logger.info("live transport: %s (LIVE_TRANSPORT=%s)", name, settings.LIVE_TRANSPORT)
    return name


def reset() -> None:
    """Forget the choice (tests that change LIVE_TRANSPORT)."""
    global _chosen
    _chosen = None
