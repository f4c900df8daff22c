from django.shortcuts import render

from scheduling.agenda import build_agenda
from seminars import permissions, selectors
from seminars.models import Seminar


def get_visible_seminar(request, slug: str) -> Seminar:
    return selectors.seminar_visible_or_404(user=request.user, slug=slug)


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
