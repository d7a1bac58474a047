#!/usr/bin/env python
"""Load local plans, progress history, children's councils and coordination bodies into the
benchmark database built by bench/generate.py (PostgreSQL only, COPY through psycopg 3).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ronda_bench \
    DJANGO_SETTINGS_MODULE=ronda.settings .venv/bin/python bench/generate_planning.py

Needs the territory and users of bench/generate.py (2,500 municipalities, one coordinator
each). For every municipality, in one transaction:

* 3 more municipal areas (education, health, public works) next to the 2 of generate.py, so
  measures are spread over 5 responsible areas;
* one local plan (in execution, weighted by budget, 2025-01-01..2028-12-31, approved) with
  5 strategic lines x 2 objectives x 5 measures = 50 measures; a budget row per measure and
  year of its span (2025..end year), 2 indicators per measure, 3 plan changes;
* 36 progress updates per measure (4.5 million rows), written in chronological order (one
  round over every measure per reporting date), as a live system appends them; each
  measure's progress, justification, date and status are those of its latest update;
* a children's council with 6 sessions, 2 accountability sessions and 20 requests
  (16 answered, 4 open);
* a coordination body with 8 members, 11 meetings (10 held with attendance), 12 agreements.

The dates respect the application's rules: progress updates are never in the future nor
before the plan starts, so the 36 updates of a measure are spread from 2025-01-10 to
2026-11-20 (every ~19 days) rather than over three calendar years.

Everything this script owns is emptied first (TRUNCATE of the planning, council,
coordination and accountability tables — generated reports point at plans —, and its own extra
areas), so it can be re-run. Secondary indexes and
foreign keys of the progress-update table are dropped during its COPY and recreated (and
validated) afterwards, inside the same transaction. Consistency checks run before commit,
then sequences are reset and the tables VACUUM ANALYZEd. Writes bench/out/planning.json
(per municipality: code, plan id, coordinator username) for the load test.

``--check`` exits 0 when the data is already loaded (and planning.json matches).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import time
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
OUT_DIR = BENCH_DIR / "out"
PLANNING_FILE = OUT_DIR / "planning.json"

sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ronda.settings")

SEED = 20261122
EXPECTED_MUNICIPALITIES = 2_500

# --- Scale per municipality -----------------------------------------------------------------
LINES_PER_PLAN = 5
OBJECTIVES_PER_LINE = 2
MEASURES_PER_OBJECTIVE = 5
MEASURES_PER_PLAN = LINES_PER_PLAN * OBJECTIVES_PER_LINE * MEASURES_PER_OBJECTIVE  # 50
UPDATES_PER_MEASURE = 36
INDICATORS_PER_MEASURE = 2
CHANGES_PER_PLAN = 3
COUNCIL_REQUESTS = 20
COUNCIL_OPEN_REQUESTS = 4
BODY_MEMBERS = 8
AGREEMENTS = 12

PLAN_START = dt.date(2025, 1, 1)
PLAN_END = dt.date(2028, 12, 31)
APPROVED_ON = dt.date(2024, 12, 12)
PLAN_YEARS = list(range(PLAN_START.year, PLAN_END.year + 1))
FIRST_UPDATE = dt.date(2025, 1, 10)
LAST_UPDATE = dt.date(2026, 11, 20)
TODAY = dt.date(2026, 11, 22)  # the reference date of the data set (issue #3)

EXTRA_AREAS = (("education", "Educación"), ("health", "Salud"), ("public_works", "Obras públicas"))

COUNCIL_SESSIONS = [
    dt.date(2025, 2, 20),
    dt.date(2025, 5, 22),
    dt.date(2025, 8, 21),
    dt.date(2025, 11, 20),
    dt.date(2026, 3, 19),
    dt.date(2026, 9, 17),
]
ACCOUNTABILITY_SESSIONS = [dt.date(2025, 12, 11), dt.date(2026, 6, 18)]
HELD_MEETINGS = [
    dt.date(2025, 2, 12),
    dt.date(2025, 4, 9),
    dt.date(2025, 6, 11),
    dt.date(2025, 8, 13),
    dt.date(2025, 10, 8),
    dt.date(2025, 12, 10),
    dt.date(2026, 2, 11),
    dt.date(2026, 4, 8),
    dt.date(2026, 6, 10),
    dt.date(2026, 9, 9),
]
NEXT_MEETING = dt.date(2026, 12, 9)

REQUEST_TEXTS = [
    (
        "Más juegos en el parque del barrio",
        "Pedimos columpios y resbaladeras para niños pequeños y que arreglen las bancas.",
    ),
    (
        "Alumbrado en el camino a la escuela",
        "El camino de la escuela está oscuro por la tarde y nos da miedo caminar solos.",
    ),
    (
        "Agua para tomar en la escuela",
        "El bebedero de la escuela no funciona desde hace meses y pasamos sed en el recreo.",
    ),
    ("Talleres de música los sábados", "Queremos aprender a tocar instrumentos y formar una banda del consejo."),
    (
        "Respeto en el transporte escolar",
        "Algunos adultos nos gritan en el bus; queremos que el chofer y los adultos nos traten bien.",
    ),
    (
        "Cancha con techo para jugar cuando llueve",
        "Cuando llueve no podemos jugar; proponemos techar la cancha de la comunidad.",
    ),
    (
        "Que nos pregunten antes de decidir",
        "Proponemos que el concejo consulte al consejo antes de aprobar obras para niñas y niños.",
    ),
    (
        "Contenedores de basura en la quebrada",
        "La quebrada está llena de basura y huele mal; pedimos contenedores y una campaña.",
    ),
]
ANSWERS = [
    "Sí vamos a hacerlo. El equipo de obras visitará el lugar este mes y les contaremos en la próxima sesión cuándo estará listo.",
    "Lo haremos en parte: este año arreglamos lo más urgente y el resto lo incluimos en el presupuesto del próximo año.",
    "Esta vez no podemos hacerlo porque el terreno no es de la municipalidad. Buscaremos otra forma con ustedes.",
    "Ya está hecho. Gracias por proponerlo: vengan a verlo y cuéntennos qué les parece.",
]
MEETING_MINUTES = (
    "Se revisó el avance trimestral del plan local, los casos derivados por la ruta de protección "
    "y las propuestas del consejo de niñez. Se acordaron responsables y plazos."
)
AGREEMENT_TEXTS = [
    "Presentar el informe de avance del plan al consejo de niñez",
    "Actualizar el directorio de la ruta de atención de la violencia",
    "Coordinar con salud las brigadas móviles del próximo trimestre",
    "Gestionar el presupuesto para la señalización de senderos seguros",
    "Revisar con educación las becas de permanencia escolar",
    "Organizar la feria de derechos de la niñez",
]
CHANGE_TEXTS = [
    (
        "Se amplía el presupuesto de la medida.",
        "Los costos de materiales subieron y la comunidad pidió ampliar la cobertura.",
    ),
    (
        "Se reprograma la fecha de fin de la medida.",
        "El proceso de contratación se retrasó por la reformulación presupuestaria.",
    ),
    (
        "Se cambia el área responsable de la medida.",
        "La reorganización municipal trasladó el programa a otra dirección.",
    ),
]


def log(msg: str) -> None:
    print(msg, flush=True)


class Timer:
    def __init__(self) -> None:
        self.t0 = time.perf_counter()
        self.last = self.t0

    def step(self, label: str) -> None:
        now = time.perf_counter()
        log(f"  {label:<58} {now - self.last:7.2f} s")
        self.last = now

    def total(self) -> float:
        return time.perf_counter() - self.t0


def database_name() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        sys.exit("DATABASE_URL is required, e.g. postgres://postgres@127.0.0.1:5432/ronda_bench")
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        sys.exit("bench/generate_planning.py needs PostgreSQL (COPY)")
    if parts.hostname not in {"127.0.0.1", "localhost"}:
        sys.exit(f"refusing to touch a database on {parts.hostname!r}: the bench only targets 127.0.0.1")
    name = parts.path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"refusing to write into {name!r}: the bench database name must contain 'bench'")
    return name


# --- COPY helpers -----------------------------------------------------------------------------
def _defaulted(field: Any) -> bool:
    """A field with a default, or a blank text (a new optional column such as a child title: "")."""
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return True  # created_at / updated_at of a model that became versioned: the load time
    return field.has_default() or (field.blank and field.empty_strings_allowed and not field.primary_key)


def _columns(model: Any, given: Sequence[str]) -> list[Any]:
    """The model's concrete fields in ``given`` order; every other field must have a default."""
    fields = {f.column: f for f in model._meta.concrete_fields}
    unknown = set(given) - set(fields)
    if unknown:
        raise SystemExit(
            f"{model._meta.db_table}: unknown columns {sorted(unknown)}: update bench/generate_planning.py"
        )
    missing = [c for c, f in fields.items() if c not in given and not _defaulted(f) and not f.null]
    if missing:
        raise SystemExit(f"{model._meta.db_table}: no value for {missing}: update bench/generate_planning.py")
    return [fields[c] for c in given]


def copy_tuples(cursor: Any, model: Any, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """COPY tuples (in ``columns`` order) into the model's table; omitted columns take the DB default
    (NULL) so they are checked to be nullable or defaulted in Python: defaults are added explicitly."""
    from django.db import connection

    fields = _columns(model, columns)
    extra = [f for f in model._meta.concrete_fields if f.column not in columns and _defaulted(f) and not f.primary_key]
    extra_values = []
    for f in extra:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            value = dt.datetime.now(dt.UTC)
        else:
            value = f.get_default() if f.has_default() else ""
        extra_values.append(f.get_db_prep_save(value, connection) if value is not None else None)
    quote = connection.ops.quote_name
    all_columns = [f.column for f in fields] + [f.column for f in extra]
    statement = f"COPY {quote(model._meta.db_table)} ({', '.join(quote(c) for c in all_columns)}) FROM STDIN"
    count = 0
    with cursor.copy(statement) as copy:
        if extra_values:
            tail = tuple(extra_values)
            for row in rows:
                copy.write_row((*row, *tail))
                count += 1
        else:
            for row in rows:
                copy.write_row(row)
                count += 1
    return count


def copy_dicts(cursor: Any, model: Any, rows: list[dict[str, Any]]) -> int:
    if not rows:
        return 0
    columns = list(rows[0])
    return copy_tuples(cursor, model, columns, ([r[c] for c in columns] for r in rows))


class DeferredIndexes:
    """Drop a table's secondary indexes and foreign keys for a bulk COPY, recreate them after
    (CREATE INDEX and ADD CONSTRAINT validate everything again). Same transaction throughout."""

    def __init__(self, cursor: Any, table: str) -> None:
        self.cursor = cursor
        self.table = table

    def __enter__(self) -> DeferredIndexes:
        cur = self.cursor
        cur.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'f'",
            [self.table],
        )
        self.fks = cur.fetchall()
        cur.execute(
            """SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
               WHERE x.indrelid = %s::regclass AND NOT x.indisprimary
                 AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid)""",
            [self.table],
        )
        self.indexes = cur.fetchall()
        # Pending deferred FK checks (earlier COPYs) would block ALTER TABLE: run them now.
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for name, _ in self.fks:
            cur.execute(f'ALTER TABLE "{self.table}" DROP CONSTRAINT "{name}"')
        for name, _ in self.indexes:
            cur.execute(f'DROP INDEX "{name}"')
        cur.execute("SET CONSTRAINTS ALL DEFERRED")
        return self

    def __exit__(self, exc_type: Any, *rest: Any) -> None:
        if exc_type is not None:
            return  # the transaction rolls back and restores them
        cur = self.cursor
        cur.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for _, definition in self.indexes:
            cur.execute(definition)
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for name, definition in self.fks:
            cur.execute(f'ALTER TABLE "{self.table}" ADD CONSTRAINT "{name}" {definition}')
        cur.execute("SET CONSTRAINTS ALL DEFERRED")


# --- Data ---------------------------------------------------------------------------------------
def cents(value: int) -> str:
    return f"{value // 100}.{value % 100:02d}"


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=dt.UTC)


def update_dates() -> list[dt.date]:
    span = (LAST_UPDATE - FIRST_UPDATE).days
    return [
        FIRST_UPDATE + dt.timedelta(days=round(u * span / (UPDATES_PER_MEASURE - 1)))
        for u in range(UPDATES_PER_MEASURE)
    ]


def generate(args: argparse.Namespace) -> None:
    name = database_name()
    timer = Timer()
    import django

    django.setup()
    from django.apps import apps
    from django.core.management.color import no_style
    from django.db import connection, transaction

    from ronda.accounts.models import Membership
    from ronda.coordination import models as co
    from ronda.core.roles import Role
    from ronda.council import models as cm
    from ronda.planning import demo_content
    from ronda.planning import models as pm
    from ronda.territory.models import Area, Level, OrgUnit

    log(f"Loading plans, progress history, councils and coordination bodies into {name!r}")
    munis = list(OrgUnit.objects.filter(level=Level.MUNICIPALITY).order_by("id").values_list("id", "code", "name"))
    if len(munis) != EXPECTED_MUNICIPALITIES:
        sys.exit(f"expected {EXPECTED_MUNICIPALITIES} municipalities, found {len(munis)}: run bench/generate.py first")
    coordinator: dict[int, tuple[int, str]] = {}
    for unit_id, user_id, username in (
        Membership.objects.filter(role=Role.COORDINATOR, is_active=True, org_unit__level=Level.MUNICIPALITY)
        .order_by("user_id")
        .values_list("org_unit_id", "user_id", "user__username")
    ):
        coordinator.setdefault(unit_id, (user_id, username))
    if len(coordinator) != len(munis):
        sys.exit(f"{len(coordinator)} municipalities have a coordinator, expected {len(munis)}: run bench/generate.py")
    # Issue #13: an area focal point who sits on the body (not its coordinator), where the
    # municipality has one, so that the load test reads the body's pages as a member.
    focal: dict[int, tuple[int, str]] = {}
    for unit_id, user_id, username in (
        Membership.objects.filter(role=Role.AREA_FOCAL, is_active=True, org_unit__level=Level.MUNICIPALITY)
        .order_by("user_id")
        .values_list("org_unit_id", "user_id", "user__username")
    ):
        focal.setdefault(unit_id, (user_id, username))
    timer.step("read municipalities and coordinators")

    rng = random.Random(SEED)
    now = dt.datetime.now(dt.UTC)
    tz = ZoneInfo("America/Costa_Rica")
    owned_models = [
        m
        for label in ("planning", "council", "coordination", "accountability")
        for m in apps.get_app_config(label).get_models(include_auto_created=True)
    ]
    counts: dict[str, int] = {}

    with transaction.atomic(), connection.cursor() as wrapper:
        cur = wrapper.cursor  # the psycopg 3 cursor under Django's wrapper
        quote = connection.ops.quote_name
        tables = ", ".join(quote(m._meta.db_table) for m in owned_models)
        # CASCADE: the apps built above the planning cycle (consultations, evaluation, improvement,
        # links — issue #13) point at plans, measures and meetings; their rows go with them (the
        # self-assessment's national checklist points at none of these and stays).
        wrapper.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
        deleted, _ = Area.objects.filter(
            org_unit__level=Level.MUNICIPALITY,
            kind__in=[k for k, _ in EXTRA_AREAS],
            name__in=[n for _, n in EXTRA_AREAS],
        ).delete()
        timer.step(f"truncate planning/council/coordination, drop {deleted} old extra areas")

        # --- Areas: the 2 of generate.py + 3 more per municipality ---------------------------
        areas_of: dict[int, list[tuple[int, str]]] = {mid: [] for mid, _, _ in munis}
        for area_id, unit_id, area_name in (
            Area.objects.filter(org_unit__level=Level.MUNICIPALITY)
            .order_by("id")
            .values_list("id", "org_unit_id", "name")
        ):
            areas_of[unit_id].append((area_id, area_name))
        next_id = (Area.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
        area_rows = []
        for mid, _, _ in munis:
            for kind, label in EXTRA_AREAS:
                area_rows.append((next_id, now, now, 1, mid, kind, label, True))
                areas_of[mid].append((next_id, label))
                next_id += 1
        counts["territory_area (added)"] = copy_tuples(
            cur,
            Area,
            ["id", "created_at", "updated_at", "version", "org_unit_id", "kind", "name", "is_active"],
            area_rows,
        )
        timer.step(f"COPY extra areas ({counts['territory_area (added)']:,})")

        # --- Plans, lines, objectives --------------------------------------------------------
        plan_created = at(dt.date(2024, 10, 1))
        plan_rows, line_rows, objective_rows = [], [], []
        plan_of: dict[int, int] = {}
        for p, (mid, _code, mname) in enumerate(munis):
            plan_id = p + 1
            plan_of[mid] = plan_id
            plan_rows.append(
                (
                    plan_id, plan_created, at(APPROVED_ON), 1, mid,
                    f"Plan Local de Niñez y Adolescencia 2025–2028 de {mname}", PLAN_START, PLAN_END,
                    pm.PlanStatus.IN_EXECUTION.value, pm.Weighting.BUDGET.value, APPROVED_ON, "Concejo Municipal",
                    f"Acta de sesión ordinaria n.º {100 + p % 50}", None,
                )
            )  # fmt: skip
            for li, (line_title, goal_area, objectives) in enumerate(demo_content.LINES):
                line_id = p * LINES_PER_PLAN + li + 1
                line_rows.append((line_id, plan_created, plan_created, plan_id, li + 1, line_title, goal_area))
                for oi, objective_title in enumerate(objectives[:OBJECTIVES_PER_LINE]):
                    objective_id = (line_id - 1) * OBJECTIVES_PER_LINE + oi + 1
                    objective_rows.append(
                        (
                            objective_id,
                            plan_created,
                            plan_created,
                            line_id,
                            oi + 1,
                            objective_title.replace("{c}", mname),
                        )
                    )
        counts["planning_localplan"] = copy_tuples(
            cur, pm.LocalPlan,
            ["id", "created_at", "updated_at", "version", "org_unit_id", "title", "period_start", "period_end", "status",
             "weighting", "approved_on", "approved_by", "approval_reference", "situation_analysis_id"],
            plan_rows,
        )  # fmt: skip
        counts["planning_strategicline"] = copy_tuples(
            cur,
            pm.StrategicLine,
            ["id", "created_at", "updated_at", "plan_id", "order", "title", "goal_area"],
            line_rows,
        )
        counts["planning_objective"] = copy_tuples(
            cur, pm.Objective, ["id", "created_at", "updated_at", "line_id", "order", "title"], objective_rows
        )
        timer.step(f"COPY plans, lines, objectives ({len(plan_rows):,} / {len(line_rows):,} / {len(objective_rows):,})")

        # --- Measures (their progress is the one of the last update, computed here) ------------
        demo_measures = demo_content.MEASURES
        activities = [demo_content.in_country(a, "CR") for m in demo_measures for a in m[14]]
        dates = update_dates()
        n_measures = len(munis) * MEASURES_PER_PLAN
        final_cents = [0] * n_measures  # final progress of each measure in hundredths of a percent
        measure_author = [0] * n_measures
        measure_plan = [0] * n_measures
        measure_activity = [0] * n_measures
        measure_rows, budget_rows, indicator_rows = [], [], []
        horizons = ["short"] * 10 + ["medium"] * 20 + ["long"] * 20
        horizon_end = {"short": dt.date(2026, 12, 31), "medium": dt.date(2027, 12, 31), "long": PLAN_END}
        measure_created = at(dt.date(2024, 11, 15))
        budget_id = indicator_id = 0
        for p, (mid, _, mname) in enumerate(munis):
            plan_id = p + 1
            areas = areas_of[mid]
            author_id = coordinator[mid][0]
            rng.shuffle(horizons)
            for k in range(MEASURES_PER_PLAN):
                m_index = p * MEASURES_PER_PLAN + k
                measure_id = m_index + 1
                li, rest = divmod(k, OBJECTIVES_PER_LINE * MEASURES_PER_OBJECTIVE)
                oi = rest // MEASURES_PER_OBJECTIVE
                objective_id = (p * LINES_PER_PLAN + li) * OBJECTIVES_PER_LINE + oi + 1
                demo = demo_measures[(p + k) % len(demo_measures)]
                horizon = horizons[k]
                end = horizon_end[horizon]
                roll = rng.random()
                if roll < 0.08:
                    final, status = 10_000, pm.MeasureStatus.COMPLETED
                elif roll < 0.10:
                    final, status = rng.randint(500, 4_000), pm.MeasureStatus.CANCELLED
                elif roll < 0.20:
                    final, status = rng.randint(300, 3_500), pm.MeasureStatus.DELAYED
                else:
                    final, status = rng.randint(1_500, 9_500), pm.MeasureStatus.IN_PROGRESS
                final_cents[m_index] = final
                measure_author[m_index] = author_id
                measure_plan[m_index] = plan_id
                activity = rng.randrange(len(activities))
                measure_activity[m_index] = activity
                justification = (
                    f"Informe {UPDATES_PER_MEASURE} de {UPDATES_PER_MEASURE}: {activities[activity]}. "
                    f"Avance acumulado: {cents(final)} %."
                )
                measure_rows.append(
                    (
                        measure_id, measure_created, at(LAST_UPDATE), 1, plan_id, objective_id, f"M-{k + 1:02d}",
                        demo_content.in_country(demo[2], "CR").replace("{c}", mname),
                        demo_content.in_country(demo[14][0], "CR") if demo[14] else "",
                        areas[k % len(areas)][0], horizon, PLAN_START, end, status.value, cents(final), justification,
                        LAST_UPDATE, None,
                    )
                )  # fmt: skip
                yearly = rng.randrange(20, 600) * 100
                for year in range(PLAN_START.year, end.year + 1):
                    if year == 2025:
                        executed = int(yearly * rng.uniform(0.55, 1.0))
                    elif year == 2026:
                        executed = int(yearly * rng.uniform(0.3, 0.9))
                    else:
                        executed = 0
                    budget_id += 1
                    budget_rows.append((budget_id, measure_id, year, f"{yearly}.00", f"{executed}.00"))
                ind_name, ind_unit, baseline, target = demo[13]
                ind_name = demo_content.in_country(ind_name, "CR")
                for i in range(INDICATORS_PER_MEASURE):
                    indicator_id += 1
                    # Values live in the Tablero (decision 0021): the bench's indicators have none yet.
                    indicator_rows.append(
                        (
                            indicator_id, measure_id, ind_name if i == 0 else f"{ind_name} (seguimiento trimestral)",
                            ind_unit, Decimal(baseline), 2024, Decimal(target),
                        )
                    )  # fmt: skip
        counts["planning_measure"] = copy_tuples(
            cur, pm.Measure,
            ["id", "created_at", "updated_at", "version", "plan_id", "objective_id", "code", "title", "description",
             "responsible_area_id", "horizon", "start_date", "end_date", "status", "progress", "progress_justification",
             "progress_updated_on", "source_opportunity_id"],
            measure_rows,
        )  # fmt: skip
        timer.step(f"COPY measures ({counts['planning_measure']:,})")
        counts["planning_measurebudget"] = copy_tuples(
            cur, pm.MeasureBudget, ["id", "measure_id", "year", "planned", "executed"], budget_rows
        )
        timer.step(f"COPY budgets ({counts['planning_measurebudget']:,})")
        counts["planning_measureindicator"] = copy_tuples(
            cur, pm.MeasureIndicator,
            ["id", "measure_id", "name", "unit", "baseline", "baseline_year", "target"],
            indicator_rows,
        )  # fmt: skip
        timer.step(f"COPY indicators ({counts['planning_measureindicator']:,})")
        del measure_rows, budget_rows, indicator_rows

        change_rows = []
        for p, (mid, _, _) in enumerate(munis):
            for c in range(CHANGES_PER_PLAN):
                what, why = CHANGE_TEXTS[c]
                day = dt.date(2025, 4, 15) + dt.timedelta(days=190 * c + p % 30)
                change_rows.append(
                    (
                        p * CHANGES_PER_PLAN + c + 1, p + 1, p * MEASURES_PER_PLAN + rng.randrange(MEASURES_PER_PLAN) + 1,
                        day, what, why, f"Concejo Municipal, sesión ordinaria n.º {20 + c}", coordinator[mid][0], at(day, 16),
                    )
                )  # fmt: skip
        counts["planning_planchange"] = copy_tuples(
            cur, pm.PlanChange,
            ["id", "plan_id", "measure_id", "changed_on", "what", "why", "approved_by", "recorded_by_id", "created_at"],
            change_rows,
        )  # fmt: skip
        timer.step(f"COPY plan changes ({counts['planning_planchange']:,})")

        # --- Progress updates: 36 rounds over every measure, oldest first ----------------------
        table = pm.ProgressUpdate._meta.db_table
        with DeferredIndexes(cur, table) as deferred:
            timer.step(f"drop {len(deferred.indexes)} indexes + {len(deferred.fks)} FKs of {table}")

            def update_rows() -> Iterable[tuple[Any, ...]]:
                update_id = 0
                n_acts = len(activities)
                for u, day in enumerate(dates):
                    created = at(day, 15)
                    step = u + 1
                    head = f"Informe {step} de {UPDATES_PER_MEASURE}: "
                    for m_index in range(n_measures):
                        update_id += 1
                        pct = cents(final_cents[m_index] * step // UPDATES_PER_MEASURE)
                        activity = activities[(measure_activity[m_index] + u - UPDATES_PER_MEASURE + 1) % n_acts]
                        yield (
                            update_id,
                            m_index + 1,
                            measure_plan[m_index],
                            day,
                            pct,
                            f"{head}{activity}. Avance acumulado: {pct} %.",
                            measure_author[m_index],
                            created,
                        )

            counts[table] = copy_tuples(
                cur,
                pm.ProgressUpdate,
                ["id", "measure_id", "plan_id", "reported_on", "percent", "justification", "author_id", "created_at"],
                update_rows(),
            )
            timer.step(f"COPY progress updates ({counts[table]:,})")
        timer.step(f"recreate indexes + validate FKs of {table}")

        # --- Children's councils ---------------------------------------------------------------
        council_rows, session_rows, acc_rows, request_rows = [], [], [], []
        span = (dt.date(2026, 10, 15) - dt.date(2025, 2, 20)).days
        statuses = [
            cm.RequestStatus.ACCEPTED,
            cm.RequestStatus.PARTLY_ACCEPTED,
            cm.RequestStatus.REJECTED,
            cm.RequestStatus.IMPLEMENTED,
        ]
        for p, (mid, _, mname) in enumerate(munis):
            council_id = p + 1
            council_rows.append(
                (
                    council_id,
                    now,
                    now,
                    1,
                    mid,
                    f"Consejo Local de Niñez y Adolescencia de {mname}",
                    dt.date(2024, 3, 15),
                    30,
                )
            )
            for s, day in enumerate(COUNCIL_SESSIONS):
                session_rows.append(
                    (p * len(COUNCIL_SESSIONS) + s + 1, at(day), at(day), 1, council_id, day, "Casa comunal",
                     "Propuestas del consejo, seguimiento de respuestas, juego y convivencia.", rng.randint(8, 25))
                )  # fmt: skip
            for s, day in enumerate(ACCOUNTABILITY_SESSIONS):
                acc_rows.append(
                    (p * len(ACCOUNTABILITY_SESSIONS) + s + 1, at(day), at(day), 1, council_id, day,
                     "La mesa de coordinación explicó el avance del plan y el presupuesto ejecutado.",
                     "Preguntaron por el parque y por el transporte escolar.", rng.randint(10, 30))
                )  # fmt: skip
            areas = areas_of[mid]
            for r in range(COUNCIL_REQUESTS):
                received = dt.date(2025, 2, 20) + dt.timedelta(days=round(r * span / (COUNCIL_REQUESTS - 1)))
                session_index = max((i for i, d in enumerate(COUNCIL_SESSIONS) if d <= received), default=None)
                session_id = p * len(COUNCIL_SESSIONS) + session_index + 1 if session_index is not None else None
                due = received + dt.timedelta(days=30)
                title, description = REQUEST_TEXTS[(p + r) % len(REQUEST_TEXTS)]
                if r < COUNCIL_REQUESTS - COUNCIL_OPEN_REQUESTS:
                    status = statuses[(p + r) % len(statuses)]
                    answered = received + dt.timedelta(days=rng.choice([7, 14, 21, 28, 35, 45]))
                    answer = ANSWERS[statuses.index(status)]
                    implemented = (
                        min(answered + dt.timedelta(days=60), TODAY - dt.timedelta(days=1))
                        if status == cm.RequestStatus.IMPLEMENTED
                        else None
                    )
                else:
                    status = cm.RequestStatus.UNDER_STUDY if r % 2 else cm.RequestStatus.RECEIVED
                    answered, answer, implemented = None, "", None
                request_rows.append(
                    (p * COUNCIL_REQUESTS + r + 1, at(received), at(answered or received), 1, council_id, session_id,
                     "proposal" if r % 3 == 0 else "request", title, description,
                     ("equity", "participation", "services", "environment", "family")[r % 5],
                     areas[r % len(areas)][0], received, due, status.value, answer, answered, implemented)
                )  # fmt: skip
        counts["council_childrencouncil"] = copy_tuples(
            cur, cm.ChildrenCouncil,
            ["id", "created_at", "updated_at", "version", "org_unit_id", "name", "established_on", "response_days"],
            council_rows,
        )  # fmt: skip
        counts["council_councilsession"] = copy_tuples(
            cur, cm.CouncilSession,
            ["id", "created_at", "updated_at", "version", "council_id", "held_on", "place", "topics", "attendees"],
            session_rows,
        )  # fmt: skip
        counts["council_accountabilitysession"] = copy_tuples(
            cur, cm.AccountabilitySession,
            ["id", "created_at", "updated_at", "version", "council_id", "held_on", "summary", "children_questions",
             "attendees"],
            acc_rows,
        )  # fmt: skip
        counts["council_councilrequest"] = copy_tuples(
            cur, cm.CouncilRequest,
            ["id", "created_at", "updated_at", "version", "council_id", "session_id", "kind", "title", "description",
             "goal_area", "routed_area_id", "received_on", "due_on", "status", "answer", "answered_on",
             "implemented_on"],
            request_rows,
        )  # fmt: skip
        timer.step(
            f"COPY councils, sessions, accountability, requests ({len(council_rows):,} / {len(session_rows):,} / "
            f"{len(acc_rows):,} / {len(request_rows):,})"
        )

        # --- Coordination bodies -----------------------------------------------------------------
        body_rows, member_rows, meeting_rows, attendance_rows, agreement_rows = [], [], [], [], []
        meetings_per_body = len(HELD_MEETINGS) + 1
        attendance_id = 0
        for p, (mid, _, mname) in enumerate(munis):
            body_id = p + 1
            body_rows.append(
                (body_id, now, now, 1, mid, f"Mesa de coordinación de niñez de {mname}", dt.date(2024, 5, 10),
                 "Código de conducta y ruta de reporte para el personal que trabaja con niñas, niños y adolescentes.")
            )  # fmt: skip
            areas = areas_of[mid]
            member_ids = []
            for k in range(BODY_MEMBERS):
                member_id = p * BODY_MEMBERS + k + 1
                member_ids.append(member_id)
                member_rows.append(
                    (member_id, now, now, 1, body_id, f"Integrante {k + 1} de {mname}",
                     areas[k][0] if k < len(areas) else None, None, "political" if k < 2 else "technical",
                     "Alcaldía" if k == 0 else ("Concejo" if k == 1 else "Técnico/a de área"), "", "",
                     coordinator[mid][0] if k == 2 else (focal[mid][0] if k == 3 and mid in focal else None),
                     dt.date(2024, 5, 10), None)
                )  # fmt: skip
            first_meeting = p * meetings_per_body + 1
            for i, day in enumerate([*HELD_MEETINGS, NEXT_MEETING]):
                meeting_id = first_meeting + i
                held = day < TODAY
                kind = "extraordinary" if i == 4 else ("urgent" if i == 7 else "ordinary")
                approved_at = meeting_id + 1 if held and i + 1 < len(HELD_MEETINGS) else None
                meeting_rows.append(
                    (meeting_id, at(day), at(day), 1, body_id, None, kind, "virtual" if i % 3 == 2 else "in_person",
                     dt.datetime(day.year, day.month, day.day, 15, 0, tzinfo=tz), "Sala de sesiones", "",
                     "held" if held else "scheduled", MEETING_MINUTES if held else "",
                     "approved" if approved_at else ("draft" if held else "none"), approved_at)
                )  # fmt: skip
                if held:
                    for member_id in member_ids:
                        attendance_id += 1
                        roll = rng.random()
                        status = "present" if roll < 0.8 else ("absent" if roll < 0.9 else "excused")
                        attendance_rows.append((attendance_id, meeting_id, member_id, status))
            for a in range(AGREEMENTS):
                meeting_index = a % len(HELD_MEETINGS)
                due = HELD_MEETINGS[meeting_index] + dt.timedelta(days=45 + 15 * (a % 3))
                roll = rng.random()
                completed = None
                if roll < 0.05:
                    status = "cancelled"
                elif due < TODAY and roll < 0.80:
                    status = "done"
                    completed = due + dt.timedelta(days=-10 if roll < 0.65 else 20)
                    completed = min(completed, TODAY - dt.timedelta(days=1))
                else:
                    status = "in_progress" if a % 2 else "pending"
                agreement_rows.append(
                    (p * AGREEMENTS + a + 1, at(HELD_MEETINGS[meeting_index]), at(completed or HELD_MEETINGS[meeting_index]),
                     1, body_id, first_meeting + meeting_index, AGREEMENT_TEXTS[a % len(AGREEMENT_TEXTS)],
                     areas[a % len(areas)][0], member_ids[a % BODY_MEMBERS] if a % 4 == 0 else None, due, status,
                     completed)
                )  # fmt: skip
        counts["coordination_coordinationbody"] = copy_tuples(
            cur, co.CoordinationBody,
            ["id", "created_at", "updated_at", "version", "org_unit_id", "name", "established_on",
             "safeguarding_protocol"],
            body_rows,
        )  # fmt: skip
        counts["coordination_bodymember"] = copy_tuples(
            cur, co.BodyMember,
            ["id", "created_at", "updated_at", "version", "body_id", "full_name", "area_id", "institution_id", "level",
             "position", "email", "phone", "user_id", "start_date", "end_date"],
            member_rows,
        )  # fmt: skip
        # Minutes are approved at the next meeting: a self-reference, checked at commit (deferred FK).
        counts["coordination_meeting"] = copy_tuples(
            cur, co.Meeting,
            ["id", "created_at", "updated_at", "version", "body_id", "commission_id", "kind", "mode", "scheduled_at",
             "place", "link", "status", "minutes_text", "minutes_status", "minutes_approved_at_id"],
            meeting_rows,
        )  # fmt: skip
        counts["coordination_attendance"] = copy_tuples(
            cur, co.Attendance, ["id", "meeting_id", "member_id", "status"], attendance_rows
        )
        counts["coordination_agreement"] = copy_tuples(
            cur, co.Agreement,
            ["id", "created_at", "updated_at", "version", "body_id", "meeting_id", "text", "owner_area_id",
             "owner_member_id", "due_date", "status", "completed_on"],
            agreement_rows,
        )  # fmt: skip
        timer.step(
            f"COPY bodies, members, meetings, attendance, agreements ({len(body_rows):,} / {len(member_rows):,} / "
            f"{len(meeting_rows):,} / {len(attendance_rows):,} / {len(agreement_rows):,})"
        )

        # --- Consistency checks (must all be 0) -------------------------------------------------
        checks = {
            "measure.plan differs from its objective's plan": """
                SELECT count(*) FROM planning_measure m JOIN planning_objective o ON o.id = m.objective_id
                JOIN planning_strategicline l ON l.id = o.line_id WHERE l.plan_id <> m.plan_id""",
            "responsible area outside the plan's municipality": """
                SELECT count(*) FROM planning_measure m JOIN planning_localplan p ON p.id = m.plan_id
                JOIN territory_area a ON a.id = m.responsible_area_id WHERE a.org_unit_id <> p.org_unit_id""",
            "measure.progress differs from its latest update": """
                SELECT count(*) FROM planning_measure m JOIN (
                    SELECT DISTINCT ON (measure_id) measure_id, percent, reported_on FROM planning_progressupdate
                    ORDER BY measure_id, reported_on DESC, id DESC) u ON u.measure_id = m.id
                WHERE u.percent <> m.progress OR u.reported_on <> m.progress_updated_on""",
            "progress update's plan differs from its measure's plan": """
                SELECT count(*) FROM planning_progressupdate u JOIN planning_measure m ON m.id = u.measure_id
                WHERE u.plan_id <> m.plan_id""",
            "progress update in the future or before the plan": """
                SELECT count(*) FROM planning_progressupdate u JOIN planning_measure m ON m.id = u.measure_id
                JOIN planning_localplan p ON p.id = m.plan_id
                WHERE u.reported_on > DATE '2026-11-22' OR u.reported_on < p.period_start""",
            "request routed to another municipality's area": """
                SELECT count(*) FROM council_councilrequest r JOIN council_childrencouncil c ON c.id = r.council_id
                JOIN territory_area a ON a.id = r.routed_area_id WHERE a.org_unit_id <> c.org_unit_id""",
        }
        for label, sql_check in checks.items():
            wrapper.execute(sql_check)
            bad = wrapper.fetchone()[0]
            if bad:
                raise SystemExit(f"consistency check failed: {label}: {bad} rows")
        timer.step(f"consistency checks ({len(checks)}, all 0)")

        for statement in connection.ops.sequence_reset_sql(no_style(), [*owned_models, Area]):
            wrapper.execute(statement)
        timer.step("reset sequences")
    timer.step("commit (deferred FK checks)")

    with connection.cursor() as wrapper:
        for m in [*owned_models, Area]:
            wrapper.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(m._meta.db_table)}")
    timer.step("VACUUM ANALYZE")

    with connection.cursor() as wrapper:
        wrapper.execute(
            "SELECT pg_size_pretty(pg_total_relation_size('planning_progressupdate')), "
            "pg_size_pretty(pg_database_size(current_database()))"
        )
        update_size, db_size = wrapper.fetchone()
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    payload = {
        "generated_at": now.isoformat(),
        "database": name,
        "counts": counts,
        "sizes": {"planning_progressupdate": update_size, "database": db_size},
        "municipalities": [
            {
                "id": mid,
                "code": code,
                "plan_id": plan_of[mid],
                "coordinator": coordinator[mid][1],
                # A seated focal point (or None) and the body's coming meeting, for the member's pages.
                "focal": focal[mid][1] if mid in focal else None,
                "next_meeting": (p + 1) * meetings_per_body,
            }
            for p, (mid, code, _) in enumerate(munis)
        ],
    }
    PLANNING_FILE.write_text(json.dumps(payload, indent=1), encoding="utf-8")
    log(f"Done in {timer.total():.1f} s; progress updates {update_size}, database {db_size}")
    for table, n in counts.items():
        log(f"  {table:<40} {n:>10,}")


def check() -> int:
    name = database_name()
    if not PLANNING_FILE.exists():
        log(f"check: {PLANNING_FILE.relative_to(ROOT)} missing")
        return 1
    import django

    django.setup()
    from django.db import connection
    from django.db.utils import OperationalError, ProgrammingError

    payload = json.loads(PLANNING_FILE.read_text(encoding="utf-8"))
    try:
        with connection.cursor() as cur:
            cur.execute(
                "SELECT (SELECT count(*) FROM planning_localplan), (SELECT count(*) FROM planning_measure), "
                "(SELECT count(*) FROM planning_progressupdate), (SELECT count(*) FROM council_councilrequest), "
                "(SELECT count(*) FROM coordination_agreement)"
            )
            plans, measures, updates, requests, agreements = cur.fetchone()
            first = payload["municipalities"][0]
            cur.execute("SELECT org_unit_id FROM planning_localplan WHERE id = %s", [first["plan_id"]])
            row = cur.fetchone()
    except (OperationalError, ProgrammingError) as exc:
        log(f"check: database {name!r} not ready: {exc}")
        return 1
    expected = payload["counts"]
    ok = (
        payload.get("database") == name
        and plans == expected["planning_localplan"] == EXPECTED_MUNICIPALITIES
        and measures == expected["planning_measure"]
        and updates == expected["planning_progressupdate"]
        and requests == expected["council_councilrequest"]
        and agreements == expected["coordination_agreement"]
        and row is not None
        and row[0] == first["id"]
    )
    if not ok:
        log(f"check: planning data missing or different (plans {plans}, measures {measures}, updates {updates})")
        return 1
    log(f"check: planning data loaded in {name!r} ({payload['generated_at']}): {plans} plans, {updates:,} updates")
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="only verify the planning data is loaded (exit 0/1)")
    args = parser.parse_args()
    if args.check:
        sys.exit(check())
    generate(args)


if __name__ == "__main__":
    main()
