"""Queries that run on every request, compiled to SQL once per thread instead of once per request.

Turning a queryset with four ``select_related`` joins into SQL costs the ORM more CPU (~1.5 ms here)
than PostgreSQL needs to answer it. The authentication queries run on every page and every API call,
always with the same shape and one changing value (a user id, a token hash), so they are built once
with a placeholder, compiled, and afterwards only executed with the real value. The SQL text is then
identical on every request, which also lets psycopg prepare it server-side (decision 0013).

Rows come back through the compiler's own ``results_iter`` so database converters still apply
(SQLite datetimes and booleans), and ``instance`` builds model objects the way the ORM does
(``Model.from_db``), so they behave like any fetched object (deferred fields load on access).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)

# Placeholders the real value replaces: one per parameter type, unlikely to be a real value.
TEXT_PLACEHOLDER = "ronda-precompiled-placeholder-7c1e"
INT_PLACEHOLDER = -7_301_946_285_113


class PrecompiledValues:
    """A ``values_list`` query with one parameter, compiled once per thread and database connection.

    ``build(value)`` must return the queryset for ``value``; it is called once with ``placeholder``
    (``TEXT_PLACEHOLDER`` or ``INT_PLACEHOLDER``, as the field expects) and the compiled SQL must
    contain that placeholder exactly once as a parameter.
    """

    def __init__(
        self, build: Callable[[Any], QuerySet[Any]], *, placeholder: object, using: str = DEFAULT_DB_ALIAS
    ) -> None:
        self.build = build
        self.placeholder = placeholder
        self.using = using
        self._local = threading.local()

    def _compiled(self) -> tuple[Any, str, list[Any], int]:
        connection = connections[self.using]
        cached = getattr(self._local, "compiled", None)
        if cached is not None and cached[0] is connection:
            return cached[1]
        queryset = self.build(self.placeholder)
        compiler = queryset.query.get_compiler(using=self.using)
        sql, params = compiler.as_sql()
        slots = [i for i, param in enumerate(params) if param == self.placeholder]
        if len(slots) != 1:
            raise ValueError(f"the placeholder must appear once among the parameters, found {len(slots)}")
        entry = (compiler, sql, list(params), slots[0])
        self._local.compiled = (connection, entry)
        return entry

    def fetch(self, value: Any) -> list[tuple[Any, ...]]:
        compiler, sql, params, slot = self._compiled()
        params = list(params)
        params[slot] = value
        with connections[self.using].cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return [tuple(row) for row in compiler.results_iter([rows])]


def instance(model: type[M], data: Mapping[str, Any], *, using: str = DEFAULT_DB_ALIAS) -> M:
    """A model object from some of its column values (by attname), as the ORM builds fetched rows."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname in data]
    return model.from_db(using, names, [data[name] for name in names])
