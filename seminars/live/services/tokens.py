"""Room tokens for in-room phones: ask and vote in one session, no account.

The projector's QR code carries an *invite* (names the session). The phone page exchanges
it with ``room_device_join`` for a lightweight identity and a *room token* for the socket.
"""

import secrets

from django.core import signing
from django.utils.translation import gettext as _

from seminars.live import conf
from seminars.live.errors import LiveError
from seminars.models import RoomDevice, Session

INVITE_SALT = "openips.live.room-invite"
TOKEN_SALT = "openips.live.room-token"


def _load(value: str, *, salt: str) -> dict:
    try:
        data = signing.loads(value, salt=salt, max_age=conf.get("LIVE_ROOM_TOKEN_MAX_AGE"))
    except signing.SignatureExpired as error:
        raise LiveError(
            "token_expired",
            _("This room code has expired. Please scan the QR code in the room again."),
            close_code=4401,
        ) from error
    except signing.BadSignature as error:
        raise LiveError(
            "token_invalid",
            _("This room code is not valid. Please scan the QR code in the room again."),
            close_code=4401,
        ) from error
    if not isinstance(data, dict) or not isinstance(data.get("s"), int):
        raise LiveError("token_invalid", _("This room code is not valid."), close_code=4401)
    return data


def room_invite_create(*, session_id: int) -> str:
    """A signed invite to one session's room, for the projector's QR code. Writes nothing."""
    return signing.dumps({"s": session_id}, salt=INVITE_SALT)


def room_token_issue(*, device: RoomDevice) -> str:
    """A room token for an existing device identity. Writes nothing."""
    return signing.dumps({"s": device.session_id, "d": device.device_id}, salt=TOKEN_SALT)


def room_device_join(*, invite: str) -> tuple[RoomDevice, str]:
    """Create a lightweight identity for a phone from an invite; returns it and its token.

    Writes one RoomDevice row.
    """
    data = _load(invite, salt=INVITE_SALT)
    if not Session.objects.filter(pk=data["s"]).exists():
        raise LiveError("token_invalid", _("This room no longer exists."), close_code=4404)
    device = RoomDevice.objects.create(session_id=data["s"], device_id=secrets.token_hex(8))
    return device, room_token_issue(device=device)


def room_token_verify(*, token: str, session_id: int) -> RoomDevice:
    """The device a room token names, if the token is valid for this session."""
    data = _load(token, salt=TOKEN_SALT)
    if data["s"] != session_id:
        raise LiveError(
            "token_scope",
            _("This room code is for another session."),
            close_code=4401,
        )
    device = RoomDevice.objects.filter(session_id=session_id, device_id=data.get("d")).first()
    if device is None:
        raise LiveError("token_invalid", _("This room code is not valid."), close_code=4401)
    return device
