#!/usr/bin/env python
"""The case route's national-scale data (issue #11, "Performance"), on top of bench/generate.py's territory.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ronda_bench \
    DJANGO_SETTINGS_MODULE=ronda.settings .venv/bin/python bench/generate_cases.py [--scale 1.0] [--check]

At ``--scale 1.0`` (the judged run) it loads, in SQL (``INSERT … SELECT`` over ``generate_series`` with a
seeded ``random()``, never a Python loop over the rows):

* **1,000,000 children** with Ecuadorian first names and surnames drawn from lists (common surnames far
  more often than rare ones), compound first names, a missing second surname now and then, a date of birth
  or an estimated age. Their search keys (``given_key``, ``paternal_key``, ``maternal_key``, ``birth_year``,
  ``search_text``) are those the app computes: ``cases.duplicates.keys_of`` is run in Python once per name
  of the lists, and SQL only combines them (``--verify`` recomputes them for sampled rows);
* caregivers for 60 % of them (a mother; a father for half of those), with the folded ``name_key``;
* **1,200,000 cases** (one per child, and 200,000 more for children drawn at random), spread along the route
  (registered 15 %, family visits 20 %, mediation 12 %, referral 10 %, follow-up 13 %, closed 30 %), risk
  high/medium/low 15/45/40 %, **5 % sensitive** (with a sexual-violence type), numbered per municipality and
  year; their violation types (1 or 2, from Ecuador's taxonomy loaded by ``cases.taxonomy.load_taxonomy``)
  with the mandatory-referral deadline; tasks (the first visit, a follow-up for open cases, some overdue),
  family visits, referrals to the municipality's Junta Cantonal or Fiscalía (loaded here, 3 per
  municipality), assignments of 10 % of the cases to the municipality's supervisor where there is one
  (bench/generate.py has 250, so about 1 % of all cases at full scale);
* **10,000,000 case events**: the route's own (opened, one per step reached, closed), then reassignments,
  closure requests and returns, reopenings up to the total;
* **30,000,000 access events** (``cases.case`` and ``cases.child``, by the defender in charge or the
  municipality's supervisor, filed under the community's path) since each case was registered.

``--scale`` (default 1.0) keeps the density of a municipality and covers fewer of them: at 0.01 the data
fill 25 municipalities (400 children and 480 cases each, as at full scale) — test with that, never run the
full scale on a shared machine. bench/generate.py makes 5,588 defenders, one in each of as many communities,
and 250 supervisors; its ``--check`` counts the users, so no user is added here: cases live in the
communities that have a defender (about 2 per municipality), owned by that defender. The municipalities
with a supervisor come first (all of them at small scale).

The case tables and ``core_accessevent`` are emptied first (TRUNCATE: nothing else in the bench writes
access events). Secondary indexes and unique constraints are dropped during the load and rebuilt after
(an interrupted run rebuilds them from ``out/cases_indexes.json``), then ``VACUUM ANALYZE``. The sampled
defenders and supervisors get a confirmed TOTP device with the bench key (bench/second_factor.py) and an
API token (``otp_verified``); ``bench/out/cases.json`` lists them with their cases, search words and
duplicate-registration payloads for bench/locust_cases.py. ``--check`` exits 0 when the data of that
scale are there. Prints timings.
"""

# Bulk SQL over table names read from the models' _meta and constants of this file (no outside input).
# ruff: noqa: S608
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import secrets
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
OUT_FILE = BENCH_DIR / "out" / "cases.json"
INDEX_FILE = BENCH_DIR / "out" / "cases_indexes.json"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ronda.settings")

LAYOUT_VERSION = 1
SEED = 20261202
# Full scale (--scale 1.0).
MUNICIPALITIES = 2_500
CHILDREN = 1_000_000
CASES = 1_200_000
CASE_EVENTS = 10_000_000
ACCESS_EVENTS = 30_000_000
# Sampled for the load test.
SAMPLE_DEFENDERS = 200
SAMPLE_SUPERVISORS = 100
TOKEN_NAME = "bench-cases"  # noqa: S105 - the name of the bench's API tokens, not a secret
# The institutions made here (so that a new load removes them and nothing else).
INSTITUTION_MARK = "bench-cases"

# --- Names (Ecuador; Loja and the rest of the country) ------------------------------------------
GIRLS = [
    "María", "María José", "María Fernanda", "María Belén", "María Isabel", "María del Cisne", "Ana",
    "Ana Lucía", "Ana Belén", "Valentina", "Camila", "Sofía", "Dayana", "Nataly", "Natalia", "Génesis",
    "Ximena", "Jimena", "Estefanía", "Joselyn", "Mishel", "Michelle", "Yadira", "Daniela", "Ariana",
    "Emily", "Paula", "Nicole", "Valeria", "Guadalupe", "Luz María", "Anahí", "Doménica", "Kerly",
    "Lizbeth", "Jhuliana", "Fernanda", "Gabriela", "Andrea", "Alejandra", "Carolina", "Cristina",
    "Rosa", "Rosa Elena", "Carmen", "Martina", "Isabella", "Samantha", "Allison", "Tatiana", "Paola",
    "Karla", "Evelyn", "Johanna", "Katherine", "Melany", "Mayerli", "Salomé", "Danna", "Abigail",
    "Lucía", "Elena", "Mercedes", "Pamela", "Jessica", "Viviana", "Nayeli", "Sisa", "Killa", "Sumak",
]  # fmt: skip
BOYS = [
    "José", "José Luis", "José Miguel", "Juan", "Juan Carlos", "Juan José", "Juan Pablo", "Jhonatan",
    "Jonathan", "Kevin", "Brayan", "Bryan", "Byron", "Anderson", "Santiago", "Mateo", "Sebastián",
    "Alexander", "Luis", "Luis Ángel", "Luis Alberto", "Wilson", "Diego", "Josué", "Jostin", "Cristian",
    "Francisco", "Darwin", "Jefferson", "Jhon", "Alejandro", "Carlos", "Andrés", "Segundo", "Édison",
    "Miguel", "Miguel Ángel", "Fernando", "Daniel", "David", "Gabriel", "Javier", "Jorge", "Manuel",
    "Pedro", "Pablo", "Ángel", "Antonio", "Eduardo", "Ricardo", "Roberto", "Marco", "Marco Antonio",
    "Stalin", "Washington", "Fausto", "Ramiro", "Hugo", "Víctor", "Joel", "Dylan", "Thiago", "Emiliano",
    "Isaac", "Samuel", "Matías", "Nicolás", "Esteban", "Inti", "Yupanqui",
]  # fmt: skip
SURNAMES = [
    "Jiménez", "Quezada", "Guamán", "Sarango", "Cueva", "Ordóñez", "Castillo", "Armijos", "Torres",
    "Yépez", "Pineda", "Chamba", "Merino", "Tandazo", "Japón", "Medina", "Vélez", "Cabrera", "Sánchez",
    "Abad", "Ramón", "Jaramillo", "Lozano", "Macas", "Tene", "Zhunaula", "Paladines", "Celi", "Quizhpe",
    "Gualán", "Ochoa", "Riofrío", "Guachizaca", "Vire", "Chalán", "Lima", "Aguirre", "Poma", "Maldonado",
    "Soto", "Salinas", "Ortega", "Córdova", "Ludeña", "Masache", "Pucha", "Sisalima", "Ríos", "Espinoza",
    "Calva", "Rojas", "Morocho", "Tapia", "Valarezo", "Granda", "Cartuche", "García", "Rodríguez",
    "González", "López", "Pérez", "Martínez", "Gómez", "Hernández", "Díaz", "Álvarez", "Romero", "Ruiz",
    "Vásquez", "Vera", "Mendoza", "Zambrano", "Moreira", "Cedeño", "Macías", "Intriago", "Alcívar",
    "Loor", "Bravo", "Chávez", "Castro", "Suárez", "Flores", "Herrera", "Morales", "Reyes", "Guerrero",
    "Ramírez", "Cevallos", "Villacís", "Carrión", "Benítez", "Andrade", "Salazar", "Naranjo", "Paredes",
    "Vaca", "Proaño", "Mora", "Montesdeoca", "Chicaiza", "Tipán", "Quishpe", "Toapanta", "Pilco",
    "Caiza", "Guanoluisa", "Llumiquinga", "Cuji", "Tixi", "Yupangui", "Chimbo", "Lema", "Yumbo",
    "Tituaña", "Maigua", "Pichincha", "Arévalo", "Peñaloza", "Tenesaca", "Guillén", "Samaniego",
    "Ojeda", "Hidalgo", "Erazo", "Acosta", "Ayala", "Bermeo", "Calle", "Coronel", "Encalada",
    "Escobar", "Freire", "Galarza", "Jaya", "León", "Montaño", "Narváez", "Orellana", "Padilla",
    "Quinde", "Rivera", "Sarmiento", "Tello", "Urgilés", "Vintimilla", "Zhagui", "Añazco", "Ulloa",
    "de la Cruz", "del Pozo", "de la Torre", "Villavicencio", "Bustamante", "Carpio", "Durán", "Eras",
    "Figueroa", "Gallegos", "Iñiguez", "Luzuriaga", "Mogrovejo", "Palacios", "Rosales", "Saritama",
]  # fmt: skip
WOMEN = [
    "Rosa", "Carmen", "María", "Luz", "Mercedes", "Gloria", "Rocío", "Marlene", "Nancy", "Blanca", "Martha",
    "Lourdes", "Teresa", "Patricia", "Sandra", "Verónica", "Diana", "Mónica", "Silvia", "Elvia",
]  # fmt: skip
MEN = [
    "Manuel", "Segundo", "José", "Luis", "Ángel", "Víctor", "Jorge", "Ramiro", "Fausto", "Hugo", "Carlos",
    "Marco", "Galo", "Patricio", "Milton", "Vicente", "Julio", "Rodrigo", "Franklin", "Holger",
]  # fmt: skip

# The route and its shares (cumulative thresholds on one random number).
STATES = (
    ("registered", 0.15),
    ("visits", 0.35),
    ("mediation", 0.47),
    ("referral", 0.57),
    ("follow_up", 0.70),
    ("closed", 1.0),
)
STATE_STEP = {name: i for i, (name, _share) in enumerate(STATES)}
RISKS = (("high", 0.15), ("medium", 0.60), ("low", 1.0))
FIRST_VISIT_DAYS = {"high": 1, "medium": 7, "low": 30}
PRIORITY = {"high": "high", "medium": "normal", "low": "low"}
CLOSING_REASONS = ("restored", "agreements_met", "referred_handled", "moved_away", "not_confirmed", "came_of_age")
REPORTERS = ("anonymous", "child", "family", "neighbour", "school", "health", "police", "defender", "other")
EXTRA_EVENT_KINDS = ("reassigned", "assigned", "unassigned", "closure_requested", "closure_returned", "reopened")

# The tables this script fills (in dependency order).
CASE_MODELS = (
    "Child",
    "Caregiver",
    "Case",
    "CaseAssignment",
    "CaseViolation",
    "CaseEvent",
    "Visit",
    "Task",
    "Referral",
    "CaseCounter",
)


def log(msg: str) -> None:
    print(msg, flush=True)


TIMINGS: list[tuple[str, float]] = []


@contextmanager
def timed(label: str) -> Iterator[None]:
    start = time.perf_counter()
    log(f"  {label} …")
    yield
    took = time.perf_counter() - start
    TIMINGS.append((label, round(took, 2)))
    log(f"  {label:<60} {took:8.2f} s")


def refuse_unsafe_database() -> str:
    url = os.environ.get("DATABASE_URL", "")
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        raise SystemExit("bench/generate_cases.py needs PostgreSQL")
    if parts.hostname not in ("127.0.0.1", "localhost") or "bench" not in name:
        raise SystemExit(f"refusing {url!r}: only a *bench* database on 127.0.0.1")
    return name


def targets(scale: float) -> dict[str, int]:
    if not 0 < scale <= 1:
        raise SystemExit("--scale is in (0, 1]")
    return {
        "municipalities": max(1, round(MUNICIPALITIES * scale)),
        "children": max(100, round(CHILDREN * scale)),
        "cases": max(120, round(CASES * scale)),
        "case_events": max(1_000, round(CASE_EVENTS * scale)),
        "access_events": max(3_000, round(ACCESS_EVENTS * scale)),
    }


# --- SQL helpers ------------------------------------------------------------------------------------
def insert_select(cursor: Any, model: Any, values: dict[str, str], tail: str, params: list[Any] | None = None) -> int:
    """``INSERT INTO <model's table> (columns) SELECT <values> <tail>``: ``values`` maps columns to SQL
    expressions; every other column gets its field's default (a parameter), ``now()`` for automatic
    timestamps, NULL or "" — or the script stops, naming the column, when a new required field appears."""
    from django.db import connection

    columns: list[str] = []
    expressions: list[str] = []
    extra: list[Any] = []
    known = {f.column for f in model._meta.concrete_fields}
    unknown = set(values) - known
    if unknown:
        raise SystemExit(f"{model._meta.db_table}: no columns {sorted(unknown)}: update bench/generate_cases.py")
    for f in model._meta.concrete_fields:
        if f.column in values:
            columns.append(f.column)
            expressions.append(values[f.column])
            continue
        if f.primary_key:
            continue
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            expr, value = "now()", None
        elif f.has_default() and not (f.unique and callable(f.default)):
            expr, value = "%s", f.get_db_prep_save(f.get_default(), connection)
        elif f.null:
            expr, value = "NULL", None
        elif f.blank and f.empty_strings_allowed:
            expr, value = "''", None
        else:
            raise SystemExit(
                f"{model._meta.db_table}.{f.column} has no value and no default: update bench/generate_cases.py"
            )
        columns.append(f.column)
        expressions.append(expr)
        if expr == "%s":
            extra.append(value)
    sql = f'INSERT INTO "{model._meta.db_table}" ({", ".join(columns)}) SELECT {", ".join(expressions)} {tail}'
    # The defaults' parameters come first in the statement (the SELECT list), then the tail's.
    cursor.execute(sql, [*extra, *(params or [])])
    return int(cursor.rowcount)


def drop_indexes(cursor: Any, table: str) -> list[tuple[str, str]]:
    """Drop the table's secondary indexes and unique constraints; returns how to rebuild them (kept in
    out/cases_indexes.json until rebuilt, so that an interrupted run still rebuilds them)."""
    saved: dict[str, list[list[str]]] = json.loads(INDEX_FILE.read_text("utf-8")) if INDEX_FILE.exists() else {}
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'u'",
        [table],
    )
    constraints = cursor.fetchall()
    rebuild = [(f"constraint {n}", f'ALTER TABLE "{table}" ADD CONSTRAINT "{n}" {d}') for n, d in constraints]
    names = {n for n, _d in constraints}
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT LIKE %s", [table, "%_pkey"]
    )
    rebuild += [(n, d) for n, d in cursor.fetchall() if n not in names]
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


def threshold_case(column: str, shares: tuple[tuple[str, float], ...]) -> str:
    whens = " ".join(f"WHEN {column} < {share} THEN '{name}'" for name, share in shares[:-1])
    return f"CASE {whens} ELSE '{shares[-1][0]}' END"


# --- Name pools: keys computed by the app's own function ------------------------------------------------
def name_pools() -> dict[str, list[tuple[Any, ...]]]:
    from ronda.cases.duplicates import keys_of, words

    def key_of(**names: str) -> Any:
        blank = {"first_names": "", "paternal_surname": "", "maternal_surname": "", "alias": ""}
        return keys_of(**{**blank, **names}, birth_date=None, estimated_age=None, age_estimated_on=None)

    given = []
    for sex, names in (("female", GIRLS), ("male", BOYS)):
        for idx, name in enumerate(names):
            given.append((sex, idx, name, " ".join(words(name)), key_of(first_names=name).given))
    surnames = []
    for idx, name in enumerate(SURNAMES):
        keys = key_of(paternal_surname=name, maternal_surname=name)
        assert keys.paternal == keys.maternal
        surnames.append((idx, name, " ".join(words(name)), keys.paternal))
    adults = []
    for sex, names in (("female", WOMEN), ("male", MEN)):
        for idx, name in enumerate(names):
            adults.append((sex, idx, name, " ".join(words(name))))
    return {"given": given, "surnames": surnames, "adults": adults}


# --- The load ---------------------------------------------------------------------------------------
def generate(scale: float, seed: int, verify: int) -> dict[str, Any]:
    import django

    django.setup()
    from django.db import connection

    from ronda.cases import models as cm
    from ronda.cases.taxonomy import load_taxonomy
    from ronda.core.models import AccessEvent
    from ronda.territory.models import Institution, OrgUnit

    want = targets(scale)
    log(f"Case route data at scale {scale}: {json.dumps(want)}")
    drift = schema_drift()
    if drift:
        raise SystemExit(
            f"the database lacks {', '.join(drift[:8])}: the pending migration changed after this database was "
            "migrated; rebuild it with bench/generate.py (or BENCH_REBUILD=1 bash bench/run_cases.sh)"
        )
    country = OrgUnit.objects.get(level=1)
    municipalities_total = OrgUnit.objects.filter(level=3).count()
    if municipalities_total != MUNICIPALITIES:
        raise SystemExit(f"{municipalities_total} municipalities, expected {MUNICIPALITIES}: run bench/generate.py")

    tables = {name: getattr(cm, name)._meta.db_table for name in CASE_MODELS}
    ae = AccessEvent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SET work_mem = '256MB'")
        cursor.execute("SET maintenance_work_mem = '1GB'")
        cursor.execute("SET synchronous_commit = off")
        cursor.execute("SET max_parallel_workers_per_gather = 0")  # one stream of random(): reproducible
        with timed("empty the case tables and the access events"):
            cursor.execute(
                "TRUNCATE " + ", ".join(f'"{t}"' for t in (*tables.values(), ae)) + " RESTART IDENTITY CASCADE"
            )
            cursor.execute(f'DELETE FROM "{Institution._meta.db_table}" WHERE address = %s', [INSTITUTION_MARK])
            cursor.execute("DELETE FROM otp_totp_totpdevice WHERE name = %s", [TOKEN_NAME])
            cursor.execute("DELETE FROM accounts_apitoken WHERE name = %s", [TOKEN_NAME])
    with timed("violation types (cases.taxonomy.load_taxonomy, Ecuador)"):
        load_taxonomy(country, "EC")
    types = list(cm.ViolationType.objects.filter(country=country, is_active=True, children__isnull=True).distinct())
    if not types:
        raise SystemExit("no violation types: update bench/generate_cases.py")
    sensitive_types = [t.pk for t in types if t.makes_sensitive]
    other_types = [t.pk for t in types if not t.makes_sensitive]
    pools = name_pools()

    with connection.cursor() as cursor:
        cursor.execute("SET work_mem = '256MB'")
        cursor.execute("SET maintenance_work_mem = '1GB'")
        cursor.execute("SET synchronous_commit = off")
        cursor.execute("SET max_parallel_workers_per_gather = 0")
        # No per-row foreign-key triggers during the load (every id is read from the tables above or
        # made here); superuser only, this session only.
        cursor.execute("SET session_replication_role = replica")
        rebuild: list[tuple[str, list[tuple[str, str]]]] = []
        for table in (*tables.values(), ae):
            rebuild.append((table, drop_indexes(cursor, table)))
        cursor.execute(f"SELECT setseed({(seed % 1000) / 1000})")
        scratch = ("bench_given", "bench_surname", "bench_adult", "bench_cc", "bench_sup", "bench_r", "bench_c")
        cursor.execute("DROP TABLE IF EXISTS " + ", ".join(scratch))
        cursor.execute("CREATE UNLOGGED TABLE bench_given (sex text, idx int, name text, folded text, gkey text)")
        cursor.executemany("INSERT INTO bench_given VALUES (%s, %s, %s, %s, %s)", pools["given"])
        cursor.execute("CREATE UNLOGGED TABLE bench_surname (idx int, name text, folded text, skey text)")
        cursor.executemany("INSERT INTO bench_surname VALUES (%s, %s, %s, %s)", pools["surnames"])
        cursor.execute("CREATE UNLOGGED TABLE bench_adult (sex text, idx int, name text, folded text)")
        cursor.executemany("INSERT INTO bench_adult VALUES (%s, %s, %s, %s)", pools["adults"])
        n_girls, n_boys, n_surnames = len(GIRLS), len(BOYS), len(SURNAMES)

        # The municipalities covered: those with a supervisor first, then the others, by id.
        with timed("communities with a defender in the covered municipalities"):
            cursor.execute(
                """
                CREATE UNLOGGED TABLE bench_sup AS
                SELECT m.org_unit_id AS municipality_id, min(m.user_id) AS user_id
                FROM accounts_membership m JOIN territory_orgunit u ON u.id = m.org_unit_id
                WHERE m.role = 'supervisor' AND m.is_active AND u.level = 3
                GROUP BY m.org_unit_id
                """
            )
            cursor.execute(
                """
                CREATE UNLOGGED TABLE bench_cc AS
                WITH munis AS (
                    SELECT u.id FROM territory_orgunit u LEFT JOIN bench_sup s ON s.municipality_id = u.id
                    WHERE u.level = 3 ORDER BY (s.user_id IS NULL), u.id LIMIT %s
                ), defenders AS (
                    SELECT m.org_unit_id AS community_id, min(m.user_id) AS user_id
                    FROM accounts_membership m WHERE m.role = 'defender' AND m.is_active GROUP BY m.org_unit_id
                )
                SELECT (row_number() OVER (ORDER BY c.id) - 1)::int AS k, c.id AS community_id,
                       c.parent_id AS municipality_id, c.path, d.user_id AS defender_id, s.user_id AS supervisor_id
                FROM territory_orgunit c
                JOIN munis ON munis.id = c.parent_id
                JOIN defenders d ON d.community_id = c.id
                LEFT JOIN bench_sup s ON s.municipality_id = c.parent_id
                WHERE c.level = 4
                """,
                [want["municipalities"]],
            )
            cursor.execute("SELECT count(*), count(DISTINCT municipality_id) FROM bench_cc")
            n_cc, n_munis = cursor.fetchone()
            log(f"    {n_cc:,} communities with a defender in {n_munis:,} municipalities")
            if not n_cc:
                raise SystemExit("no community has a defender: run bench/generate.py")
            cursor.execute("CREATE UNIQUE INDEX ON bench_cc (k)")

        with timed("institutions: Junta Cantonal, Fiscalía, DINAPEN per municipality"):
            for kind, name, acronym in (
                ("protection_board", "Junta Cantonal de Protección de Derechos", "JCPD"),
                ("prosecutor", "Fiscalía", "FGE"),
                ("police", "DINAPEN", "DINAPEN"),
            ):
                insert_select(
                    cursor,
                    Institution,
                    {
                        "name": f"'{name} ' || u.name",
                        "acronym": f"'{acronym}'",
                        "kind": f"'{kind}'",
                        "org_unit_id": "u.id",
                        "address": f"'{INSTITUTION_MARK}'",
                        "opening_hours": "'Lunes a viernes, 08:00-17:00'",
                    },
                    "FROM territory_orgunit u WHERE u.id IN (SELECT DISTINCT municipality_id FROM bench_cc)",
                )

        # --- children ------------------------------------------------------------------------------
        with timed(f"{want['children']:,} children (INSERT … SELECT)"):
            cursor.execute(
                """
                CREATE UNLOGGED TABLE bench_r AS
                SELECT i AS id, floor(random() * %s)::int AS k,
                       CASE WHEN random() < 0.5 THEN 'female' ELSE 'male' END AS sex,
                       random() AS rg, random() AS rp, random() AS rm, random() AS rmiss,
                       current_date - floor(random() * 6570)::int AS born, random() AS rreg, random() AS rest
                FROM generate_series(1, %s) AS i
                """,
                [n_cc, want["children"]],
            )
            cursor.execute(
                """
                CREATE UNLOGGED TABLE bench_c AS
                SELECT r.id, r.k, r.sex, g.name AS first_names, g.folded AS g_folded, g.gkey,
                       p.name AS paternal, p.folded AS p_folded, p.skey AS pkey,
                       CASE WHEN r.rmiss < 0.04 THEN '' ELSE m.name END AS maternal,
                       CASE WHEN r.rmiss < 0.04 THEN '' ELSE m.folded END AS m_folded,
                       CASE WHEN r.rmiss < 0.04 THEN '' ELSE m.skey END AS mkey,
                       r.born, (r.born + floor(r.rreg * (current_date - r.born))::int) AS registered,
                       r.rest < 0.15 AS estimated
                FROM bench_r r
                JOIN bench_given g ON g.sex = r.sex
                     AND g.idx = floor(power(r.rg, 1.6) * CASE r.sex WHEN 'female' THEN %s ELSE %s END)::int
                JOIN bench_surname p ON p.idx = floor(power(r.rp, 2.2) * %s)::int
                JOIN bench_surname m ON m.idx = floor(power(r.rm, 2.2) * %s)::int
                """,
                [n_girls, n_boys, n_surnames, n_surnames],
            )
            cursor.execute("DROP TABLE bench_r")
            cursor.execute("CREATE UNIQUE INDEX ON bench_c (id)")
            age = "floor((c.registered - c.born) / 365.25)::int"
            n_children = insert_select(
                cursor,
                cm.Child,
                {
                    "id": "c.id",
                    "created_at": "c.registered + time '10:00'",
                    "updated_at": "c.registered + time '10:00'",
                    "first_names": "c.first_names",
                    "paternal_surname": "c.paternal",
                    "maternal_surname": "c.maternal",
                    "sex": "c.sex",
                    "birth_date": "CASE WHEN c.estimated THEN NULL ELSE c.born END",
                    "estimated_age": f"CASE WHEN c.estimated THEN {age} END",
                    "age_estimated_on": "CASE WHEN c.estimated THEN c.registered END",
                    "community_id": "cc.community_id",
                    "municipality_id": "cc.municipality_id",
                    "registered_by_id": "cc.defender_id",
                    "given_key": "c.gkey",
                    "paternal_key": "c.pkey",
                    "maternal_key": "c.mkey",
                    "birth_year": f"CASE WHEN c.estimated THEN extract(year FROM c.registered)::int - {age} "
                    "ELSE extract(year FROM c.born)::int END",
                    "search_text": "left(concat_ws(' ', c.g_folded, c.p_folded, nullif(c.m_folded, '')), 300)",
                },
                "FROM bench_c c JOIN bench_cc cc ON cc.k = c.k",
            )
        with timed("caregivers (60 % of the children: a mother, half of them a father too)"):
            n_caregivers = 0
            for relationship, sex, own, share, main in (
                ("mother", "female", "c.maternal", 0.6, True),
                ("father", "male", "c.paternal", 0.3, False),
            ):
                folded = "c.m_folded" if relationship == "mother" else "c.p_folded"
                n_caregivers += insert_select(
                    cursor,
                    cm.Caregiver,
                    {
                        "child_id": "c.id",
                        "first_names": "a.name",
                        "surnames": f"concat_ws(' ', nullif({own}, ''), s.name)",
                        "relationship": f"'{relationship}'",
                        "lives_with_child": "true",
                        "phone": "'09' || lpad((c.id::bigint * 7919 %% 100000000)::text, 8, '0')",
                        "is_main_caregiver": "true" if main else "false",
                        "name_key": f"left(concat_ws(' ', a.folded, nullif({folded}, ''), s.folded), 240)",
                    },
                    f"""FROM (SELECT c.*, floor(random() * %s)::int AS ai, floor(power(random(), 2.2) * %s)::int AS si
                              FROM bench_c c WHERE (c.id * 2654435761 %% 1000) < {int(share * 1000)}) c
                        JOIN bench_adult a ON a.sex = '{sex}' AND a.idx = c.ai
                        JOIN bench_surname s ON s.idx = c.si""",
                    [len(WOMEN) if sex == "female" else len(MEN), n_surnames],
                )

        # --- cases ---------------------------------------------------------------------------------
        with timed(f"{want['cases']:,} cases"):
            state = threshold_case("r.rs", STATES)
            risk = threshold_case("r.rk", RISKS)
            cursor.execute(
                """
                CREATE UNLOGGED TABLE bench_r AS
                SELECT j AS id, CASE WHEN j <= %s THEN j ELSE 1 + floor(random() * %s)::int END AS child_id,
                       random() AS rs, random() AS rk, random() AS rv, random() AS rx, random() AS ry,
                       random() AS rz, random() AS rq
                FROM generate_series(1, %s) AS j
                """,
                [want["children"], want["children"], want["cases"]],
            )
            n_cases = insert_select(
                cursor,
                cm.Case,
                {
                    "id": "x.id",
                    "created_at": "x.registered_on + time '11:00'",
                    "updated_at": "x.registered_on + time '11:00'",
                    "number": "extract(year FROM x.registered_on)::int || '-' || lpad((row_number() OVER "
                    "(PARTITION BY x.municipality_id, extract(year FROM x.registered_on) ORDER BY x.id))::text, 5, '0')",
                    "child_id": "x.child_id",
                    "opened_for_id": "x.child_id",
                    "community_id": "x.community_id",
                    "municipality_id": "x.municipality_id",
                    "owner_id": "x.defender_id",
                    "state": "x.state",
                    "reporter_type": f"(ARRAY{list(REPORTERS)!r})[1 + floor(x.rq * {len(REPORTERS)})::int]",
                    "reporter_name": "''",
                    "facts_date": "x.registered_on - floor(x.rz * 60)::int",
                    "registered_on": "x.registered_on",
                    "description": "'Caso sintético del banco de pruebas: hechos descritos por quien lo reporta.'",
                    "risk": "x.risk",
                    "sensitive": "x.rv < 0.05",
                    "closing_reason": f"CASE WHEN x.state = 'closed' THEN (ARRAY{list(CLOSING_REASONS)!r})"
                    f"[1 + floor(x.rz * {len(CLOSING_REASONS)})::int] ELSE '' END",
                    "closed_on": "CASE WHEN x.state = 'closed' THEN least(current_date, x.registered_on + 10 + "
                    "floor(x.ry * 200)::int) END",
                    "first_visit_on": "CASE WHEN x.state <> 'registered' THEN least(current_date, x.registered_on + "
                    "1 + floor(x.ry * 20)::int) END",
                    "first_referral_on": "CASE WHEN x.state IN ('referral', 'follow_up') OR (x.state = 'closed' AND "
                    "x.rx < 0.5) THEN least(current_date, x.registered_on + 5 + floor(x.ry * 25)::int) END",
                },
                f"""FROM (
                    SELECT r.*, ch.community_id, ch.municipality_id, cc.defender_id,
                           {state} AS state, {risk} AS risk,
                           CASE WHEN r.id <= %s THEN least(current_date, ch.created_at::date + floor(r.rx * 30)::int)
                                ELSE ch.created_at::date + floor(r.rx * (current_date - ch.created_at::date))::int
                           END AS registered_on
                    FROM bench_r r
                    JOIN "{tables["Child"]}" ch ON ch.id = r.child_id
                    JOIN bench_cc cc ON cc.community_id = ch.community_id
                ) x""",
                [want["children"]],
            )
            cursor.execute("DROP TABLE bench_r")
            cursor.execute(
                f"""
                INSERT INTO "{tables["CaseCounter"]}" (municipality_id, year, last)
                SELECT municipality_id, extract(year FROM registered_on)::int, count(*)
                FROM "{tables["Case"]}" GROUP BY 1, 2
                """
            )
        with timed("violations (1 or 2 per case; sensitive cases a sexual-violence type)"):
            ns, no = len(sensitive_types), len(other_types)
            cursor.execute(
                f"""
                CREATE UNLOGGED TABLE bench_r AS
                SELECT c.id AS case_id, c.registered_on, c.sensitive,
                       CASE WHEN c.sensitive THEN (%s::bigint[])[1 + floor(random() * %s)::int]
                            ELSE (%s::bigint[])[1 + floor(random() * %s)::int] END AS first_type,
                       floor(random() * %s)::int AS second, random() < 0.3 AS two
                FROM "{tables["Case"]}" c
                """,
                [sensitive_types or other_types, ns or no, other_types, no, no],
            )
            n_violations = 0
            for which in ("first_type", "second_type"):
                if which == "first_type":
                    source = "SELECT case_id, registered_on, first_type AS type_id FROM bench_r"
                else:
                    source = (
                        "SELECT case_id, registered_on, (%s::bigint[])[1 + second] AS type_id FROM bench_r "
                        "WHERE two AND (%s::bigint[])[1 + second] <> first_type"
                    )
                n_violations += insert_select(
                    cursor,
                    cm.CaseViolation,
                    {
                        "case_id": "v.case_id",
                        "violation_type_id": "v.type_id",
                        "referral_due_at": "CASE WHEN t.requires_referral_to <> '' AND t.referral_deadline_hours "
                        "IS NOT NULL THEN (v.registered_on + time '11:00') + t.referral_deadline_hours * interval '1 hour' END",
                        "referral_id": "NULL",
                    },
                    f'FROM ({source}) v JOIN "{cm.ViolationType._meta.db_table}" t ON t.id = v.type_id',
                    [] if which == "first_type" else [other_types, other_types],
                )
            cursor.execute("DROP TABLE bench_r")
        with timed("assignments (10 % of the cases, to the municipality's supervisor)"):
            n_assignments = insert_select(
                cursor,
                cm.CaseAssignment,
                {"case_id": "c.id", "user_id": "cc.supervisor_id", "added_by_id": "cc.supervisor_id"},
                f"""FROM "{tables["Case"]}" c JOIN bench_cc cc ON cc.community_id = c.community_id
                    WHERE cc.supervisor_id IS NOT NULL AND c.id %% 10 = 3""",
            )
        with timed("tasks (the first visit; a follow-up for open cases past registration)"):
            days = " ".join(f"WHEN '{r}' THEN {d}" for r, d in FIRST_VISIT_DAYS.items())
            prio = " ".join(f"WHEN '{r}' THEN '{p}'" for r, p in PRIORITY.items())
            n_tasks = insert_select(
                cursor,
                cm.Task,
                {
                    "created_at": "c.created_at",
                    "updated_at": "c.created_at",
                    "case_id": "c.id",
                    "title": "'Primera visita a la familia'",
                    "due_on": f"c.registered_on + CASE c.risk {days} END",
                    "assigned_to_id": "c.owner_id",
                    "priority": f"CASE c.risk {prio} END",
                    "done_at": "c.first_visit_on + time '15:00'",
                    "done_by_id": "CASE WHEN c.first_visit_on IS NOT NULL THEN c.owner_id END",
                },
                f'FROM "{tables["Case"]}" c',
            )
            n_tasks += insert_select(
                cursor,
                cm.Task,
                {
                    "created_at": "c.created_at",
                    "updated_at": "c.created_at",
                    "case_id": "c.id",
                    "title": "'Seguimiento de acuerdos'",
                    "due_on": "current_date - 10 + floor(random() * 40)::int",
                    "assigned_to_id": "c.owner_id",
                    "priority": f"CASE c.risk {prio} END",
                    "done_at": "NULL",
                    "done_by_id": "NULL",
                },
                f"""FROM "{tables["Case"]}" c WHERE c.state NOT IN ('registered', 'closed')""",
            )
        with timed("family visits (1-3 done; one planned for registered cases)"):
            n_visits = insert_select(
                cursor,
                cm.Visit,
                {
                    "created_at": "c.created_at",
                    "updated_at": "c.created_at",
                    "case_id": "c.id",
                    "planned_for": "c.first_visit_on + n * 14",
                    "done_on": "c.first_visit_on + n * 14",
                    "status": "'done'",
                    "findings": "'Hallazgos sintéticos de la visita a la familia.'",
                    "visited_by_id": "c.owner_id",
                },
                f"""FROM "{tables["Case"]}" c CROSS JOIN LATERAL generate_series(0, (c.id %% 3)::int) AS n
                    WHERE c.first_visit_on IS NOT NULL AND c.first_visit_on + n * 14 <= current_date""",
            )
            n_visits += insert_select(
                cursor,
                cm.Visit,
                {
                    "created_at": "c.created_at",
                    "updated_at": "c.created_at",
                    "case_id": "c.id",
                    "planned_for": f"c.registered_on + CASE c.risk {days} END",
                    "status": "'planned'",
                    "visited_by_id": "c.owner_id",
                },
                f"""FROM "{tables["Case"]}" c WHERE c.state = 'registered'""",
            )
        with timed("referrals (to the Junta Cantonal, or the Fiscalía for sensitive cases)"):
            statuses = "(ARRAY['sent', 'received', 'accepted', 'rejected', 'closed'])[1 + floor(random() * 5)::int]"
            n_referrals = insert_select(
                cursor,
                cm.Referral,
                {
                    "created_at": "c.created_at",
                    "updated_at": "c.created_at",
                    "case_id": "c.id",
                    "institution_id": "i.id",
                    "reason": "'Derivación sintética del banco de pruebas.'",
                    "consent_to_services": "true",
                    "consent_to_sharing": "true",
                    "consent_given_by": "'caregiver'",
                    "status": f"CASE WHEN c.state = 'closed' THEN 'closed' ELSE {statuses} END",
                    "sent_on": "c.first_referral_on",
                    "sent_by_id": "c.owner_id",
                },
                f"""FROM "{tables["Case"]}" c
                    JOIN "{Institution._meta.db_table}" i ON i.org_unit_id = c.municipality_id
                         AND i.kind = CASE WHEN c.sensitive THEN 'prosecutor' ELSE 'protection_board' END
                    WHERE c.first_referral_on IS NOT NULL""",
            )
            cursor.execute(
                f"""
                UPDATE "{tables["CaseViolation"]}" v SET referral_id = r.id
                FROM "{tables["Referral"]}" r, "{cm.ViolationType._meta.db_table}" t
                WHERE r.case_id = v.case_id AND t.id = v.violation_type_id AND t.requires_referral_to <> ''
                """
            )
        with timed(f"{want['case_events']:,} case events (the route's, then the rest)"):
            step = " ".join(f"WHEN '{name}' THEN {i}" for name, i in STATE_STEP.items())
            order = [name for name, _share in STATES]
            n_events = insert_select(
                cursor,
                cm.CaseEvent,
                {
                    "case_id": "c.id",
                    "kind": "CASE WHEN s = 0 THEN 'opened' WHEN c.state = 'closed' AND s = 5 THEN 'closed' ELSE 'moved' END",
                    "from_state": f"CASE WHEN s = 0 THEN '' ELSE (ARRAY{order!r})[s] END",
                    "to_state": f"(ARRAY{order!r})[s + 1]",
                    "closing_reason": "CASE WHEN s = 5 THEN c.closing_reason ELSE '' END",
                    "actor_id": "c.owner_id",
                    "at": "CASE WHEN s = 5 THEN c.closed_on + time '16:00' ELSE c.registered_on + time '11:00' + "
                    "s * (coalesce(c.closed_on, greatest(current_date, c.registered_on + 1)) - c.registered_on) "
                    "* interval '1 day' / 6 END",
                },
                f"""FROM "{tables["Case"]}" c CROSS JOIN LATERAL generate_series(0, CASE c.state {step} END) AS s""",
            )
            rest = want["case_events"] - n_events
            if rest > 0:
                kinds = list(EXTRA_EVENT_KINDS)
                n_events += insert_select(
                    cursor,
                    cm.CaseEvent,
                    {
                        "case_id": "c.id",
                        "kind": "e.kind",
                        "reason": "CASE WHEN e.kind IN ('reassigned', 'reopened') THEN "
                        "'Motivo sintético del banco de pruebas' ELSE '' END",
                        "actor_id": "c.owner_id",
                        "at": "c.registered_on + time '12:00' + e.f * (coalesce(c.closed_on, current_date) - "
                        "c.registered_on) * interval '1 day'",
                    },
                    f"""FROM (SELECT 1 + floor(random() * %s)::int AS case_id, random() AS f,
                                     (ARRAY{kinds!r})[1 + floor(random() * {len(kinds)})::int] AS kind
                              FROM generate_series(1, %s)) e
                        JOIN "{tables["Case"]}" c ON c.id = e.case_id""",
                    [want["cases"], rest],
                )
        with timed(f"{want['access_events']:,} access events (cases and children, since registration)"):
            n_access = insert_select(
                cursor,
                AccessEvent,
                {
                    "created_at": "c.registered_on + time '08:00' + e.f * (now() - (c.registered_on + time '08:00'))",
                    "actor_id": "CASE WHEN e.by_supervisor AND cc.supervisor_id IS NOT NULL THEN cc.supervisor_id "
                    "ELSE c.owner_id END",
                    "actor_username": "u.username",
                    "actor_role": "CASE WHEN e.by_supervisor AND cc.supervisor_id IS NOT NULL THEN 'supervisor' "
                    "ELSE 'defender' END",
                    "org_unit_path": "cc.path",
                    "target_type": "CASE WHEN e.child THEN 'cases.child' ELSE 'cases.case' END",
                    "target_id": "CASE WHEN e.child THEN c.child_id::text ELSE c.id::text END",
                    "target_repr": "CASE WHEN e.child THEN 'Niño/a ' || c.child_id ELSE 'Caso ' || c.number END",
                    "purpose": "CASE WHEN e.child THEN (CASE WHEN e.list THEN 'children list' ELSE 'child record' END) "
                    "ELSE (CASE WHEN e.list THEN 'case list' ELSE 'case record' END) END",
                    "break_glass": "false",
                    "ip_address": "NULL",
                },
                f"""FROM (SELECT 1 + floor(random() * %s)::int AS case_id, random() AS f, random() < 0.3 AS child,
                                 random() < 0.25 AS by_supervisor, random() < 0.5 AS list
                          FROM generate_series(1, %s)) e
                    JOIN "{tables["Case"]}" c ON c.id = e.case_id
                    JOIN bench_cc cc ON cc.community_id = c.community_id
                    JOIN accounts_user u ON u.id = CASE WHEN e.by_supervisor AND cc.supervisor_id IS NOT NULL
                                                       THEN cc.supervisor_id ELSE c.owner_id END""",
                [want["cases"], want["access_events"]],
            )
        for table, statements in rebuild:
            for name, statement in statements:
                with timed(f"rebuild {table}: {name}"):
                    cursor.execute(statement)
        INDEX_FILE.unlink(missing_ok=True)
        cursor.execute("SET session_replication_role = DEFAULT")
        from django.core.management.color import no_style

        for statement in connection.ops.sequence_reset_sql(
            no_style(), [getattr(cm, n) for n in CASE_MODELS] + [AccessEvent, Institution]
        ):
            cursor.execute(statement)
        counts = {
            "children": n_children,
            "caregivers": n_caregivers,
            "cases": n_cases,
            "violations": n_violations,
            "assignments": n_assignments,
            "tasks": n_tasks,
            "visits": n_visits,
            "referrals": n_referrals,
            "case_events": n_events,
            "access_events": n_access,
            "communities": n_cc,
            "municipalities": n_munis,
        }
    with timed("VACUUM ANALYZE"), connection.cursor() as cursor:
        for table in (*tables.values(), ae, Institution._meta.db_table):
            cursor.execute(f'VACUUM ANALYZE "{table}"')
    layout = load_test_layout(seed)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_given, bench_surname, bench_adult, bench_cc, bench_sup, bench_c")
        cursor.execute(
            "SELECT relname, pg_total_relation_size(oid) FROM pg_class WHERE relname = ANY(%s)",
            [[*tables.values(), ae]],
        )
        sizes = {name: size for name, size in cursor.fetchall()}
        cursor.execute("SELECT pg_database_size(current_database())")
        database_size = cursor.fetchone()[0]
    if verify:
        with timed(f"verify {verify} children's keys against cases.duplicates.keys_of"):
            verify_keys(verify, seed)
    summary = {
        "layout_version": LAYOUT_VERSION,
        "scale": scale,
        "generated_at": dt.datetime.now(dt.UTC).isoformat(),
        "targets": want,
        "counts": counts,
        "sizes_mb": {k: round(v / 2**20) for k, v in sizes.items()},
        "database_mb": round(database_size / 2**20),
        "timings": TIMINGS,
        **layout,
    }
    OUT_FILE.parent.mkdir(parents=True, exist_ok=True)
    OUT_FILE.write_text(json.dumps(summary, indent=1, ensure_ascii=False), encoding="utf-8")
    return summary


def verify_keys(n: int, seed: int) -> None:
    """Recompute the search keys of ``n`` random children with the app's function; any difference stops."""
    from ronda.cases.duplicates import keys_of
    from ronda.cases.models import Child

    rng = random.Random(seed)
    top = Child.objects.order_by("-id").values_list("id", flat=True).first() or 0
    ids = [rng.randint(1, top) for _ in range(n)]
    for child in Child.objects.filter(id__in=ids):
        keys = keys_of(
            first_names=child.first_names,
            paternal_surname=child.paternal_surname,
            maternal_surname=child.maternal_surname,
            alias=child.alias,
            birth_date=child.birth_date,
            estimated_age=child.estimated_age,
            age_estimated_on=child.age_estimated_on,
        )
        got = (child.given_key, child.paternal_key, child.maternal_key, child.birth_year, child.search_text)
        wanted = (keys.given, keys.paternal, keys.maternal, keys.birth_year, keys.search_text)
        if got != wanted:
            raise SystemExit(f"child {child.pk}: keys {got}, keys_of says {wanted}")


def variant(rng: random.Random, child: Any) -> tuple[str, dict[str, Any]]:
    """How a second registration of ``child`` may be written: a nickname, another spelling, the surnames
    swapped or one missing, a date of birth a few days off, an estimated age."""
    from ronda.core.names import HYPOCORISTICS, fold

    first = child.first_names
    payload: dict[str, Any] = {
        "first_names": first,
        "paternal_surname": child.paternal_surname,
        "maternal_surname": child.maternal_surname,
        "sex": child.sex,
        "community_id": child.community_id,
    }
    if child.birth_date is not None:
        payload["birth_date"] = child.birth_date.isoformat()
    else:
        # Estimated again today: the age the child has grown to since the first estimate.
        payload["estimated_age"] = child.age_on()
    kind = rng.choice(("nickname", "swapped", "missing", "date", "accents"))
    head = fold(first.split()[0]) if first else ""
    if kind == "nickname" and HYPOCORISTICS.get(head):
        payload["first_names"] = HYPOCORISTICS[head][0].capitalize()
    elif kind == "swapped" and child.maternal_surname:
        payload["paternal_surname"], payload["maternal_surname"] = child.maternal_surname, child.paternal_surname
    elif kind == "missing" and child.maternal_surname:
        payload["maternal_surname"] = ""
    elif kind == "date" and child.birth_date is not None:
        payload["birth_date"] = (child.birth_date + dt.timedelta(days=rng.choice((-20, -3, 5, 31)))).isoformat()
    else:
        kind = "accents"
        payload["first_names"] = fold(first).upper()
        payload["paternal_surname"] = fold(child.paternal_surname)
    return kind, payload


def load_test_layout(seed: int) -> dict[str, Any]:
    """Users, cases, search words and registrations for bench/locust_cases.py; TOTP devices (the bench key)
    and API tokens for the sampled users."""
    import second_factor
    from django.db import connection
    from django.db.models import Count
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from ronda.accounts.models import ApiToken, hash_token
    from ronda.cases.models import Case, Child

    rng = random.Random(seed)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT cc.defender_id, u.username, cc.community_id, cc.municipality_id
            FROM bench_cc cc JOIN accounts_user u ON u.id = cc.defender_id
            WHERE EXISTS (SELECT 1 FROM cases_case c WHERE c.owner_id = cc.defender_id)
            ORDER BY cc.k
            """
        )
        defenders = cursor.fetchall()
        cursor.execute(
            """
            SELECT DISTINCT s.user_id, u.username, s.municipality_id
            FROM bench_sup s JOIN accounts_user u ON u.id = s.user_id
            WHERE s.municipality_id IN (SELECT municipality_id FROM bench_cc)
            ORDER BY s.municipality_id
            """
        )
        supervisors = cursor.fetchall()
    defenders = rng.sample(defenders, min(SAMPLE_DEFENDERS, len(defenders)))
    supervisors = rng.sample(supervisors, min(SAMPLE_SUPERVISORS, len(supervisors)))
    expires = dt.datetime.now(dt.UTC) + dt.timedelta(days=3650)
    user_ids = [d[0] for d in defenders] + [s[0] for s in supervisors]
    have = set(TOTPDevice.objects.filter(user_id__in=user_ids, confirmed=True).values_list("user_id", flat=True))
    TOTPDevice.objects.bulk_create(
        [
            TOTPDevice(user_id=uid, name=TOKEN_NAME, key=second_factor.KEY_HEX, confirmed=True)
            for uid in set(user_ids) - have
        ]
    )
    tokens: dict[int, str] = {}
    rows = []
    for uid in user_ids:
        raw = "rnd_" + secrets.token_urlsafe(32)
        tokens[uid] = raw
        rows.append(
            ApiToken(
                user_id=uid,
                key_hash=hash_token(raw),
                prefix=raw[:10],
                name=TOKEN_NAME,
                expires_at=expires,
                otp_verified=True,
            )
        )
    ApiToken.objects.bulk_create(rows)

    def search_words(children: list[Any]) -> list[str]:
        out = []
        for child in children:
            roll = rng.random()
            if roll < 0.4:
                out.append(child.paternal_surname)
            elif roll < 0.8:
                out.append(f"{child.first_names.split()[0]} {child.paternal_surname}")
            else:
                out.append(child.first_names.split()[0])
        return out

    out_defenders = []
    for uid, username, community_id, municipality_id in defenders:
        case_ids = list(
            Case.objects.filter(owner_id=uid, community_id=community_id)
            .order_by("-id")
            .values_list("id", flat=True)[:30]
        )
        kids = list(Child.objects.filter(community_id=community_id, registered_by_id=uid).order_by("?")[:12])
        duplicates = []
        for child in kids[:8]:
            kind, payload = variant(rng, child)
            duplicates.append({"kind": kind, "expected": child.pk, "payload": payload})
        out_defenders.append(
            {
                "username": username,
                "user_id": uid,
                "community_id": community_id,
                "municipality_id": municipality_id,
                "token": tokens[uid],
                "cases": case_ids,
                "search": search_words(kids),
                "duplicates": duplicates,
            }
        )
    out_supervisors = []
    for uid, username, municipality_id in supervisors:
        case_ids = list(
            Case.objects.filter(municipality_id=municipality_id).order_by("?").values_list("id", flat=True)[:50]
        )
        kids = list(Child.objects.filter(municipality_id=municipality_id).order_by("?")[:12])
        sensitive = list(
            Case.objects.filter(municipality_id=municipality_id, sensitive=True).values_list("id", flat=True)[:5]
        )
        states = dict(
            Case.objects.filter(municipality_id=municipality_id)
            .values_list("state")
            .annotate(n=Count("id"))
            .values_list("state", "n")
        )
        out_supervisors.append(
            {
                "username": username,
                "user_id": uid,
                "municipality_id": municipality_id,
                "token": tokens[uid],
                "cases": case_ids,
                "sensitive_cases": sensitive,
                "states": states,
                "search": search_words(kids),
            }
        )
    return {"defenders": out_defenders, "supervisors": out_supervisors, "paths": page_paths()}


def page_paths() -> dict[str, str | None]:
    """The load test's paths, from the URL configuration as it is now (None: the page does not exist yet).
    ``{id}`` stands for a case's id."""
    from django.urls import NoReverseMatch, Resolver404, resolve, reverse

    marker = 987654321

    def named(name: str, with_id: bool = False) -> str | None:
        try:
            path = reverse(name, args=[marker] if with_id else [])
        except NoReverseMatch:
            return None
        return path.replace(str(marker), "{id}")

    duplicates: str | None = "/api/v1/cases/children/duplicates"
    try:
        resolve("/api/v1/cases/children/duplicates")
    except Resolver404:
        duplicates = None
    return {
        "case_list": named("cases:case_list"),
        "case_detail": named("cases:case_detail", with_id=True),
        "case_accesses": named("cases:case_accesses", with_id=True),
        "child_list": named("cases:child_list"),
        "duplicates_api": duplicates,
    }


def refresh_paths() -> dict[str, str | None]:
    import django

    django.setup()
    summary = json.loads(OUT_FILE.read_text(encoding="utf-8"))
    summary["paths"] = page_paths()
    OUT_FILE.write_text(json.dumps(summary, indent=1, ensure_ascii=False), encoding="utf-8")
    return summary["paths"]


def schema_drift() -> list[str]:
    """Tables and columns the models have and the database lacks: the pending migration was edited after
    this database was migrated (a migration changed under the same name is not applied again)."""
    from django.apps import apps
    from django.db import connection

    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
        missing = []
        for model in apps.get_models():
            if not model._meta.managed or model._meta.proxy:
                continue
            table = model._meta.db_table
            if table not in tables:
                missing.append(table)
                continue
            have = {c.name for c in connection.introspection.get_table_description(cursor, table)}
            missing += [f"{table}.{f.column}" for f in model._meta.concrete_fields if f.column not in have]
    return missing


def check(scale: float) -> bool:
    if not OUT_FILE.exists():
        return False
    try:
        summary = json.loads(OUT_FILE.read_text(encoding="utf-8"))
    except ValueError:
        return False
    if summary.get("layout_version") != LAYOUT_VERSION or summary.get("scale") != scale:
        return False
    import django

    django.setup()
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor
    from django.db.utils import DatabaseError

    from ronda.accounts.models import ApiToken, hash_token

    try:
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            log("check: unapplied migrations")
            return False
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples::bigint FROM pg_class WHERE relname IN ('cases_case', 'core_accessevent') "
                "ORDER BY relname"
            )
            rows = [r[0] for r in cursor.fetchall()]
    except DatabaseError:
        return False
    drift = schema_drift()
    if drift:
        log(f"check: the database lacks {', '.join(drift[:8])}: rebuild it (BENCH_REBUILD=1 bash bench/run_cases.sh)")
        raise SystemExit(2)
    counts = summary["counts"]
    if len(rows) != 2 or rows[0] < 0.9 * counts["cases"] or rows[1] < 0.9 * counts["access_events"]:
        return False
    sample = [d["token"] for d in summary["defenders"][:3]]
    return ApiToken.objects.filter(key_hash__in=[hash_token(t) for t in sample]).count() == len(sample)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="share of the full scale (default 1.0)")
    parser.add_argument("--check", action="store_true", help="exit 0 when the data of this scale are there")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--verify", type=int, default=500, help="children whose keys are recomputed")
    parser.add_argument("--paths", action="store_true", help="only rewrite the pages' paths in out/cases.json")
    args = parser.parse_args()
    refuse_unsafe_database()
    if args.check:
        raise SystemExit(0 if check(args.scale) else 1)
    if args.paths:
        log(f"paths: {json.dumps(refresh_paths())}")
        return
    start = time.perf_counter()
    summary = generate(args.scale, args.seed, args.verify)
    log(
        f"Done in {time.perf_counter() - start:.1f} s: {json.dumps(summary['counts'])}; "
        f"database {summary['database_mb']:,} MB"
    )


if __name__ == "__main__":
    main()
