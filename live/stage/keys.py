"""Stream keys: long random secrets, stored only as a SHA-256 digest.

A key has 192 random bits, so a plain digest (no salt, no slow hash) is enough: nobody can
guess a key from its digest, and looking a key up by digest never compares secrets
character by character."""

import hashlib
import hmac
import secrets


def key_new() -> str:
    return secrets.token_urlsafe(24)


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def key_matches(key: str, digest: str) -> bool:
    return hmac.compare_digest(key_digest(key), digest)
