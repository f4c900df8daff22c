"""Reads of seminars and sessions."""

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from seminars import permissions
from seminars.models import Organization, Seminar, Session, SessionChange


def seminar_list_public() -> QuerySet[Seminar]:
    return (
        Seminar.objects.filter(status__in=Seminar.PUBLIC_STATUSES)
        .select_related("host")
        .order_by("-starts_on", "title")
    )


def seminar_sessions(seminar: Seminar) -> QuerySet[Session]:
    """Sessions in start order with their agencies and repeat links, in a fixed number of
    queries whatever their count."""
    return (
        Session.objects.filter(seminar=seminar)
        .select_related("repeat_of")
        .prefetch_related(
            Prefetch("agencies", queryset=Organization.objects.order_by("acronym", "name"))
        )
        .order_by("starts_at", "track", "pk")
    )


def seminar_changelog(seminar: Seminar) -> QuerySet[SessionChange]:
    return (
        SessionChange.objects.filter(session__seminar=seminar)
        .select_related("session")
        .order_by("-changed_at", "-pk")
    )


def seminar_visible_or_404(*, user, slug: str) -> Seminar:
    """The seminar named by ``slug`` if ``user`` may see it; Http404 otherwise (drafts stay
    invisible rather than forbidden, so their existence does not leak)."""
    seminar = get_object_or_404(Seminar.objects.select_related("host"), slug=slug)
    if not permissions.can_view_seminar(user, seminar):
        raise Http404
    return seminar
