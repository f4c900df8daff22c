"""A query the ORM builds once per process, then runs with each call's values.

Building and compiling a queryset of many subqueries is milliseconds of Python: the room-token
join's query (``selectors.room_join``: seven subqueries) took 6.5 ms to build and 13.5 ms to
build and compile per join on the bench machine, the largest share of a server process's CPU
in a join storm (py-spy, issue 11). Its SQL text is the same for every join; only its
parameters change. ``CompiledQuery`` builds it once with sentinel arguments, notes which
parameter is which argument (or a value derived from the arguments, such as a cut-off time),
and before trusting that map compiles it again with a second set of sentinels and checks
that the map gives exactly the ORM's parameters. If it does not (a later Django writes the
query differently, a constant happens to equal a sentinel), every call builds the queryset
as before, and that is logged once. On a database other than PostgreSQL every call builds
the queryset (see ``_prepare``).

The rules stay in the ORM code that builds the query (one home for each rule); this module
only avoids redoing the building.
"""

import logging
import threading
from collections.abc import Callable
from typing import Any

from django.db import connections
from django.db.models import QuerySet

logger = logging.getLogger(__name__)


class _Constant:
    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


class CompiledQuery:
    """``build(**args)``: the queryset (a ``.values()`` one of at most one row);
    ``derive(**args)``: every value the query's parameters may hold, by name (the arguments
    themselves and what is computed from them); ``sentinels``: two sets of arguments whose
    derived values no constant of the query equals."""

    def __init__(
        self,
        build: Callable[..., QuerySet],
        derive: Callable[..., dict[str, Any]],
        sentinels: tuple[dict[str, Any], dict[str, Any]],
    ) -> None:
        self.build, self.derive, self.sentinels = build, derive, sentinels
        self._lock = threading.Lock()
        self._template: tuple[str, str, list] | None = None
        self._failed = False

    def first(self, **args: Any) -> dict | None:
        """The row as ``build(**args).first()`` returns it, in one query."""
        template = self._template or self._prepare()
        if template is None:
            return self.build(**args).first()
        using, sql, slots = template
        values = self.derive(**args)
        params = [slot.value if type(slot) is _Constant else values[slot] for slot in slots]
        with connections[using].cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
            if row is None:
                return None
            return dict(zip([column.name for column in cursor.description], row, strict=True))

    def _prepare(self) -> tuple[str, str, list] | None:
        with self._lock:
            if self._template is None and not self._failed:
                if connections[self.build(**self.sentinels[0]).db].vendor != "postgresql":
                    # Only PostgreSQL: psycopg returns the Python values the ORM's
                    # ``.values()`` gives for these columns, and its parameters are the
                    # arguments themselves. SQLite (the embedded default, one process)
                    # stores UUIDs and times as text and returns 0/1 for booleans; it
                    # builds per call, as any query does.
                    self._failed = True
                    return None
                try:
                    self._template = self._map()
                except ValueError:
                    self._failed = True
                    logger.warning("live: query not compiled once; built per call", exc_info=True)
            return self._template

    def _map(self) -> tuple[str, str, list]:
        first, second = self.sentinels
        queryset = self.build(**first)
        sql, params = queryset.query.sql_with_params()
        named = self.derive(**first)
        slots: list = []
        for param in params:
            names = [n for n, v in named.items() if type(v) is type(param) and v == param]
            if len(names) > 1:
                raise ValueError(f"parameter {param!r} is ambiguous: {names}")
            slots.append(names[0] if names else _Constant(param))
        again_sql, again_params = self.build(**second).query.sql_with_params()
        values = self.derive(**second)
        rebound = [s.value if type(s) is _Constant else values[s] for s in slots]
        if again_sql != sql or rebound != list(again_params):
            raise ValueError("the parameters of the second build do not follow the first's")
        return queryset.db, sql, slots
