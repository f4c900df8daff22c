"""Who may read /metrics: a bearer token, or a peer in the allowed networks."""

import hmac
import ipaddress

from django.conf import settings


def metrics_allowed(*, authorization: str, peer: str) -> bool:
    """With METRICS_TOKEN set, the token only; otherwise a peer in METRICS_ALLOWED_NETWORKS."""
    token = settings.METRICS_TOKEN
    if token:
        return hmac.compare_digest(authorization.encode(), f"Bearer {token}".encode())
    try:
        address = ipaddress.ip_address(peer)
    except ValueError:
        return False
    for network in settings.METRICS_ALLOWED_NETWORKS:
        try:
            if address in ipaddress.ip_network(network, strict=False):
                return True
        except ValueError:
            continue
    return False
