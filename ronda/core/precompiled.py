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

import copy
import threading
from collections.abc import Callable, Mapping
from typing import Any, Generic, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet
from django.db.models.query import ModelIterable

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
        entry = (compiler, sql, list(params), _slot(params, self.placeholder))
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


def _slot(params: tuple[Any, ...] | list[Any], placeholder: object) -> int:
    slots = [i for i, param in enumerate(params) if param == placeholder]
    if len(slots) != 1:
        raise ValueError(f"the placeholder must appear once among the parameters, found {len(slots)}")
    return slots[0]


class PrecompiledQuery(Generic[M]):
    """A queryset of model objects with one parameter, compiled once per thread and database
    connection, fetched as the ORM fetches it: the same objects, ``select_related`` objects
    included, the same converters (``ModelIterable`` runs on a copy of the compiled compiler whose
    SQL is already written).

    For the pages that read a dozen small querysets of one record (a file's parts by the file's
    id): the ORM spends more CPU writing their SQL than the database answering them. ``build(value)``
    must return the queryset for ``value``; it is called once with ``placeholder``, which must then
    appear exactly once among the compiled parameters. Not for querysets with ``prefetch_related``,
    ``values()`` or anything whose SQL depends on more than that value (today's date, the actor).
    """

    def __init__(
        self,
        build: Callable[[Any], QuerySet[M]],
        *,
        placeholder: object = INT_PLACEHOLDER,
        using: str = DEFAULT_DB_ALIAS,
    ) -> None:
        self.build = build
        self.placeholder = placeholder
        self.using = using
        self._local = threading.local()

    def _compiled(self) -> tuple[QuerySet[M], Any, str, tuple[Any, ...], int]:
        connection = connections[self.using]
        cached = getattr(self._local, "compiled", None)
        if cached is not None and cached[0] is connection:
            return cached[1]  # type: ignore[no-any-return]
        queryset: Any = self.build(self.placeholder).using(self.using)
        if queryset._iterable_class is not ModelIterable or queryset._prefetch_related_lookups:
            raise ValueError("a precompiled query returns model objects and prefetches nothing")
        compiler = queryset.query.get_compiler(using=self.using)
        sql, params = compiler.as_sql()
        entry = (queryset, compiler, sql, tuple(params), _slot(params, self.placeholder))
        self._local.compiled = (connection, entry)
        return entry

    def fetch(self, value: Any) -> list[M]:
        compiled: Any = self._compiled()
        queryset, compiler, sql, params, slot = compiled
        bound = (*params[:slot], value, *params[slot + 1 :])
        written = copy.copy(compiler)  # select, klass_info and the annotations as compiled
        written.as_sql = lambda *args, **kwargs: (sql, bound)
        clone = queryset._chain()
        clone.query.get_compiler = lambda *args, **kwargs: written
        return list(ModelIterable(clone))


def instance(model: type[M], data: Mapping[str, Any], *, using: str = DEFAULT_DB_ALIAS) -> M:
    """A model object from some of its column values (by attname), as the ORM builds fetched rows."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname in data]
    return model.from_db(using, names, [data[name] for name in names])
