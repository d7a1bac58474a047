"""``PathField``: byte-order text, ``__startswith`` as an index range, and a schema that matches the
migration state (decisions 0003 and 0013)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.backends.postgresql.base import DatabaseWrapper as PostgreSQLWrapper
from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteWrapper

from ronda.core.fields import PathField, _upper_bound
from ronda.core.models import AccessEvent, AuditEvent
from ronda.territory.models import Level, OrgUnit
from ronda.testing import make_unit

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")

# Paths next to the range's bounds: "9" is the last character of the segment alphabet, "." the first,
# ":" and "/" are what incrementing them gives, and letters, accents and LIKE's wildcards show that
# the match is exact and case-sensitive (SQLite's LIKE is not).
TRICKY_PATHS = [
    "",
    "00000001.",
    "00000001.00000009.",
    "00000001.00000009.00000009.",
    "00000001.00000010.",
    "00000001.00000019.",
    "00000001.00000099.",
    "00000001.00000100.",
    "00000001/",
    "00000009.",
    "00000009.00000001.",
    "0000000:",
    "00000010.",
    "99999999.",
    "99999999.99999999.",
    "00000001.a",
    "00000001.A",
    "00000001.é",
    "00000001.%",
    "00000001._",
]
EXTRA_PREFIXES = ["9", "99999999", "00000009", "0000000", ":", "/", "00000001.%", "00000001._", "00000001.E"]


def _prefixes() -> list[str]:
    found = {path[:end] for path in TRICKY_PATHS for end in range(len(path) + 1)}
    return sorted(found | set(EXTRA_PREFIXES))


@pytest.fixture
def tricky(db: None) -> dict[int, str]:
    """Org units with the tricky paths (set by hand) and one audit event per unit, by event id."""
    root = make_unit("T", Level.COUNTRY, None)
    events: dict[int, str] = {}
    for number, path in enumerate(TRICKY_PATHS):
        unit = make_unit(f"T-{number}", Level.REGION, root)
        OrgUnit.objects.filter(pk=unit.pk).update(path=path)
        event = AuditEvent.objects.create(action="update", org_unit=unit, org_unit_path=path)
        AccessEvent.objects.create(org_unit_path=path, target_type="t", target_id=str(number))
        events[event.pk] = path
    return events


def test_startswith_gives_the_rows_of_str_startswith(tricky: dict[int, str]) -> None:
    units = dict(OrgUnit.objects.values_list("pk", "path"))
    accesses = dict(AccessEvent.objects.values_list("pk", "org_unit_path"))
    for prefix in _prefixes():
        expected_units = {pk for pk, path in units.items() if path.startswith(prefix)}
        assert set(OrgUnit.objects.filter(path__startswith=prefix).values_list("pk", flat=True)) == expected_units
        expected_events = {pk for pk, path in tricky.items() if path.startswith(prefix)}
        direct = AuditEvent.objects.filter(org_unit_path__startswith=prefix).values_list("pk", flat=True)
        assert set(direct) == expected_events, prefix
        # Through a join: the lookup belongs to the field class, whichever model it is reached from.
        joined = AuditEvent.objects.filter(org_unit__path__startswith=prefix).values_list("pk", flat=True)
        assert set(joined) == expected_events, prefix
        expected_accesses = {pk for pk, path in accesses.items() if path.startswith(prefix)}
        access = AccessEvent.objects.filter(org_unit_path__startswith=prefix).values_list("pk", flat=True)
        assert set(access) == expected_accesses, prefix


def test_exclude_is_the_complement(tricky: dict[int, str]) -> None:
    prefix = "00000001.00000009"
    excluded = AuditEvent.objects.exclude(org_unit_path__startswith=prefix).values_list("pk", flat=True)
    assert set(excluded) == {pk for pk, path in tricky.items() if not path.startswith(prefix)}


def test_startswith_is_a_range_on_every_path_field_and_like_elsewhere() -> None:
    prefix = "00000001.00000002."
    for queryset in (
        OrgUnit.objects.filter(path__startswith=prefix),
        AuditEvent.objects.filter(org_unit_path__startswith=prefix),
        AccessEvent.objects.filter(org_unit_path__startswith=prefix),
        AuditEvent.objects.filter(org_unit__path__startswith=prefix),
    ):
        sql = str(queryset.query)
        assert ">= 00000001.00000002." in sql and "< 00000001.00000002/" in sql and "LIKE" not in sql
    # Other text columns keep LIKE: their collation may not be byte order.
    assert "LIKE" in str(AuditEvent.objects.filter(target_type__startswith="t").query)
    # The empty prefix (an administrator's scope) stays LIKE '%', which matches every row.
    assert "LIKE" in str(OrgUnit.objects.filter(path__startswith="").query)


def test_upper_bound() -> None:
    assert _upper_bound("00000001.") == "00000001/"
    assert _upper_bound("00000009") == "0000000:"
    assert _upper_bound("") is None
    assert _upper_bound(None) is None
    # No stored string follows these by one code point: the lookup falls back to LIKE.
    assert _upper_bound("a\U0010ffff") is None
    assert _upper_bound("a\ud7ff") is None


def test_collation_is_chosen_per_database_and_absent_from_the_migration_state() -> None:
    field = PathField("path", max_length=255, blank=True)
    _, path, _, kwargs = field.deconstruct()
    assert path == "ronda.core.fields.PathField"
    assert kwargs == {"verbose_name": "path", "max_length": 255, "blank": True}
    settings = {**connection.settings_dict, "NAME": "unused"}
    assert field.db_parameters(PostgreSQLWrapper(settings))["collation"] == "C"
    assert field.db_parameters(SQLiteWrapper(settings))["collation"] is None
    with pytest.raises(TypeError):
        PathField(max_length=10, db_collation="und-x-icu")


def test_db_index_is_flagged() -> None:
    assert PathField(max_length=10)._check_index_declaration() == []
    assert [w.id for w in PathField(max_length=10, db_index=True)._check_index_declaration()] == ["ronda.W001"]


@pytest.mark.django_db
def test_migration_state_equals_the_models() -> None:
    # makemigrations --check exits (SystemExit) when a model differs from the migration state.
    call_command("makemigrations", check=True, dry_run=True, stdout=io.StringIO())


PATH_COLUMNS = [
    ("territory_orgunit", "path"),
    ("core_auditevent", "org_unit_path"),
    ("core_accessevent", "org_unit_path"),
]
DECLARED_INDEXES = {
    "orgunit_path_idx": ("territory_orgunit", "(path)"),
    "audit_path_created_idx": ("core_auditevent", "(org_unit_path, created_at)"),
    "access_path_created_idx": ("core_accessevent", "(org_unit_path, created_at)"),
}


@on_postgresql
@pytest.mark.django_db
def test_postgresql_columns_are_in_the_c_collation() -> None:
    with connection.cursor() as cursor:
        for table, column in PATH_COLUMNS:
            cursor.execute(
                "SELECT collation_name FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND table_name = %s AND column_name = %s",
                [table, column],
            )
            assert cursor.fetchone() == ("C",), (table, column)


@on_postgresql
@pytest.mark.django_db
def test_postgresql_has_the_declared_indexes_and_no_pattern_ops() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, tablename, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
            "AND tablename IN ('territory_orgunit', 'core_auditevent', 'core_accessevent')"
        )
        indexes = {name: (table, definition) for name, table, definition in cursor.fetchall()}
    for name, (table, columns) in DECLARED_INDEXES.items():
        assert name in indexes
        assert indexes[name][0] == table
        assert indexes[name][1].endswith(f"USING btree {columns}")
    on_paths = [name for name, (_, definition) in indexes.items() if "path" in definition]
    assert sorted(on_paths) == sorted(DECLARED_INDEXES)


@on_postgresql
def test_postgresql_plans_are_index_ranges(tricky: dict[int, str]) -> None:
    prefix = "00000001.00000009."
    with connection.cursor() as cursor:
        # The tables are tiny; forbid the sequential and bitmap scans to see which index the range
        # can use and whether it gives the order (a bitmap scan with a sort was a planner's choice).
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
    units = OrgUnit.objects.filter(path__startswith=prefix).order_by("path").explain()
    assert "orgunit_path_idx" in units and "Sort" not in units
    assert "Index Cond: (((path)::text >= '00000001.00000009.'::text)" in units
    events = AuditEvent.objects.filter(org_unit_path__startswith=prefix).explain()
    assert "audit_path_created_idx" in events and "Index Cond" in events
    accesses = AccessEvent.objects.filter(org_unit_path__startswith=prefix).explain()
    assert "access_path_created_idx" in accesses and "Index Cond" in accesses
