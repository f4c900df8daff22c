"""Reads of seminars: the public list and one seminar as its viewer may see it. The agenda's
reads (sessions, changelog, the page's version stamp) are in scheduling/selectors.py."""

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from seminars import permissions
from seminars.models import Seminar


def seminar_list_public() -> QuerySet[Seminar]:
    return (
        Seminar.objects.filter(status__in=Seminar.PUBLIC_STATUSES)
        .select_related("host")
        .order_by("-starts_on", "title")
    )


def seminar_visible_or_404(*, user, slug: str) -> Seminar:
    """The seminar named by ``slug`` if ``user`` may see it; Http404 otherwise (drafts stay
    invisible rather than forbidden, so their existence does not leak)."""
    seminar = get_object_or_404(Seminar.objects.select_related("host"), slug=slug)
    if not permissions.can_view_seminar(user, seminar):
        raise Http404
    return seminar
