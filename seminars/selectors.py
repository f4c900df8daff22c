"""Reads of seminars and sessions."""

import hashlib
from functools import cache

from django.db import connection
from django.db.models import Prefetch, QuerySet
from django.db.models.expressions import RawSQL
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
    return _visible_or_404(Seminar.objects.select_related("host"), user=user, slug=slug)


def seminar_with_agenda_version_or_404(*, user, slug: str) -> Seminar:
    """As ``seminar_visible_or_404``, with ``agenda_version``: a short string that changes
    whenever anything the public agenda shows changes (the seminar, its sessions, their
    agencies and changelog, any organisation's name), read in the same query."""
    seminar = _visible_or_404(
        Seminar.objects.select_related("host").annotate(
            agenda_stamp=RawSQL(_agenda_stamp_sql(), ())
        ),
        user=user,
        slug=slug,
    )
    stamp = f"{seminar.updated_at.isoformat()}|{seminar.agenda_stamp}"
    seminar.agenda_version = hashlib.blake2b(stamp.encode(), digest_size=8).hexdigest()
    return seminar


def _visible_or_404(queryset: QuerySet[Seminar], *, user, slug: str) -> Seminar:
    seminar = get_object_or_404(queryset, slug=slug)
    if not permissions.can_view_seminar(user, seminar):
        raise Http404
    return seminar


@cache
def _agenda_stamp_sql() -> str:
    """One text value from a scalar subquery per table: the seminar's sessions, their agency
    links and changelog entries (counts for deletions, newest ``updated_at`` or id for edits
    and additions), and the newest organisation edit (any rename counts; not worth a join).

    Raw SQL because every view of the page reads it and the ORM's compilation cost as much as
    the rest of a cached page. ``faq_published`` is written with ``QuerySet.update()``
    (seminars.live.services.faq), which leaves ``updated_at`` alone, so the published
    sessions are counted and their ids summed: up to three toggles between two views always
    change the value.
    """
    qn = connection.ops.quote_name
    seminar, session = qn(Seminar._meta.db_table), qn(Session._meta.db_table)
    link = qn(Session.agencies.through._meta.db_table)
    change, organization = qn(SessionChange._meta.db_table), qn(Organization._meta.db_table)
    of_seminar = f"FROM {session} s WHERE s.seminar_id = {seminar}.id"
    via_session = f"x JOIN {session} s ON s.id = x.session_id WHERE s.seminar_id = {seminar}.id"

    def text(*values: str) -> str:
        return " || '|' || ".join(f"COALESCE(CAST({value} AS TEXT), '')" for value in values)

    # One subquery per table: each costs the server a plan, and plans cost more than rows.
    subqueries = [
        f"SELECT {text('COUNT(*)', 'MAX(s.updated_at)', _FAQ_COUNT, _FAQ_IDS)} {of_seminar}",
        f"SELECT {text('COUNT(*)', 'MAX(x.id)')} FROM {link} {via_session}",
        f"SELECT {text('COUNT(*)', 'MAX(x.id)')} FROM {change} {via_session}",
        f"SELECT {text('MAX(updated_at)')} FROM {organization}",
    ]
    return text(*(f"({subquery})" for subquery in subqueries))


_FAQ_COUNT = "SUM(CASE WHEN s.faq_published THEN 1 ELSE 0 END)"
_FAQ_IDS = "SUM(CASE WHEN s.faq_published THEN s.id ELSE 0 END)"
