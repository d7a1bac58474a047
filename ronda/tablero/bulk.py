"""Writing many data values at once on PostgreSQL: the rows as arrays, ``unnest``-ed into one
statement, each array sent as one text literal (``pgarrays``). Decision 0017: an accelerator;
``services._write``'s ``bulk_create``/``bulk_update`` is the portable path, and what SQLite runs.

A million-value import through ``bulk_create`` spends most of its time building and binding
statements of 11,000 placeholders; as arrays, a batch of any size is one statement of a dozen
parameters and PostgreSQL does the rest.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import connections, router

from ronda.tablero import pgarrays
from ronda.tablero.aggregation import uses_arrays
from ronda.tablero.models import DataValue


def _connection() -> Any:
    return connections[router.db_for_write(DataValue)]


def available() -> bool:
    return uses_arrays(_connection())


# (data element, option combination, org unit, period, value, comment, deleted)
NewRow = tuple[int, int, int, int, Decimal | None, str, bool]
# (id, value, deleted, comment)
ChangedRow = tuple[int, Decimal | None, bool, str]


def insert_values(rows: Sequence[NewRow], *, stored_by_id: int | None, now: dt.datetime) -> None:
    """INSERT the new rows; created and updated now, by ``stored_by_id``."""
    if not rows:
        return
    connection = _connection()
    q = connection.ops.quote_name
    table = q(DataValue._meta.db_table)
    columns = ", ".join(
        q(c)
        for c in (
            "data_element_id",
            "option_combo_id",
            "org_unit_id",
            "period_id",
            "value",
            "comment",
            "deleted",
            "follow_up",
            "stored_by_id",
            "created_at",
            "updated_at",
        )
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) "  # noqa: S608 - quoted names; the values are parameters
            "SELECT de, coc, unit, period, value, comment, deleted, false, %s, %s, %s "
            "FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[], %s::bigint[], %s::numeric[], %s::text[], "
            "%s::boolean[]) AS v(de, coc, unit, period, value, comment, deleted)",
            [
                stored_by_id,
                now,
                now,
                pgarrays.ints(r[0] for r in rows),
                pgarrays.ints(r[1] for r in rows),
                pgarrays.ints(r[2] for r in rows),
                pgarrays.ints(r[3] for r in rows),
                pgarrays.numbers(r[4] for r in rows),
                pgarrays.texts(r[5] for r in rows),
                pgarrays.booleans(r[6] for r in rows),
            ],
        )


def update_values(rows: Sequence[ChangedRow], *, stored_by_id: int | None, now: dt.datetime) -> None:
    """UPDATE the rows' value, deleted flag and comment by id; updated now, by ``stored_by_id``."""
    if not rows:
        return
    connection = _connection()
    q = connection.ops.quote_name
    table = q(DataValue._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS t SET value = v.value, deleted = v.deleted, comment = v.comment, "  # noqa: S608
            "stored_by_id = %s, updated_at = %s "
            "FROM unnest(%s::bigint[], %s::numeric[], %s::boolean[], %s::text[]) AS v(id, value, deleted, comment) "
            "WHERE t.id = v.id",
            [
                stored_by_id,
                now,
                pgarrays.ints(r[0] for r in rows),
                pgarrays.numbers(r[1] for r in rows),
                pgarrays.booleans(r[2] for r in rows),
                pgarrays.texts(r[3] for r in rows),
            ],
        )
