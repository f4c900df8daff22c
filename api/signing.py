"""Standard Webhooks signatures (https://www.standardwebhooks.com/, spec section "Signature
scheme"): ``webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`` keyed by the
base64 bytes after ``whsec_``. Several space-separated signatures while a secret rotates."""

import base64
import hashlib
import hmac
import secrets
import time

SECRET_PREFIX = "whsec_"
TOLERANCE_SECONDS = 5 * 60


class SignatureError(ValueError):
    pass


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def _key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX))


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(secrets_: list[str], message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(sign(s, message_id, timestamp, body) for s in secrets_),
        "content-type": "application/json",
    }


def verify(secret: str, headers_: dict[str, str], body: bytes, *, now: float | None = None) -> None:
    """What a receiver does (docs/api.md shows the same in a few lines); SignatureError if
    the body, id or timestamp were changed, or the timestamp is too old or too new."""
    lowered = {k.lower(): v for k, v in headers_.items()}
    message_id = lowered.get("webhook-id", "")
    try:
        timestamp = int(lowered.get("webhook-timestamp", ""))
    except ValueError as error:
        raise SignatureError("no timestamp") from error
    if abs((now if now is not None else time.time()) - timestamp) > TOLERANCE_SECONDS:
        raise SignatureError("timestamp outside the tolerance")
    expected = sign(secret, message_id, timestamp, body).split(",", 1)[1]
    for candidate in lowered.get("webhook-signature", "").split():
        version, _sep, value = candidate.partition(",")
        if version == "v1" and hmac.compare_digest(value, expected):
            return
    raise SignatureError("no matching signature")
