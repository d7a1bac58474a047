"""Summarise a bench/run_protection.sh run from the exact samples of bench/locust_protection.py.

    python bench/report_protection.py --out-dir bench/out/protection --scenario paced --scenario single \
        --judge paced [--queries bench/out/protection/queries.json] [--json bench/out/protection/summary.json]

Per scenario and endpoint: requests, failures, requests/s, p50/p95/p99 (nearest rank, exact milliseconds),
p50/p95 divided by the floor's (``GET /salud``: the framework floor) and, from bench/protection_queries.py,
the raw-SQL time of the same request (every query the page runs, by EXPLAIN ANALYZE) beside it. Targets of
issue #12, judged on ``--judge`` (20 clients): an officer's caseload with due reviews p95 ≤ 150 ms, a file's
page ≤ 150 ms, the state dashboard ≤ 250 ms, matching suggestions for a child ≤ 200 ms, no failures.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import report_tablero
from report_planning import FLOOR, fmt

CASELOAD = "GET caseload with due reviews (officer)"
FILE = "GET file page (officer)"
DASHBOARD = "GET state dashboard (supervisor)"
MATCHING = "GET family suggestions for a child (API, officer)"
ORDER = [FLOOR, CASELOAD, FILE, DASHBOARD, MATCHING]
TARGETS = {CASELOAD: 150.0, FILE: 150.0, DASHBOARD: 250.0, MATCHING: 200.0}
# The paths of the requests (the URL configuration: ronda/protection/urls.py, ronda/protection/api.py).
PATHS = {
    CASELOAD: "/proteccion/expedientes/",
    FILE: "/proteccion/expedientes/{id}/",
    DASHBOARD: "/proteccion/cifras/",
    MATCHING: "/api/v1/protection/files/{id}/family-suggestions",
}
PAGE_LIMIT_BYTES = 100 * 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out-dir", type=Path, required=True)
    parser.add_argument("--scenario", action="append", required=True)
    parser.add_argument("--judge", default="paced")
    parser.add_argument("--queries", type=Path, help="bench/protection_queries.py's JSON (raw-SQL times)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    report_tablero.ORDER = ORDER  # summarise() reads the module's list of endpoints
    raw: dict[str, Any] = {}
    if args.queries and args.queries.exists():
        raw = json.loads(args.queries.read_text(encoding="utf-8")).get("scenarios", {})
    result: dict[str, Any] = {}
    lines = []
    for scenario in args.scenario:
        path = args.out_dir / f"{scenario}_samples.csv"
        if not path.exists():
            lines.append(f"\n{scenario}: no samples ({path})")
            continue
        summary = report_tablero.summarise(path)
        result[scenario] = summary
        lines.append(
            f"\n### {scenario} (recorded window {fmt(summary['window_s'])} s, {fmt(summary['total_rps'])} req/s in all)\n"
        )
        lines.append(
            "| Endpoint | Requests | Failures | req/s | p50 ms | p95 ms | p99 ms | max ms | p50 / floor | "
            "p95 / floor | raw SQL ms (in process) | queries |"
        )
        lines.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for name, row in summary["endpoints"].items():
            sql = raw.get(name, {})
            lines.append(
                f"| `{name}` | {row['requests']} | {row['failures']} | {fmt(row['rps'])} | {fmt(row['p50'])} | "
                f"{fmt(row['p95'])} | {fmt(row['p99'])} | {fmt(row['max'])} | {fmt(row['p50_ratio'])}x | "
                f"{fmt(row['p95_ratio'])}x | {fmt(sql.get('raw_sql_ms', math.nan))} | {sql.get('queries', '')} |"
            )
        extra_path = args.out_dir / f"{scenario}_extra.json"
        if extra_path.exists():
            extra = json.loads(extra_path.read_text(encoding="utf-8"))
            summary["extra"] = extra
            sizes = extra.get("bytes", {})
            if sizes:
                lines.append(
                    "\nPage sizes (bytes, median / max): "
                    + "; ".join(f"{n}: {v.get('median')} / {v.get('max')}" for n, v in sizes.items() if v)
                )
            if extra.get("suggestions"):
                s = extra["suggestions"]
                lines.append(
                    f"\nFamily suggestions: {s['with_any']}/{s['asked']} requests suggested at least one family."
                )
    judged = result.get(args.judge)
    if judged:
        lines.append(f"\nTargets (judged on `{args.judge}`):\n")
        for name, target in TARGETS.items():
            row = judged["endpoints"].get(name, {"p95": math.nan, "failures": 0, "requests": 0})
            ok = row["p95"] <= target and row["failures"] == 0 and row["requests"] > 0
            lines.append(
                f"- `{name}` p95 {fmt(row['p95'])} ms <= {target:.0f} ms, no failures: **{'PASS' if ok else 'FAIL'}**"
            )
            result.setdefault("targets", {})[name] = ok
        sizes = judged.get("extra", {}).get("bytes", {})
        too_big = [n for n, v in sizes.items() if v and v.get("max", 0) > PAGE_LIMIT_BYTES]
        lines.append(f"- pages under 100 KB: **{'FAIL (' + ', '.join(too_big) + ')' if too_big else 'PASS'}**")
        result.setdefault("targets", {})["pages under 100 KB"] = not too_big
    print("\n".join(lines))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
