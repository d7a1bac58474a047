#!/usr/bin/env python
"""Where the time of the plan pages goes: SQL queries per request, SQL time vs the rest, and
EXPLAIN (ANALYZE, BUFFERS) of the slowest queries. Markdown on stdout.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ronda_bench DJANGO_SETTINGS_MODULE=ronda.settings \
        .venv/bin/python bench/planning_queries.py [--repeat 10]

In process, with Django's test client (no gunicorn, no network), for one municipality of
bench/out/planning.json: the coordinator's plan page (signed in with force_login and their
TOTP device verified, as after /cuentas/verificacion/), the public page (anonymous) and the
plan's report page (the PDF itself is rendered by a background job: bench/pdf_timing.py times
it). Each is asked ``--repeat`` times; the median wall time and SQL time are reported with the
query count.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ronda.settings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--index", type=int, default=1234, help="which municipality of planning.json")
    parser.add_argument("--explain", type=int, default=3, help="EXPLAIN ANALYZE the N slowest queries per page")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from ronda.accounts.models import User

    municipalities = json.loads((BENCH_DIR / "out" / "planning.json").read_text(encoding="utf-8"))["municipalities"]
    municipality = municipalities[args.index]
    coordinator = User.objects.get(username=municipality["coordinator"])
    signed_in = Client(HTTP_HOST="127.0.0.1")
    signed_in.force_login(coordinator)
    # Coordinators need a verified second factor (bench/second_factor.py gave them a device).
    device = TOTPDevice.objects.filter(user=coordinator, confirmed=True).first()
    if device is None:
        raise SystemExit("the coordinator has no TOTP device: run bench/second_factor.py first")
    session = signed_in.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    anonymous = Client(HTTP_HOST="127.0.0.1")
    pages = [
        ("plan page", signed_in, f"/plan/planes/{municipality['plan_id']}/"),
        ("public page", anonymous, f"/publico/{municipality['code']}/"),
        ("report page", signed_in, f"/informes/planes/{municipality['plan_id']}/"),
    ]
    # Issue #13: a seated area focal point (no second factor: the role reads no personal data) on the
    # body's coming meeting and their home page; the first municipality from --index on with one.
    seated = next(
        (m for m in municipalities[args.index :] + municipalities[: args.index] if m.get("focal")),
        None,
    )
    if seated is not None:
        member = Client(HTTP_HOST="127.0.0.1")
        member.force_login(User.objects.get(username=seated["focal"]))
        pages += [
            (f"meeting page (member, {seated['code']})", member, f"/mesa/reuniones/{seated['next_meeting']}/"),
            (f"home (member, {seated['code']})", member, "/"),
        ]
    print(f"## Queries per request ({municipality['code']}, plan {municipality['plan_id']}, in process)\n")
    print("| Page | URL | Status | Queries | median wall ms | median SQL ms | SQL share |")
    print("|---|---|---:|---:|---:|---:|---:|")
    captured = {}
    for label, client, url in pages:
        walls, sqls, counts = [], [], []
        status = 0
        for _ in range(args.repeat if "PDF" not in label else max(2, args.repeat // 3)):
            with CaptureQueriesContext(connection) as ctx:
                t0 = time.perf_counter()
                response = client.get(url)
                walls.append(1000 * (time.perf_counter() - t0))
            status = response.status_code
            sqls.append(1000 * sum(float(q["time"]) for q in ctx.captured_queries))
            counts.append(len(ctx.captured_queries))
            captured[label] = ctx.captured_queries
        wall, sql = statistics.median(walls), statistics.median(sqls)
        print(f"| {label} | `{url}` | {status} | {max(counts)} | {wall:.1f} | {sql:.1f} | {100 * sql / wall:.0f} % |")

    for label, queries in captured.items():
        print(f"\n### {label}: the {args.explain} slowest queries (last request)\n")
        slowest = sorted(queries, key=lambda q: float(q["time"]), reverse=True)[: args.explain]
        for q in slowest:
            sql = q["sql"]
            print(f"**{1000 * float(q['time']):.2f} ms**\n\n```sql\n{sql}\n```\n")
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            with connection.cursor() as cur:
                cur.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
                plan = "\n".join(row[0] for row in cur.fetchall())
            print(f"```\n{plan}\n```\n")


if __name__ == "__main__":
    main()
