"""Summarise a bench/run_planning.sh run from the exact samples of bench/locust_planning.py.

    python bench/report_planning.py --out-dir bench/out/planning --scenario paced --scenario saturated \
        --scenario single --judge paced [--json bench/out/planning/summary.json]

Per scenario and endpoint: requests, failures, requests/s over the recorded window,
p50/p95/p99 (nearest rank, exact milliseconds), and p50/p95 divided by the floor's
(``GET /salud``). Targets (plan page and public page p95 <= 200 ms with 20 clients) are
judged on the ``--judge`` scenario.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
from collections import defaultdict
from pathlib import Path
from typing import Any

FLOOR = "GET /salud"
PLAN = "GET /plan/planes/[id]/"
PUBLIC = "GET /publico/[code]/"
MEETING = "GET /mesa/reuniones/[id]/ (member)"
HOME = "GET / (member)"
ORDER = [FLOOR, PLAN, PUBLIC, MEETING, HOME]
TARGET_P95_MS = 200.0


def percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def summarise(path: Path) -> dict[str, Any]:
    by_name: dict[str, list[float]] = defaultdict(list)
    failures: dict[str, int] = defaultdict(int)
    first, last = math.inf, -math.inf
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            name = row["name"]
            if name not in ORDER:
                continue
            by_name[name].append(float(row["response_time_ms"]))
            if row["ok"] != "1":
                failures[name] += 1
            first = min(first, float(row["start"]))
            last = max(last, float(row["end"]))
    window = last - first if last > first else math.nan
    rows = {}
    for name in ORDER:
        values = sorted(by_name.get(name, []))
        if not values and name in (MEETING, HOME):
            continue  # a run without the members (BENCH_MEMBER_WEIGHT=0)
        rows[name] = {
            "requests": len(values),
            "failures": failures.get(name, 0),
            "rps": len(values) / window if window == window and window > 0 else math.nan,
            "p50": percentile(values, 50),
            "p95": percentile(values, 95),
            "p99": percentile(values, 99),
            "max": values[-1] if values else math.nan,
        }
    floor = rows[FLOOR]
    for row in rows.values():
        row["p50_ratio"] = row["p50"] / floor["p50"] if floor["p50"] else math.nan
        row["p95_ratio"] = row["p95"] / floor["p95"] if floor["p95"] else math.nan
    total = sum(r["requests"] for r in rows.values())
    return {"window_s": window, "total_rps": total / window if window > 0 else math.nan, "endpoints": rows}


def fmt(value: float, digits: int = 1) -> str:
    return "—" if value != value else f"{value:.{digits}f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out-dir", type=Path, required=True)
    parser.add_argument("--scenario", action="append", required=True)
    parser.add_argument("--judge", default="paced")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    result: dict[str, Any] = {}
    lines = []
    for scenario in args.scenario:
        path = args.out_dir / f"{scenario}_samples.csv"
        if not path.exists():
            lines.append(f"\n{scenario}: no samples ({path})")
            continue
        summary = summarise(path)
        result[scenario] = summary
        lines.append(
            f"\n### {scenario} (recorded window {fmt(summary['window_s'])} s, {fmt(summary['total_rps'])} req/s in all)\n"
        )
        lines.append(
            "| Endpoint | Requests | Failures | req/s | p50 ms | p95 ms | p99 ms | max ms | p50 / floor | p95 / floor |"
        )
        lines.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for name, row in summary["endpoints"].items():
            lines.append(
                f"| `{name}` | {row['requests']} | {row['failures']} | {fmt(row['rps'])} | {fmt(row['p50'])} | "
                f"{fmt(row['p95'])} | {fmt(row['p99'])} | {fmt(row['max'])} | {fmt(row['p50_ratio'])}x | "
                f"{fmt(row['p95_ratio'])}x |"
            )
    judged = result.get(args.judge)
    if judged:
        lines.append(f"\nTargets (judged on `{args.judge}`):\n")
        for name in (PLAN, PUBLIC, MEETING, HOME):
            row = judged["endpoints"].get(name)
            if row is None:
                continue  # a run without the members (BENCH_MEMBER_WEIGHT=0)
            ok = row["p95"] <= TARGET_P95_MS and row["failures"] == 0 and row["requests"] > 0
            lines.append(
                f"- `{name}` p95 {fmt(row['p95'])} ms <= {TARGET_P95_MS:.0f} ms, no failures: **{'PASS' if ok else 'FAIL'}**"
            )
            result.setdefault("targets", {})[name] = ok
    print("\n".join(lines))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
