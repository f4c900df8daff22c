"""How an API call says who it is: a bearer token, a vendor's signed-in session, or nobody.
Each of them also counts the call against the rate limit (seminars.ratelimit)."""

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from api.models import ApiToken
from api.problems import ProblemError, unauthorized
from api.services.tokens import api_token_authenticate
from seminars import ratelimit


def _limit(key: str) -> None:
    try:
        ratelimit.hit(("api", key, settings.API_RATE_LIMIT))
    except ratelimit.RateLimitError as refused:
        raise ProblemError(
            429,
            "rate-limited",
            "Too many requests",
            f"Rate limit reached; retry after {refused.retry_after} s.",
            headers={"Retry-After": str(refused.retry_after)},
        ) from refused


class TokenAuth(HttpBearer):
    """``Authorization: Bearer oips_…``; the call acts as the token's owner."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken:
        found = api_token_authenticate(raw=token)
        if found is None:
            raise unauthorized("The token is unknown, expired or revoked.")
        _limit(f"token:{found.pk}")
        request.user = found.user
        request.api_token = found  # type: ignore[attr-defined]
        return found


class VendorSession(SessionAuth):
    """A vendor signed in on the site (cookie session; writes need the CSRF token)."""

    def authenticate(self, request: HttpRequest, key: str | None):
        user = super().authenticate(request, key)
        if user:
            _limit(f"user:{user.pk}")
        return user


def anonymous(request: HttpRequest):
    """No credentials: public data only, limited per client address."""
    if request.headers.get("Authorization"):
        raise unauthorized("Use 'Authorization: Bearer <token>'.")
    _limit(f"ip:{ratelimit.client_address(request)}")
    request.user = AnonymousUser()
    request.api_token = None  # type: ignore[attr-defined]
    return True


def token_of(request: HttpRequest) -> ApiToken | None:
    return getattr(request, "api_token", None)


token_auth = TokenAuth()
vendor_auth = VendorSession()
