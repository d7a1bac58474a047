"""Model fields of the shared kernel.

``PathField`` holds a materialised path (``00000052.00000053.``) or any other text that is compared
byte by byte. Its values are ordered in byte order on every database: PostgreSQL stores the column
in the "C" collation, SQLite compares text with BINARY already. In byte order, "starts with P" is
exactly "P <= value < P'", where P' is P with its last character incremented, so
``__startswith`` on a ``PathField`` is that range, not ``LIKE 'P%'``. Both give the same rows, and
one plain btree index serves the range, ``ORDER BY`` the path and, unlike ``LIKE $1``, a prepared
statement's generic plan (decision 0013: ``LIKE $1`` scanned all 52,551 units in 42 ms, the range
took 1 ms).

The collation is not a ``db_collation`` argument: SQLite has no "C" collation, and a value that
depends on the database would make the migration state depend on the database too. The migration
state records ``PathField`` and nothing vendor-specific; ``db_parameters()`` tells each schema
editor the collation when it creates or alters the column. Consequence: changing the collation
rule here is invisible to ``makemigrations`` and needs a hand-written migration.

Declare the index in ``Meta.indexes`` (``models.Index(fields=[...])``), not with ``db_index=True``:
for ``db_index`` on a ``varchar`` column, Django's PostgreSQL backend adds a second
``varchar_pattern_ops`` index (``*_like``), which a "C" column does not need (check ``ronda.W001``).
"""

from __future__ import annotations

from typing import Any

from django.core import checks
from django.db import models
from django.db.models.lookups import StartsWith

#: The collation of every ``PathField`` column on PostgreSQL: byte order.
POSTGRESQL_COLLATION = "C"


class PathField(models.CharField):
    description = "Text in byte order (a materialised path)"
    db_index: bool  # set by Field.__init__; not declared by django-stubs

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if kwargs.get("db_collation"):
            raise TypeError("PathField chooses its own collation; db_collation is not accepted.")
        super().__init__(*args, **kwargs)

    def db_parameters(self, connection: Any) -> dict[str, Any]:
        params = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            params["collation"] = POSTGRESQL_COLLATION
        return params

    def check(self, **kwargs: Any) -> list[checks.CheckMessage]:
        return [*super().check(**kwargs), *self._check_index_declaration()]

    def _check_index_declaration(self) -> list[checks.CheckMessage]:
        if not (self.db_index or self.unique):
            return []
        return [
            checks.Warning(
                "A PathField with db_index=True or unique=True also gets a varchar_pattern_ops index on "
                "PostgreSQL, which its collation makes useless.",
                hint="Declare a models.Index (or UniqueConstraint) in Meta instead.",
                obj=self,
                id="ronda.W001",
            )
        ]


class PathStartsWith(StartsWith):
    """``path__startswith=P`` as ``path >= P AND path < P'`` (also through joins: the lookup
    belongs to the field class). An expression, a bilateral transform (``Unaccent``), ``""``
    (everything) or a prefix whose last character cannot be incremented fall back to ``LIKE``."""

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        direct = self.rhs_is_direct_value() and not self.bilateral_transforms
        upper = _upper_bound(self.rhs) if direct else None
        if upper is None:
            sql, params = super().as_sql(compiler, connection)
            return sql, list(params)
        lhs_sql, lhs_params = self.process_lhs(compiler, connection)
        return f"({lhs_sql} >= %s AND {lhs_sql} < %s)", [*lhs_params, self.rhs, *lhs_params, upper]


def _upper_bound(prefix: object) -> str | None:
    """The least string above every string that starts with ``prefix``, or None if there is none
    that both databases can store (the next code point is a surrogate or past the last one)."""
    if not isinstance(prefix, str) or not prefix:
        return None
    following = ord(prefix[-1]) + 1
    if following > 0x10FFFF or 0xD800 <= following <= 0xDFFF:
        return None
    return prefix[:-1] + chr(following)


PathField.register_lookup(PathStartsWith, lookup_name="startswith")
