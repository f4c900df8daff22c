"""Who may do what with polls: the one entry point for the socket handlers, services,
selectors and exports.

- Preparing, launching and closing: the room's moderators, and the presenters of an agency
  presenting in the session (for the polls of their agency).
- Showing or hiding results and allowing short text answers: moderators only.
- Voting: everyone in the room, in-room phones (room tokens) included.
- Seeing totals: moderators and the preparing agency always; the audience only while the
  poll's results are public (``Poll.results_public``).
- Exports: what ``live.permissions.export_agency_ids`` allows for the session's questions
  (moderators every poll; a presenting agency's presenters too, without names: exports hold
  totals and allowed text answers, never who voted).
"""

from django.utils import timezone
from django.utils.translation import ngettext

from live import groups
from live import permissions as live_permissions
from live.models import Attendance
from live.rooms import Viewer
from polls.models import Poll
from registration.models import EngagementEvent
from seminars import permissions as seminar_permissions


def may_prepare(viewer: Viewer) -> bool:
    return not viewer.token and viewer.level in (groups.MODERATOR, groups.AGENCY)


def may_run(viewer: Viewer, poll: Poll) -> bool:
    """Launch or close ``poll``."""
    if viewer.token:
        return False
    if viewer.is_moderator:
        return True
    return viewer.level == groups.AGENCY and poll.agency_id == viewer.agency_id


def sees_everything(viewer: Viewer, poll: Poll) -> bool:
    """Drafts, totals at any time, text answers waiting for a moderator."""
    return may_run(viewer, poll)


def sees_poll(viewer: Viewer, poll: Poll) -> bool:
    return poll.state != Poll.State.DRAFT or sees_everything(viewer, poll)


def sees_totals(viewer: Viewer, poll: Poll) -> bool:
    return sees_everything(viewer, poll) or poll.results_public


def may_export(user, session) -> bool:
    return live_permissions.export_agency_ids(user, session) is not None


# ---- session feedback ------------------------------------------------------------------


def attended(user, session) -> bool:
    """Was in the room live, or watched the session's recording (both already recorded)."""
    if not user.is_authenticated:
        return False
    if Attendance.objects.filter(session=session, user=user).exists():
        return True
    return EngagementEvent.objects.filter(
        session=session,
        kind=EngagementEvent.Kind.RECORDING_WATCHED_SECONDS,
        registration__person__user=user,
    ).exists()


def may_give_feedback(user, session) -> bool:
    return session.ends_at <= timezone.now() and attended(user, session)


def feedback_view(user, session) -> str | None:
    """``"named"`` for organisers and moderators, ``"anonymous"`` for presenters of an agency
    presenting in the session, None for anyone else."""
    if not user.is_authenticated:
        return None
    if seminar_permissions.can_moderate_session(user, session):
        return "named"
    if seminar_permissions.can_present_in_session(user, session):
        return "anonymous"
    return None


# ---- certificates ----------------------------------------------------------------------


def may_manage_certificates(user, seminar) -> bool:
    """Organisers set the rule, issue and revoke."""
    return seminar_permissions.can_manage_seminar(user, seminar)


def issued_message(count: int) -> str:
    return ngettext("%(count)s certificate issued.", "%(count)s certificates issued.", count) % {
        "count": count
    }
