#!/usr/bin/env python
"""Import of one million values (issue #10): the CSV import job's work, in process, timed.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ronda_bench .venv/bin/python bench/tablero_import.py \
        [--rows 1000000] [--period 202412] [--out bench/out/tablero/import.json]

Needs bench/generate_tablero.py's data. What it does:

1. writes a CSV of ``--rows`` values (Ronda's own columns, by codes: data_element, option_combo,
   org_unit, period, value) for the communities of the bench country — 50,000 communities × 20
   data elements is one month of a national collection — for ``--period``, a month whose
   quarter, half-year and year hold no other value, so that step 5 can take them away exactly;
2. stores it as a national secretariat user would (``imports.request_import``: the upload checks,
   the stored file, the audit event; the job it queues is not run by a worker here);
3. runs the **check job's work** (``imports.check``: every row resolved and dry-run through
   ``services.save_values``; on PostgreSQL the rows are staged too) and then the **apply job's
   work** (``imports.apply``: one transaction, values and aggregates, written from the staging
   table; ``--file-apply`` takes the portable path instead, the file read again through
   ``save_values``, for comparison), each timed, with the process's resident memory sampled every
   50 ms (psutil) — the worker's peak is what the ≤ 400 MB target is about;
4. checks the result: the country's aggregate cell of one element equals the sum of the file's
   values for it (raw SQL on the values);
5. removes the imported values and their aggregate cells (``--keep`` leaves them).

Prints a JSON summary and writes it to ``--out``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ronda.settings")


class RssSampler(threading.Thread):
    def __init__(self) -> None:
        super().__init__(daemon=True)
        import psutil

        self.process = psutil.Process()
        self.peak = 0
        self.running = True

    def run(self) -> None:
        while self.running:
            self.peak = max(self.peak, self.process.memory_info().rss)
            time.sleep(0.05)

    def reset(self) -> int:
        self.peak = self.process.memory_info().rss
        return self.peak


def write_csv(path: Path, rows: int, period: str, seed: int) -> dict[str, Decimal]:
    from ronda.tablero.models import CategoryOptionCombo, DataElement
    from ronda.territory.models import OrgUnit

    layout = json.loads((BENCH_DIR / "out" / "tablero.json").read_text(encoding="utf-8"))
    elements = list(DataElement.objects.filter(pk__in=[e["id"] for e in layout["elements"]]).order_by("pk"))
    cocs = {
        e.pk: list(CategoryOptionCombo.objects.filter(combo_id=e.category_combo_id).values_list("code", flat=True))
        for e in elements
    }
    communities = list(OrgUnit.objects.filter(level=4).order_by("pk").values_list("code", flat=True))
    rng = random.Random(seed)
    sums: dict[str, Decimal] = {e.code: Decimal(0) for e in elements}
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["data_element", "option_combo", "org_unit", "period", "value"])
        written = 0
        for code in communities:
            drawn = within_rules({element.code: rng.randint(1, 20) for element in elements})
            for element in elements:
                if written >= rows:
                    return sums
                value = drawn[element.code]
                writer.writerow([element.code, rng.choice(cocs[element.pk]), code, period, value])
                sums[element.code] += value
                written += 1
    return sums


def within_rules(values: dict[str, int]) -> dict[str, int]:
    """One community's values made to keep the rules between elements (``tablero.rules``: "of which"
    ≤ total), as a real month's figures do: the import would rightly refuse the others."""
    from ronda.tablero import rules

    for rule in rules.RULES:
        left, right = (rule.side(text)[0] for text in (rule.left, rule.right))
        if rule.operator == "<=" and left in values and right in values:
            values[left] = min(values[left], values[right])
    return values


def cleanup(period: str) -> None:
    """Take the imported values away with the aggregate cells of the periods only they fill."""
    from django.db import connection

    from ronda.tablero import periods as iso_periods

    wider = [p.iso for p in iso_periods.containing(iso_periods.parse(period))]
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM tablero_aggregatevalue WHERE period_id IN (SELECT id FROM tablero_period WHERE iso = ANY(%s))",
            [wider],
        )
        cursor.execute(
            "DELETE FROM tablero_datavalue WHERE period_id IN (SELECT id FROM tablero_period WHERE iso = %s)",
            [period],
        )
        # VACUUM, not only ANALYZE: a run deletes a million rows, and the next one would insert
        # into a table and indexes full of dead tuples (each run slower than the last).
        cursor.execute("VACUUM ANALYZE tablero_datavalue")
        cursor.execute("VACUUM ANALYZE tablero_aggregatevalue")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--period", default="202412")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--file-apply", action="store_true", help="apply by reading the file again (portable path)")
    parser.add_argument("--out", default=str(BENCH_DIR / "out" / "tablero" / "import.json"))
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection, transaction

    from ronda.accounts.jobs import actor_for_job
    from ronda.accounts.models import Membership
    from ronda.tablero import imports
    from ronda.tablero import periods as iso_periods
    from ronda.tablero.models import ImportStatus
    from ronda.territory.models import OrgUnit

    sampler = RssSampler()
    sampler.start()
    baseline_rss = sampler.reset()
    country = OrgUnit.objects.get(level=1)
    membership = Membership.objects.filter(role="secretariat", org_unit=country).order_by("pk").first()
    assert membership is not None, "bench/generate.py makes national secretariat users"
    actor = actor_for_job(user_id=membership.user_id, membership_id=membership.pk, second_factor=True)
    assert actor is not None

    wider = [p.iso for p in iso_periods.containing(iso_periods.parse(args.period))]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM tablero_datavalue v JOIN tablero_period p ON p.id = v.period_id "
            "WHERE p.iso = ANY(%s)",
            [wider],
        )
        if cursor.fetchone()[0]:
            print(f"values in {wider} are there already: removing them first", flush=True)
            cleanup(args.period)

    out_dir = Path(args.out).parent
    out_dir.mkdir(parents=True, exist_ok=True)
    csv_path = out_dir / f"import_{args.rows}.csv"
    started = time.perf_counter()
    sums = write_csv(csv_path, args.rows, args.period, args.seed)
    csv_seconds = time.perf_counter() - started
    size = csv_path.stat().st_size
    print(f"CSV of {args.rows:,} rows, {size / 1e6:.1f} MB, written in {csv_seconds:.1f} s", flush=True)

    if args.file_apply:
        imports._apply_staged = lambda _actor, _import: None  # type: ignore[assignment]
    result: dict[str, Any] = {"rows": args.rows, "period": args.period, "csv_bytes": size}
    sampler.reset()
    started = time.perf_counter()
    with csv_path.open("rb") as fh, transaction.atomic():
        upload = SimpleUploadedFile(csv_path.name, fh.read(), content_type="text/csv")
        value_import = imports.request_import(actor=actor, upload=upload, name=csv_path.name)
        del upload
    result["upload_seconds"] = round(time.perf_counter() - started, 2)

    for step, work in (("check", imports.check), ("apply", imports.apply)):
        if step == "apply":
            value_import = imports.request_apply(actor=actor, value_import=value_import)
        start_rss = sampler.reset()
        started = time.perf_counter()
        done = work(actor=actor, import_id=value_import.pk)
        took = time.perf_counter() - started
        assert done is not None
        value_import = done
        result[step] = {
            "seconds": round(took, 2),
            "rows_per_second": round(args.rows / took),
            "peak_rss_mb": round(sampler.peak / 1e6, 1),
            "rss_at_start_mb": round(start_rss / 1e6, 1),
            "status": value_import.status,
        }
        print(f"{step}: {took:.1f} s, peak RSS {sampler.peak / 1e6:.0f} MB, {value_import.status}", flush=True)
        expected = ImportStatus.CHECKED if step == "check" else ImportStatus.APPLIED
        if value_import.status != expected:
            print(json.dumps(value_import.report, indent=2, ensure_ascii=False)[:3000])
            raise SystemExit(f"the import is {value_import.status}, not {expected}")
    result["applied"] = value_import.report.get("applied")
    result["applied_from"] = value_import.report.get("applied_from")
    result["staged_rows"] = (value_import.report.get("staged") or {}).get("rows")
    result["baseline_rss_mb"] = round(baseline_rss / 1e6, 1)

    # The result is there: the country's yearly cell of each element is the file's sum.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT e.code, sum(a.total) FROM tablero_aggregatevalue a "
            "JOIN tablero_dataelement e ON e.id = a.data_element_id "
            "JOIN tablero_period p ON p.id = a.period_id "
            "WHERE a.org_unit_id = %s AND p.iso = %s GROUP BY e.code",
            [country.pk, args.period[:4]],
        )
        got = {code: total for code, total in cursor.fetchall()}
    wrong = {c: (got.get(c), s) for c, s in sums.items() if s and got.get(c) != s}
    result["aggregates_match_file"] = not wrong
    if wrong:
        print("aggregates differ from the file:", wrong)
    if not args.keep:
        started = time.perf_counter()
        cleanup(args.period)
        result["cleanup_seconds"] = round(time.perf_counter() - started, 1)
    sampler.running = False
    Path(args.out).write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(json.dumps(result, indent=2))
    if wrong:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
