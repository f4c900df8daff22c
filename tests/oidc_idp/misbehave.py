"""What a broken or hostile provider does, switched on by writing a mode into IDP_MODE_FILE:
``tamper`` alters the ID token's signature; ``wrong_audience`` signs, with the provider's own
key, an ID token for another client. Anything else (or no file): behave."""

import json
import os
from pathlib import Path

from django.conf import settings
from jwcrypto import jwk, jwt


def _mode() -> str:
    path = Path(os.environ.get("IDP_MODE_FILE", ""))
    return path.read_text().strip() if path.is_file() else ""


def _tampered(id_token: str) -> str:
    head, body, signature = id_token.split(".")
    flipped = ("A" if signature[10] != "A" else "B").join([signature[:10], signature[11:]])
    return f"{head}.{body}.{flipped}"


def _other_audience(id_token: str) -> str:
    key = jwk.JWK.from_pem(settings.RSA_PRIVATE_KEY.encode())
    claims = json.loads(jwt.JWT(jwt=id_token, key=key).claims)
    header = json.loads(jwt.JWT(jwt=id_token, key=key).header)
    claims["aud"] = "some-other-application"
    token = jwt.JWT(
        header={"alg": "RS256", "kid": header.get("kid", key.thumbprint())}, claims=claims
    )
    token.make_signed_token(key)
    return token.serialize()


class MisbehaveMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        mode = _mode()
        if request.path.endswith("/token/") and response.status_code == 200 and mode:
            body = json.loads(response.content)
            if "id_token" in body:
                change = {"tamper": _tampered, "wrong_audience": _other_audience}.get(mode)
                if change:
                    body["id_token"] = change(body["id_token"])
                    response.content = json.dumps(body).encode()
                    response["Content-Length"] = str(len(response.content))
        return response
