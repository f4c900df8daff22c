"""The task worker's own /metrics (task durations, emails it sent) on METRICS_WORKER_PORT,
with the same token or network check as the web processes' /metrics."""

import threading
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from prometheus_client import REGISTRY, make_wsgi_app

from ops.access import metrics_allowed


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


def _guarded(app):
    def guarded(environ, start_response):
        allowed = metrics_allowed(
            authorization=environ.get("HTTP_AUTHORIZATION", ""),
            peer=environ.get("REMOTE_ADDR", ""),
        )
        if environ.get("PATH_INFO") != "/metrics" or not allowed:
            start_response("403 Forbidden", [("Content-Type", "text/plain")])
            return [b"Forbidden\n"]
        return app(environ, start_response)

    return guarded


def serve(port: int, address: str = "0.0.0.0") -> _Server:
    """Serve /metrics from a daemon thread; returns the server (``shutdown()`` stops it)."""
    server = make_server(
        address, port, _guarded(make_wsgi_app(REGISTRY)), _Server, handler_class=_QuietHandler
    )
    threading.Thread(target=server.serve_forever, name="metrics", daemon=True).start()
    return server
