#!/usr/bin/env python
"""The Tablero's national-scale data (issue #10), on top of bench/generate.py's territory.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ronda_bench \
    DJANGO_SETTINGS_MODULE=ronda.settings .venv/bin/python bench/generate_tablero.py [--check]

What it loads (PostgreSQL only; refuses any database whose name lacks "bench"):

* the demo's national catalogue for the bench country (``tablero.demo.catalogue``: 36 data
  elements, 21 indicators, the data sets), created through the services as the demo does;
* **12,000,000 monthly data values**: 50,000 communities × 20 data elements × the 12 months
  ending last month. Each (community, element, month) holds one value, in one cell of the
  element's disaggregation (sex × age band for most: six cells) drawn at random — zeros are
  not stored for these counts (DHIS2 and decision 0019), and a community of a few dozen
  children counts something in about one cell in six;
* the child population (yearly, sex × age band) of every community for the two years the
  months touch (600,000 values more), so that rates per 1,000 children have a denominator;
* every ``AggregateValue`` cell those values make (municipality, region, country × month,
  quarter, half-year, year; communities keep none: ``tablero.selectors.LEAF_LEVEL``), computed in
  SQL level by level. ``--verify N`` recomputes N
  random cells through ``tablero.selectors.from_values`` (the definition the hypothesis tests
  check the incremental maintenance against) and fails on any difference.

Values are generated in SQL (``generate_series`` and a seeded ``random()``): no Python loop
over 12 million rows. Indexes are dropped during the load and rebuilt after it. Writes
``bench/out/tablero.json`` (ids the load test needs) and prints timings.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
OUT_FILE = BENCH_DIR / "out" / "tablero.json"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ronda.settings")

ELEMENTS = 20
MONTHS = 12
LAYOUT_VERSION = 1
# The 20 monthly counts (codes of ronda/tablero/demo_catalogue.py), then the population.
MONTHLY_ELEMENTS = (
    "ACT_JUEGO",
    "VISITAS_HOGAR",
    "TALLERES_CRIANZA",
    "ASAMBLEAS_NNA",
    "NAC_VIVOS",
    "CONTROL_NS",
    "CONTROL_NS_PROG",
    "POB_OBJ_VAC",
    "NAC_MADRE_10_14",
    "NAC_MADRE_15_19",
    "ABANDONO",
    "CASOS_TI",
    "MEDIDAS_PROT",
    "CONSEJO_SESIONES",
)


def timed(label: str, timings: list[tuple[str, float]]) -> Any:
    class _T:
        def __enter__(self) -> None:
            self.start = time.perf_counter()
            print(f"  {label} …", flush=True)

        def __exit__(self, *exc: object) -> None:
            took = time.perf_counter() - self.start
            timings.append((label, took))
            print(f"  {label:<52} {took:8.2f} s", flush=True)

    return _T()


def refuse_unsafe_database() -> str:
    url = os.environ.get("DATABASE_URL", "")
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if parts.hostname not in ("127.0.0.1", "localhost") or "bench" not in name:
        raise SystemExit(f"refusing {url!r}: only a *bench* database on 127.0.0.1")
    return name


def pick_elements(catalogue: Any) -> list[Any]:
    """20 monthly SUM counts of the demo catalogue (the named ones first, then any other)."""
    from ronda.tablero.models import AggregationType

    chosen = [catalogue.elements[c] for c in MONTHLY_ELEMENTS if c in catalogue.elements]
    for element in catalogue.elements.values():
        if len(chosen) >= ELEMENTS:
            break
        if element not in chosen and element.aggregation_type == AggregationType.SUM:
            chosen.append(element)
    if len(chosen) < ELEMENTS:
        raise SystemExit(f"the demo catalogue has only {len(chosen)} SUM elements; update bench/generate_tablero.py")
    return chosen[:ELEMENTS]


def index_statements(cursor: Any, table: str) -> list[str]:
    """CREATE statements of the table's indexes and unique constraints (all but the primary key)."""
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT LIKE %s",
        [table, "%_pkey"],
    )
    return [definition for _name, definition in cursor.fetchall()]


INDEX_FILE = BENCH_DIR / "out" / "tablero_indexes.json"


def drop_indexes(cursor: Any, table: str) -> list[tuple[str, str]]:
    """Drop secondary indexes and unique constraints; returns how to rebuild them. The statements
    are kept in bench/out/tablero_indexes.json until rebuilt, so an interrupted run (its indexes
    already dropped) still rebuilds them on the next one."""
    saved: dict[str, list[list[str]]] = json.loads(INDEX_FILE.read_text("utf-8")) if INDEX_FILE.exists() else {}
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'u'",
        [table],
    )
    constraints = cursor.fetchall()
    rebuild = [(f"constraint {n}", f'ALTER TABLE "{table}" ADD CONSTRAINT "{n}" {d}') for n, d in constraints]
    # A unique constraint's own index is rebuilt with the constraint.
    names = {n for n, _d in constraints}
    rebuild += [
        (name, d) for d in index_statements(cursor, table) if (name := d.split(" ON ")[0].split()[-1]) not in names
    ]
    known = {name for name, _statement in rebuild}
    rebuild += [(name, statement) for name, statement in saved.get(table, []) if name not in known]
    saved[table] = [list(r) for r in rebuild]
    INDEX_FILE.parent.mkdir(parents=True, exist_ok=True)
    INDEX_FILE.write_text(json.dumps(saved, indent=2), encoding="utf-8")
    for name, _definition in constraints:
        cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
    cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = %s AND indexname NOT LIKE %s", [table, "%_pkey"])
    for (name,) in cursor.fetchall():
        cursor.execute(f'DROP INDEX "{name}"')
    return rebuild


def generate(seed: int, verify: int) -> dict[str, Any]:
    import django

    django.setup()
    from django.db import connection, transaction

    from ronda.tablero import aggregation, demo
    from ronda.tablero import periods as iso_periods
    from ronda.tablero.models import AggregateValue, DataValue
    from ronda.territory.models import OrgUnit

    timings: list[tuple[str, float]] = []
    country = OrgUnit.objects.get(level=1)
    # The bench country uses Ecuador's names for its services and ethnic groups.
    demo.spec.TERMS.setdefault(country.code, demo.spec.TERMS["EC"])
    demo.spec.ETHNICITY_OPTIONS.setdefault(country.code, demo.spec.ETHNICITY_OPTIONS["EC"])
    today = dt.date.today()
    with timed("catalogue (demo.catalogue, through the services)", timings), transaction.atomic():
        catalogue = demo.catalogue(country)
    elements = pick_elements(catalogue)
    population = catalogue.elements[demo.spec.POPULATION]
    months = demo.monthly_window(today, MONTHS)
    years = sorted({m.start.year for m in months})
    with transaction.atomic():
        stored = aggregation.ensure_periods(
            [p for m in months for p in iso_periods.containing(m)] + [iso_periods.parse(str(y)) for y in years]
        )
    month_ids = [stored[m.iso].pk for m in months]
    year_ids = [stored[str(y)].pk for y in years]
    # value period -> every stored period containing it (itself included)
    containing = {stored[m.iso].pk: [stored[p.iso].pk for p in iso_periods.containing(m)] for m in months}
    for y in years:
        containing[stored[str(y)].pk] = [stored[str(y)].pk]
    element_cocs = {
        e.pk: sorted(catalogue.option_combos[e.code][c].pk for c in catalogue.option_combos[e.code]) for e in elements
    }
    population_cocs = sorted(c.pk for c in catalogue.option_combos[population.code].values())

    dv = DataValue._meta.db_table
    av = AggregateValue._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SET work_mem = '256MB'")
        cursor.execute("SET maintenance_work_mem = '1GB'")
        cursor.execute("SET synchronous_commit = off")
        # No per-row foreign-key triggers during the load (the ids are the catalogue's and the
        # territory's own, read above); superuser only, this session only.
        cursor.execute("SET session_replication_role = replica")
        with timed("empty values and aggregates", timings):
            cursor.execute(f'TRUNCATE "{dv}", "{av}" RESTART IDENTITY')
        value_indexes = drop_indexes(cursor, dv)
        aggregate_indexes = drop_indexes(cursor, av)
        cursor.execute("DROP TABLE IF EXISTS bench_el, bench_pp, bench_up")
        cursor.execute("CREATE UNLOGGED TABLE bench_el (element_id bigint, scale int, cocs bigint[])")
        rng = random.Random(seed)
        for element in elements:
            cursor.execute(
                "INSERT INTO bench_el VALUES (%s, %s, %s)",
                [element.pk, rng.choice((3, 6, 12, 25)), element_cocs[element.pk]],
            )
        cursor.execute("CREATE UNLOGGED TABLE bench_pp (period_id bigint, containing_id bigint)")
        for period_id, wider in containing.items():
            for other in wider:
                cursor.execute("INSERT INTO bench_pp VALUES (%s, %s)", [period_id, other])
        cursor.execute(f"SELECT setseed({(seed % 1000) / 1000})")
        with timed(f"{ELEMENTS * MONTHS * 50_000:,} monthly values (INSERT … SELECT)", timings):
            cursor.execute(
                f"""
                INSERT INTO "{dv}" (data_element_id, option_combo_id, org_unit_id, period_id, value, comment,
                                    follow_up, deleted, created_at, updated_at)
                SELECT e.element_id, e.cocs[1 + floor(random() * cardinality(e.cocs))::int], u.id, p.id,
                       1 + floor(random() * e.scale), '', false, false, now(), now()
                FROM territory_orgunit u
                CROSS JOIN bench_el e
                CROSS JOIN unnest(%s::bigint[]) AS p(id)
                WHERE u.level = 4
                """,
                [month_ids],
            )
        with timed("child population of every community (yearly)", timings):
            cursor.execute(
                f"""
                INSERT INTO "{dv}" (data_element_id, option_combo_id, org_unit_id, period_id, value, comment,
                                    follow_up, deleted, created_at, updated_at)
                SELECT %s, c.id, u.id, y.id, 5 + floor(random() * 20), '', false, false, now(), now()
                FROM territory_orgunit u
                CROSS JOIN unnest(%s::bigint[]) AS c(id)
                CROSS JOIN unnest(%s::bigint[]) AS y(id)
                WHERE u.level = 4
                """,
                [population.pk, population_cocs, year_ids],
            )
        # Communities keep no stored cells (tablero.selectors.LEAF_LEVEL): theirs are built in a
        # scratch table, only to roll them up into their municipalities'.
        with timed("community cells, scratch (own values × containing periods)", timings):
            cursor.execute("DROP TABLE IF EXISTS bench_leaf")
            cursor.execute(
                f"""
                CREATE UNLOGGED TABLE bench_leaf AS
                SELECT v.data_element_id, v.org_unit_id, pp.containing_id AS period_id, v.option_combo_id,
                       sum(v.value) AS total, count(*) AS count,
                       (array_agg(v.value ORDER BY p.end_date DESC, p.start_date DESC))[1] AS last_total,
                       min(v.value) AS minimum, max(v.value) AS maximum
                FROM "{dv}" v
                JOIN bench_pp pp ON pp.period_id = v.period_id
                JOIN tablero_period p ON p.id = v.period_id
                GROUP BY v.data_element_id, v.org_unit_id, pp.containing_id, v.option_combo_id
                """
            )
        for level, label, source in (
            (3, "municipality", "bench_leaf"),
            (2, "region", av),
            (1, "country", av),
        ):
            with timed(f"{label} cells (from the level below)", timings):
                cursor.execute(
                    f"""
                    INSERT INTO "{av}" (data_element_id, org_unit_id, period_id, option_combo_id,
                                        total, count, last_total, minimum, maximum)
                    SELECT a.data_element_id, u.parent_id, a.period_id, a.option_combo_id,
                           sum(a.total), sum(a.count), sum(a.last_total), min(a.minimum), max(a.maximum)
                    FROM "{source}" a JOIN territory_orgunit u ON u.id = a.org_unit_id
                    WHERE u.level = %s
                    GROUP BY a.data_element_id, u.parent_id, a.period_id, a.option_combo_id
                    """,
                    [level + 1],
                )
        cursor.execute("DROP TABLE bench_leaf")
        for table, rebuild in ((dv, value_indexes), (av, aggregate_indexes)):
            for name, statement in rebuild:
                with timed(f"rebuild {table}: {name}", timings):
                    cursor.execute(statement)
        INDEX_FILE.unlink(missing_ok=True)
        cursor.execute("DROP TABLE bench_el, bench_pp")
        cursor.execute("SET session_replication_role = DEFAULT")
        cursor.execute(f'SELECT count(*) FROM "{dv}"')
        n_values = cursor.fetchone()[0]
        cursor.execute(f'SELECT count(*) FROM "{av}"')
        n_cells = cursor.fetchone()[0]
    with timed("VACUUM ANALYZE", timings), connection.cursor() as cursor:
        cursor.execute(f'VACUUM ANALYZE "{dv}"')
        cursor.execute(f'VACUUM ANALYZE "{av}"')
        cursor.execute("VACUUM ANALYZE tablero_period")
    if verify:
        with timed(f"verify {verify} random cells against selectors.from_values", timings):
            verify_cells(verify, seed)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_size_pretty(pg_total_relation_size(%s)), pg_size_pretty(pg_total_relation_size(%s))", [dv, av]
        )
        sizes = cursor.fetchone()
    summary = {
        "layout_version": LAYOUT_VERSION,
        "generated_at": dt.datetime.now(dt.UTC).isoformat(),
        "values": n_values,
        "aggregate_cells": n_cells,
        "sizes": {"values": sizes[0], "aggregates": sizes[1]},
        "country": {"id": country.pk, "uid": country.uid, "code": country.code},
        "months": [m.iso for m in months],
        "elements": [{"id": e.pk, "uid": e.uid, "code": e.code} for e in elements],
        "population": {"id": population.pk, "uid": population.uid},
        "timings": timings,
    }
    summary.update(load_test_layout(catalogue, elements, country))
    OUT_FILE.parent.mkdir(parents=True, exist_ok=True)
    OUT_FILE.write_text(json.dumps(summary, indent=2), encoding="utf-8")
    return summary


def load_test_layout(catalogue: Any, elements: list[Any], country: Any) -> dict[str, Any]:
    """What bench/locust_tablero.py needs: the indicators with data, users, units; the sampled
    coordinators get a confirmed TOTP device with the bench key (bench/second_factor.py)."""
    import second_factor
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from ronda.accounts.models import Membership
    from ronda.tablero import demo, expressions
    from ronda.tablero.services import current_formula
    from ronda.territory.models import OrgUnit

    with_data = {e.uid for e in elements} | {e.code for e in elements}
    population = catalogue.elements[demo.spec.POPULATION]
    with_data |= {population.uid, population.code}
    chart_indicators = []
    for indicator in catalogue.indicators.values():
        formula = current_formula(indicator)
        if formula is None or indicator.computed_by:
            continue
        operands = expressions.references(expressions.parse(formula.numerator)) | expressions.references(
            expressions.parse(formula.denominator)
        )
        if operands and all(o.element in with_data for o in operands):
            chart_indicators.append(indicator.uid)
    national = list(
        Membership.objects.filter(role="secretariat", org_unit=country)
        .order_by("pk")
        .values_list("user__username", flat=True)
    )
    coordinators = [
        {"coordinator": username, "id": unit_id}
        for username, unit_id in Membership.objects.filter(role="coordinator", org_unit__level=3)
        .order_by("pk")
        .values_list("user__username", "org_unit_id")[:200]
    ]
    users = Membership.objects.filter(user__username__in=[c["coordinator"] for c in coordinators])
    have = set(
        TOTPDevice.objects.filter(user_id__in=users.values("user_id"), confirmed=True).values_list("user_id", flat=True)
    )
    TOTPDevice.objects.bulk_create(
        [
            TOTPDevice(user_id=m.user_id, name="bench", key=second_factor.KEY_HEX, confirmed=True)
            for m in users
            if m.user_id not in have
        ]
    )
    regions = [{"id": pk, "uid": uid} for pk, uid in OrgUnit.objects.filter(level=2).values_list("pk", "uid")]
    return {
        "chart_indicators": chart_indicators,
        "national_users": national,
        "coordinators": coordinators,
        "regions": regions,
    }


def verify_cells(n: int, seed: int) -> None:
    """Recompute ``n`` random stored cells from the raw values with the reference definition."""
    from ronda.tablero import selectors
    from ronda.tablero.models import AggregateValue, Period
    from ronda.territory.models import OrgUnit

    rng = random.Random(seed)
    top = AggregateValue.objects.order_by("-id").values_list("id", flat=True).first() or 0
    checked = 0
    while checked < n:
        cell = AggregateValue.objects.filter(id__gte=rng.randint(1, top)).order_by("id").first()
        if cell is None:
            continue
        unit = OrgUnit.objects.get(pk=cell.org_unit_id)
        if unit.level < 3:
            continue  # a region's or the country's cell sums up to 250,000 raw values
        period = Period.objects.get(pk=cell.period_id)
        expected = selectors.from_values(
            element_id=cell.data_element_id,
            unit_path=unit.path,
            period=period,
            option_combo_ids=[cell.option_combo_id],
        )
        got = (cell.total, cell.count, cell.last_total, cell.minimum, cell.maximum)
        want = (expected.total, expected.count, expected.last_total, expected.minimum, expected.maximum)
        if got != want:
            raise SystemExit(f"cell {cell.pk} ({unit.code} {period.iso}) holds {got}, the values say {want}")
        checked += 1


def check() -> bool:
    if not OUT_FILE.exists():
        return False
    try:
        summary = json.loads(OUT_FILE.read_text(encoding="utf-8"))
    except ValueError:
        return False
    if summary.get("layout_version") != LAYOUT_VERSION:
        return False
    import django

    django.setup()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = 'tablero_datavalue'")
        row = cursor.fetchone()
    return bool(row) and row[0] >= 0.9 * summary["values"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 0 when the data are there")
    parser.add_argument("--seed", type=int, default=20261201)
    parser.add_argument("--layout-only", action="store_true", help="only rewrite the load test's layout")
    parser.add_argument("--verify", type=int, default=200, help="cells to recompute from the raw values")
    args = parser.parse_args()
    refuse_unsafe_database()
    if args.check:
        raise SystemExit(0 if check() else 1)
    if args.layout_only:
        import django

        django.setup()
        from ronda.tablero import demo
        from ronda.territory.models import OrgUnit

        country = OrgUnit.objects.get(level=1)
        catalogue = demo.catalogue(country)
        summary = json.loads(OUT_FILE.read_text(encoding="utf-8"))
        elements = [e for e in catalogue.elements.values() if e.pk in {x["id"] for x in summary["elements"]}]
        summary.update(load_test_layout(catalogue, elements, country))
        OUT_FILE.write_text(json.dumps(summary, indent=2), encoding="utf-8")
        print(f"layout: {len(summary['chart_indicators'])} indicators with data")
        return
    start = time.perf_counter()
    summary = generate(args.seed, args.verify)
    print(
        f"Done in {time.perf_counter() - start:.1f} s: {summary['values']:,} values, "
        f"{summary['aggregate_cells']:,} aggregate cells, sizes {summary['sizes']}"
    )


if __name__ == "__main__":
    main()
