"""The identity providers configured for single sign-on (settings.OIDC_PROVIDERS, read from
the environment by config/env.py) and what the sign-in and sign-out pages need of them."""

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Provider:
    key: str
    name: str
    issuer: str
    client_id: str
    client_secret: str
    scopes: str
    domains: dict  # email domain -> organisation id
    groups: dict  # groups-claim value -> organisation id
    groups_claim: str
    link_domains: tuple  # email domains whose verified addresses may link an existing account


def providers() -> list[Provider]:
    return [Provider(**entry) for entry in settings.OIDC_PROVIDERS]


def provider(key: str) -> Provider | None:
    return next((p for p in providers() if p.key == key), None)


SESSION_PROVIDER = "accounts.oidc.provider"
SESSION_ID_TOKEN = "accounts.oidc.id_token"


def end_session_url(request) -> str | None:
    """The provider's sign-out URL for a session begun by single sign-on (RP-initiated
    logout), when the provider publishes one; otherwise None."""
    key = request.session.get(SESSION_PROVIDER)
    if not key:
        return None
    from accounts.oidc import end_session_url as provider_end_session_url

    return provider_end_session_url(request, key, request.session.get(SESSION_ID_TOKEN, ""))
