#!/usr/bin/env python
"""Protection and alternative care at national scale (issue #12, "Performance"), on top of bench/generate.py's
territory.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ronda_bench \
    .venv/bin/python bench/generate_protection.py [--scale 1.0] [--check]

At ``--scale 1.0`` it loads, in SQL (``INSERT … SELECT`` over ``generate_series`` with a seeded ``random()``):

* a **state protection office** (Procuraduría) seated in each of the 50 regions and a **municipal DIF** in
  each of the 2,500 municipalities; **protection officers**: one per municipal DIF and one per 40 open
  files of a state office (about 4,600 users ``benchp-o-NNNNN``), and a **supervisor** per state
  (``benchp-s-NN``), all with ``generate.py``'s password;
* **200,000 children** (names from bench/generate_cases.py's lists, search keys from
  ``cases.duplicates.keys_of``) and **200,000 protection files**, one per child: 60 % held by the state
  office, 40 % by the municipality's DIF, opened over the last four years, 70 % open, numbered per office;
* six measure types for the bench country and **600,000 measures** (three per file: issued 0, 30 and 60 days
  after the opening; in force on open files, ended with a reason on closed ones), reviewed every three
  months: **2,000,000 reviews** (three or four per measure), ``next_review_on`` from the last one; about 8 %
  of the measures in force are overdue;
* **3,000 facilities** (CAS: capacity 10-60, licensed, in the municipalities) and **20,000 foster families**
  across the pipeline (60 % approved or active);
* **400,000 placements** (two per file, never overlapping: a first setting from the opening, then the
  current one, open on open files), residential 40 %, kinship 25 %, foster 25 %, family of origin 10 %,
  each entry into care with its **gatekeeping record**.

``--scale`` keeps a municipality's density and covers fewer municipalities (0.01: 25). Tables emptied first
(the module's tables, its children, its users); indexes dropped during the load and rebuilt; ``VACUUM
ANALYZE``. The sampled officers and supervisors get a TOTP device with the bench key and an API token;
``bench/out/protection.json`` lists them with their files, facilities and states. ``--check`` exits 0 when
the data of that scale are there. Prints timings.
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
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
OUT_FILE = BENCH_DIR / "out" / "protection.json"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ronda.settings")

import generate_cases as gc  # noqa: E402  (the SQL helpers and the name lists)
from generate import BENCH_PASSWORD  # noqa: E402

gc.INDEX_FILE = BENCH_DIR / "out" / "protection_indexes.json"

SEED = 20261203
MUNICIPALITIES = 2_500
FILES = 200_000
MEASURES_PER_FILE = 3
REVIEWS = 2_000_000
FACILITIES = 3_000
FOSTER_FAMILIES = 20_000
OPEN_FILES_PER_OFFICER = 40
# Each measure keeps the reviews of its last REVIEWS_MIN + (id mod REVIEWS_SPAN) quarters (fewer if younger).
REVIEWS_MIN, REVIEWS_SPAN = 3, 5
SAMPLE_OFFICERS = 200
SAMPLE_SUPERVISORS = 50
USER_PREFIX = "benchp-"
TOKEN_NAME = "bench-protection"  # noqa: S105 - the name of the bench's API tokens, not a secret
INSTITUTION_MARK = "bench-protection"

PROTECTION_MODELS = (
    "AdoptionAssignment",
    "ReintegrationVisit",
    "Placement",
    "Gatekeeping",
    "MeasureReview",
    "ProtectiveMeasure",
    "MeasureType",
    "PlanReview",
    "RestitutionAction",
    "RestitutionPlan",
    "FileRight",
    "DiagnosisEntry",
    "FileTransfer",
    "FileCounter",
    "ProtectionFile",
    "CorrectiveAction",
    "SupervisionFinding",
    "SupervisionVisit",
    "StandardItem",
    "FacilityStaffing",
    "Facility",
    "FosterSupport",
    "FosterTraining",
    "FosterStatusChange",
    "FosterFamily",
    "RecruitmentCampaign",
    "ProspectiveAdopter",
)
# The bulk-loaded tables whose secondary indexes are dropped during the load.
BULK = ("ProtectionFile", "ProtectiveMeasure", "MeasureReview", "Placement", "Gatekeeping", "FosterFamily")

MEASURE_TYPES = (
    # code, name, urgent, ratification days, places in care
    ("urgente", "Medida urgente de protección especial", True, 3, True),
    ("especial", "Medida de protección especial", False, None, False),
    ("acogimiento-residencial", "Acogimiento residencial en un centro de asistencia social", False, None, True),
    ("acogimiento-familiar", "Acogimiento por familia de acogida", False, None, True),
    ("familia-extensa", "Acogimiento por familia extensa", False, None, True),
    ("apoyo-familiar", "Orientación y apoyo a la familia de origen", False, None, False),
)


def targets(scale: float) -> dict[str, int]:
    if not 0 < scale <= 1:
        raise SystemExit("--scale is in (0, 1]")
    return {
        "municipalities": max(1, round(MUNICIPALITIES * scale)),
        "files": max(200, round(FILES * scale)),
        "reviews": max(2_000, round(REVIEWS * scale)),
        "facilities": max(3, round(FACILITIES * scale)),
        "families": max(20, round(FOSTER_FAMILIES * scale)),
    }


def generate(scale: float, seed: int) -> dict[str, Any]:
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.db import connection

    from ronda.accounts.models import Membership, User
    from ronda.cases.models import Child
    from ronda.protection import models as pm
    from ronda.territory.models import Institution, OrgUnit

    want = targets(scale)
    gc.log(f"Protection data at scale {scale}: {json.dumps(want)}")
    if OrgUnit.objects.filter(level=3).count() != MUNICIPALITIES:
        raise SystemExit("run bench/generate.py first (the territory)")
    country = OrgUnit.objects.get(level=1)
    tables = {name: getattr(pm, name)._meta.db_table for name in PROTECTION_MODELS}
    child_t, user_t, member_t = Child._meta.db_table, User._meta.db_table, Membership._meta.db_table
    pools = gc.name_pools()
    password = make_password(BENCH_PASSWORD)  # bench/generate.py's: the locust files sign in with it
    today = dt.date.today()

    with connection.cursor() as cursor:
        cursor.execute("SET work_mem = '256MB'")
        cursor.execute("SET maintenance_work_mem = '1GB'")
        cursor.execute("SET synchronous_commit = off")
        cursor.execute("SET max_parallel_workers_per_gather = 0")
        with gc.timed("empty the protection tables, their children and users"):
            cursor.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in tables.values()) + " RESTART IDENTITY CASCADE")
            # The bench's children carry the alias "benchp" (no name of the lists is one).
            cursor.execute(f'DELETE FROM "{child_t}" WHERE alias = %s', ["benchp"])
            cursor.execute(
                f'DELETE FROM "{member_t}" WHERE user_id IN (SELECT id FROM "{user_t}" WHERE username LIKE %s)',
                [USER_PREFIX + "%"],
            )
            cursor.execute("DELETE FROM otp_totp_totpdevice WHERE name = %s", [TOKEN_NAME])
            cursor.execute("DELETE FROM accounts_apitoken WHERE name = %s", [TOKEN_NAME])
            cursor.execute(f'DELETE FROM "{user_t}" WHERE username LIKE %s', [USER_PREFIX + "%"])
            cursor.execute(f'DELETE FROM "{Institution._meta.db_table}" WHERE address = %s', [INSTITUTION_MARK])
        cursor.execute("SET session_replication_role = replica")
        rebuild: list[tuple[str, list[tuple[str, str]]]] = []
        for name in BULK:
            rebuild.append((tables[name], gc.drop_indexes(cursor, tables[name])))
        cursor.execute(f"SELECT setseed({(seed % 1000) / 1000})")
        scratch = (
            "bp_given",
            "bp_surname",
            "bp_muni",
            "bp_office",
            "bp_file",
            "bp_officer",
            "bp_meas",
            "bp_place",
            "bp_fac",
            "bp_fam",
        )
        cursor.execute("DROP TABLE IF EXISTS " + ", ".join(scratch))
        cursor.execute("CREATE UNLOGGED TABLE bp_given (sex text, idx int, name text, folded text, gkey text)")
        cursor.executemany("INSERT INTO bp_given VALUES (%s, %s, %s, %s, %s)", pools["given"])
        cursor.execute("CREATE UNLOGGED TABLE bp_surname (idx int, name text, folded text, skey text)")
        cursor.executemany("INSERT INTO bp_surname VALUES (%s, %s, %s, %s)", pools["surnames"])

        with gc.timed("municipalities, offices (a state office per region, a DIF per municipality)"):
            cursor.execute(
                """
                CREATE UNLOGGED TABLE bp_muni AS
                SELECT (row_number() OVER (ORDER BY m.id) - 1)::int AS k, m.id, m.path, m.parent_id AS region_id,
                       r.path AS region_path,
                       (SELECT min(c.id) FROM territory_orgunit c WHERE c.parent_id = m.id) AS community_id
                FROM territory_orgunit m JOIN territory_orgunit r ON r.id = m.parent_id
                WHERE m.level = 3 ORDER BY m.id LIMIT %s
                """,
                [want["municipalities"]],
            )
            cursor.execute("CREATE UNIQUE INDEX ON bp_muni (k)")
            cursor.execute("SELECT count(*) FROM bp_muni")
            n_munis = cursor.fetchone()[0]
            for kind, name, acronym, seat in (
                ("protection_agency", "Procuraduría de Protección de Niñas, Niños y Adolescentes", "PPNNA", "region"),
                ("family_welfare", "DIF Municipal", "DIF", "muni"),
            ):
                source = (
                    "FROM territory_orgunit u WHERE u.id IN (SELECT DISTINCT region_id FROM bp_muni)"
                    if seat == "region"
                    else "FROM territory_orgunit u WHERE u.id IN (SELECT id FROM bp_muni)"
                )
                gc.insert_select(
                    cursor,
                    Institution,
                    {
                        "name": f"'{name} de ' || u.name",
                        "acronym": f"'{acronym}'",
                        "kind": f"'{kind}'",
                        "org_unit_id": "u.id",
                        "address": f"'{INSTITUTION_MARK}'",
                    },
                    source,
                )
            cursor.execute(
                f"""
                CREATE UNLOGGED TABLE bp_office AS
                SELECT i.id, i.kind, i.org_unit_id AS seat_id, u.path, u.level
                FROM "{Institution._meta.db_table}" i JOIN territory_orgunit u ON u.id = i.org_unit_id
                WHERE i.address = %s
                """,
                [INSTITUTION_MARK],
            )

        # --- children and files --------------------------------------------------------------------
        n_girls, n_boys, n_surnames = len(gc.GIRLS), len(gc.BOYS), len(gc.SURNAMES)
        with gc.timed(f"{want['files']:,} children and files"):
            cursor.execute(
                """
                CREATE UNLOGGED TABLE bp_file AS
                SELECT i AS id, floor(random() * %s)::int AS k,
                       CASE WHEN random() < 0.5 THEN 'female' ELSE 'male' END AS sex,
                       random() AS rg, random() AS rp, random() AS rm,
                       current_date - floor(random() * 6200)::int AS born,
                       current_date - floor(random() * 1460)::int AS opened,
                       random() < 0.6 AS state_held, random() < 0.7 AS is_open, random() AS rclose,
                       random() AS rset, random() AS rset2
                FROM generate_series(1, %s) AS i
                """,
                [n_munis, want["files"]],
            )
            # A child is born before the file opens.
            cursor.execute("UPDATE bp_file SET born = opened - 30 - floor(random() * 6000)::int WHERE born >= opened")
            cursor.execute("CREATE UNIQUE INDEX ON bp_file (id)")
            gc.insert_select(
                cursor,
                Child,
                {
                    "id": "f.id + 100000000",
                    "first_names": "g.name",
                    "paternal_surname": "p.name",
                    "maternal_surname": "m.name",
                    "alias": "'benchp'",
                    "sex": "f.sex",
                    "birth_date": "f.born",
                    "community_id": "mu.community_id",
                    "municipality_id": "mu.id",
                    "given_key": "g.gkey",
                    "paternal_key": "p.skey",
                    "maternal_key": "m.skey",
                    "birth_year": "extract(year FROM f.born)::int",
                    "search_text": "g.folded || ' ' || p.folded || ' ' || m.folded || ' benchp'",
                },
                f"""
                FROM bp_file f JOIN bp_muni mu ON mu.k = f.k
                JOIN bp_given g ON g.sex = f.sex
                     AND g.idx = floor(power(f.rg, 1.6) * CASE f.sex WHEN 'female' THEN {n_girls} ELSE {n_boys} END)::int
                JOIN bp_surname p ON p.idx = floor(power(f.rp, 2.2) * {n_surnames})::int
                JOIN bp_surname m ON m.idx = floor(power(f.rm, 2.2) * {n_surnames})::int
                """,
            )
            # Officers: one per DIF, one per 40 open files of each state office.
            cursor.execute(
                """
                CREATE UNLOGGED TABLE bp_officer AS
                WITH need AS (
                    SELECT o.id AS office_id, o.seat_id, o.path,
                           CASE WHEN o.level = 2 THEN greatest(1, ceil(
                               (SELECT count(*) FROM bp_file f JOIN bp_muni mu ON mu.k = f.k
                                WHERE f.state_held AND f.is_open AND mu.region_id = o.seat_id)::numeric / %s))::int
                           ELSE 1 END AS n
                    FROM bp_office o
                )
                SELECT row_number() OVER (ORDER BY need.office_id, s) AS k, need.office_id, need.seat_id, need.path,
                       s AS slot, need.n
                FROM need, generate_series(1, need.n) AS s
                """,
                [OPEN_FILES_PER_OFFICER],
            )
            cursor.execute(
                f"""
                INSERT INTO "{user_t}" (password, is_superuser, username, first_name, last_name, email, is_staff,
                                        is_active, date_joined, is_demo)
                SELECT %s, false, %s || 'o-' || lpad(k::text, 5, '0'), 'Oficial', 'de protección ' || k,
                       'benchp-o-' || k || '@example.org', false, true, now(), false
                FROM bp_officer ORDER BY k
                """,
                [password, USER_PREFIX],
            )
            cursor.execute("ALTER TABLE bp_officer ADD COLUMN user_id int")
            cursor.execute(
                f"""UPDATE bp_officer o SET user_id = u.id FROM "{user_t}" u
                    WHERE u.username = %s || 'o-' || lpad(o.k::text, 5, '0')""",
                [USER_PREFIX],
            )
            cursor.execute(
                f"""
                INSERT INTO "{member_t}" (created_at, updated_at, user_id, role, org_unit_id, area_id, institution_id,
                                          is_active)
                SELECT now(), now(), user_id, 'protection_officer', seat_id, NULL, office_id, true FROM bp_officer
                """
            )
            cursor.execute(
                f"""
                INSERT INTO "{user_t}" (password, is_superuser, username, first_name, last_name, email, is_staff,
                                        is_active, date_joined, is_demo)
                SELECT DISTINCT %s, false, %s || 's-' || lpad(region_id::text, 6, '0'), 'Supervisora', 'estatal',
                       'benchp-s-' || region_id || '@example.org', false, true, now(), false
                FROM bp_muni
                """,
                [password, USER_PREFIX],
            )
            cursor.execute(
                f"""
                INSERT INTO "{member_t}" (created_at, updated_at, user_id, role, org_unit_id, area_id, institution_id,
                                          is_active)
                SELECT now(), now(), u.id, 'supervisor', substring(u.username from 10)::int, NULL, NULL, true
                FROM "{user_t}" u WHERE u.username LIKE %s
                """,
                [USER_PREFIX + "s-%"],
            )
            # The files: office, officer (spread over the office's officers), number per office.
            cursor.execute(
                f"""
                INSERT INTO "{tables["ProtectionFile"]}" (created_at, updated_at, version, number, child_id, office_id,
                    path, municipality_id, officer_id, intake_source, from_case_id, intake_summary, opened_on,
                    status, closed_on, closing_reason, closing_note, declared_adoptable_on, adoptability_ruling,
                    reopen_reason)
                SELECT now(), now(), 1,
                       'P' || o.id || '-' || extract(year FROM f.opened)::int || '-'
                           || lpad((row_number() OVER (PARTITION BY o.id ORDER BY f.id))::text, 6, '0'),
                       f.id + 100000000, o.id, o.path, mu.id, off.user_id,
                       (ARRAY['community_case','direct_report','police','health','school','court'])[1 + mod(f.id, 6)],
                       NULL, 'Resumen de la situación del expediente de prueba.', f.opened,
                       CASE WHEN f.is_open THEN 'open' ELSE 'closed' END,
                       CASE WHEN f.is_open THEN NULL
                            ELSE least(current_date, f.opened + 30 + floor(f.rclose * 700)::int) END,
                       CASE WHEN f.is_open THEN '' ELSE 'reintegrated' END, '', NULL, '', ''
                FROM bp_file f JOIN bp_muni mu ON mu.k = f.k
                JOIN bp_office o ON o.seat_id = CASE WHEN f.state_held THEN mu.region_id ELSE mu.id END
                JOIN bp_officer off ON off.office_id = o.id AND off.slot = 1 + mod(f.id, off.n)
                """
            )
            cursor.execute(f'SELECT count(*) FROM "{tables["ProtectionFile"]}"')
            gc.log(f"    {cursor.fetchone()[0]:,} files")

        # --- measures and reviews ----------------------------------------------------------------------
        with gc.timed("measure types, measures and their reviews"):
            for code, name, urgent, days, places in MEASURE_TYPES:
                pm.MeasureType.objects.create(
                    country=country,
                    code=code,
                    name=name,
                    is_urgent=urgent,
                    ratification_days=days,
                    places_in_care=places,
                )
            type_ids = list(pm.MeasureType.objects.filter(country=country).order_by("id").values_list("id", flat=True))
            cursor.execute(
                f"""
                CREATE UNLOGGED TABLE bp_meas AS
                SELECT pf.id AS file_id,
                       least(pf.opened_on + (s - 1) * 30, coalesce(pf.closed_on, current_date)) AS issued,
                       pf.status, pf.closed_on, s, %s::int[] AS types, random() AS r,
                       pf.recorded_by
                FROM (SELECT id, opened_on, status, closed_on, officer_id AS recorded_by
                      FROM "{tables["ProtectionFile"]}") pf, generate_series(1, %s) AS s
                """,
                [type_ids, MEASURES_PER_FILE],
            )
            # Reviews every 90 days from the issue, never after today (or the measure's end).
            cursor.execute(
                """
                ALTER TABLE bp_meas ADD COLUMN last_review date, ADD COLUMN ended date;
                UPDATE bp_meas SET ended = CASE WHEN status = 'closed' THEN greatest(issued, closed_on) END;
                UPDATE bp_meas SET last_review = issued + 90 * ((coalesce(ended, current_date) - issued) / 90);
                UPDATE bp_meas SET last_review = NULL WHERE last_review = issued
                """
            )
            cursor.execute(
                f"""
                INSERT INTO "{tables["ProtectiveMeasure"]}" (created_at, updated_at, version, file_id, type_id,
                    description, issuing_authority, issued_on, legal_basis, review_interval_months, next_review_on,
                    last_reviewed_on, ratification_due_on, ratified_on, ratified_by, status, ended_on, end_reason,
                    end_note, recorded_by_id)
                SELECT now(), now(), 1, m.file_id, m.types[1 + mod(m.s + m.file_id, array_length(m.types, 1))],
                       '', 'Procuraduría de Protección', m.issued, 'LGDNNA, art. 123', 3,
                       CASE WHEN m.status = 'open'
                            THEN coalesce(m.last_review, m.issued) + 90 - (CASE WHEN m.r < 0.08 THEN 120 ELSE 0 END)
                       END,
                       m.last_review, NULL, NULL, '',
                       CASE WHEN m.status = 'open' THEN 'active' ELSE 'ended' END,
                       m.ended, CASE WHEN m.status = 'open' THEN '' ELSE 'objective_met' END, '', m.recorded_by
                FROM bp_meas m
                """
            )
            cursor.execute(
                f"""
                INSERT INTO "{tables["MeasureReview"]}" (measure_id, reviewed_on, outcome, participants, child_heard,
                    child_opinion, notes, reviewed_by_id, created_at)
                SELECT pm.id, pm.issued_on + (90 * g)::int, 'continue', 'Equipo de la Procuraduría; la familia',
                       (mod(g, 2) = 0), '', '', pm.recorded_by_id, now()
                FROM "{tables["ProtectiveMeasure"]}" pm,
                     LATERAL (SELECT (pm.last_reviewed_on - pm.issued_on) / 90 AS k) slots,
                     generate_series(slots.k - least(slots.k, %s + mod(pm.id, %s)) + 1, slots.k) AS g
                """,
                [REVIEWS_MIN, REVIEWS_SPAN],
            )
            cursor.execute(f'SELECT count(*) FROM "{tables["MeasureReview"]}"')  # the last few slots of each
            gc.log(f"    {cursor.fetchone()[0]:,} reviews")

        # --- facilities and families ------------------------------------------------------------------
        with gc.timed("facilities and foster families"):
            gc.insert_select(
                cursor,
                pm.Facility,
                {
                    "version": "1",
                    "name": "'Centro de Asistencia Social ' || i",
                    "unit_id": "mu.id",
                    "path": "mu.path",
                    "operator": "(ARRAY['public','private','civil_society','religious'])[1 + mod(i, 4)]",
                    "licence_number": "'LIC-' || i",
                    "licence_valid_until": "current_date + 365",
                    "register_number": "'RNCAS-' || i",
                    "capacity": "10 + mod(i * 7, 51)",
                    "min_age": "0",
                    "max_age": "17",
                    "is_active": "true",
                },
                "FROM generate_series(1, %s) AS i JOIN bp_muni mu ON mu.k = mod(i * 7919, %s)",
                [want["facilities"], n_munis],
            )
            gc.insert_select(
                cursor,
                pm.FosterFamily,
                {
                    "version": "1",
                    "code": "'FA-' || lpad(i::text, 6, '0')",
                    "unit_id": "mu.id",
                    "path": "mu.path",
                    "type": "(ARRAY['voluntary','kinship','professional'])[1 + mod(i, 3)]",
                    "status": "(ARRAY['applicant','evaluated','trained','approved','approved','active','active',"
                    "'approved','paused','closed'])[1 + mod(i, 10)]",
                    "status_since": "current_date - mod(i, 700)",
                    "capacity": "1 + mod(i, 3)",
                    "min_age": "mod(i, 3) * 3",
                    "max_age": "17",
                    "accepts_siblings": "mod(i, 4) = 0",
                    "accepts_disability": "mod(i, 7) = 0",
                    "accepts_migrant": "mod(i, 5) = 0",
                    "contact_name": "'Familia de acogida ' || i",
                    "latitude": "-3.99 + mod(i, 100) / 100.0",
                    "longitude": "-79.2 + mod(i, 77) / 100.0",
                },
                "FROM generate_series(1, %s) AS i JOIN bp_muni mu ON mu.k = mod(i * 104729, %s)",
                [want["families"], n_munis],
            )

        # --- gatekeeping and placements -----------------------------------------------------------------
        with gc.timed("placements (two per file) and their gatekeeping records"):
            setting = (
                "CASE WHEN {r} < 0.40 THEN 'residential' WHEN {r} < 0.65 THEN 'kinship' "
                "WHEN {r} < 0.80 THEN 'voluntary_foster' WHEN {r} < 0.90 THEN 'professional_foster' "
                "ELSE 'family_of_origin' END"
            )
            cursor.execute(
                f"""
                CREATE UNLOGGED TABLE bp_place AS
                SELECT pf.id AS file_id, pf.opened_on, pf.closed_on, pf.status, pf.officer_id, pf.path,
                       {setting.format(r="f.rset")} AS first_setting,
                       {setting.format(r="f.rset2")} AS second_setting,
                       pf.opened_on + 20 + floor(f.rclose * 300)::int AS switch_on,
                       mu.k AS muni_k, mu.region_path
                FROM "{tables["ProtectionFile"]}" pf JOIN bp_file f ON f.id + 100000000 = pf.child_id
                JOIN bp_muni mu ON mu.id = pf.municipality_id
                """
            )
            cursor.execute(
                "UPDATE bp_place SET switch_on = least(switch_on, coalesce(closed_on, current_date) - 1, current_date - 1)"
            )
            cursor.execute("UPDATE bp_place SET switch_on = opened_on WHERE switch_on < opened_on")
            cursor.execute(
                "CREATE UNLOGGED TABLE bp_fac AS SELECT row_number() OVER (PARTITION BY split_part(path, '.', 1) || "
                "'.' || split_part(path, '.', 2) ORDER BY id) AS n, id, path, split_part(path, '.', 1) || '.' || "
                f"""split_part(path, '.', 2) || '.' AS region_path FROM "{tables["Facility"]}" """
            )
            cursor.execute(
                f"""CREATE UNLOGGED TABLE bp_fam AS SELECT row_number() OVER (ORDER BY id) AS n, id
                    FROM "{tables["FosterFamily"]}" WHERE status IN ('approved', 'active')"""
            )
            cursor.execute("SELECT count(*) FROM bp_fam")
            n_fams = max(1, cursor.fetchone()[0])
            for which, start, end, reason in (
                ("first", "p.opened_on", "p.switch_on", "'moved'"),
                ("second", "p.switch_on", "CASE WHEN p.status = 'closed' THEN greatest(p.closed_on, p.switch_on) END",
                 "CASE WHEN p.status = 'closed' THEN 'reintegration' ELSE '' END"),
            ):  # fmt: skip
                col = f"{which}_setting"
                cursor.execute(
                    f"""
                    INSERT INTO "{tables["Gatekeeping"]}" (created_at, updated_at, version, file_id, setting, status,
                        emergency, due_on, decided_on, alternatives, alternatives_note, necessity, suitability,
                        decided_by, under_three_justification, exception_approved_by_id, exception_approved_at,
                        recorded_by_id)
                    SELECT now(), now(), 1, p.file_id, p.{col}, 'complete', false, NULL, {start},
                           '["family_support", "kinship"]'::jsonb, 'No bastaban.', 'Necesario.', 'Adecuado.',
                           'Comité de la Procuraduría', '', NULL, NULL, p.officer_id
                    FROM bp_place p WHERE p.{col} <> 'family_of_origin'
                    """
                )
                cursor.execute(
                    f"""
                    INSERT INTO "{tables["Placement"]}" (created_at, updated_at, version, file_id, setting, start_on,
                        end_on, end_reason, end_note, change_reason, measure_id, gatekeeping_id, facility_id, foster_family_id,
                        adopter_id, carer_name, capacity_override_reason, siblings_together, siblings_note,
                        contact_plan, age_on_entry, recorded_by_id)
                    SELECT now(), now(), 1, p.file_id, p.{col}, {start}, {end}, {reason}, '', '', NULL, g.id,
                           CASE WHEN p.{col} = 'residential' THEN coalesce(fa.id, (SELECT min(id) FROM bp_fac)) END,
                           CASE WHEN p.{col} IN ('voluntary_foster', 'professional_foster') THEN fm.id END,
                           NULL, CASE WHEN p.{col} = 'kinship' THEN 'Abuela materna' ELSE '' END, '', NULL, '', '',
                           NULL, p.officer_id
                    FROM bp_place p
                    -- Hash joins, not correlated subqueries: the tables have no index during the load.
                    LEFT JOIN (SELECT file_id, setting, max(id) AS id FROM "{tables["Gatekeeping"]}"
                               GROUP BY file_id, setting) g ON g.file_id = p.file_id AND g.setting = p.{col}
                    LEFT JOIN bp_fac fa ON fa.region_path = p.region_path AND fa.n = 1 + mod(p.file_id, 3)
                    LEFT JOIN bp_fam fm ON fm.n = 1 + mod(p.file_id, {n_fams})
                    """
                )
            cursor.execute(f'SELECT count(*) FROM "{tables["Placement"]}"')
            gc.log(f"    {cursor.fetchone()[0]:,} placements")

        with gc.timed("rebuild indexes"):
            cursor.execute("SET session_replication_role = DEFAULT")
            for _table, statements in rebuild:
                for _name, statement in statements:
                    cursor.execute(statement)
            gc.INDEX_FILE.unlink(missing_ok=True)
            for model in (pm.ProtectionFile, pm.ProtectiveMeasure, pm.Placement, pm.Gatekeeping, User, Membership):
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, 'id'), coalesce(max(id), 1)) FROM "
                    + model._meta.db_table,
                    [model._meta.db_table],
                )
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{child_t}', 'id'), (SELECT max(id) FROM \"{child_t}\"))"
            )
            cursor.execute(
                "DROP TABLE IF EXISTS bp_given, bp_surname, bp_file, bp_meas, bp_place, bp_fac, bp_fam, bp_officer"
            )
    with gc.timed("VACUUM ANALYZE"), connection.cursor() as cursor:
        for table in (*tables.values(), child_t, user_t, member_t):
            cursor.execute(f'VACUUM ANALYZE "{table}"')
    return {"today": today.isoformat(), **want}


def load_test_layout(seed: int) -> dict[str, Any]:
    """Sampled officers (their caseload and files) and supervisors, with TOTP devices and API tokens."""
    import second_factor
    from django.db import connection
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from ronda.accounts.models import ApiToken, hash_token
    from ronda.protection.models import Facility, ProtectionFile

    rng = random.Random(seed)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT u.id, u.username, m.org_unit_id, ou.level
            FROM accounts_user u JOIN accounts_membership m ON m.user_id = u.id
            JOIN territory_orgunit ou ON ou.id = m.org_unit_id
            WHERE u.username LIKE %s AND m.role = 'protection_officer'
            ORDER BY u.id
            """,
            [USER_PREFIX + "o-%"],
        )
        officers = cursor.fetchall()
        cursor.execute(
            """SELECT u.id, u.username, m.org_unit_id FROM accounts_user u JOIN accounts_membership m ON m.user_id = u.id
               WHERE u.username LIKE %s ORDER BY u.id""",
            [USER_PREFIX + "s-%"],
        )
        supervisors = cursor.fetchall()
    # State officers carry the caseloads of about 40 open files; municipal officers all their DIF's.
    officers = rng.sample(officers, min(SAMPLE_OFFICERS, len(officers)))
    supervisors = rng.sample(supervisors, min(SAMPLE_SUPERVISORS, len(supervisors)))
    user_ids = [o[0] for o in officers] + [s[0] for s in supervisors]
    have = set(TOTPDevice.objects.filter(user_id__in=user_ids, confirmed=True).values_list("user_id", flat=True))
    TOTPDevice.objects.bulk_create(
        [
            TOTPDevice(user_id=uid, name=TOKEN_NAME, key=second_factor.KEY_HEX, confirmed=True)
            for uid in set(user_ids) - have
        ]
    )
    expires = dt.datetime.now(dt.UTC) + dt.timedelta(days=3650)
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
    out_officers = []
    for uid, username, unit_id, level in officers:
        files = list(
            ProtectionFile.objects.filter(officer_id=uid, status="open")
            .order_by("-id")
            .values_list("id", flat=True)[:40]
        )
        if files:
            out_officers.append(
                {"username": username, "token": tokens[uid], "unit_id": unit_id, "level": level, "files": files}
            )
    out_supervisors = []
    for uid, username, unit_id in supervisors:
        facilities = list(
            Facility.objects.filter(path__startswith=_path_of(unit_id)).order_by("id").values_list("id", flat=True)[:20]
        )
        out_supervisors.append(
            {"username": username, "token": tokens[uid], "region_id": unit_id, "facilities": facilities}
        )
    return {"password": BENCH_PASSWORD, "officers": out_officers, "supervisors": out_supervisors}


def _path_of(unit_id: int) -> str:
    from ronda.territory.models import OrgUnit

    return OrgUnit.objects.only("path").get(pk=unit_id).path


def check(scale: float) -> bool:
    import django

    django.setup()
    from ronda.protection.models import MeasureReview, ProtectionFile

    want = targets(scale)
    if not OUT_FILE.exists():
        return False
    layout = json.loads(OUT_FILE.read_text("utf-8"))
    return (
        layout.get("scale") == scale
        and ProtectionFile.objects.count() == want["files"]
        and MeasureReview.objects.count() >= want["reviews"] * 0.9
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    gc.refuse_unsafe_database()
    if args.check:
        raise SystemExit(0 if check(args.scale) else 1)
    summary = generate(args.scale, args.seed)
    layout = load_test_layout(args.seed)
    OUT_FILE.parent.mkdir(parents=True, exist_ok=True)
    OUT_FILE.write_text(json.dumps({"scale": args.scale, **summary, **layout}, indent=1), encoding="utf-8")
    gc.log("Timings: " + ", ".join(f"{label} {took} s" for label, took in gc.TIMINGS))


if __name__ == "__main__":
    main()
