"""A real HTTP receiver on loopback for the webhook tests: it answers with the statuses it
is told to, in order, and keeps every request it got (headers and raw body)."""

import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@contextmanager
def receiver(statuses: list[int]):
    got: list[dict] = []
    plan = list(statuses)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's naming
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            status = plan.pop(0) if plan else 200
            got.append({"headers": dict(self.headers.items()), "body": body, "status": status})
            self.send_response(status)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/hook", got
    finally:
        server.shutdown()
        server.server_close()
