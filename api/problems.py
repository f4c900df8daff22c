"""RFC 9457 problem details: the one shape of every API error."""

from django.http import HttpRequest, JsonResponse

PROBLEM_CONTENT_TYPE = "application/problem+json"
TYPE_BASE = "https://openips.org/problems/"


class ProblemError(Exception):
    """Raise anywhere under /api/ to answer with problem details."""

    def __init__(
        self,
        status: int,
        kind: str,
        title: str,
        detail: str = "",
        *,
        headers: dict | None = None,
        errors: list | None = None,
    ) -> None:
        super().__init__(f"{status} {kind}: {detail or title}")
        self.status = status
        self.kind = kind
        self.title = title
        self.detail = detail
        self.headers = headers or {}
        self.errors = errors


def problem_response(request: HttpRequest, problem: ProblemError) -> JsonResponse:
    body: dict = {
        "type": TYPE_BASE + problem.kind,
        "title": problem.title,
        "status": problem.status,
        "detail": problem.detail or problem.title,
        "instance": request.path,
    }
    if problem.errors is not None:
        body["errors"] = problem.errors
    response = JsonResponse(body, status=problem.status, content_type=PROBLEM_CONTENT_TYPE)
    for name, value in problem.headers.items():
        response[name] = value
    return response


def not_found(detail: str = "") -> ProblemError:
    return ProblemError(404, "not-found", "Not found", detail or "No such resource.")


def forbidden(detail: str = "") -> ProblemError:
    return ProblemError(
        403, "forbidden", "Forbidden", detail or "This token may not do this (scope or reach)."
    )


def bad_request(detail: str) -> ProblemError:
    return ProblemError(400, "bad-request", "Bad request", detail)


def unauthorized(detail: str) -> ProblemError:
    return ProblemError(
        401,
        "unauthorized",
        "Unauthorized",
        detail,
        headers={"WWW-Authenticate": 'Bearer realm="openips"'},
    )
