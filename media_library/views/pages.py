"""Server-rendered pages: a session's media (upload, status, review) and the watch page."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from media_library import permissions, selectors
from media_library.models import MediaAsset
from media_library.services.validation import max_bytes
from seminars.models import Seminar, Session


def _session(request, slug: str, session_id: int) -> Session:
    session = selectors.session_with_seminar_or_404(session_id=session_id, slug=slug)
    if not permissions.can_view_session_media(request.user, session):
        raise Http404
    return session


@login_required
def session_media(request, slug: str, session_id: int):
    """Upload, processing status and review of a session's presentations."""
    session = _session(request, slug, session_id)
    if not permissions.can_manage_session_media(request.user, session):
        raise Http404
    seminar: Seminar = session.seminar
    mine = permissions.agency_ids_to_manage(request.user, seminar)
    can_manage = mine is None
    agencies = [a for a in selectors.session_agencies(session) if mine is None or a.pk in mine]
    return render(
        request,
        "media_library/session_media.html",
        {
            "seminar": seminar,
            "session": session,
            "presentations": [
                (presentation, selectors.presentation_file_states(presentation))
                for presentation in selectors.session_presentations_for(request.user, session)
            ],
            "agencies": agencies,
            "can_manage": can_manage,
            "kinds": MediaAsset.Kind.choices,
            "limits": {kind: max_bytes(kind) for kind in MediaAsset.Kind.values},
        },
    )


def session_watch(request, slug: str, session_id: int):
    """The player on its own page (the live room embeds the same include)."""
    session = _session(request, slug, session_id)
    return render(
        request,
        "media_library/session_watch.html",
        {"seminar": session.seminar, "session": session},
    )


@login_required
def review_queue(request, slug: str):
    """Every version of the seminar waiting for review, with approve/reject buttons."""
    seminar = selectors.seminar_or_404(slug=slug)
    if not permissions.can_review_media(request.user, seminar):
        raise Http404
    return render(
        request,
        "media_library/review_queue.html",
        {"seminar": seminar, "assets": selectors.seminar_review_queue(seminar)},
    )
