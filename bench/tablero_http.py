#!/usr/bin/env python
"""The Tablero through HTTP (issue #10): write-to-read lag, a dataValueSets import, a streamed export.

    .venv/bin/python bench/tablero_http.py --host http://127.0.0.1:8767 --gunicorn-pid PID \
        [--lag 200] [--post-values 1000000] [--export] [--json bench/out/tablero/http.json]

Against a running gunicorn on 127.0.0.1 with bench/generate_tablero.py's data, as a national
secretariat API token (bench/out/tokens.json). Three measurements:

* **lag** — ``--lag N`` times: read the municipality's total of a data element for a month with
  ``GET /dhis2/api/analytics``, write one community's value with ``POST /dhis2/api/dataValues``,
  and read the analytics again at once. The lag is the number of extra reads until the new total
  shows (target 0: the very next response). Times of the write and the reads are kept.
* **POST dataValueSets** — ``--post-values N`` values (one month for N / 20 communities × 20
  elements) in one JSON body; wall time, the import summary, and the peak resident memory of the
  gunicorn workers (psutil, every 50 ms) while it runs.
* **export** — ``GET /dhis2/api/dataValueSets?dataElement=…&startDate&endDate&orgUnit=<country>
  &children=true`` as CSV (streamed) for the 12 months: bytes, rows, time, workers' peak memory.

The written values go to ``--period`` (a month whose quarter, half-year and year hold nothing
else) and are removed afterwards with bench/tablero_import.py's ``cleanup``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ronda.settings")


class WorkerRss(threading.Thread):
    """Peak RSS of gunicorn's workers (the children of the master)."""

    def __init__(self, master_pid: int) -> None:
        super().__init__(daemon=True)
        import psutil

        self.master = psutil.Process(master_pid)
        self.peak = 0
        self.running = True

    def current(self) -> int:
        return max((c.memory_info().rss for c in self.master.children()), default=0)

    def run(self) -> None:
        while self.running:
            with contextlib.suppress(Exception):  # a worker restarting between two samples
                self.peak = max(self.peak, self.current())
            time.sleep(0.05)

    def reset(self) -> int:
        self.peak = self.current()
        return self.peak


def request(
    host: str, token: str, path: str, *, method: str = "GET", body: bytes | None = None, ctype: str = ""
) -> tuple[int, bytes]:
    headers = {"Authorization": f"Bearer {token}"}
    if ctype:
        headers["Content-Type"] = ctype
    req = urllib.request.Request(host + path, data=body, method=method, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(req, timeout=900) as response:  # noqa: S310 - 127.0.0.1 only
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    if not ordered:
        return {}

    def at(p: float) -> float:
        return round(ordered[max(0, -(-len(ordered) * p // 100) - 1)], 1)  # nearest rank

    return {"p50": at(50), "p95": at(95), "p99": at(99), "max": round(ordered[-1], 1)}


def municipality_total(host: str, token: str, element: str, period: str, unit: str) -> tuple[float, float]:
    started = time.perf_counter()
    status, body = request(
        host, token, f"/dhis2/api/analytics?dimension=dx:{element}&dimension=pe:{period}&filter=ou:{unit}"
    )
    took = (time.perf_counter() - started) * 1000
    if status != 200:
        raise SystemExit(f"analytics answered {status}: {body[:300]!r}")
    rows = json.loads(body)["rows"]
    return (float(rows[0][-1]) if rows else 0.0), took


def lag(host: str, token: str, layout: dict[str, Any], period: str, n: int, seed: int) -> dict[str, Any]:
    from ronda.tablero.models import CategoryOptionCombo, DataElement
    from ronda.territory.models import OrgUnit

    rng = random.Random(seed)
    elements = list(DataElement.objects.filter(pk__in=[e["id"] for e in layout["elements"]]))
    cocs = {e.pk: list(CategoryOptionCombo.objects.filter(combo_id=e.category_combo_id)) for e in elements}
    municipalities = list(OrgUnit.objects.filter(level=3).order_by("?")[:50])
    writes, reads, lags = [], [], []
    for _ in range(n):
        municipality = rng.choice(municipalities)
        community = OrgUnit.objects.filter(parent=municipality).order_by("?").first()
        assert community is not None
        element = rng.choice(elements)
        coc = rng.choice(cocs[element.pk])
        before, took = municipality_total(host, token, element.uid, period, municipality.uid)
        reads.append(took)
        status, body = request(
            host, token, f"/dhis2/api/dataValues?de={element.uid}&pe={period}&ou={community.uid}&co={coc.uid}"
        )
        old = float(json.loads(body)[0]) if status == 200 else 0.0  # 409: no value there yet
        new = float(rng.randint(1, 50))
        started = time.perf_counter()
        status, body = request(
            host,
            token,
            f"/dhis2/api/dataValues?de={element.uid}&pe={period}&ou={community.uid}&co={coc.uid}&value={int(new)}",
            method="POST",
        )
        writes.append((time.perf_counter() - started) * 1000)
        if status not in (200, 201, 204):
            raise SystemExit(f"dataValues answered {status}: {body[:300]!r}")
        extra = 0
        while True:
            after, took = municipality_total(host, token, element.uid, period, municipality.uid)
            reads.append(took)
            if abs(after - (before - old + new)) < 1e-6:
                break
            extra += 1
            if extra > 50:
                raise SystemExit(f"the new value did not show after 50 reads ({before} - {old} + {new} != {after})")
        lags.append(extra)
    return {
        "writes": n,
        "lag_reads_max": max(lags),
        "lag_reads_total": sum(lags),
        "write_ms": percentiles(writes),
        "analytics_read_ms": percentiles(reads),
    }


def post_values(host: str, token: str, layout: dict[str, Any], period: str, n: int, rss: WorkerRss) -> dict[str, Any]:
    from ronda.tablero.models import CategoryOptionCombo, DataElement
    from ronda.territory.models import OrgUnit

    rng = random.Random(11)
    elements = list(DataElement.objects.filter(pk__in=[e["id"] for e in layout["elements"]]).order_by("pk"))
    cocs = {
        e.pk: list(CategoryOptionCombo.objects.filter(combo_id=e.category_combo_id).values_list("uid", flat=True))
        for e in elements
    }
    from tablero_import import within_rules

    values = []
    for uid in OrgUnit.objects.filter(level=4).order_by("pk").values_list("uid", flat=True).iterator():
        drawn = within_rules({element.code: rng.randint(1, 20) for element in elements})
        for element in elements:
            if len(values) >= n:
                break
            values.append(
                {
                    "dataElement": element.uid,
                    "period": period,
                    "orgUnit": uid,
                    "categoryOptionCombo": rng.choice(cocs[element.pk]),
                    "value": str(drawn[element.code]),
                }
            )
        if len(values) >= n:
            break
    body = json.dumps({"dataValues": values}).encode()
    del values
    start_rss = rss.reset()
    started = time.perf_counter()
    status, answer = request(
        host, token, "/dhis2/api/dataValueSets", method="POST", body=body, ctype="application/json"
    )
    took = time.perf_counter() - started
    summary = json.loads(answer) if answer.startswith(b"{") else {"raw": answer[:500].decode(errors="replace")}
    counts = summary.get("response", summary).get("importCount") if isinstance(summary, dict) else None
    return {
        "values": n,
        "body_mb": round(len(body) / 1e6, 1),
        "status": status,
        "seconds": round(took, 2),
        "values_per_second": round(n / took),
        "import_count": counts,
        "worker_rss_at_start_mb": round(start_rss / 1e6, 1),
        "worker_peak_rss_mb": round(rss.peak / 1e6, 1),
    }


def export(host: str, token: str, layout: dict[str, Any], rss: WorkerRss) -> dict[str, Any]:
    from ronda.tablero import periods as iso_periods

    first = iso_periods.parse(layout["months"][0])
    last = iso_periods.parse(layout["months"][-1])
    elements = "&".join(f"dataElement={e['uid']}" for e in layout["elements"])
    path = (
        f"/dhis2/api/dataValueSets.csv?{elements}&startDate={first.start.isoformat()}&endDate={last.end.isoformat()}"
        f"&orgUnit={layout['country']['uid']}&children=true"
    )
    start_rss = rss.reset()
    started = time.perf_counter()
    req = urllib.request.Request(host + path, headers={"Authorization": f"Bearer {token}"})  # noqa: S310
    size = lines = 0
    first_byte = None
    with urllib.request.urlopen(req, timeout=3600) as response:  # noqa: S310 - 127.0.0.1 only
        status = response.status
        while chunk := response.read(1 << 20):
            if first_byte is None:
                first_byte = time.perf_counter() - started
            size += len(chunk)
            lines += chunk.count(b"\n")
    took = time.perf_counter() - started
    return {
        "status": status,
        "rows": lines - 1,
        "mb": round(size / 1e6, 1),
        "seconds": round(took, 1),
        "rows_per_second": round((lines - 1) / took),
        "first_byte_seconds": round(first_byte or 0, 2),
        "worker_rss_at_start_mb": round(start_rss / 1e6, 1),
        "worker_peak_rss_mb": round(rss.peak / 1e6, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", required=True)
    parser.add_argument("--gunicorn-pid", type=int, required=True)
    parser.add_argument("--lag", type=int, default=200)
    parser.add_argument("--post-values", type=int, default=0)
    parser.add_argument("--export", action="store_true")
    parser.add_argument("--period", default="202312")
    parser.add_argument("--json", default=str(BENCH_DIR / "out" / "tablero" / "http.json"))
    args = parser.parse_args()
    if not args.host.startswith("http://127.0.0.1:"):
        raise SystemExit("only http://127.0.0.1")

    import django

    django.setup()
    from tablero_import import cleanup

    layout = json.loads((BENCH_DIR / "out" / "tablero.json").read_text(encoding="utf-8"))
    tokens = json.loads((BENCH_DIR / "out" / "tokens.json").read_text(encoding="utf-8"))["tokens"]
    token = next(t["token"] for t in tokens if t["role"] == "secretariat" and t["level"] == 1)
    rss = WorkerRss(args.gunicorn_pid)
    rss.start()
    result: dict[str, Any] = {}
    cleanup(args.period)
    try:
        if args.lag:
            result["lag"] = lag(args.host, token, layout, args.period, args.lag, 3)
            print("lag:", json.dumps(result["lag"]), flush=True)
            cleanup(args.period)
        if args.post_values:
            result["post_data_value_sets"] = post_values(args.host, token, layout, args.period, args.post_values, rss)
            print("POST dataValueSets:", json.dumps(result["post_data_value_sets"]), flush=True)
            cleanup(args.period)
        if args.export:
            result["export_csv"] = export(args.host, token, layout, rss)
            print("export:", json.dumps(result["export_csv"]), flush=True)
    finally:
        cleanup(args.period)
        rss.running = False
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(result, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
