"""/api/v1/: the routers, the schema (openapi.json), the reference page (docs)."""

from django.urls import path

from api.problems import not_found, problem_response
from api.v1 import agencies, organisers, public, vendors, webhooks
from api.v1.base import build_api

api = build_api()
api.add_router("", public.router)
api.add_router("", organisers.router)
api.add_router("", agencies.router)
api.add_router("", vendors.router)
api.add_router("", webhooks.router)


def unknown(request, rest: str = ""):
    """Anything else under /api/v1/ is a problem-details 404, not the site's HTML page."""
    return problem_response(request, not_found("No such endpoint."))


urlpatterns = [
    path("", api.urls),
    path("<path:rest>", unknown),
]
