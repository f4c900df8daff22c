"""``python -m ops.serve``: Daphne with the drain on SIGTERM (ops/drain.py).

Takes Daphne's own command-line options (``python -m ops.serve -e tcp:port=8001 ...
config.asgi:application``). The server itself is ``live/transport/server.py``: it reaches
into Daphne, Twisted and autobahn, which only the live room's transport may.
"""

import sys

from live.transport.server import main

if __name__ == "__main__":
    sys.exit(main())
