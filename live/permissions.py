"""Who may do what in the live room: the one entry point for its views, socket, services,
selectors and exports.

Seminar-wide rules (who organises, moderates or presents in a seminar) stay in
``seminars/permissions.py``; this module turns them into the room's terms: a socket's
permission level, the commands a level may send, who may answer a question, who may see the
moderators' pages. Nothing here knows about sockets or frames.

A socket's level is decided when it connects (``socket_level``). When a role changes later,
the socket is closed with 4010 so that it reconnects at its new level (``live/signals.py``),
and every command above the attendee level is checked again against the database when it
runs (``command_allowed_now``), so a revoked moderator is refused even before that close.
"""

from django.contrib.auth import get_user_model

from live import groups
from live.rooms import Room, Viewer
from seminars import permissions as seminar_permissions
from seminars.models import Seminar, Session

LEVEL_RANK = {groups.ATTENDEE: 0, groups.AGENCY: 1, groups.MODERATOR: 2}


# ---- people with an account ------------------------------------------------------------


def can_enter_room(user, seminar: Seminar) -> bool:
    """Whether a signed-in person may open a room's socket (anyone who may see the seminar)."""
    return seminar_permissions.can_view_seminar(user, seminar)


def can_moderate_room(user, session: Session) -> bool:
    """The room's moderators: the seminar's moderators and organisers, and superusers."""
    return seminar_permissions.can_moderate_session(user, session)


def presenting_agency_ids(user, session: Session, agency_ids) -> list[int]:
    """The agencies of this room (``agency_ids``) the person presents for, in id order."""
    own = seminar_permissions.presenter_agency_ids(user, session.seminar)
    return sorted(own & set(agency_ids))


def panel_agency_ids(user, session: Session, agency_ids) -> list[int]:
    """The agency panels the room page offers: a moderator sees every question in full
    already, so the panel is for presenters who do not moderate."""
    if can_moderate_room(user, session):
        return []
    return presenting_agency_ids(user, session, agency_ids)


def can_choose_stage(user, session: Session) -> bool:
    """Who chooses what the stage shows (pre-recorded, live, external): the room's moderators."""
    return can_moderate_room(user, session)


def can_see_stream_keys(user, session: Session, agency_ids=None) -> bool:
    """Who may make (and so see) the session's stream keys: its moderators and organisers,
    and the presenters of its agencies (their AV team streams). Nobody else, ever.
    ``agency_ids``: the session's agencies when the caller has them already."""
    if not getattr(user, "is_authenticated", False):
        return False
    if can_moderate_room(user, session):
        return True
    if agency_ids is None:
        agency_ids = list(session.agencies.values_list("pk", flat=True))
    return bool(presenting_agency_ids(user, session, agency_ids))


def socket_level(
    user, session: Session, room: Room, view: str | None, agency: int | None
) -> tuple[str, int | None]:
    """The level (and agency) of a signed-in person's socket. ``view=attendee`` asks for
    attendee rights (the projector); ``agency`` picks one of several presented agencies."""
    if view == groups.ATTENDEE:
        return groups.ATTENDEE, None
    if can_moderate_room(user, session):
        return groups.MODERATOR, None
    mine = presenting_agency_ids(user, session, room.agency_ids)
    if mine:
        return groups.AGENCY, agency if agency in mine else mine[0]
    return groups.ATTENDEE, None


def export_agency_ids(user, session: Session) -> set[int] | None:
    """What a person may export of a room's questions: None for nothing, an empty set for
    everything (moderators), else the agencies they present for in this session."""
    if can_moderate_room(user, session):
        return set()
    own = seminar_permissions.presenter_agency_ids(user, session.seminar)
    if not own:
        return None
    presenting = set(session.agencies.filter(pk__in=own).values_list("pk", flat=True))
    return presenting or None


# ---- sockets (viewers) -------------------------------------------------------------------


def command_allowed(viewer: Viewer, *, level: str, token_ok: bool) -> bool:
    """Whether a socket's level allows a command needing ``level``; an in-room phone (room
    token) only the commands marked ``token_ok``."""
    if viewer.token and not token_ok:
        return False
    return LEVEL_RANK[viewer.level] >= LEVEL_RANK[level]


def level_held_now(room: Room, viewer: Viewer) -> bool:
    """Whether the person on a socket still holds the level it connected with, read from the
    database now (at most five queries). Attendee level and room tokens always hold: what
    could take them away (a deleted account, a seminar withdrawn) closes the socket anyway."""
    if viewer.level == groups.ATTENDEE or viewer.token:
        return True
    if viewer.user_id is None:  # a level above attendee is only ever given to an account
        return False
    user = get_user_model().objects.filter(pk=viewer.user_id, is_active=True).first()
    session = Session.objects.select_related("seminar").filter(pk=room.session_id).first()
    if user is None or session is None or not can_enter_room(user, session.seminar):
        return False
    if can_moderate_room(user, session):
        return True
    if viewer.level == groups.MODERATOR:
        return False
    # The session's agencies as stored now, not the room's cached list.
    agency_ids = session.agencies.values_list("pk", flat=True)
    return viewer.agency_id in presenting_agency_ids(user, session, agency_ids)


def command_allowed_now(room: Room, viewer: Viewer, *, level: str, token_ok: bool) -> bool:
    """``command_allowed``, and for commands above the attendee level also that the person
    still holds the socket's level. Attendee commands (ask, vote) are not checked again: they
    are the hot path, and every signed-in visitor of the seminar may send them anyway."""
    if not command_allowed(viewer, level=level, token_ok=token_ok):
        return False
    return level == groups.ATTENDEE or level_held_now(room, viewer)


def is_room_moderator(viewer: Viewer) -> bool:
    """A moderator-level socket (services check it again whoever calls them)."""
    return viewer.is_moderator


def may_answer(viewer: Viewer, addressed_agency_id: int | None) -> bool:
    """Moderators answer any question; an agency presenter, those addressed to their agency.
    In-room phones never answer."""
    if viewer.token:
        return False
    return viewer.sees_in_full(addressed_agency_id) and (
        viewer.is_moderator or addressed_agency_id is not None
    )
