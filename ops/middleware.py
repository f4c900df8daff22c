"""Probes, request context, HTTP metrics and the one access line per request.

``ProbeMiddleware`` comes first: /healthz, /readyz and /metrics are answered before any
other middleware runs, so that a probe by pod address passes without ALLOWED_HOSTS, the
HTTPS redirect or a session.
"""

import logging
import re
import time
import uuid

from ops import logs, metrics, views

logger = logging.getLogger("openips.access")

PROBES = {"/healthz": views.healthz, "/readyz": views.readyz, "/metrics": views.metrics_page}
# A request id from nginx ($request_id: 32 hex digits) or another proxy; anything else is
# replaced, so that a client cannot write arbitrary text into the logs.
REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


class ProbeMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        probe = PROBES.get(request.path_info)
        if probe is not None:
            return probe(request)
        return self.get_response(request)


def request_id_of(request) -> str:
    given = request.headers.get("X-Request-ID", "")
    return given if REQUEST_ID.fullmatch(given) else uuid.uuid4().hex


class RequestContextMiddleware:
    """Request id (nginx's when present, echoed in X-Request-ID), log context, one access
    line, and the HTTP metrics by view and status."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        logs.CONTEXT.set({})
        request.request_id = request_id_of(request)
        logs.context_set(request_id=request.request_id)
        response = self.get_response(request)
        elapsed = time.perf_counter() - started
        view = _view_name(request)
        metrics.HTTP_REQUESTS.labels(view, str(response.status_code)).inc()
        metrics.HTTP_LATENCY.labels(view).observe(elapsed)
        response.headers.setdefault("X-Request-ID", request.request_id)
        _access_line(request, response, view, elapsed)
        logs.CONTEXT.set(None)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        logs.context_set(
            user_id=user.pk if user is not None and user.is_authenticated else None,
            seminar=view_kwargs.get("slug"),
            session=view_kwargs.get("session_id"),
        )


def _view_name(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "static" if request.path_info.startswith("/static/") else "unmatched"
    return match.view_name or match._func_path


def _access_line(request, response, view: str, elapsed: float) -> None:
    status = response.status_code
    level = logging.INFO if status < 400 else logging.WARNING if status < 500 else logging.ERROR
    logger.log(
        level,
        "%s %s %s %.0fms",
        request.method,
        request.path,
        status,
        elapsed * 1000,
        extra={
            "method": request.method,
            "path": request.path,
            "status": status,
            "duration_ms": round(elapsed * 1000, 1),
            "view": view,
        },
    )
