"""OpenID Connect through Authlib: one client per configured identity provider.

Authlib does the protocol: discovery (``/.well-known/openid-configuration``), PKCE (S256),
``state`` kept in the session and checked once, a ``nonce`` per attempt, and the ID token's
signature (the provider's published keys), issuer, audience (our client id), expiry and nonce.
What an ID token's claims do to accounts is accounts/sso.py's business.
"""

from authlib.common.errors import AuthlibBaseError
from authlib.integrations.base_client.errors import MismatchingStateError, OAuthError
from authlib.integrations.django_client import OAuth
from django.urls import reverse
from django.utils.http import urlencode
from joserfc.errors import JoseError

from accounts.oidc_config import provider

# Clients keep the discovery document and keys they fetched; one per provider configuration.
_clients: dict[tuple, object] = {}


class SingleSignOnError(Exception):
    """A sign-in the provider's answer does not allow; ``code`` says which check refused."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def client_for(key: str):
    config = provider(key)
    if config is None:
        return None
    cache_key = (config.key, config.issuer, config.client_id, config.client_secret, config.scopes)
    client = _clients.get(cache_key)
    if client is None:
        oauth = OAuth()
        client = oauth.register(
            name=config.key,
            client_id=config.client_id,
            client_secret=config.client_secret,
            server_metadata_url=f"{config.issuer}/.well-known/openid-configuration",
            client_kwargs={"scope": config.scopes, "code_challenge_method": "S256"},
        )
        _clients[cache_key] = client
    return client


def redirect_uri(request, key: str) -> str:
    return request.build_absolute_uri(reverse("accounts:oidc_callback", kwargs={"key": key}))


def authorize_redirect(request, key: str):
    """The redirect to the provider's sign-in, with state, nonce and a PKCE challenge kept in
    this browser's session."""
    return client_for(key).authorize_redirect(request, redirect_uri(request, key))


def _code(error: Exception) -> str:
    """Which check refused, from Authlib's and joserfc's errors."""
    if isinstance(error, MismatchingStateError) or (
        isinstance(error, OAuthError) and "state" in str(error).lower()
    ):
        return "state"
    claim = getattr(error, "claim", None)
    if claim in ("aud", "azp"):
        # Another audience: Authlib asks for an authorised party first when ours is not the
        # token's only audience, so either claim names the same refusal.
        return "audience"
    if claim == "nonce":
        return "nonce"
    if isinstance(error, JoseError):
        return "id_token"  # signature, issuer, expiry, malformed
    return "provider"


def verified_claims(request, key: str) -> tuple[dict, str]:
    """The ID token's claims and the raw ID token, after every check; SingleSignOnError
    naming the check that failed (``state``, ``id_token``, ``audience``, ``nonce``, or
    ``provider`` for an error the provider reported)."""
    try:
        token = client_for(key).authorize_access_token(request)
    except OSError as error:  # the provider could not be reached (requests' errors)
        raise SingleSignOnError("unreachable") from error
    except (AuthlibBaseError, JoseError, ValueError) as error:
        raise SingleSignOnError(_code(error)) from error
    claims = token.get("userinfo")
    if not claims or not claims.get("sub"):
        raise SingleSignOnError("id_token")  # no ID token: nothing was verified
    return dict(claims), token.get("id_token", "")


def end_session_url(request, key: str, id_token: str) -> str | None:
    """RP-initiated logout at the provider, where its discovery document names an end-session
    endpoint; None otherwise."""
    client = client_for(key)
    if client is None:
        return None
    try:
        endpoint = client.load_server_metadata().get("end_session_endpoint")
    except (AuthlibBaseError, OSError, ValueError):
        return None
    if not endpoint:
        return None
    params = {
        "client_id": client.client_id,
        "post_logout_redirect_uri": request.build_absolute_uri(reverse("seminars:list")),
    }
    if id_token:
        params["id_token_hint"] = id_token
    return f"{endpoint}?{urlencode(params)}"
