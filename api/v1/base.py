"""The v1 API object: RFC 9457 errors for everything, error responses in the schema."""

import logging

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from api.problems import PROBLEM_CONTENT_TYPE, ProblemError, problem_response
from api.v1.schemas import Problem

logger = logging.getLogger(__name__)

ERROR_STATUSES = {
    "400": "Bad request (problem details).",
    "401": "Missing, unknown, expired or revoked credentials.",
    "403": "The token's scope or reach does not allow this.",
    "404": "No such resource, or not one this caller may know of.",
    "422": "The parameters or body do not match the schema.",
    "429": "Rate limit reached; see Retry-After.",
}


class OpenIpsApi(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        """Every operation documents every error status, as problem+json."""
        schema = super().get_openapi_schema(*args, **kwargs)
        schemas = schema.setdefault("components", {}).setdefault("schemas", {})
        schemas["Problem"] = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
        problem = {"$ref": "#/components/schemas/Problem"}
        for methods in schema["paths"].values():
            for operation in methods.values():
                responses = operation.setdefault("responses", {})
                for status, text in ERROR_STATUSES.items():
                    responses[status] = {
                        "description": text,
                        "content": {PROBLEM_CONTENT_TYPE: {"schema": problem}},
                    }
        return schema


def _problem(request: HttpRequest, exc: Exception):
    if isinstance(exc, ProblemError):
        return problem_response(request, exc)
    if isinstance(exc, NinjaValidationError):
        errors = [
            {"loc": [str(p) for p in e.get("loc", [])], "msg": str(e.get("msg", ""))}
            for e in exc.errors
        ]
        return problem_response(
            request,
            ProblemError(
                422,
                "validation",
                "Invalid request",
                "The parameters or body do not match the schema.",
                errors=errors,
            ),
        )
    if isinstance(exc, DjangoValidationError):
        return problem_response(
            request, ProblemError(400, "bad-request", "Bad request", " ".join(exc.messages))
        )
    if isinstance(exc, AuthenticationError):
        return problem_response(
            request,
            ProblemError(
                401,
                "unauthorized",
                "Unauthorized",
                "Credentials are required.",
                headers={"WWW-Authenticate": 'Bearer realm="openips"'},
            ),
        )
    if isinstance(exc, Http404):
        return problem_response(request, ProblemError(404, "not-found", "Not found", ""))
    if isinstance(exc, PermissionDenied):
        return problem_response(request, ProblemError(403, "forbidden", "Forbidden", ""))
    if isinstance(exc, HttpError):
        kind = "forbidden" if exc.status_code == 403 else "error"
        return problem_response(request, ProblemError(exc.status_code, kind, str(exc), str(exc)))
    logger.exception("API error", exc_info=exc)
    return problem_response(
        request, ProblemError(500, "server-error", "Server error", "Something went wrong.")
    )


def build_api() -> OpenIpsApi:
    api = OpenIpsApi(
        title="OpenIPS API",
        version="1.0.0",
        description=(
            "The public API of OpenIPS. Times are ISO 8601 with offsets; errors are RFC 9457 "
            "problem details. See docs/api.md."
        ),
        urls_namespace="api-v1",
        openapi_url="/openapi.json",
        docs_url="/docs",
    )
    for kind in (
        ProblemError,
        NinjaValidationError,
        DjangoValidationError,
        AuthenticationError,
        Http404,
        PermissionDenied,
        HttpError,
        Exception,
    ):
        api.add_exception_handler(kind, _problem)
    return api
