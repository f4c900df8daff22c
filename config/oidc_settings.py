"""OIDC_PROVIDERS (one environment variable, a JSON list) read into settings: each identity
provider's key, display name, issuer, client, scopes and claim mapping (docs/sign-in.md)."""

import json
import re
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

_REQUIRED = ("key", "name", "issuer", "client_id", "client_secret")


def _provider(entry: object) -> dict:
    if not isinstance(entry, dict):
        raise ImproperlyConfigured("OIDC_PROVIDERS: each provider is a JSON object.")
    missing = [name for name in _REQUIRED if not str(entry.get(name) or "").strip()]
    if missing:
        raise ImproperlyConfigured(f"OIDC_PROVIDERS: a provider lacks {', '.join(missing)}.")
    key = str(entry["key"])
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,31}", key):
        raise ImproperlyConfigured(
            f"OIDC_PROVIDERS: key {key!r} must be 1-32 lower-case letters, digits or hyphens."
        )
    return {
        "key": key,
        "name": str(entry["name"]),
        "issuer": str(entry["issuer"]).rstrip("/"),
        "client_id": str(entry["client_id"]),
        "client_secret": str(entry["client_secret"]),
        "scopes": str(entry.get("scopes") or "openid email profile"),
        # Email domain (lower case) -> organisation id; groups-claim value -> organisation id.
        "domains": {str(k).lower(): int(v) for k, v in (entry.get("domains") or {}).items()},
        "groups_claim": str(entry.get("groups_claim") or ""),
        "groups": {str(k): int(v) for k, v in (entry.get("groups") or {}).items()},
        # Domains whose provider-verified addresses may link an existing account by email.
        "link_domains": tuple(str(d).lower() for d in entry.get("link_domains") or ()),
    }


def providers_from(raw: object) -> list[dict]:
    if not raw:
        return []
    try:
        entries = json.loads(str(raw))
    except ValueError as error:
        raise ImproperlyConfigured(f"OIDC_PROVIDERS is not valid JSON: {error}") from error
    if not isinstance(entries, list):
        raise ImproperlyConfigured("OIDC_PROVIDERS must be a JSON list of providers.")
    providers = [_provider(entry) for entry in entries]
    keys = [p["key"] for p in providers]
    if len(set(keys)) != len(keys):
        raise ImproperlyConfigured("OIDC_PROVIDERS: two providers share a key.")
    return providers


def provider_origins(providers: list[dict]) -> list[str]:
    """The origins (scheme://host[:port]) of the providers' issuers, for the CSP's form-action:
    their authorisation and end-session endpoints are expected there."""
    origins = []
    for provider in providers:
        parts = urlsplit(provider["issuer"])
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in origins:
            origins.append(origin)
    return origins
