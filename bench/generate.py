#!/usr/bin/env python
"""Generate a national-scale benchmark database for Ronda (PostgreSQL only).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ronda_bench \
    DJANGO_SETTINGS_MODULE=ronda.settings .venv/bin/python bench/generate.py

Drops and recreates the database named in DATABASE_URL (it must be on 127.0.0.1 or
localhost and its name must contain "bench"), runs ``migrate``, then bulk-loads with
COPY:

* 1 country > 50 regions > 2,500 municipalities > 50,000 communities (52,551 units),
  with explicit ids and correct materialised paths;
* 2 areas per municipality (5,000), needed by the area focal point role;
* 10,000 users sharing one password hash, each with one membership (10 % of the
  coordinators also hold an analyst membership at their region);
* API tokens (SHA-256 stored, otp_verified, expiring in 10 years) for a stratified sample
  of users; the raw tokens go to ``bench/out/tokens.json`` with role and unit.

Then VACUUM ANALYZE. ``--check`` only verifies that an up-to-date bench database and
tokens file exist (exit status 0) without changing anything.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import secrets
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
OUT_DIR = BENCH_DIR / "out"
TOKENS_FILE = OUT_DIR / "tokens.json"

sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ronda.settings")

# --- Scale ------------------------------------------------------------------------------
REGIONS = 50
MUNICIPALITIES_PER_REGION = 50
COMMUNITIES_PER_MUNICIPALITY = 20
USERS = 10_000
AREAS_PER_MUNICIPALITY = (("childhood", "Infancia y adolescencia"), ("social", "Desarrollo social"))

# Users per role (defenders take whatever is left up to USERS).
N_ADMIN = 2
N_SECRETARIAT_COUNTRY = 10
N_SECRETARIAT_REGION = REGIONS  # one per region
N_ANALYST_REGION = 2 * REGIONS
N_COORDINATOR = REGIONS * MUNICIPALITIES_PER_REGION  # one per municipality
N_AREA_FOCAL = 1_000
N_PROTECTION_OFFICER = 500
N_SUPERVISOR = 250

# Tokens written to tokens.json: (role, how many users of that role get a token).
TOKEN_SAMPLE = {
    "admin": N_ADMIN,
    "secretariat": N_SECRETARIAT_COUNTRY + N_SECRETARIAT_REGION,
    "analyst": N_ANALYST_REGION,
    "coordinator": 300,
    "area_focal": 100,
    "protection_officer": 50,
    "supervisor": 50,
    "defender": 400,
}

BENCH_PASSWORD = "ronda-bench-2026-Password!"  # noqa: S105 - synthetic bench users only
SEED = 20261122


def log(msg: str) -> None:
    print(msg, flush=True)


class Timer:
    def __init__(self) -> None:
        self.t0 = time.perf_counter()
        self.last = self.t0

    def step(self, label: str) -> None:
        now = time.perf_counter()
        log(f"  {label:<48} {now - self.last:7.2f} s")
        self.last = now

    def total(self) -> float:
        return time.perf_counter() - self.t0


def database_settings() -> tuple[str, dict[str, Any]]:
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        sys.exit("DATABASE_URL is required, e.g. postgres://postgres@127.0.0.1:5432/ronda_bench")
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        sys.exit("bench/generate.py needs PostgreSQL (COPY)")
    if parts.hostname not in {"127.0.0.1", "localhost"}:
        sys.exit(f"refusing to touch a database on {parts.hostname!r}: the bench only targets 127.0.0.1")
    name = parts.path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"refusing to drop {name!r}: the bench database name must contain 'bench'")
    conninfo = {
        "host": parts.hostname,
        "port": parts.port or 5432,
        "user": parts.username or "postgres",
        "password": parts.password,
        "dbname": "postgres",
        "autocommit": True,
    }
    return name, conninfo


def recreate_database(name: str, conninfo: dict[str, Any]) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(**{k: v for k, v in conninfo.items() if v is not None}) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8'").format(sql.Identifier(name)))


# --- Layout -----------------------------------------------------------------------------
COUNTRY_ID = 1
FIRST_REGION_ID = 2
FIRST_MUNICIPALITY_ID = FIRST_REGION_ID + REGIONS
FIRST_COMMUNITY_ID = FIRST_MUNICIPALITY_ID + REGIONS * MUNICIPALITIES_PER_REGION
N_UNITS = (
    1
    + REGIONS
    + REGIONS * MUNICIPALITIES_PER_REGION
    + REGIONS * MUNICIPALITIES_PER_REGION * COMMUNITIES_PER_MUNICIPALITY
)


def region_id(r: int) -> int:
    return FIRST_REGION_ID + r


def municipality_id(r: int, m: int) -> int:
    return FIRST_MUNICIPALITY_ID + r * MUNICIPALITIES_PER_REGION + m


def community_id(r: int, m: int, c: int) -> int:
    return FIRST_COMMUNITY_ID + (r * MUNICIPALITIES_PER_REGION + m) * COMMUNITIES_PER_MUNICIPALITY + c


def layout() -> dict[str, Any]:
    """What the load test needs to pick units in a token's scope without a database."""
    return {
        "country_id": COUNTRY_ID,
        "regions": REGIONS,
        "municipalities_per_region": MUNICIPALITIES_PER_REGION,
        "communities_per_municipality": COMMUNITIES_PER_MUNICIPALITY,
        "first_region_id": FIRST_REGION_ID,
        "first_municipality_id": FIRST_MUNICIPALITY_ID,
        "first_community_id": FIRST_COMMUNITY_ID,
        "units": N_UNITS,
    }


def copy_rows(cursor: Any, model: Any, rows: Iterable[dict[str, Any]]) -> int:
    """COPY dict rows into the model's table. Columns a row lacks get the field's default."""
    from django.db import connection

    fields = [f for f in model._meta.concrete_fields]
    columns = [f.column for f in fields]
    defaults: dict[str, Any] = {}
    count = 0
    table = model._meta.db_table
    statement = f"COPY {connection.ops.quote_name(table)} ({', '.join(connection.ops.quote_name(c) for c in columns)}) FROM STDIN"
    with cursor.copy(statement) as copy:
        for row in rows:
            values = []
            for f in fields:
                if f.column in row:
                    values.append(row[f.column])
                elif f.unique and callable(f.default):
                    values.append(f.default())  # a uid: one per row, never the cached default
                else:
                    if f.column not in defaults:
                        # A blank text column (currency, time zone: inherited from the parent) is "".
                        blank_text = f.blank and f.empty_strings_allowed
                        if not f.has_default() and not f.null and not blank_text:
                            raise SystemExit(
                                f"{table}.{f.column} has no value and no default: update bench/generate.py"
                            )
                        value = f.get_default() if f.has_default() or blank_text else None
                        if value is not None:
                            value = f.get_db_prep_save(value, connection)
                        defaults[f.column] = value
                    values.append(defaults[f.column])
            copy.write_row(values)
            count += 1
    return count


def population(rng: random.Random, scale: int) -> str:
    bands = ("0-5", "6-11", "12-14", "15-17")
    return json.dumps({sex: {b: rng.randint(scale // 2, scale) for b in bands} for sex in ("female", "male")})


def square(rng: random.Random, size: float) -> str:
    x, y = rng.uniform(-90, -80), rng.uniform(8, 16)
    ring = [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]
    return json.dumps({"type": "Polygon", "coordinates": [[[round(a, 5), round(b, 5)] for a, b in ring]]})


def path_of(*ids: int) -> str:
    from ronda.territory.models import path_segment

    return "".join(path_segment(i) for i in ids)


def org_unit_rows(now: dt.datetime, rng: random.Random) -> Iterable[dict[str, Any]]:
    """Level by level, as a real national import would insert them."""
    base = {"created_at": now, "updated_at": now, "version": 1, "is_active": True}
    yield {
        **base,
        "id": COUNTRY_ID,
        "code": "PA",
        "name": "País de Ronda",
        "level": 1,
        "parent_id": None,
        "path": path_of(COUNTRY_ID),
        "geometry": square(rng, 8.0),
        "child_population": population(rng, 400_000),
    }
    for r in range(REGIONS):
        rid = region_id(r)
        yield {
            **base,
            "id": rid,
            "code": f"R{r + 1:02d}",
            "name": f"Región {r + 1}",
            "level": 2,
            "parent_id": COUNTRY_ID,
            "path": path_of(COUNTRY_ID, rid),
            "geometry": square(rng, 1.0),
            "child_population": population(rng, 8_000),
        }
    for r in range(REGIONS):
        for m in range(MUNICIPALITIES_PER_REGION):
            mid = municipality_id(r, m)
            yield {
                **base,
                "id": mid,
                "code": f"R{r + 1:02d}-M{m + 1:03d}",
                "name": f"Municipio {r + 1}-{m + 1}",
                "level": 3,
                "parent_id": region_id(r),
                "path": path_of(COUNTRY_ID, region_id(r), mid),
                "geometry": square(rng, 0.1),
                "child_population": population(rng, 160),
            }
    for r in range(REGIONS):
        for m in range(MUNICIPALITIES_PER_REGION):
            for c in range(COMMUNITIES_PER_MUNICIPALITY):
                cid = community_id(r, m, c)
                yield {
                    **base,
                    "id": cid,
                    "code": f"R{r + 1:02d}-M{m + 1:03d}-C{c + 1:02d}",
                    "name": f"Comunidad {r + 1}-{m + 1}-{c + 1}",
                    "level": 4,
                    "parent_id": municipality_id(r, m),
                    "path": path_of(COUNTRY_ID, region_id(r), municipality_id(r, m), cid),
                    "geometry": None,
                    "child_population": population(rng, 8),
                }


def all_municipalities() -> list[tuple[int, int]]:
    return [(r, m) for r in range(REGIONS) for m in range(MUNICIPALITIES_PER_REGION)]


def plan_users(rng: random.Random) -> list[dict[str, Any]]:
    """One entry per user: role, unit (and area index) of the main membership."""
    plans: list[dict[str, Any]] = []

    def add(role: str, unit: int | None, level: int | None, **extra: Any) -> None:
        plans.append({"role": role, "org_unit_id": unit, "level": level, **extra})

    for _ in range(N_ADMIN):
        add("admin", None, None)
    for _ in range(N_SECRETARIAT_COUNTRY):
        add("secretariat", COUNTRY_ID, 1)
    for r in range(N_SECRETARIAT_REGION):
        add("secretariat", region_id(r % REGIONS), 2)
    for i in range(N_ANALYST_REGION):
        add("analyst", region_id(i % REGIONS), 2)
    munis = all_municipalities()
    for i, (r, m) in enumerate(munis[:N_COORDINATOR]):
        # Every tenth coordinator is also an analyst of their region (a second membership).
        add("coordinator", municipality_id(r, m), 3, also_analyst_region=region_id(r) if i % 10 == 0 else None)
    for i in range(N_AREA_FOCAL):
        r, m = munis[(i * 7) % len(munis)]
        add("area_focal", municipality_id(r, m), 3, area_index=i % len(AREAS_PER_MUNICIPALITY))
    for i in range(N_PROTECTION_OFFICER):
        r, m = munis[(i * 5) % len(munis)]
        add("protection_officer", municipality_id(r, m), 3)
    for i in range(N_SUPERVISOR):
        r, m = munis[(i * 10) % len(munis)]
        add("supervisor", municipality_id(r, m), 3)
    n_defenders = USERS - len(plans)
    communities = list(
        range(
            FIRST_COMMUNITY_ID, FIRST_COMMUNITY_ID + REGIONS * MUNICIPALITIES_PER_REGION * COMMUNITIES_PER_MUNICIPALITY
        )
    )
    for cid in rng.sample(communities, n_defenders):
        add("defender", cid, 4)
    if len(plans) != USERS:
        raise SystemExit(f"planned {len(plans)} users, expected {USERS}")
    return plans


def scope_of(unit_id: int | None) -> dict[str, int | None]:
    """Region and municipality ids of a unit (from the deterministic layout)."""
    if unit_id is None or unit_id == COUNTRY_ID:
        return {"region_id": None, "municipality_id": None}
    if unit_id < FIRST_MUNICIPALITY_ID:
        return {"region_id": unit_id, "municipality_id": None}
    if unit_id < FIRST_COMMUNITY_ID:
        idx = unit_id - FIRST_MUNICIPALITY_ID
        return {"region_id": FIRST_REGION_ID + idx // MUNICIPALITIES_PER_REGION, "municipality_id": unit_id}
    midx = (unit_id - FIRST_COMMUNITY_ID) // COMMUNITIES_PER_MUNICIPALITY
    return {
        "region_id": FIRST_REGION_ID + midx // MUNICIPALITIES_PER_REGION,
        "municipality_id": FIRST_MUNICIPALITY_ID + midx,
    }


def generate(args: argparse.Namespace) -> None:
    name, conninfo = database_settings()
    timer = Timer()
    log(f"Generating bench database {name!r} (scale: {N_UNITS:,} org units, {USERS:,} users)")
    recreate_database(name, conninfo)
    timer.step("drop + create database")

    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.core.management.color import no_style
    from django.db import connection, transaction

    from ronda.accounts.models import ApiToken, Membership, User, hash_token
    from ronda.core.roles import Role
    from ronda.territory.models import Area, OrgUnit

    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    timer.step("migrate")

    # Guard against a drifting role table: every planned role must exist in roles.py.
    rng = random.Random(SEED)
    plans = plan_users(rng)
    unknown = {p["role"] for p in plans} - set(Role.values)
    if unknown:
        raise SystemExit(f"unknown roles {sorted(unknown)}: update bench/generate.py")

    now = dt.datetime.now(dt.UTC)
    with transaction.atomic(), connection.cursor() as wrapper:
        cur = wrapper.cursor  # the psycopg 3 cursor under Django's wrapper
        n = copy_rows(cur, OrgUnit, org_unit_rows(now, rng))
        timer.step(f"COPY org units ({n:,})")

        area_ids: dict[tuple[int, int], int] = {}
        area_rows = []
        next_area = 1
        for r, m in all_municipalities():
            mid = municipality_id(r, m)
            for k, (kind, label) in enumerate(AREAS_PER_MUNICIPALITY):
                area_ids[(mid, k)] = next_area
                area_rows.append(
                    {
                        "id": next_area,
                        "created_at": now,
                        "updated_at": now,
                        "version": 1,
                        "org_unit_id": mid,
                        "kind": kind,
                        "name": label,
                        "is_active": True,
                    }
                )
                next_area += 1
        n = copy_rows(cur, Area, area_rows)
        timer.step(f"COPY areas ({n:,})")

        password = make_password(BENCH_PASSWORD)
        timer.step("make_password (once)")
        user_rows = []
        for i, plan in enumerate(plans, start=1):
            plan["user_id"] = i
            plan["username"] = f"bench{i:05d}"
            user_rows.append(
                {
                    "id": i,
                    "password": password,
                    "last_login": None,
                    "is_superuser": False,
                    "username": plan["username"],
                    "first_name": f"Nombre{i}",
                    "last_name": f"Apellido{i}",
                    "email": f"bench{i:05d}@bench.invalid",
                    "is_staff": False,
                    "is_active": True,
                    "date_joined": now,
                    "is_demo": False,
                }
            )
        n = copy_rows(cur, User, user_rows)
        timer.step(f"COPY users ({n:,})")

        membership_rows = []
        for plan in plans:
            base = {
                "created_at": now,
                "updated_at": now,
                "user_id": plan["user_id"],
                "is_active": True,
                "institution_id": None,
                "area_id": None,
            }
            area = None
            if plan["role"] == Role.AREA_FOCAL:
                area = area_ids[(plan["org_unit_id"], plan["area_index"])]
            membership_rows.append({**base, "role": plan["role"], "org_unit_id": plan["org_unit_id"], "area_id": area})
            if plan.get("also_analyst_region"):
                membership_rows.append({**base, "role": Role.ANALYST.value, "org_unit_id": plan["also_analyst_region"]})
        n = copy_rows(cur, Membership, ({"id": i, **row} for i, row in enumerate(membership_rows, start=1)))
        timer.step(f"COPY memberships ({n:,})")

        # Tokens for a stratified sample of users.
        by_role: dict[str, list[dict[str, Any]]] = {}
        for plan in plans:
            by_role.setdefault(plan["role"], []).append(plan)
        sampled: list[dict[str, Any]] = []
        for role, how_many in TOKEN_SAMPLE.items():
            pool = by_role.get(role, [])
            sampled.extend(rng.sample(pool, min(how_many, len(pool))))
        expires = now + dt.timedelta(days=3650)
        token_rows = []
        tokens_out = []
        for i, plan in enumerate(sampled, start=1):
            raw = "rnd_" + secrets.token_urlsafe(32)
            token_rows.append(
                {
                    "id": i,
                    "created_at": now,
                    "updated_at": now,
                    "user_id": plan["user_id"],
                    "key_hash": hash_token(raw),
                    "prefix": raw[:10],
                    "name": "bench",
                    "expires_at": expires,
                    "last_used_at": None,
                    "revoked_at": None,
                    "otp_verified": True,
                }
            )
            tokens_out.append(
                {
                    "token": raw,
                    "user_id": plan["user_id"],
                    "username": plan["username"],
                    "role": plan["role"],
                    "org_unit_id": plan["org_unit_id"],
                    "level": plan["level"],
                    "memberships": 2 if plan.get("also_analyst_region") else 1,
                    **scope_of(plan["org_unit_id"]),
                }
            )
        n = copy_rows(cur, ApiToken, token_rows)
        timer.step(f"COPY API tokens ({n:,})")

        for sql_stmt in connection.ops.sequence_reset_sql(no_style(), [OrgUnit, Area, User, Membership, ApiToken]):
            wrapper.execute(sql_stmt)
        timer.step("reset sequences")

    with connection.cursor() as wrapper:
        # A utility statement takes no server-side parameter: quote the text as a literal here.
        from psycopg import sql

        comment = sql.Literal(f"ronda bench: {N_UNITS} units, {USERS} users, generated {now.isoformat()}")
        wrapper.execute(
            f"COMMENT ON DATABASE {connection.ops.quote_name(name)} IS {comment.as_string(connection.connection)}"
        )
        for model in (OrgUnit, Area, User, Membership, ApiToken):
            wrapper.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(model._meta.db_table)}")
        wrapper.execute("ANALYZE")
    timer.step("VACUUM ANALYZE")

    OUT_DIR.mkdir(parents=True, exist_ok=True)
    payload = {
        "generated_at": now.isoformat(),
        "database": name,
        "scale": {
            "org_units": N_UNITS,
            "regions": REGIONS,
            "municipalities": REGIONS * MUNICIPALITIES_PER_REGION,
            "communities": REGIONS * MUNICIPALITIES_PER_REGION * COMMUNITIES_PER_MUNICIPALITY,
            "areas": len(area_rows),
            "users": USERS,
            "memberships": len(membership_rows),
            "tokens": len(tokens_out),
        },
        "layout": layout(),
        "tokens": tokens_out,
    }
    TOKENS_FILE.write_text(json.dumps(payload, indent=1), encoding="utf-8")
    timer.step(f"write {TOKENS_FILE.relative_to(ROOT)}")
    log(f"Done in {timer.total():.1f} s: {json.dumps(payload['scale'])}")


def check() -> int:
    """0 when the bench database exists, is migrated, has the full scale and matches tokens.json."""
    name, _ = database_settings()
    if not TOKENS_FILE.exists():
        log(f"check: {TOKENS_FILE.relative_to(ROOT)} missing")
        return 1
    import django

    django.setup()
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor
    from django.db.utils import OperationalError

    from ronda.accounts.models import ApiToken, User, hash_token
    from ronda.territory.models import OrgUnit

    try:
        connection.ensure_connection()
    except OperationalError:
        log(f"check: database {name!r} does not exist")
        return 1
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        log("check: unapplied migrations")
        return 1
    payload = json.loads(TOKENS_FILE.read_text(encoding="utf-8"))
    if OrgUnit.objects.count() != N_UNITS or User.objects.count() != USERS:
        log("check: unexpected row counts")
        return 1
    sample: Sequence[dict[str, Any]] = payload["tokens"][:5]
    found = ApiToken.objects.filter(key_hash__in=[hash_token(t["token"]) for t in sample]).count()
    if found != len(sample) or payload.get("database") != name:
        log("check: tokens.json does not match the database")
        return 1
    log(f"check: {name!r} is generated ({payload['generated_at']})")
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="only verify the database is generated (exit 0/1)")
    args = parser.parse_args()
    if args.check:
        sys.exit(check())
    generate(args)


if __name__ == "__main__":
    main()
