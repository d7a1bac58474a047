#!/usr/bin/env python
"""Time the annual report PDF of a municipality's plan, in process and through HTTP.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ronda_bench DJANGO_SETTINGS_MODULE=ronda.settings \
        .venv/bin/python bench/pdf_timing.py --runs 10 [--http http://127.0.0.1:8765] [--json out.json]

In process (always): for ``--runs`` different municipalities (a fixed random sample of
bench/out/planning.json), ``report_data(plan, "annual", 2026)`` then
``render_pdf(data, base_url=...)``, timed separately, with the number of SQL queries, the PDF
size and page count. One extra run first (another municipality) warms up WeasyPrint (imports,
fonts) and is reported apart as the cold run.

``--http URL`` (gunicorn and a ``manage.py db_worker`` must be running): for the same
municipalities, sign in as the municipality's coordinator through /cuentas/entrar/ (not timed),
then time what the person waits for, one report at a time: POST /informes/planes/<plan id>/pedir/
(annual 2026, PDF; the report is recorded and a job enqueued), then GET
/informes/generados/<id>/informe.pdf every 0.1 s until it answers 200 with the PDF (404 while the
job has not finished; the page itself polls every 2 s, so a person sees it up to 2 s later).
Also one warm-up report first, reported apart.

Prints p50/p95/max (nearest rank) and the target (<= 5 s).
"""

from __future__ import annotations

import argparse
import http.client
import inspect
import json
import math
import os
import random
import re
import sys
import time
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
PLANNING_FILE = BENCH_DIR / "out" / "planning.json"
PASSWORD = "ronda-bench-2026-Password!"  # noqa: S105 - bench/generate.py's shared synthetic password
TARGET_S = 5.0
SEED = 3

sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ronda.settings")

import second_factor  # noqa: E402  (bench/second_factor.py: the coordinators' TOTP codes)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return math.nan
    return ordered[max(1, math.ceil(p / 100 * len(ordered))) - 1]


def stats(values: list[float]) -> dict[str, float]:
    return {"p50": percentile(values, 50), "p95": percentile(values, 95), "max": max(values) if values else math.nan}


def sample(runs: int) -> list[dict[str, Any]]:
    municipalities = json.loads(PLANNING_FILE.read_text(encoding="utf-8"))["municipalities"]
    return random.Random(SEED).sample(municipalities, runs + 1)  # the first one is the warm-up


def in_process(chosen: list[dict[str, Any]], base_url: str) -> dict[str, Any]:
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import translation

    from ronda.accountability.documents import render_pdf
    from ronda.accountability.selectors import report_data
    from ronda.planning.models import LocalPlan

    # render_pdf lost its base_url argument on 2026-11-22 (nothing is fetched any more): accept both.
    takes_base_url = "base_url" in inspect.signature(render_pdf).parameters
    print(f"  render_pdf{inspect.signature(render_pdf)}")
    translation.activate("es")
    rows = []
    for i, municipality in enumerate(chosen):
        t0 = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            plan = LocalPlan.objects.select_related("org_unit").get(pk=municipality["plan_id"])
            data = report_data(plan, "annual", 2026)
        t1 = time.perf_counter()
        pdf = render_pdf(data, base_url=base_url) if takes_base_url else render_pdf(data)
        t2 = time.perf_counter()
        row = {
            "code": municipality["code"],
            "plan_id": municipality["plan_id"],
            "data_s": t1 - t0,
            "render_s": t2 - t1,
            "total_s": t2 - t0,
            "queries": len(queries),
            "bytes": len(pdf),
            "warmup": i == 0,
        }
        rows.append(row)
        print(
            f"  {'warm-up ' if i == 0 else ''}{row['code']:<12} plan {row['plan_id']:>5}: report_data {row['data_s']:.3f} s "
            f"({row['queries']} queries), render_pdf {row['render_s']:.3f} s, total {row['total_s']:.3f} s, "
            f"{row['bytes'] / 1024:.0f} KiB",
            flush=True,
        )
    # The page count, once (outside the timings): the PDF's objects are compressed.
    import weasyprint
    from django.template.loader import render_to_string

    from ronda.accountability.documents import report_context

    html = render_to_string("accountability/report_pdf.html", report_context(data))
    pages = len(weasyprint.HTML(string=html).render().pages)
    print(f"  the last report has {pages} A4 pages", flush=True)
    measured = [r for r in rows if not r["warmup"]]
    return {
        "pages_last": pages,
        "runs": rows,
        "data_s": stats([r["data_s"] for r in measured]),
        "render_s": stats([r["render_s"] for r in measured]),
        "total_s": stats([r["total_s"] for r in measured]),
    }


class Browser:
    """A minimal cookie-keeping HTTP client for 127.0.0.1 (Secure cookies are sent over http)."""

    def __init__(self, base: str) -> None:
        parts = urlsplit(base)
        if parts.hostname != "127.0.0.1":
            raise SystemExit("pdf_timing.py only talks to 127.0.0.1")
        self.host, self.port = parts.hostname, parts.port or 80
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        headers = {"Host": f"{self.host}:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=data, headers=headers)
        response = conn.getresponse()
        payload = response.read()
        for header in response.msg.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for key, morsel in cookie.items():
                self.cookies[key] = morsel.value
        conn.close()
        return response.status, dict(response.getheaders()), payload

    def sign_in(self, username: str) -> None:
        self.cookies.clear()
        status, _, page = self.request("GET", "/cuentas/entrar/")
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or not match:
            raise SystemExit(f"no login form ({status})")
        status, _headers, _ = self.request(
            "POST",
            "/cuentas/entrar/",
            {"csrfmiddlewaretoken": match.group(1).decode(), "username": username, "password": PASSWORD},
        )
        if status != 302:
            raise SystemExit(f"sign-in of {username} answered {status}")
        # Coordinators verify a TOTP code (bench/second_factor.py); a step already used by the
        # same device is refused, so the next step's code, then a wait for a new step.
        for attempt in range(2):
            for otp_code in second_factor.sign_in_codes():
                status, _, page = self.request("GET", "/cuentas/verificacion/")
                match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
                if status != 200 or not match:
                    raise SystemExit(f"no second-factor form ({status})")
                status, _, _ = self.request(
                    "POST", "/cuentas/verificacion/", {"csrfmiddlewaretoken": match.group(1).decode(), "code": otp_code}
                )
                if status == 302:
                    return
            if attempt == 0:
                time.sleep(second_factor.seconds_to_next_step())
        raise SystemExit(f"second factor of {username} refused")


def over_http(chosen: list[dict[str, Any]], base: str) -> dict[str, Any]:
    browser = Browser(base)
    rows = []
    for i, municipality in enumerate(chosen):
        browser.sign_in(municipality["coordinator"])
        page = f"/informes/planes/{municipality['plan_id']}/"
        status, _, html = browser.request("GET", page)
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        if status != 200 or not match:
            raise SystemExit(f"no report form at {page} ({status})")
        form = {"csrfmiddlewaretoken": match.group(1).decode(), "kind": "annual", "year": "2026", "format": "pdf"}
        t0 = time.perf_counter()
        status, headers, _ = browser.request("POST", page + "pedir/", form)
        location = headers.get("Location", "")
        if status != 302 or "/informes/generados/" not in location:
            raise SystemExit(f"asking for the report of {page} answered {status} {location!r}")
        path = urlsplit(location).path + "informe.pdf"
        deadline = t0 + 60
        while True:
            status, headers, body = browser.request("GET", path)
            if status == 200 or time.perf_counter() > deadline:
                break
            time.sleep(0.1)
        elapsed = time.perf_counter() - t0
        ok = status == 200 and body.startswith(b"%PDF") and headers.get("Content-Type") == "application/pdf"
        rows.append({"code": municipality["code"], "seconds": elapsed, "status": status, "ok": ok, "warmup": i == 0})
        print(
            f"  {'warm-up ' if i == 0 else ''}POST {page}pedir/ -> GET {path}: {status} "
            f"{'PDF' if ok else 'NOT A PDF'} {len(body) / 1024:.0f} KiB after {elapsed:.3f} s",
            flush=True,
        )
    measured = [r for r in rows if not r["warmup"]]
    return {
        "runs": rows,
        "failures": sum(1 for r in measured if not r["ok"]),
        "seconds": stats([r["seconds"] for r in measured]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--http", help="also time the PDF download from this gunicorn (http://127.0.0.1:PORT)")
    parser.add_argument("--skip-in-process", action="store_true")
    parser.add_argument("--base-url", default="http://127.0.0.1:8765/")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    chosen = sample(args.runs)
    result: dict[str, Any] = {}
    if not args.skip_in_process:
        print(f"In process: report_data(plan, 'annual', 2026) + render_pdf, {args.runs} municipalities (+1 warm-up)")
        result["in_process"] = in_process(chosen, args.base_url)
        t = result["in_process"]
        print(
            "  report_data p50/p95/max {:.3f}/{:.3f}/{:.3f} s; render_pdf {:.3f}/{:.3f}/{:.3f} s; "
            "total {:.3f}/{:.3f}/{:.3f} s -> target <= {:.0f} s: {}".format(
                *t["data_s"].values(),
                *t["render_s"].values(),
                *t["total_s"].values(),
                TARGET_S,
                "PASS" if t["total_s"]["max"] <= TARGET_S else "FAIL",
            )
        )
    if args.http:
        print(f"Through HTTP ({args.http}), signed in as each municipality's coordinator, one request at a time")
        result["http"] = over_http(chosen, args.http)
        h = result["http"]
        print(
            "  p50/p95/max {:.3f}/{:.3f}/{:.3f} s, failures {} -> target <= {:.0f} s: {}".format(
                *h["seconds"].values(),
                h["failures"],
                TARGET_S,
                "PASS" if h["seconds"]["max"] <= TARGET_S and not h["failures"] else "FAIL",
            )
        )
    if args.json:
        args.json.write_text(json.dumps(result, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
