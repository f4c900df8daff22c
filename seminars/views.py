from django.http import Http404
from django.shortcuts import get_object_or_404, render

from scheduling.agenda import build_agenda
from seminars import permissions, selectors
from seminars.models import Seminar


def get_visible_seminar(request, slug: str) -> Seminar:
    """The seminar named by ``slug`` if this user may see it; 404 otherwise (drafts stay
    invisible rather than forbidden, so their existence does not leak)."""
    seminar = get_object_or_404(Seminar.objects.select_related("host"), slug=slug)
    if not permissions.can_view_seminar(request.user, seminar):
        raise Http404
    return seminar


def seminar_list(request):
    return render(
        request, "seminars/seminar_list.html", {"seminars": selectors.seminar_list_public()}
    )


def seminar_detail(request, slug: str):
    seminar = get_visible_seminar(request, slug)
    agenda = build_agenda(
        seminar=seminar,
        sessions=list(selectors.seminar_sessions(seminar)),
        viewer_zone=request.viewer_zone,
    )
    status = 400 if request.viewer_zone_error else 200
    return render(
        request,
        "seminars/seminar_detail.html",
        {
            "seminar": seminar,
            "agenda": agenda,
            "changelog": selectors.seminar_changelog(seminar)[:50],
            "can_manage": permissions.can_manage_seminar(request.user, seminar),
        },
        status=status,
    )
