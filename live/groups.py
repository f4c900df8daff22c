"""Channel-layer group names: one group per room and permission level.

Attendees never join the moderators' group; an agency presenter joins only their agency's.
"""

import zlib

from django.db import connections

ATTENDEE = "attendee"
AGENCY = "agency"
MODERATOR = "moderator"
LEVELS = (ATTENDEE, AGENCY, MODERATOR)


def level_key(level: str, agency_id: int | None = None) -> str:
    """The feed a socket of this level reads: ``attendees``, ``moderators`` or ``agency-<id>``."""
    if level == MODERATOR:
        return "moderators"
    if level == AGENCY:
        if agency_id is None:
            raise ValueError("an agency level needs an agency id")
        return f"agency-{agency_id}"
    return "attendees"


def level_keys(agency_ids: list[int] | tuple[int, ...]) -> list[str]:
    """Every feed of a room with these presenting agencies."""
    return ["attendees", "moderators", *(f"agency-{a}" for a in agency_ids)]


def _database_tag() -> str:
    """A short tag of the database: session ids are only unique within one database, and
    Redis pub/sub channels are shared by everything using the server (other deployments,
    parallel test runs), so two rooms with the same id must not share a group."""
    name = str(connections["default"].settings_dict.get("NAME", ""))
    return f"{zlib.crc32(name.encode()):08x}"


def group_name(session_id: int, key: str) -> str:
    """Channels group of one room feed (ASCII, under 100 characters)."""
    return f"live.{_database_tag()}.s{session_id}.{key}"


def control_group_name() -> str:
    """The channel-layer group every server process of this database listens on for
    control messages (``live/transport/control.py``)."""
    return f"live.{_database_tag()}.control"
