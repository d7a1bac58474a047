"""Build the markdown summary of a bench run from locust's CSV and the RSS samples.

    python bench/report.py --out-dir bench/out --scenario paced --scenario saturated \
        --judge paced [--markdown bench/out/summary.md]

Per scenario it reads ``<scenario>_stats.csv`` (locust --csv: request and failure counts,
requests/s, locust's rounded percentiles) and ``<scenario>_samples.csv`` (exact response
times written by bench/locustfile.py after spawning completed) and reports per endpoint
p50/p95/p99 in ms, requests/s, failures, and each endpoint's p95 divided by the floor's
(``GET /salud``) p95. ``rss.csv`` (bench/rss_sampler.py) gives the workers' resident memory.
Targets are judged on the ``--judge`` scenario.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

FLOOR = "GET /salud"
ME = "GET /api/v1/me"
SUBTREE = "GET /api/v1/org-units?within=[own]&limit=50"
REGION_L4 = "GET /api/v1/org-units?within=[region]&level=4&limit=50"
DETAIL = "GET /api/v1/org-units/[id]"
ORDER = [FLOOR, ME, SUBTREE, REGION_L4, DETAIL]
TARGET_RATIO = 3.0
TARGET_RSS_MB = 150.0
OTHER_CPU_LIMIT = 15.0  # % of one core used by processes outside the bench before a run is flagged (invalid)
LEVELS = {1: "country", 2: "region", 3: "municipality", 4: "community"}
MB = 1024 * 1024


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile (the method locust uses), on exact values."""
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def read_locust_stats(path: Path) -> dict[str, dict[str, Any]]:
    stats: dict[str, dict[str, Any]] = {}
    if not path.exists():
        return stats
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["Name"] == "Aggregated":
                stats["Aggregated"] = row
            else:
                stats[row["Name"]] = row
    return stats


def read_samples(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as fh:
        return [
            {
                "name": r["name"],
                "level": int(r["level"]) if r["level"] else None,
                "ms": float(r["response_time_ms"]),
                "ok": r["ok"] == "1",
                "time": float(r["time"]),
            }
            for r in csv.DictReader(fh)
        ]


def summarise(out_dir: Path, scenario: str) -> dict[str, Any]:
    stats = read_locust_stats(out_dir / f"{scenario}_stats.csv")
    samples = read_samples(out_dir / f"{scenario}_samples.csv")
    by_name: dict[str, list[float]] = defaultdict(list)
    by_level: dict[tuple[str, int], list[float]] = defaultdict(list)
    for s in samples:
        by_name[s["name"]].append(s["ms"])
        if s["level"] is not None and s["name"] != FLOOR:
            by_level[(s["name"], s["level"])].append(s["ms"])
    duration = (max(s["time"] for s in samples) - min(s["time"] for s in samples)) if len(samples) > 1 else 0.0
    rows = []
    names = [n for n in ORDER if n in by_name or n in stats] + sorted(
        n for n in set(by_name) | set(stats) if n not in ORDER and n != "Aggregated"
    )
    for name in names:
        values = sorted(by_name.get(name, []))
        st = stats.get(name, {})
        exact = bool(values)
        row = {
            "name": name,
            "requests": int(st.get("Request Count", len(values)) or 0),
            "failures": int(st.get("Failure Count", 0) or 0),
            "rps": float(st["Requests/s"]) if st.get("Requests/s") else (len(values) / duration if duration else 0.0),
            "p50": percentile(values, 50) if exact else float(st.get("50%", "nan")),
            "p95": percentile(values, 95) if exact else float(st.get("95%", "nan")),
            "p99": percentile(values, 99) if exact else float(st.get("99%", "nan")),
            "locust_p95": float(st["95%"]) if st.get("95%") not in (None, "", "N/A") else math.nan,
            "exact": exact,
        }
        rows.append(row)
    floor = next((r["p95"] for r in rows if r["name"] == FLOOR), math.nan)
    floor50 = next((r["p50"] for r in rows if r["name"] == FLOOR), math.nan)
    for r in rows:
        r["ratio"] = r["p95"] / floor if floor and not math.isnan(floor) else math.nan
        r["ratio50"] = r["p50"] / floor50 if floor50 and not math.isnan(floor50) else math.nan
    breakdown = []
    for (name, level), values in sorted(
        by_level.items(), key=lambda kv: (ORDER.index(kv[0][0]) if kv[0][0] in ORDER else 99, kv[0][1])
    ):
        values.sort()
        breakdown.append(
            {
                "name": name,
                "level": level,
                "requests": len(values),
                "p50": percentile(values, 50),
                "p95": percentile(values, 95),
                "p99": percentile(values, 99),
                "ratio": percentile(values, 95) / floor if floor else math.nan,
            }
        )
    agg = stats.get("Aggregated", {})
    return {
        "scenario": scenario,
        "rows": rows,
        "floor_p95": floor,
        "floor_p50": floor50,
        "breakdown": breakdown,
        "total_rps": float(agg["Requests/s"]) if agg.get("Requests/s") else math.nan,
        "total_requests": int(agg.get("Request Count", 0) or 0),
        "total_failures": int(agg.get("Failure Count", 0) or 0),
        "measured_seconds": duration,
    }


def read_rss(path: Path) -> dict[str, Any]:
    per_pid: dict[int, float] = {}
    per_phase: dict[str, float] = defaultdict(float)
    master = 0.0
    phases_seen: list[str] = []
    if not path.exists():
        return {"max_worker_mb": math.nan, "per_pid": {}, "per_phase": {}, "master_mb": math.nan, "samples": 0}
    n = 0
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            n += 1
            rss = int(row["rss_bytes"]) / MB
            phase = row["phase"] or "?"
            if phase not in phases_seen:
                phases_seen.append(phase)
            if row["kind"] == "master":
                master = max(master, rss)
                continue
            pid = int(row["pid"])
            per_pid[pid] = max(per_pid.get(pid, 0.0), rss)
            per_phase[phase] = max(per_phase[phase], rss)
    return {
        "max_worker_mb": max(per_pid.values()) if per_pid else math.nan,
        "per_pid": per_pid,
        "per_phase": {p: per_phase[p] for p in phases_seen if p in per_phase},
        "master_mb": master,
        "samples": n,
    }


def fmt(value: float, digits: int = 1) -> str:
    return "n/a" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.{digits}f}"


def verdict(ok: bool) -> str:
    return "**PASS**" if ok else "**FAIL**"


def read_cpu(path: Path | None) -> dict[str, Any] | None:
    if path is None or not path.exists():
        return None
    sums: dict[str, dict[str, float]] = {}
    seconds: dict[str, float] = defaultdict(float)
    keys = ("total_pct", "gunicorn_pct", "postgres_pct", "locust_pct", "sampler_pct", "other_pct")
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            phase = row["phase"] or "?"
            dt = float(row["seconds"])
            acc = sums.setdefault(phase, dict.fromkeys(keys, 0.0))
            for k in keys:
                acc[k] += float(row[k]) * dt
            seconds[phase] += dt
    phases = {p: {k: v / seconds[p] for k, v in acc.items()} for p, acc in sums.items() if seconds[p] > 0}
    return {"phases": phases, "cores": os.cpu_count() or 0}


def render(
    summaries: list[dict[str, Any]],
    rss: dict[str, Any],
    judge: str,
    meta: dict[str, Any],
    cpu: dict[str, Any] | None = None,
) -> str:
    lines: list[str] = []
    for s in summaries:
        lines.append(f"### Scenario `{s['scenario']}`" + (" (judged)" if s["scenario"] == judge else ""))
        lines.append("")
        desc = meta.get("scenarios", {}).get(s["scenario"])
        if desc:
            lines.append(desc)
            lines.append("")
        lines.append(
            f"{s['total_requests']:,} requests, {fmt(s['total_rps'])} req/s in total, "
            f"{s['total_failures']} failures; floor p95 = {fmt(s['floor_p95'], 2)} ms."
        )
        lines.append("")
        lines.append(
            "| Endpoint | Requests | Failures | req/s | p50 ms | p95 ms | p99 ms | p95 / floor p95 | p50 / floor p50 |"
        )
        lines.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for r in s["rows"]:
            lines.append(
                f"| `{r['name']}` | {r['requests']:,} | {r['failures']} | {fmt(r['rps'])} | {fmt(r['p50'], 2)} | "
                f"{fmt(r['p95'], 2)} | {fmt(r['p99'], 2)} | {fmt(r['ratio'], 2)}x | {fmt(r['ratio50'], 2)}x |"
            )
        lines.append("")
        if s["breakdown"]:
            lines.append("By the level of the unit asked about (listing anchor, or detail target):")
            lines.append("")
            lines.append("| Endpoint | Level | Requests | p50 ms | p95 ms | p99 ms | p95 / floor p95 |")
            lines.append("|---|---|---:|---:|---:|---:|---:|")
            for b in s["breakdown"]:
                lines.append(
                    f"| `{b['name']}` | {LEVELS.get(b['level'], b['level'])} | {b['requests']:,} | {fmt(b['p50'], 2)} | "
                    f"{fmt(b['p95'], 2)} | {fmt(b['p99'], 2)} | {fmt(b['ratio'], 2)}x |"
                )
            lines.append("")
    if cpu:
        lines.append(f"### Who used the CPU (mean % of one core; the machine has {cpu['cores']} cores)")
        lines.append("")
        lines.append("| Phase | Total | gunicorn | PostgreSQL | locust | sampler | other processes |")
        lines.append("|---|---:|---:|---:|---:|---:|---:|")
        for phase, m in cpu["phases"].items():
            lines.append(
                f"| {phase} | {fmt(m['total_pct'], 0)} | {fmt(m['gunicorn_pct'], 0)} | {fmt(m['postgres_pct'], 0)} | "
                f"{fmt(m['locust_pct'], 0)} | {fmt(m['sampler_pct'], 0)} | {fmt(m['other_pct'], 0)} |"
            )
        lines.append("")
        noisy = [
            p
            for p, m in cpu["phases"].items()
            if p in {x["scenario"] for x in summaries} and m["other_pct"] > OTHER_CPU_LIMIT
        ]
        if noisy:
            lines.append(
                f"**Warning:** processes outside the bench used more than {OTHER_CPU_LIMIT:g}% of a core during "
                f"{', '.join(noisy)}; those figures include their interference."
            )
        else:
            lines.append(
                f"Processes outside the bench used at most {OTHER_CPU_LIMIT:g}% of a core on average in every measured phase."
            )
        lines.append("")
    lines.append("### Worker memory (RSS)")
    lines.append("")
    lines.append(f"{rss['samples']:,} samples every 0.5 s. Max RSS per phase (MiB, any worker):")
    lines.append("")
    lines.append("| Phase | Max worker RSS (MiB) |")
    lines.append("|---|---:|")
    for phase, mb in rss["per_phase"].items():
        lines.append(f"| {phase} | {fmt(mb)} |")
    lines.append("")
    per_pid = ", ".join(f"pid {pid}: {fmt(mb)}" for pid, mb in sorted(rss["per_pid"].items()))
    lines.append(f"Per worker max: {per_pid or 'n/a'}; master: {fmt(rss['master_mb'])} MiB.")
    lines.append("")

    judged = next((s for s in summaries if s["scenario"] == judge), None)
    other = (cpu or {}).get("phases", {}).get(judge, {}).get("other_pct")
    valid = other is None or other <= OTHER_CPU_LIMIT
    meta["valid"] = valid
    lines.append(f"### Targets (judged on `{judge}`)")
    if not valid:
        lines.append("")
        lines.append(
            f"**Not a valid run:** other processes used {other:.0f}% of a core during `{judge}` (limit "
            f"{OTHER_CPU_LIMIT:g}%). Contention inflates the floor's p95 more than the API's, so the ratios below "
            "look better than they are. Repeat on a quiet machine."
        )
    lines.append("")
    lines.append("| Target | Measured | Result |")
    lines.append("|---|---|---|")
    results = {}
    if judged:
        for name in (SUBTREE, REGION_L4, ME):
            row = next((r for r in judged["rows"] if r["name"] == name), None)
            if row is None:
                continue
            ok = not math.isnan(row["ratio"]) and row["ratio"] <= TARGET_RATIO and row["failures"] == 0
            results[name] = ok
            lines.append(
                f"| `{name}` p95 ≤ {TARGET_RATIO:g}x floor p95 | {fmt(row['p95'], 2)} ms = {fmt(row['ratio'], 2)}x "
                f"({fmt(judged['floor_p95'], 2)} ms floor){'; ' + str(row['failures']) + ' failures' if row['failures'] else ''} | {verdict(ok)} |"
            )
    ok_rss = not math.isnan(rss["max_worker_mb"]) and rss["max_worker_mb"] <= TARGET_RSS_MB
    results["rss"] = ok_rss
    lines.append(f"| worker RSS ≤ {TARGET_RSS_MB:g} MB | max {fmt(rss['max_worker_mb'])} MiB | {verdict(ok_rss)} |")
    lines.append("")
    meta["passed"] = all(results.values()) if valid else None
    failed = [k for k, v in results.items() if not v]
    lines.append(
        f"Targets as defined: {'all pass' if not failed else str(len(failed)) + ' fail'}"
        + ("." if valid else " (INVALID run: machine busy).")
    )
    lines.append("")

    # The same ratio, split by the scope of the subtree listed: an average over a mix of scopes can hide one.
    if judged:
        rows = [b for b in judged["breakdown"] if b["name"] == SUBTREE]
        if rows:
            lines.append(
                f"Same target for `{SUBTREE}`, by the level of the anchor unit (`{judge}`; small samples are noisy):"
            )
            lines.append("")
            lines.append("| Anchor level | Requests | p95 ms | p95 / floor p95 | Result |")
            lines.append("|---|---:|---:|---:|---|")
            for b in rows:
                ok = b["ratio"] <= TARGET_RATIO
                lines.append(
                    f"| {LEVELS.get(b['level'], b['level'])} | {b['requests']:,} | {fmt(b['p95'], 2)} | "
                    f"{fmt(b['ratio'], 2)}x | {verdict(ok)} |"
                )
            lines.append("")
    single = next((s for s in summaries if s["scenario"] == "single"), None)
    if single:
        lines.append(
            "Without queueing (`single`: one request in flight), the cost of each request relative to the floor "
            f"(floor p50 {fmt(single['floor_p50'], 2)} ms, p95 {fmt(single['floor_p95'], 2)} ms):"
        )
        lines.append("")
        lines.append("| Endpoint | p50 / floor p50 | p95 / floor p95 |")
        lines.append("|---|---:|---:|")
        for r in single["rows"]:
            if r["name"] != FLOOR:
                lines.append(f"| `{r['name']}` | {fmt(r['ratio50'], 2)}x | {fmt(r['ratio'], 2)}x |")
        lines.append("")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out-dir", type=Path, default=Path(__file__).resolve().parent / "out")
    parser.add_argument("--scenario", action="append", required=True)
    parser.add_argument("--judge", required=True)
    parser.add_argument("--rss", type=Path)
    parser.add_argument("--cpu", type=Path)
    parser.add_argument("--meta", type=Path, help="JSON with {'scenarios': {name: description}}")
    parser.add_argument("--markdown", type=Path)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    meta = json.loads(args.meta.read_text(encoding="utf-8")) if args.meta and args.meta.exists() else {}
    summaries = [summarise(args.out_dir, s) for s in args.scenario]
    rss = read_rss(args.rss or args.out_dir / "rss.csv")
    cpu = read_cpu(args.cpu or args.out_dir / "cpu.csv")
    text = render(summaries, rss, args.judge, meta, cpu)
    print(text)
    if args.markdown:
        args.markdown.write_text(text + "\n", encoding="utf-8")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "scenarios": summaries,
                    "rss": rss,
                    "cpu": cpu,
                    "passed": meta.get("passed"),
                    "valid": meta.get("valid"),
                },
                indent=1,
                default=str,
            ),
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
