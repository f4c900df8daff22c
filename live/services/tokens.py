"""Room tokens for in-room phones: ask and vote in one session, no account.

The projector's QR code carries an *invite* (names the session). The phone page exchanges
it with ``room_device_join`` for a lightweight identity and a *room token* for the socket.
Both are accesskeys tokens (purposes ROOM_INVITE and ROOM_TOKEN): they expire, and a
moderator's rotation (``room_invites_rotate``) revokes the invites and the room tokens
issued from them at once.
"""

import secrets

from django.utils.translation import gettext as _

from accesskeys import purposes, tokens
from live.errors import LiveError
from live.models import RoomDevice
from seminars.models import Session


def _load(value: str, *, purpose: purposes.Purpose, read=tokens.read) -> dict:
    try:
        key = read(purpose, value)
    except (tokens.KeyExpiredError, tokens.KeyRevokedError) as error:
        raise LiveError(
            "token_expired",
            _("This room code has expired. Please scan the QR code in the room again."),
            close_code=4401,
        ) from error
    except tokens.AccessKeyError as error:
        raise LiveError(
            "token_invalid",
            _("This room code is not valid. Please scan the QR code in the room again."),
            close_code=4401,
        ) from error
    if not isinstance(key.subject, int):
        raise LiveError("token_invalid", _("This room code is not valid."), close_code=4401)
    return {"s": key.subject, "v": key.version, **key.data}


def room_token_claim(*, token: str, session_id: int) -> dict:
    """What a room token says (``s`` session, ``d`` device, ``v`` version), checked except
    for its version and its device, which the caller reads in its own one query and checks
    with ``room_token_check``. Reads nothing."""
    data = _load(token, purpose=purposes.ROOM_TOKEN, read=tokens.read_unversioned)
    if data["s"] != session_id:
        raise LiveError(
            "token_scope",
            _("This room code is for another session."),
            close_code=4401,
        )
    return data


def room_token_version_query(*, session_id: int):
    """The current version of the session's room tokens, for a ``Subquery``."""
    return tokens.version_query(purposes.ROOM_TOKEN, session_id)


def room_token_version_scope(*, session_id: int) -> str:
    """The parameter ``room_token_version_query`` compares with (live/compiled.py)."""
    return tokens.version_scope(purposes.ROOM_TOKEN, session_id)


def room_token_check(*, claim: dict, version: int | None, device_pk: int | None) -> None:
    """The rest of ``room_token_verify`` for a ``room_token_claim``: not revoked, device known."""
    try:
        tokens.check_version(claim["v"], version)
    except tokens.KeyRevokedError as error:
        raise LiveError(
            "token_expired",
            _("This room code has expired. Please scan the QR code in the room again."),
            close_code=4401,
        ) from error
    if device_pk is None:
        raise LiveError("token_invalid", _("This room code is not valid."), close_code=4401)


def room_invite_create(*, session_id: int) -> str:
    """A signed invite to one session's room, for the projector's QR code. Writes nothing."""
    return tokens.issue(purposes.ROOM_INVITE, subject=session_id)


def room_invites_rotate(*, session_id: int) -> None:
    """Revoke the session's invites (a QR code photographed and shared) and the room tokens
    of phones that joined with them; they scan the new code. Writes one KeyVersion row."""
    tokens.revoke(purposes.ROOM_INVITE, subject=session_id)


def room_token_issue(*, device: RoomDevice) -> str:
    """A room token for an existing device identity. Writes nothing."""
    return tokens.issue(
        purposes.ROOM_TOKEN, subject=device.session_id, data={"d": device.device_id}
    )


def room_device_join(*, invite: str) -> tuple[RoomDevice, str]:
    """Create a lightweight identity for a phone from an invite; returns it and its token.

    Writes one RoomDevice row.
    """
    data = _load(invite, purpose=purposes.ROOM_INVITE)
    if not Session.objects.filter(pk=data["s"]).exists():
        raise LiveError("token_invalid", _("This room no longer exists."), close_code=4404)
    device = RoomDevice.objects.create(session_id=data["s"], device_id=secrets.token_hex(8))
    return device, room_token_issue(device=device)


def room_token_verify(*, token: str, session_id: int) -> RoomDevice:
    """The device a room token names, if the token is valid for this session."""
    data = _load(token, purpose=purposes.ROOM_TOKEN)
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
