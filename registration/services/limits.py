"""How many emailed links (confirmations, sign-in links) one address and one client may ask for.

Counted before anything is stored or sent, for known and unknown addresses alike, so a refusal
says nothing about who is registered. Each limit is a Django setting, (how many, per
seconds), with its default in config/settings.py, read when
used.
"""

from django.conf import settings

from seminars.ratelimit import hit


def _rate(name: str) -> tuple[int, int]:
    return getattr(settings, name)


def email_link_rate_check(*, email: str, client: str) -> None:
    """Count one emailed link for ``email`` and for the client address ``client``;
    RateLimitError past either limit. Writes nothing to the database. A caller without a
    client address (none today) counts as one shared "unknown" client, never as unlimited."""
    hit(
        ("email-link:address", email.strip().lower(), _rate("REGISTRATION_LINK_RATE_PER_ADDRESS")),
        ("email-link:client", client or "unknown", _rate("REGISTRATION_LINK_RATE_PER_CLIENT")),
    )
