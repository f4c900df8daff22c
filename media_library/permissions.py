"""Who may do what with presentation media: the one home of the media library's rules, built
on seminars.permissions (roles per seminar). Views, services and selectors ask these
functions, nothing else."""

from media_library.models import MediaAsset, Presentation
from seminars import permissions
from seminars.models import Seminar, Session
from seminars.permissions import AnyUser


def can_view_session_media(user: AnyUser, session: Session) -> bool:
    """The session's watch page and public media: whoever may see its seminar."""
    return permissions.can_view_seminar(user, session.seminar)


def can_manage_session_media(user: AnyUser, session: Session) -> bool:
    """The session's media page (upload, status, retry): organisers and presenters of one of
    the session's agencies."""
    return permissions.can_present_in_session(user, session)


def can_review_media(user: AnyUser, seminar: Seminar) -> bool:
    """Approving or rejecting versions, and the review queue: the seminar's organisers."""
    return permissions.can_manage_seminar(user, seminar)


def can_edit_presentation(user: AnyUser, presentation: Presentation) -> bool:
    """Organisers of the seminar, or presenters of the presentation's own agency."""
    seminar = presentation.session.seminar
    return permissions.can_manage_seminar(user, seminar) or permissions.can_present_for(
        user, seminar, presentation.agency_id
    )


def can_see_asset(user: AnyUser, asset: MediaAsset) -> bool:
    """Approved versions of visible seminars are public; the rest only to its editors."""
    presentation = asset.presentation
    if can_edit_presentation(user, presentation):
        return True
    return asset.review == MediaAsset.Review.APPROVED and permissions.can_view_seminar(
        user, presentation.session.seminar
    )


def agency_ids_to_manage(user: AnyUser, seminar: Seminar) -> set[int] | None:
    """The agencies whose presentations the user manages in a seminar: None for all of them
    (organisers), the agencies they present for otherwise (empty for everyone else)."""
    if permissions.can_manage_seminar(user, seminar):
        return None
    return permissions.presenter_agency_ids(user, seminar)


def upload_agency_ids(user: AnyUser, session: Session, session_agency_ids: set[int]) -> set[int]:
    """Of a session's agencies, those the user may upload for: all of them for organisers,
    the ones they present for otherwise."""
    allowed = agency_ids_to_manage(user, session.seminar)
    return set(session_agency_ids) if allowed is None else allowed & set(session_agency_ids)
