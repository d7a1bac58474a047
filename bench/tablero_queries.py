#!/usr/bin/env python
"""Where the Tablero's time goes, and the raw-SQL time of the same aggregates. Markdown on stdout.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ronda_bench DJANGO_SETTINGS_MODULE=ronda.settings \
        .venv/bin/python bench/tablero_queries.py [--repeat 20] [--json bench/out/tablero/queries.json]

1. **In process** (Django's test client: no gunicorn, no network), each page or API call of
   bench/locust_tablero.py asked ``--repeat`` times: status, queries, median wall and SQL time,
   and EXPLAIN (ANALYZE, BUFFERS) of the slowest query of the last request.
2. **Raw SQL of the same aggregate**, by psycopg on one connection, ``--repeat`` times each
   (p50/p95/p99):
   * *maintained* — what decision 0017 stores: an indicator's numerator and denominator for the
     50 regions × 12 months read from ``tablero_aggregatevalue`` (an index lookup per cell);
   * *on the fly* — the same figures computed from the 12 million raw values at request time
     (``tablero_datavalue`` joined to the units by path prefix), the design 0017 rejected: how
     much slower it is is the measured worth of keeping the aggregates.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ronda.settings")


def pct(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)

    def at(p: float) -> float:
        return round(ordered[max(0, -(-len(ordered) * p // 100) - 1)], 2)

    return {"p50": at(50), "p95": at(95), "p99": at(99)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from ronda.accounts.models import User
    from ronda.tablero import expressions
    from ronda.tablero.models import DataElement, Indicator, Period
    from ronda.tablero.services import current_formula
    from ronda.territory.models import OrgUnit

    layout = json.loads((BENCH_DIR / "out" / "tablero.json").read_text(encoding="utf-8"))
    country = layout["country"]
    months = layout["months"]
    first_year, last_year = months[0][:4], months[-1][:4]
    indicator = Indicator.objects.get(uid=layout["chart_indicators"][0])
    region = layout["regions"][0]
    national = Client(HTTP_HOST="127.0.0.1")
    national.force_login(User.objects.get(username=layout["national_users"][0]))
    coordinator = User.objects.get(username=layout["coordinators"][0]["coordinator"])
    municipal = Client(HTTP_HOST="127.0.0.1")
    municipal.force_login(coordinator)
    device = TOTPDevice.objects.filter(user=coordinator, confirmed=True).first()
    assert device is not None, "bench/generate_tablero.py gives the sampled coordinators a TOTP device"
    session = municipal.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    token = next(
        t["token"]
        for t in json.loads((BENCH_DIR / "out" / "tokens.json").read_text("utf-8"))["tokens"]
        if t["role"] == "secretariat" and t["level"] == 1
    )
    api = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {token}")
    muni = layout["coordinators"][0]["id"]
    pages = [
        (
            "national dashboard",
            national,
            f"/tablero/paneles/?unidad={country['id']}&indicador={indicator.uid}&tipo=Monthly&desde={first_year}&hasta={last_year}",
        ),
        (
            "comparison of regions",
            national,
            f"/tablero/paneles/comparacion/?unidad={country['id']}&indicador={indicator.uid}&periodo=LAST_12_MONTHS",
        ),
        (
            "municipal dashboard",
            municipal,
            f"/tablero/paneles/?unidad={muni}&tipo=Monthly&desde={first_year}&hasta={last_year}",
        ),
        (
            "analytics: country by region",
            api,
            f"/dhis2/api/analytics?dimension=dx:{indicator.uid}&dimension=pe:LAST_12_MONTHS&dimension=ou:{country['uid']};LEVEL-2",
        ),
        (
            "analytics: region by municipality",
            api,
            f"/dhis2/api/analytics?dimension=dx:{indicator.uid}&dimension=pe:LAST_12_MONTHS&dimension=ou:{region['uid']};LEVEL-3",
        ),
    ]
    result: dict[str, Any] = {"pages": {}, "raw_sql": {}}
    print(f"## In process (indicator {indicator.code}, {args.repeat} requests each)\n")
    print("| Request | Status | Queries | median wall ms | median SQL ms | SQL share |")
    print("|---|---:|---:|---:|---:|---:|")
    captured = {}
    for label, client, url in pages:
        walls, sqls, counts = [], [], []
        status = 0
        client.get(url)  # warm
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as ctx:
                t0 = time.perf_counter()
                response = client.get(url)
                walls.append(1000 * (time.perf_counter() - t0))
            status = response.status_code
            sqls.append(1000 * sum(float(q["time"]) for q in ctx.captured_queries))
            counts.append(len(ctx.captured_queries))
            captured[label] = ctx.captured_queries
        wall, sql = statistics.median(walls), statistics.median(sqls)
        result["pages"][label] = {"url": url, "status": status, "queries": max(counts), "wall_ms": wall, "sql_ms": sql}
        print(f"| {label} | {status} | {max(counts)} | {wall:.1f} | {sql:.1f} | {100 * sql / wall:.0f} % |")

    # --- raw SQL of the same aggregate: the indicator by region over the 12 months --------------
    formula = current_formula(indicator)
    assert formula is not None
    operands = expressions.references(expressions.parse(formula.numerator)) | expressions.references(
        expressions.parse(formula.denominator)
    )
    element_ids = sorted(
        DataElement.objects.filter(uid__in=[o.element for o in operands]).values_list("pk", flat=True)
    ) or sorted(DataElement.objects.filter(code__in=[o.element for o in operands]).values_list("pk", flat=True))
    month_ids = list(Period.objects.filter(iso__in=months).values_list("pk", flat=True))
    region_ids = list(OrgUnit.objects.filter(level=2).values_list("pk", flat=True))
    maintained = (
        "SELECT data_element_id, org_unit_id, period_id, sum(total), sum(count) FROM tablero_aggregatevalue "
        "WHERE data_element_id = ANY(%s) AND org_unit_id = ANY(%s) AND period_id = ANY(%s) "
        "GROUP BY data_element_id, org_unit_id, period_id"
    )
    on_the_fly = (
        "SELECT v.data_element_id, r.id, v.period_id, sum(v.value), count(*) FROM tablero_datavalue v "
        "JOIN territory_orgunit u ON u.id = v.org_unit_id "
        "JOIN territory_orgunit r ON r.level = 2 AND u.path LIKE r.path || '%%' "
        "WHERE v.data_element_id = ANY(%s) AND v.period_id = ANY(%s) AND NOT v.deleted "
        "GROUP BY v.data_element_id, r.id, v.period_id"
    )
    print(
        f"\n## Raw SQL of the same aggregate ({indicator.code}: {len(element_ids)} elements × 50 regions × 12 months)\n"
    )
    print("| Query | rows | p50 ms | p95 ms | p99 ms | runs |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, sql, params, runs in (
        ("maintained aggregates (decision 0017)", maintained, [element_ids, region_ids, month_ids], args.repeat),
        ("on the fly from the raw values", on_the_fly, [element_ids, month_ids], max(3, args.repeat // 10)),
    ):
        times = []
        rows = 0
        with connection.cursor() as cursor:
            for _ in range(runs):
                t0 = time.perf_counter()
                cursor.execute(sql, params)
                rows = len(cursor.fetchall())
                times.append(1000 * (time.perf_counter() - t0))
            stats = pct(times)
            result["raw_sql"][label] = {**stats, "rows": rows, "runs": runs, "sql": sql}
        print(f"| {label} | {rows} | {stats['p50']} | {stats['p95']} | {stats['p99']} | {runs} |")

    for label, queries in captured.items():
        slowest = max(queries, key=lambda q: float(q["time"]), default=None)
        if slowest is None:
            continue
        print(f"\n### {label}: the slowest query ({1000 * float(slowest['time']):.2f} ms)\n")
        print(f"```sql\n{slowest['sql'][:3000]}\n```\n")
        if slowest["sql"].lstrip().upper().startswith("SELECT"):
            with connection.cursor() as cur:
                cur.execute(f"EXPLAIN (ANALYZE, BUFFERS) {slowest['sql']}")
                print("```\n" + "\n".join(row[0] for row in cur.fetchall()) + "\n```\n")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
