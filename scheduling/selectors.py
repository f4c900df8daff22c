"""Reads of a seminar's agenda: its sessions in order, its changelog, and the agenda page's
seminar with a version stamp that changes whenever anything the agenda shows changes."""

import hashlib
import weakref
from functools import cache

from django.apps import apps
from django.db import connection
from django.db.models import Field, Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from seminars import permissions
from seminars.models import Organization, Seminar, Session, SessionChange


def seminar_sessions(seminar: Seminar) -> QuerySet[Session]:
    """Sessions in start order with their agencies and repeat links, in a fixed number of
    queries whatever their count."""
    return (
        Session.objects.filter(seminar=seminar)
        .select_related("repeat_of", "stage")
        .prefetch_related(
            Prefetch("agencies", queryset=Organization.objects.order_by("acronym", "name"))
        )
        .order_by("starts_at", "track", "pk")
    )


def seminar_session_or_404(seminar: Seminar, session_id: int) -> Session:
    """One of the seminar's sessions, read like the agenda reads them."""
    return get_object_or_404(seminar_sessions(seminar), pk=session_id)


def seminar_changelog(seminar: Seminar) -> QuerySet[SessionChange]:
    return SessionChange.objects.filter(seminar=seminar).order_by("-changed_at", "-pk")


def seminar_with_agenda_version_or_404(*, user, slug: str) -> Seminar:
    """As ``seminar_visible_or_404``, with ``agenda_version``: a short string that changes
    whenever anything the public agenda shows changes (the seminar, its sessions, their
    agencies and changelog, any organisation's name), read in the same query."""
    found = _seminar_with_host_and_stamp(slug)
    if found is None:
        raise Http404
    seminar, agenda_stamp = found
    if not permissions.can_view_seminar(user, seminar):
        raise Http404
    stamp = f"{seminar.updated_at.isoformat()}|{agenda_stamp}"
    seminar.agenda_version = hashlib.blake2b(stamp.encode(), digest_size=8).hexdigest()
    return seminar


def _seminar_with_host_and_stamp(slug: str) -> tuple[Seminar, str] | None:
    """What ``Seminar.objects.select_related("host").annotate(...).get(slug=slug)`` reads,
    from SQL built once per process: every view of the agenda page reads it, and compiling
    that query through the ORM took about 0.6 ms of CPU a view (0.17 ms this way). Values go
    through the fields' own converters, as the ORM's would, so both databases read alike."""
    sql, seminar_fields, host_fields, converters = _seminar_with_host_and_stamp_sql()
    with connection.cursor() as cursor:
        _execute_prepared(cursor, sql, slug)
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row)
    for index, field_converters in converters:
        for convert in field_converters:
            values[index] = convert(values[index], None, connection)
    split = len(seminar_fields)
    seminar = Seminar.from_db(connection.alias, seminar_fields, values[:split])
    host = Organization.from_db(connection.alias, host_fields, values[split:-1])
    seminar.host = host
    return seminar, values[-1]


# PostgreSQL connections (kept by the pool) on which the read is prepared. Planning its
# subqueries cost the server more CPU than running them (about 0.3-2 ms against 0.1-0.4 ms
# on the bench's machine, which the server shares with Daphne), and Django's client-side
# binding never prepares. A connection the pool replaces is a new object, so it prepares anew.
_PREPARED_ON: weakref.WeakSet = weakref.WeakSet()
_PREPARED_NAME = "openips_seminar_with_agenda_stamp"


def _execute_prepared(cursor, sql: str, slug: str) -> None:
    if connection.vendor != "postgresql":
        cursor.execute(sql, [slug])
        return
    raw = connection.connection
    if raw not in _PREPARED_ON:
        # Our own SQL (no user input in it); the slug is its one parameter.
        cursor.execute(f"PREPARE {_PREPARED_NAME} (text) AS {sql.replace('%s', '$1')}")
        _PREPARED_ON.add(raw)
    cursor.execute(f"EXECUTE {_PREPARED_NAME} (%s)", [slug])


@cache
def _seminar_with_host_and_stamp_sql() -> tuple[str, list[str], list[str], list]:
    qn = connection.ops.quote_name
    seminar_table = qn(Seminar._meta.db_table)
    fields = [(seminar_table, field) for field in Seminar._meta.concrete_fields] + [
        ("host", field) for field in Organization._meta.concrete_fields
    ]
    columns = ", ".join(f"{table}.{qn(_column(field))}" for table, field in fields)
    host_pk, host_fk = qn(_column(Organization._meta.pk)), qn(_column(Seminar.host.field))
    sql = (
        f"SELECT {columns}, ({_agenda_stamp_sql()}) FROM {seminar_table} "
        f"INNER JOIN {qn(Organization._meta.db_table)} host "
        f"ON host.{host_pk} = {seminar_table}.{host_fk} "
        f"WHERE {seminar_table}.{qn(_column(Seminar.slug.field))} = %s"
    )
    converters = []
    for index, (_, field) in enumerate(fields):
        column = field.get_col(field.model._meta.db_table)
        found = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        if found:
            converters.append((index, found))
    seminar_fields = [field.attname for field in Seminar._meta.concrete_fields]
    host_fields = [field.attname for field in Organization._meta.concrete_fields]
    return sql, seminar_fields, host_fields, converters


def _column(field: Field) -> str:
    """A concrete field's column (only fields without one, which are never read here, lack it)."""
    if field.column is None:
        raise TypeError(f"{field!r} has no column")
    return field.column


@cache
def _agenda_stamp_sql() -> str:
    """One text value from a scalar subquery per table: the seminar's sessions, their agency
    links and changelog entries (counts for deletions, newest ``updated_at`` or id for edits
    and additions), and the newest organisation edit (any rename counts; not worth a join).

    Raw SQL because every view of the page reads it and the ORM's compilation cost as much as
    the rest of a cached page. ``faq_published`` is written with ``QuerySet.update()``
    (live.services.faq), which leaves ``updated_at`` alone, so the published
    sessions are counted and their ids summed: up to three toggles between two views always
    change the value.
    """
    qn = connection.ops.quote_name
    seminar, session = qn(Seminar._meta.db_table), qn(Session._meta.db_table)
    link = qn(Session.agencies.through._meta.db_table)
    change, organization = qn(SessionChange._meta.db_table), qn(Organization._meta.db_table)
    stage = qn(apps.get_model("live", "Stage")._meta.db_table)
    # The live stage's "On air" is on the agenda: its state changes count, in the sessions'
    # own subquery (one join, no extra plan).
    of_seminar_with_stage = (
        f"FROM {session} s LEFT JOIN {stage} st ON st.session_id = s.id "
        f"WHERE s.seminar_id = {seminar}.id"
    )
    via_session = f"x JOIN {session} s ON s.id = x.session_id WHERE s.seminar_id = {seminar}.id"
    # Changes name their seminar: a deleted session's entry has no session to join through.
    of_seminar_changes = f"x WHERE x.seminar_id = {seminar}.id"

    def text(*values: str) -> str:
        return " || '|' || ".join(f"COALESCE(CAST({value} AS TEXT), '')" for value in values)

    # One subquery per table: each costs the server a plan, and plans cost more than rows.
    subqueries = [
        f"SELECT {text('COUNT(*)', 'MAX(s.updated_at)', _FAQ_COUNT, _FAQ_IDS, _STAGE)} "
        f"{of_seminar_with_stage}",
        f"SELECT {text('COUNT(*)', 'MAX(x.id)')} FROM {link} {via_session}",
        f"SELECT {text('COUNT(*)', 'MAX(x.id)')} FROM {change} {of_seminar_changes}",
        f"SELECT {text('MAX(updated_at)')} FROM {organization}",
    ]
    return text(*(f"({subquery})" for subquery in subqueries))


_STAGE = "MAX(st.updated_at)"
_FAQ_COUNT = "SUM(CASE WHEN s.faq_published THEN 1 ELSE 0 END)"
_FAQ_IDS = "SUM(CASE WHEN s.faq_published THEN s.id ELSE 0 END)"
