"""The floor: the least a Python broadcast server can do per event on this machine.

One process, the `websockets` library's asyncio server and its `broadcast()`, no
framework, no database, no authentication. Attendees connect to any path except
/publish; the publisher connects to /publish and every text message it sends is
written, unchanged, to every attendee. Run: ``python -m bench.floor PORT``.
"""

import asyncio
import signal
import sys

from websockets.asyncio.server import broadcast, serve

ATTENDEES: set = set()


async def handler(websocket) -> None:
    if websocket.request.path == "/publish":
        async for message in websocket:
            broadcast(ATTENDEES, message)
        return
    ATTENDEES.add(websocket)
    try:
        await websocket.wait_closed()
    finally:
        ATTENDEES.discard(websocket)


async def main(port: int) -> None:
    stop = asyncio.get_running_loop().create_future()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set_result, None)
    # Compression off: per-message deflate would cost CPU per recipient. No pings: runs
    # are short and the clients are local.
    async with serve(
        handler, "127.0.0.1", port, compression=None, ping_interval=None, backlog=4096
    ):
        await stop


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
