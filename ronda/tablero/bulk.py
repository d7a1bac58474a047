"""Writing many data values at once on PostgreSQL: the rows as arrays, ``unnest``-ed into one
statement, each array sent as one text literal (``pgarrays``). Decision 0017: an accelerator;
``services._write``'s ``bulk_create``/``bulk_update`` is the portable path, and what SQLite runs.

A million-value import through ``bulk_create`` spends most of its time building and binding
statements of 11,000 placeholders; as arrays, a batch of any size is one statement of a dozen
parameters and PostgreSQL does the rest.

A file import goes further (``StagedApply``, below): its check stages the resolved rows in a table,
and its apply writes the values, checks the rules and writes the cells from that table in a
handful of statements, with no row read again in Python. ``imports._apply_file`` (through
``save_values``) is its portable path; tests compare the two on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import connections, router

from ronda.tablero import pgarrays
from ronda.tablero.aggregation import uses_arrays
from ronda.tablero.models import (
    AggregateValue,
    CategoryOptionCombo,
    DataSet,
    DataSetPeriod,
    DataValue,
    Period,
    PeriodStatus,
)
from ronda.territory.models import OrgUnit


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


# --- The staged import (decision 0017, "Third measurement") ------------------------------------
#
# The check job of a file import writes every row it resolved and checked to a staging table of
# its own; the apply job (another job, maybe days later, maybe on another machine) re-checks the
# permissions and approvals on it in SQL and writes the values, the rules' check and the cells
# from it in a handful of set-based statements: no row is read or resolved again in Python.
#
# One UNLOGGED table per import, created by the check and dropped by the apply in its own
# transaction. Not a TEMPORARY table: the two jobs run in different sessions. Unlogged: its rows
# can always be made again from the stored file (a crash empties it, and the apply then reads
# the file as the portable path does), so they need no WAL. One per import: two imports never
# see each other's rows, and taking them away is a DROP, not a million-row DELETE to vacuum.

STAGE_PREFIX = "tablero_import_stage_"
# (batch, file row, data element, option combination, org unit, period, value, comment)
StagedRow = tuple[int, int, int, int, int, int, Decimal | None, str]
# What the rules' check needs of one rule: its index in ``rules.RULES``, the element ids and the
# option combination code (None: all) of each side, and its operator.
RuleSpec = tuple[int, list[int], str | None, str, list[int], str | None]
_SQL_OPERATORS = {"<=": "<=", ">=": ">=", "==": "="}


def _stage_table(import_id: int) -> str:
    return _connection().ops.quote_name(f"{STAGE_PREFIX}{int(import_id)}")


def _tables() -> dict[str, str]:
    q = _connection().ops.quote_name
    models: dict[str, Any] = {
        "value": DataValue,
        "cell": AggregateValue,
        "period": Period,
        "unit": OrgUnit,
        "coc": CategoryOptionCombo,
        "dsp": DataSetPeriod,
        "member": DataSet.data_elements.through,
    }
    return {name: q(model._meta.db_table) for name, model in models.items()}


def create_stage(import_id: int) -> None:
    """An empty staging table for the import (any earlier one dropped)."""
    table = _stage_table(import_id)
    with _connection().cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
        cursor.execute(
            f"CREATE UNLOGGED TABLE {table} (batch integer NOT NULL, row integer NOT NULL, de bigint NOT NULL, "
            "coc bigint NOT NULL, unit bigint NOT NULL, period bigint NOT NULL, value numeric(20, 4), "
            "comment text NOT NULL)"
        )


def stage(import_id: int, rows: Sequence[StagedRow]) -> None:
    """Append checked rows to the import's staging table (COPY)."""
    if not rows:
        return
    table = _stage_table(import_id)
    columns = "batch, row, de, coc, unit, period, value, comment"
    with _connection().cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def finish_stage(import_id: int) -> None:
    """The staging table complete: its statistics, for the apply's plans."""
    with _connection().cursor() as cursor:
        cursor.execute(f"ANALYZE {_stage_table(import_id)}")


def drop_stage(import_id: int) -> None:
    with _connection().cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {_stage_table(import_id)}")


def staged_rows(import_id: int) -> int | None:
    """How many rows the import's staging table holds; None without one."""
    name = f"{STAGE_PREFIX}{int(import_id)}"
    with _connection().cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [name])
        if not cursor.fetchone()[0]:
            return None
        cursor.execute(f"SELECT count(*) FROM {_stage_table(import_id)}")  # noqa: S608 - a quoted name
        return int(cursor.fetchone()[0])


def _kind(old: str, old_comment: str, value_id: str, new: str, comment: str) -> str:
    """What a staged row does, in SQL (``services.values._count``): ``i`` unchanged (the same number
    and comment, or nothing deleted), ``d`` deleted, ``n`` imported, ``u`` updated."""
    return (
        f"CASE WHEN {old} IS NOT DISTINCT FROM {new} AND ({value_id} IS NULL OR {old_comment} = {comment}) THEN 'i' "
        f"WHEN {new} IS NULL AND {old} IS NULL THEN 'i' WHEN {new} IS NULL THEN 'd' WHEN {old} IS NULL THEN 'n' "
        "ELSE 'u' END"
    )


_OLD = "CASE WHEN v.deleted THEN NULL ELSE v.value END"


class StagedApply:
    """The apply of a staged import, step by step, inside the caller's transaction (the names in
    SQL are quoted table names and integers; every value is a parameter). In order: the checks
    (``elements``, ``units``, ``rows_of_units``, ``approved``), ``prepare`` (each row against what
    is stored, under the stored rows' locks), ``remember_before``, ``write_values``,
    ``rule_breaks``, ``write_cells``, ``batches``, ``close``. The intermediate tables are TEMPORARY
    (this session's, gone with the transaction)."""

    # A set-based statement over a million rows sorts and hashes more than the default 4 MB:
    # for this transaction only (``SET LOCAL``).
    WORK_MEM = "128MB"

    def __init__(self, import_id: int, *, leaf_level: int) -> None:
        connection = _connection()
        self.connection = connection
        q = connection.ops.quote_name
        n = int(import_id)
        self.stage = _stage_table(n)
        self.changes = q(f"tablero_changes_{n}")
        self.units_table = q(f"tablero_units_{n}")
        self.before = q(f"tablero_before_{n}")
        self.involved = q(f"tablero_involved_{n}")
        self.groups = q(f"tablero_groups_{n}")
        self.fix = q(f"tablero_fix_{n}")
        self.leaf_level = leaf_level
        self.t = _tables()
        self._elements: list[int] | None = None
        self._periods: list[int] | None = None
        self._rewritten = 0  # staged rows that change a stored row (``prepare``)
        self._run("SELECT set_config('work_mem', %s, true)", [self.WORK_MEM])

    def _run(self, sql: str, params: Sequence[Any] = ()) -> int:
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            return int(cursor.rowcount)

    def _all(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            return list(cursor.fetchall())

    def _temporary(self, table: str, select: str, params: Sequence[Any] = ()) -> None:
        self._run(f"DROP TABLE IF EXISTS {table}")
        self._run(f"CREATE TEMPORARY TABLE {table} ON COMMIT DROP AS {select}", params)
        self._run(f"ANALYZE {table}")

    # --- the checks ------------------------------------------------------------------------------

    def elements(self) -> list[int]:
        if self._elements is None:
            self._elements = [r[0] for r in self._all(f"SELECT DISTINCT de FROM {self.stage}")]  # noqa: S608
        return self._elements

    def periods(self) -> list[int]:
        if self._periods is None:
            self._periods = [r[0] for r in self._all(f"SELECT DISTINCT period FROM {self.stage}")]  # noqa: S608
        return self._periods

    def units(self) -> list[tuple[int, str, str, bool]]:
        """(id, path, name, is_active) of every unit the rows name."""
        return [
            (int(pk), path, name, active)
            for pk, path, name, active in self._all(
                f"SELECT u.id, u.path, u.name, u.is_active FROM {self.t['unit']} u "  # noqa: S608
                f"WHERE u.id IN (SELECT DISTINCT unit FROM {self.stage})"
            )
        ]

    def rows_of_units(self, unit_ids: Sequence[int], limit: int) -> tuple[list[tuple[int, int]], int]:
        """The first ``limit`` (row, unit) of the rows of these units, and how many there are."""
        if not unit_ids:
            return [], 0
        found = self._all(
            f"SELECT row, unit, count(*) OVER () FROM {self.stage} "  # noqa: S608
            "WHERE unit = ANY(%s::bigint[]) ORDER BY row LIMIT %s",
            [pgarrays.ints(unit_ids), limit],
        )
        return [(int(r), int(u)) for r, u, _n in found], int(found[0][2]) if found else 0

    def approved(self, limit: int) -> tuple[list[tuple[int, str, str]], int]:
        """Lock the data set periods the rows fall in (an approval waits for this import, and the
        other way round), then the first ``limit`` (row, period, unit name) of the rows in an
        approved one and how many there are (``entry.check_not_approved``, in SQL)."""
        t = self.t
        locked = self._all(
            f"SELECT dsp.id, dsp.status FROM {t['dsp']} dsp "  # noqa: S608
            "WHERE (dsp.data_set_id, dsp.org_unit_id, dsp.period_id) IN ("
            f"SELECT DISTINCT m.dataset_id, s.unit, s.period FROM {self.stage} s "
            f"JOIN {t['member']} m ON m.dataelement_id = s.de) "
            "ORDER BY dsp.id FOR UPDATE OF dsp"
        )
        closed = [pk for pk, status in locked if status == PeriodStatus.APPROVED]
        if not closed:
            return [], 0
        found = self._all(
            "SELECT r.row, r.iso, r.name, count(*) OVER () FROM ("  # noqa: S608
            f"SELECT DISTINCT s.row, p.iso, u.name FROM {self.stage} s "
            f"JOIN {t['member']} m ON m.dataelement_id = s.de "
            f"JOIN {t['dsp']} dsp ON dsp.data_set_id = m.dataset_id AND dsp.org_unit_id = s.unit "
            "AND dsp.period_id = s.period AND dsp.id = ANY(%s::bigint[]) "
            f"JOIN {t['period']} p ON p.id = s.period JOIN {t['unit']} u ON u.id = s.unit) AS r "
            "ORDER BY r.row LIMIT %s",
            [pgarrays.ints(closed), limit],
        )
        return [(int(r), iso, name) for r, iso, name, _n in found], int(found[0][3]) if found else 0

    # --- the changes -----------------------------------------------------------------------------

    def prepare(self) -> dict[str, int]:
        """Every staged row against what is stored now: its old value and what it does (``kind``).
        The stored rows are locked in id order (two writers cannot deadlock) and read again (one
        that changed between the join and the lock has committed by then). Returns the counts."""
        t = self.t
        self._temporary(
            self.changes,
            f"SELECT x.*, {_kind('x.old', 'x.old_comment', 'x.value_id', 'x.new', 'x.comment')} AS kind FROM ("  # noqa: S608
            "SELECT s.batch, s.row, s.de, s.coc, s.unit, s.period, v.id AS value_id, "
            f"{_OLD} AS old, v.comment AS old_comment, s.value AS new, s.comment "
            f"FROM {self.stage} s LEFT JOIN {t['value']} v ON v.data_element_id = s.de "
            "AND v.period_id = s.period AND v.org_unit_id = s.unit AND v.option_combo_id = s.coc) AS x",
        )
        self._run(
            f"SELECT count(*) FROM (SELECT v.id FROM {t['value']} v WHERE v.id IN ("  # noqa: S608
            f"SELECT value_id FROM {self.changes} WHERE value_id IS NOT NULL) ORDER BY v.id FOR UPDATE OF v) AS locked"
        )
        self._run(
            f"UPDATE {self.changes} c SET old = {_OLD}, old_comment = v.comment, "  # noqa: S608
            f"kind = {_kind(_OLD, 'v.comment', 'c.value_id', 'c.new', 'c.comment')} FROM {t['value']} v "
            "WHERE c.value_id IS NOT NULL AND v.id = c.value_id "
            f"AND (c.old IS DISTINCT FROM {_OLD} OR c.old_comment IS DISTINCT FROM v.comment)"
        )
        # Each changed unit's stored path (its id and its ancestors', root first, the deepest level
        # left out: it keeps no cells) and its anchor, the last of them: a community's municipality.
        self._temporary(
            self.units_table,
            "SELECT u.id, p.ids, p.ids[cardinality(p.ids)] AS anchor "  # noqa: S608
            f"FROM {t['unit']} u CROSS JOIN LATERAL (SELECT (string_to_array(rtrim(u.path, '.'), '.')::bigint[])"
            f"[1:{int(self.leaf_level) - 1}] AS ids) AS p "
            f"WHERE u.id IN (SELECT DISTINCT unit FROM {self.changes}) AND cardinality(p.ids) > 0",
        )
        ((imported, updated, deleted, unchanged, rewritten),) = self._all(
            "SELECT count(*) FILTER (WHERE kind = 'n'), count(*) FILTER (WHERE kind = 'u'), "  # noqa: S608
            "count(*) FILTER (WHERE kind = 'd'), count(*) FILTER (WHERE kind = 'i'), "
            f"count(*) FILTER (WHERE kind <> 'i' AND value_id IS NOT NULL) FROM {self.changes}"
        )
        self._rewritten = int(rewritten)
        return {"imported": imported, "updated": updated, "deleted": deleted, "unchanged": unchanged}

    def remember_before(self, within: Sequence[int], *, single_period: bool) -> int:
        """Before the write: the stored values, in the periods ``within`` (those inside the periods
        the changes count in), of every series (element × combination × unit) whose value changes
        (``AggregateUpdate._series_values``), and the series whose latest values need them: those
        with such values, and those changing in more than one period. Returns how many."""
        self._temporary(
            self.before,
            "SELECT v.data_element_id AS de, v.option_combo_id AS coc, v.org_unit_id AS unit, "  # noqa: S608
            f"v.period_id AS period, v.value FROM {self.t['value']} v "
            "WHERE v.data_element_id = ANY(%s::bigint[]) AND v.period_id = ANY(%s::bigint[]) "
            "AND NOT v.deleted AND v.value IS NOT NULL AND EXISTS ("
            f"SELECT 1 FROM {self.changes} c WHERE c.de = v.data_element_id AND c.coc = v.option_combo_id "
            "AND c.unit = v.org_unit_id AND c.old IS DISTINCT FROM c.new)",
            [pgarrays.ints(self.elements()), pgarrays.ints(within)],
        )
        several = (
            ""
            if single_period
            else f" UNION SELECT de, coc, unit FROM {self.changes} WHERE old IS DISTINCT FROM new "  # noqa: S608
            "GROUP BY de, coc, unit HAVING count(*) > 1"
        )
        self._temporary(self.involved, f"SELECT DISTINCT de, coc, unit FROM {self.before}{several}")  # noqa: S608
        return int(self._all(f"SELECT count(*) FROM {self.involved}")[0][0])  # noqa: S608

    def write_values(self, *, stored_by_id: int | None, now: dt.datetime) -> None:
        """INSERT the new rows and UPDATE the stored ones (``services.values._write``)."""
        t = self.t
        self._run(
            f"INSERT INTO {t['value']} (data_element_id, option_combo_id, org_unit_id, period_id, value, "  # noqa: S608
            "comment, deleted, follow_up, stored_by_id, created_at, updated_at) "
            "SELECT de, coc, unit, period, new, comment, new IS NULL, false, %s, %s, %s "
            f"FROM {self.changes} WHERE kind <> 'i' AND value_id IS NULL",
            [stored_by_id, now, now],
        )
        if not self._rewritten:
            return  # a new month: nothing stored to change (and no join with every stored value)
        self._run(
            f"UPDATE {t['value']} v SET value = c.new, deleted = c.new IS NULL, comment = c.comment, "  # noqa: S608
            f"stored_by_id = %s, updated_at = %s FROM {self.changes} c "
            "WHERE c.value_id IS NOT NULL AND c.kind <> 'i' AND v.id = c.value_id",
            [stored_by_id, now],
        )

    # --- the rules -------------------------------------------------------------------------------

    def rule_breaks(self, specs: Sequence[RuleSpec], limit: int) -> tuple[list[tuple[int, int]], int]:
        """Once the values are written: (row, rule index) of the rows taking part in a broken rule
        (``entry.rule_errors``: what the file holds over what is stored, at the units and periods of
        the file's rows of the rules' elements), for the first ``limit`` rows, and how many rows."""
        if not specs:
            return [], 0
        t = self.t
        everything = pgarrays.ints(sorted({pk for spec in specs for pk in (*spec[1], *spec[4])}))
        params: list[Any] = [everything, everything, pgarrays.ints(self.periods())]
        sides = []
        broken = []
        for n, (index, left, left_combo, operator, right, right_combo) in enumerate(specs):
            for side, ids, combo in (("l", left, left_combo), ("r", right, right_combo)):
                sides.append(
                    "sum(x.value) FILTER (WHERE x.de = ANY(%s::bigint[]) AND (%s::text IS NULL OR x.code = %s)) "
                    f"AS {side}{n}"
                )
                params += [pgarrays.ints(ids), combo, combo]
            broken.append(
                f"SELECT k.unit, k.period, {int(index)} AS rule, %s::bigint[] AS elements FROM sides k "  # noqa: S608
                f"WHERE k.l{n} IS NOT NULL AND k.r{n} IS NOT NULL AND NOT (k.l{n} {_SQL_OPERATORS[operator]} k.r{n})"
            )
        params += [pgarrays.ints([*spec[1], *spec[4]]) for spec in specs]
        found = self._all(
            "WITH keys AS ("  # noqa: S608
            f"SELECT DISTINCT unit, period FROM {self.stage} WHERE de = ANY(%s::bigint[])), "
            "x AS (SELECT v.org_unit_id AS unit, v.period_id AS period, v.data_element_id AS de, o.code, v.value "
            f"FROM {t['value']} v JOIN keys k ON k.unit = v.org_unit_id AND k.period = v.period_id "
            f"JOIN {t['coc']} o ON o.id = v.option_combo_id "
            "WHERE v.data_element_id = ANY(%s::bigint[]) AND v.period_id = ANY(%s::bigint[]) "
            "AND NOT v.deleted AND v.value IS NOT NULL), "
            f"sides AS (SELECT x.unit, x.period, {', '.join(sides)} FROM x GROUP BY x.unit, x.period), "
            f"broken AS ({' UNION ALL '.join(broken)}) "
            "SELECT s.row, array_agg(DISTINCT b.rule ORDER BY b.rule), count(*) OVER () "
            f"FROM broken b JOIN {self.stage} s ON s.unit = b.unit AND s.period = b.period "
            "AND s.de = ANY(b.elements) GROUP BY s.row ORDER BY s.row LIMIT %s",
            [*params, limit],
        )
        pairs = [(int(row), int(index)) for row, indexes, _n in found for index in indexes]
        return pairs, int(found[0][2]) if found else 0

    # --- the cells -------------------------------------------------------------------------------

    def write_cells(self, *, containing: Sequence[tuple[int, int]], involved: bool, single_period: bool) -> int:
        """The aggregate cells of the changes (``aggregation.AggregateUpdate``, in SQL). ``total``,
        ``count``, ``minimum`` and ``maximum`` change by difference, added up per anchor first (a
        municipality's communities count in the same cells), then spread over the anchor's path and
        over the periods each period counts in (``containing``: (period, itself or a coarser one)).
        ``last_total``: a series without stored values around and one change (a new month: every
        series, ``involved`` False) adds its new value; the others (``remember_before``) add each
        touched period's latest value after the change less the one before. One upsert in key
        order, then the extremes that may have been a changed value are recomputed. Returns how
        many cells were written.

        A new month of units of one level (the common case: ``involved`` False, one period, every
        anchor at the same depth) needs no adding up at the anchors: each (element, combination,
        anchor) group is already its cell of each period, and only the few cells above the
        anchors are added up (one hash of regions and the country, not of every cell)."""
        t = self.t
        pmap = "(SELECT * FROM unnest(%s::bigint[], %s::bigint[]) AS m(period, container))"
        pmap_params = [pgarrays.ints(p for p, _c in containing), pgarrays.ints(c for _p, c in containing)]
        if involved:
            simple_last = "coalesce(sum(c.new) FILTER (WHERE i.de IS NULL), 0)"
            join_involved = f"LEFT JOIN {self.involved} i ON i.de = c.de AND i.coc = c.coc AND i.unit = c.unit "
        else:
            simple_last, join_involved = "coalesce(sum(c.new), 0)", ""
        self._temporary(
            self.groups,
            "SELECT c.de, c.coc, u.anchor, c.period, sum(coalesce(c.new, 0) - coalesce(c.old, 0)) AS total, "  # noqa: S608
            "sum((c.new IS NOT NULL)::int - (c.old IS NOT NULL)::int) AS count, min(c.new) AS low, "
            f"max(c.new) AS high, {simple_last} AS last FROM {self.changes} c "
            f"JOIN {self.units_table} u ON u.id = c.unit {join_involved}"
            "WHERE c.old IS DISTINCT FROM c.new GROUP BY c.de, c.coc, u.anchor, c.period",
        )
        ctes = []
        params: list[Any] = []
        moves = (
            "SELECT g.de, g.coc, g.anchor, m.container, g.total, g.count, g.last, g.low, g.high "  # noqa: S608
            f"FROM {self.groups} g JOIN {pmap} m ON m.period = g.period"
        )
        params += pmap_params
        if involved:
            latest = (
                "SELECT DISTINCT ON (k.de, k.coc, k.unit, k.container) k.de, k.coc, k.unit, k.container, x.value "  # noqa: S608
                "FROM touched k JOIN {rows} x USING (de, coc, unit) "
                f"JOIN {t['period']} px ON px.id = x.period JOIN {t['period']} pk ON pk.id = k.container "
                "WHERE px.start_date >= pk.start_date AND px.end_date <= pk.end_date "
                "ORDER BY k.de, k.coc, k.unit, k.container, px.end_date DESC, px.start_date DESC"
            )
            ctes += [
                f"moved AS (SELECT c.de, c.coc, c.unit, c.period, c.new FROM {self.changes} c "  # noqa: S608
                f"JOIN {self.involved} USING (de, coc, unit) WHERE c.old IS DISTINCT FROM c.new)",
                f"touched AS (SELECT DISTINCT c.de, c.coc, c.unit, m.container FROM moved c JOIN {pmap} m "  # noqa: S608
                "ON m.period = c.period)",
                f"before_rows AS (SELECT b.de, b.coc, b.unit, b.period, b.value FROM {self.before} b "  # noqa: S608
                f"JOIN {self.involved} USING (de, coc, unit))",
                "after_rows AS (SELECT b.* FROM before_rows b WHERE NOT EXISTS (SELECT 1 FROM moved c "
                "WHERE c.de = b.de AND c.coc = b.coc AND c.unit = b.unit AND c.period = b.period) "
                "UNION ALL SELECT de, coc, unit, period, new FROM moved WHERE new IS NOT NULL)",
                f"latest_before AS ({latest.format(rows='before_rows')})",
                f"latest_after AS ({latest.format(rows='after_rows')})",
                "last_moves AS (SELECT k.de, k.coc, u.anchor, k.container, "  # noqa: S608
                "sum(coalesce(a.value, 0) - coalesce(b.value, 0)) AS last FROM touched k "
                f"JOIN {self.units_table} u ON u.id = k.unit "
                "LEFT JOIN latest_before b USING (de, coc, unit, container) "
                "LEFT JOIN latest_after a USING (de, coc, unit, container) "
                "GROUP BY k.de, k.coc, u.anchor, k.container)",
            ]
            params = pmap_params + params
            moves += (
                " UNION ALL SELECT de, coc, anchor, container, 0, 0, last, NULL, NULL FROM last_moves WHERE last <> 0"
            )
        ctes += [
            f"moves AS ({moves})",
            f"spread AS (SELECT DISTINCT anchor, unnest(ids) AS unit FROM {self.units_table})",  # noqa: S608
        ]
        select = (
            f"WITH {', '.join(ctes)} "  # noqa: S608
            "SELECT x.de, s.unit, x.container, x.coc, sum(x.total), sum(x.count), sum(x.last), min(x.low), "
            "max(x.high) FROM moves x JOIN spread s ON s.anchor = x.anchor "
            "GROUP BY x.de, x.coc, s.unit, x.container ORDER BY x.de, x.coc, s.unit, x.container"
        )
        depths = self._all(f"SELECT count(DISTINCT cardinality(ids)) FROM {self.units_table}")[0][0]  # noqa: S608
        if not involved and single_period and depths == 1:
            select = (
                "SELECT * FROM ("  # noqa: S608
                "SELECT g.de, g.anchor AS unit, m.container, g.coc, g.total, g.count, g.last, g.low, g.high "
                f"FROM {self.groups} g JOIN {pmap} m ON m.period = g.period "
                "UNION ALL SELECT g.de, a.unit, m.container, g.coc, sum(g.total), sum(g.count), sum(g.last), "
                f"min(g.low), max(g.high) FROM {self.groups} g JOIN {pmap} m ON m.period = g.period "
                "JOIN (SELECT DISTINCT anchor, unnest(ids[1:cardinality(ids) - 1]) AS unit "
                f"FROM {self.units_table}) a ON a.anchor = g.anchor GROUP BY g.de, g.coc, a.unit, m.container"
                ") AS x (de, unit, container, coc, total, count, last, low, high) "
                "ORDER BY x.de, x.coc, x.unit, x.container"
            )
            params = pmap_params + pmap_params
        q = self.connection.ops.quote_name
        table = t["cell"]
        added = ", ".join(f"{q(c)} = {table}.{q(c)} + excluded.{q(c)}" for c in ("total", "count", "last_total"))
        extremes = ", ".join(
            f"{q(c)} = CASE WHEN excluded.{q(c)} IS NOT NULL AND ({table}.{q(c)} IS NULL "
            f"OR excluded.{q(c)} {op} {table}.{q(c)}) THEN excluded.{q(c)} ELSE {table}.{q(c)} END"
            for c, op in (("minimum", "<"), ("maximum", ">"))
        )
        written = self._run(
            f"INSERT INTO {table} (data_element_id, org_unit_id, period_id, option_combo_id, total, count, "
            f"last_total, minimum, maximum) {select} "
            "ON CONFLICT (data_element_id, org_unit_id, period_id, option_combo_id) "
            f"DO UPDATE SET {added}, {extremes}",
            params,
        )
        self._recompute_extremes(pmap, pmap_params)
        return written

    def _recompute_extremes(self, pmap: str, pmap_params: list[Any]) -> None:
        """A cell whose minimum (maximum) is the old value of a change that went up or away (down or
        away) is recomputed from its children's cells and its unit's own values (and those of its
        children of the deepest level), deepest units first (``AggregateUpdate._recompute_extremes``)."""
        t = self.t
        stale = self._all(
            f"SELECT EXISTS (SELECT 1 FROM {self.changes} WHERE old IS NOT NULL AND old IS DISTINCT FROM new)"  # noqa: S608
        )
        if not stale[0][0]:
            return
        self._temporary(
            self.fix,
            "WITH stale AS (SELECT DISTINCT c.de, c.coc, u.anchor, c.period, c.old, "  # noqa: S608
            "(c.new IS NULL OR c.new > c.old) AS up, (c.new IS NULL OR c.new < c.old) AS down "
            f"FROM {self.changes} c JOIN {self.units_table} u ON u.id = c.unit "
            "WHERE c.old IS NOT NULL AND c.old IS DISTINCT FROM c.new), "
            f"spread AS (SELECT DISTINCT anchor, unnest(ids) AS unit FROM {self.units_table}) "
            "SELECT a.id, a.data_element_id AS de, a.option_combo_id AS coc, a.org_unit_id AS unit, "
            "a.period_id AS period, cardinality(string_to_array(rtrim(ou.path, '.'), '.')) AS depth, "
            "bool_or(s.up AND a.minimum = s.old) AS fix_min, bool_or(s.down AND a.maximum = s.old) AS fix_max "
            f"FROM stale s JOIN {pmap} m ON m.period = s.period JOIN spread k ON k.anchor = s.anchor "
            f"JOIN {t['cell']} a ON a.data_element_id = s.de AND a.option_combo_id = s.coc "
            "AND a.org_unit_id = k.unit AND a.period_id = m.container "
            f"JOIN {t['unit']} ou ON ou.id = a.org_unit_id GROUP BY a.id, ou.path "
            "HAVING bool_or(s.up AND a.minimum = s.old) OR bool_or(s.down AND a.maximum = s.old)",
            pmap_params,
        )
        depths = [r[0] for r in self._all(f"SELECT DISTINCT depth FROM {self.fix} ORDER BY depth DESC")]  # noqa: S608
        for depth in depths:
            self._run(
                f"UPDATE {t['cell']} a SET "  # noqa: S608
                "minimum = CASE WHEN f.fix_min THEN least(k.low, o.low) ELSE a.minimum END, "
                "maximum = CASE WHEN f.fix_max THEN greatest(k.high, o.high) ELSE a.maximum END "
                f"FROM {self.fix} f "
                "CROSS JOIN LATERAL (SELECT min(c.minimum) AS low, max(c.maximum) AS high "
                f"FROM {t['cell']} c JOIN {t['unit']} cu ON cu.id = c.org_unit_id "
                "WHERE cu.parent_id = f.unit AND c.data_element_id = f.de AND c.option_combo_id = f.coc "
                "AND c.period_id = f.period) AS k "
                "CROSS JOIN LATERAL (SELECT min(v.value) AS low, max(v.value) AS high "
                f"FROM {t['value']} v JOIN {t['unit']} vu ON vu.id = v.org_unit_id "
                f"JOIN {t['period']} vp ON vp.id = v.period_id JOIN {t['period']} fp ON fp.id = f.period "
                "WHERE (v.org_unit_id = f.unit OR (vu.parent_id = f.unit AND vu.level = %s)) "
                "AND v.data_element_id = f.de AND v.option_combo_id = f.coc "
                "AND vp.start_date >= fp.start_date AND vp.end_date <= fp.end_date "
                "AND NOT v.deleted AND v.value IS NOT NULL) AS o "
                "WHERE a.id = f.id AND f.depth = %s",
                [self.leaf_level, depth],
            )

    # --- the trail and the end -------------------------------------------------------------------

    def batches(self) -> list[tuple[int, int, int, int, int, str, str]]:
        """Per batch of the check with something written: (batch, imported, updated, deleted, values
        written, the lowest and the highest path of their units), for the audit event per batch
        that ``save_values`` writes."""
        return [
            (int(b), int(n), int(u), int(d), int(w), low, high)
            for b, n, u, d, w, low, high in self._all(
                "SELECT c.batch, count(*) FILTER (WHERE c.kind = 'n'), count(*) FILTER (WHERE c.kind = 'u'), "  # noqa: S608
                "count(*) FILTER (WHERE c.kind = 'd'), count(*), min(u.path), max(u.path) "
                f"FROM {self.changes} c JOIN {self.t['unit']} u ON u.id = c.unit WHERE c.kind <> 'i' "
                "GROUP BY c.batch ORDER BY c.batch"
            )
        ]

    def close(self) -> None:
        """Drop the intermediate tables and the staging table, in the transaction: its commit leaves
        nothing behind; a rollback keeps the staging table, for ``drop_stage``."""
        for table in (
            self.fix,
            self.groups,
            self.involved,
            self.before,
            self.units_table,
            self.changes,
            self.stage,
        ):
            self._run(f"DROP TABLE IF EXISTS {table}")
