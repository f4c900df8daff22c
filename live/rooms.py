"""Plain values a socket carries for its whole life: the room it is in and who it is."""

from dataclasses import dataclass, field
from datetime import datetime

from live import groups


@dataclass(frozen=True, slots=True)
class Room:
    session_id: int
    seminar_id: int
    title: str
    language: str
    starts_at: datetime
    ends_at: datetime
    agencies: tuple[dict, ...] = ()
    agency_map: dict[int, dict] = field(default_factory=dict, compare=False)

    @property
    def agency_ids(self) -> list[int]:
        return [a["id"] for a in self.agencies]


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who is on a socket. ``person_key`` is ``u<user id>`` or ``d<device id>``."""

    level: str
    person_key: str
    name: str
    user_id: int | None = None
    device_pk: int | None = None
    agency_id: int | None = None
    token: bool = False

    @property
    def level_key(self) -> str:
        return groups.level_key(self.level, self.agency_id)

    @property
    def is_moderator(self) -> bool:
        return self.level == groups.MODERATOR

    def sees_in_full(self, agency_id: int | None) -> bool:
        """Moderators see every question in full; an agency, those addressed to it."""
        if self.is_moderator:
            return True
        return self.level == groups.AGENCY and agency_id is not None and agency_id == self.agency_id
