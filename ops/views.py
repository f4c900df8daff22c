"""The probe and metrics pages (answered by ``ops.middleware.ProbeMiddleware``).

Machine-read, so their bodies are not translated: probes and Prometheus read them.
"""

from django.http import HttpResponse, JsonResponse
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest

from ops import health
from ops.access import metrics_allowed


def healthz(request) -> HttpResponse:
    """The process answers: no database, no Redis, nothing but this reply."""
    return HttpResponse("ok\n", content_type="text/plain")


def readyz(request) -> JsonResponse:
    """Database, Redis and storage reachable and migrations applied; else 503 naming them."""
    failures = health.readiness()
    if failures:
        return JsonResponse({"ready": False, "failing": failures}, status=503)
    return JsonResponse({"ready": True, "failing": {}})


def metrics_page(request) -> HttpResponse:
    allowed = metrics_allowed(
        authorization=request.headers.get("Authorization", ""),
        peer=request.META.get("REMOTE_ADDR", ""),
    )
    if not allowed:
        return HttpResponse("Forbidden\n", status=403, content_type="text/plain")
    return HttpResponse(generate_latest(REGISTRY), content_type=CONTENT_TYPE_LATEST)
