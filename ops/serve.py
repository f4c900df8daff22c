"""``python -m ops.serve``: Daphne with the drain on SIGTERM (ops/drain.py).

Takes Daphne's own command-line options (``python -m ops.serve -e tcp:port=8001 ...
config.asgi:application``). The server itself is ``live/transport/server.py``: it reaches
into Daphne, Twisted and autobahn, which only the live room's transport may. The application
module is imported first, as Daphne would: it sets Django up (Daphne's app installs Twisted's
asyncio reactor) and chooses the live transport, which the server module needs.
"""

import sys


def main() -> int | None:
    import config.asgi  # noqa: F401 - Django and the live transport, before the server
    from live.transport.server import main as serve

    return serve()


if __name__ == "__main__":
    sys.exit(main())
