#!/usr/bin/env python
"""Where protection's time goes: per request of bench/locust_protection.py, the SQL it runs and the raw-SQL
time of the same queries. Markdown on stdout.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ronda_bench DJANGO_SETTINGS_MODULE=ronda.settings \
        .venv/bin/python bench/protection_queries.py [--repeat 20] [--json bench/out/protection/queries.json]

In process (Django's test client: no gunicorn, no network), each page or API call asked ``--repeat``
times as the first sampled officer or supervisor of ``bench/out/protection.json`` (signed in with a
verified second factor, or with their API token): status, number of queries, median wall time, median
SQL time as Django measures it, and the **raw-SQL time**: every SELECT of the last request run again
under ``EXPLAIN (ANALYZE, FORMAT JSON)`` (the server's planning + execution time, no driver, no
Python), plus the measured time of its writes (the access events, the session), which are not run
twice. Then the slowest query of each request with its ``EXPLAIN (ANALYZE, BUFFERS)`` plan.
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
sys.path.insert(0, str(BENCH_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ronda.settings")

from report_protection import CASELOAD, DASHBOARD, FILE, MATCHING, PATHS  # noqa: E402 - the names the report joins on


def raw_time(cursor: Any, sql: str) -> float | None:
    """Planning + execution time of a SELECT on the server (ms), or None for anything else."""
    if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
        return None
    cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
    plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return float(plan[0]["Planning Time"]) + float(plan[0]["Execution Time"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--plans", action="store_true", help="print the slowest query's plan of every request")
    args = parser.parse_args()

    import django

    django.setup()
    import logging

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from ronda.accounts.models import User

    logging.getLogger("django.request").setLevel(logging.ERROR)
    layout = json.loads((BENCH_DIR / "out" / "protection.json").read_text(encoding="utf-8"))
    # The state officer with the most open files (the caseload of about 40), and a supervisor.
    officer = max(layout["officers"], key=lambda o: (o["level"] == 2, len(o["files"])))
    supervisor = layout["supervisors"][0]

    def signed_in(username: str) -> Any:
        client = Client(HTTP_HOST="127.0.0.1")
        user = User.objects.get(username=username)
        client.force_login(user)
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        assert device is not None, "bench/generate_protection.py gives the sampled users a TOTP device"
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return client

    web_officer = signed_in(officer["username"])
    web_supervisor = signed_in(supervisor["username"])
    api_officer = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {officer['token']}")
    file_id = officer["files"][0]
    requests: list[tuple[str, Any, str]] = [
        (CASELOAD, web_officer, PATHS[CASELOAD]),
        (FILE, web_officer, PATHS[FILE].format(id=file_id)),
        (DASHBOARD, web_supervisor, PATHS[DASHBOARD]),
        (MATCHING, api_officer, PATHS[MATCHING].format(id=file_id)),
    ]

    result: dict[str, Any] = {"officer": officer["username"], "supervisor": supervisor["username"], "scenarios": {}}
    print(
        f"## In process ({args.repeat} requests each; officer {officer['username']} with {len(officer['files'])} "
        f"open files sampled, supervisor {supervisor['username']})\n"
    )
    print(
        "| Request | Status | Queries | median wall ms | median SQL ms (Django) | raw SQL ms (EXPLAIN ANALYZE) | SQL share |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    slowest_of: dict[str, dict[str, Any]] = {}
    for name, client, url in requests:

        def ask(client: Any = client, url: str = url) -> Any:
            return client.get(url)

        warm = ask()
        if warm.status_code != 200:
            print(f"| {name} | {warm.status_code} | | | | | `{url}` |")
            result["scenarios"][name] = {"url": url, "status": warm.status_code}
            continue
        walls, sqls, counts, raws = [], [], [], []
        status = 0
        captured: list[dict[str, Any]] = []
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as ctx:
                t0 = time.perf_counter()
                response = ask()
                walls.append(1000 * (time.perf_counter() - t0))
            status = response.status_code
            captured = ctx.captured_queries
            sqls.append(1000 * sum(float(q["time"]) for q in captured))
            counts.append(len(captured))
        with connection.cursor() as cursor:
            for _ in range(3):
                total = 0.0
                for q in captured:
                    server = raw_time(cursor, q["sql"])
                    total += server if server is not None else 1000 * float(q["time"])
                raws.append(total)
        wall, sql, raw = statistics.median(walls), statistics.median(sqls), min(raws)
        result["scenarios"][name] = {
            "url": url,
            "status": status,
            "queries": max(counts),
            "wall_ms": round(wall, 2),
            "sql_ms": round(sql, 2),
            "raw_sql_ms": round(raw, 2),
            "statements": [q["sql"][:2000] for q in captured],
        }
        print(f"| {name} | {status} | {max(counts)} | {wall:.1f} | {sql:.1f} | {raw:.1f} | {100 * sql / wall:.0f} % |")
        selects = [q for q in captured if q["sql"].lstrip().upper().startswith(("SELECT", "WITH"))]
        if selects:
            slowest_of[name] = max(selects, key=lambda q: float(q["time"]))

    for name, query in slowest_of.items():
        print(f"\n### {name}: the slowest query ({1000 * float(query['time']):.2f} ms)\n")
        print(f"```sql\n{query['sql'][:3000]}\n```\n")
        if args.plans:
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {query['sql']}")
                plan = "\n".join(row[0] for row in cursor.fetchall())
            result["scenarios"][name]["slowest_plan"] = plan
            print(f"```\n{plan}\n```\n")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
