#!/usr/bin/env python
"""Where the render time of the plan page and the public page goes: cProfile and wall time.

    RONDA_ENV=test .venv/bin/python bench/profile_render.py [--repeat 50] [--top 25] [--html DIR]

No bench database needed: builds, in an in-memory SQLite test database, one municipality with a
plan of the bench's shape (bench/generate_planning.py: 5 areas, 5 strategic lines x 2 objectives x
5 measures = 50 measures, a budget row per measure and year 2025..2028, progress updates, 3 plan
changes, approved and in execution, weighted by budget) and a children's council with 16
answered requests. Then, with Django's test client (in process, no network), signs in the
municipality's coordinator (``ronda.testing.login``: second factor verified) and asks:

* ``/plan/planes/<id>/`` (the coordinator's plan page), and
* ``/publico/<code>/`` (the public page, anonymous)

``--repeat`` times each after two warm-up requests, printing the median, min and p90 wall time
per request, the median and min CPU time of the process (steadier than wall time on a shared
machine: waiting for a core is not counted) and the garbage collector's time per request; then ``--profile`` more requests of each under
cProfile, printing the function calls per request (the steadiest figure of all) and the top
functions by cumulative time (leaving out the test client, handler and middleware frames every
request passes through), by own time, and by cumulative time among Ronda's own code, Babel, URL
reversing, translation and date formatting, in ms per request (cProfile inflates every call: compare
the tables with each other, not with the wall times). ``--html DIR`` writes each page's HTML (the CSRF token, which
changes per request, is blanked) to compare renders before and after a change with ``diff``.
``--currency ""`` shows amounts without a currency (a country that sets none).
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import gc
import io
import os
import pstats
import re
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("RONDA_ENV", "test")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ronda.settings")

LINES, OBJECTIVES, MEASURES = 5, 2, 5  # as bench/generate_planning.py
UPDATES = 3  # per measure (the bench has 36; the pages show the latest few only)
ANSWERS = 16
CSRF = re.compile(r"\b[A-Za-z0-9]{64}\b")  # the CSRF token (form fields and htmx headers): new per request


def build(currency: str) -> tuple[object, object, str]:
    """The bench municipality: returns (coordinator, plan, municipality code)."""
    from django.utils import timezone

    from ronda.core.roles import Role
    from ronda.core.tenancy import SYSTEM
    from ronda.council import services as council_services
    from ronda.council.models import RequestStatus
    from ronda.planning import services
    from ronda.planning.choices import GoalArea
    from ronda.planning.models import LocalPlan, Measure, PlanStatus, Weighting
    from ronda.territory.models import Area, AreaKind, OrgUnit
    from ronda.testing import build_world

    world = build_world()
    OrgUnit.objects.filter(pk=world.country.pk).update(currency=currency)
    unit = world.municipality
    areas = [world.area] + [
        Area.objects.create(org_unit=unit, kind=kind, name=name)
        for kind, name in (
            (AreaKind.EDUCATION, "Educación"),
            (AreaKind.HEALTH, "Salud pública"),
            (AreaKind.PUBLIC_WORKS, "Obras públicas"),
            (AreaKind.CULTURE, "Cultura y deporte"),
        )
    ]
    plan = services.create_plan(
        actor=SYSTEM,
        org_unit=unit,
        title="Plan Local de Protección Integral de Derechos 2025–2028",
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2028, 12, 31),
        weighting=Weighting.BUDGET,
    )
    goal_areas = list(GoalArea.values)
    k = 0
    for li in range(LINES):
        line = services.create_line(
            actor=SYSTEM,
            plan=plan,
            title=f"Línea estratégica {li + 1}: garantía de derechos de niñas, niños y adolescentes",
            goal_area=goal_areas[li % len(goal_areas)],
        )
        for oi in range(OBJECTIVES):
            objective = services.create_objective(
                actor=SYSTEM, line=line, title=f"Objetivo {li + 1}.{oi + 1}: mejorar la cobertura de servicios"
            )
            for _ in range(MEASURES):
                k += 1
                annual = Decimal(1000 * (k % 7 + 1)) + Decimal("250.50")
                services.create_measure(
                    actor=SYSTEM,
                    plan=plan,
                    objective=objective,
                    title=f"Medida {k}: talleres de crianza positiva en las comunidades",
                    responsible_area=areas[k % len(areas)],
                    horizon="medium",
                    start_date=dt.date(2025, 1, 1),
                    end_date=dt.date(2027 + k % 2, 12, 31),
                    budgets=[
                        services.BudgetLine(year, annual, annual * Decimal("0.6") if year <= 2026 else Decimal(0))
                        for year in range(2025, 2029 + k % 2 - 1)
                    ],
                )
    services.change_plan_status(
        actor=SYSTEM,
        plan=plan,
        expected_version=None,
        status=PlanStatus.APPROVED,
        approved_on=dt.date(2025, 1, 5),
        approved_by="Concejo Municipal",
        approval_reference="Resolución 2025-001",
    )
    plan = LocalPlan.objects.get(pk=plan.pk)
    services.change_plan_status(actor=SYSTEM, plan=plan, expected_version=None, status=PlanStatus.IN_EXECUTION)
    today = timezone.localdate()
    for round_ in range(UPDATES):
        for measure in Measure.objects.filter(plan=plan).order_by("pk"):
            services.record_progress(
                actor=SYSTEM,
                measure=measure,
                expected_version=None,
                percent=Decimal(min(100, (measure.pk % 9 + 1) * 3 * (round_ + 1))) + Decimal("0.25"),
                justification="Se realizaron los talleres previstos en tres comunidades, con buena asistencia.",
                reported_on=today - dt.timedelta(days=20 * (UPDATES - round_)),
            )
    change = services.ChangeRecord(what="", why="Nuevo diagnóstico", approved_by="Concejo Municipal")
    for i, measure in enumerate(Measure.objects.filter(plan=plan).order_by("pk")[:3]):
        services.update_measure(
            actor=SYSTEM,
            measure=measure,
            expected_version=None,
            change=change,
            title=f"{measure.title} (ampliada {i + 1})",
        )
    council = council_services.create_council(actor=SYSTEM, org_unit=unit, name="Consejo Consultivo de Niñez")
    for i in range(ANSWERS):
        request = council_services.create_request(
            actor=SYSTEM,
            council=council,
            title=f"Solicitud {i + 1}: un parque con juegos en la comunidad",
            description="Pedimos un parque con juegos cerca de la escuela.",
            routed_area=areas[i % len(areas)],
            received_on=today - dt.timedelta(days=40 + i),
        )
        council_services.transition_request(
            actor=SYSTEM,
            council_request=request,
            expected_version=None,
            status=RequestStatus.ACCEPTED,
            answer="Sí. El parque estará listo en marzo. Lo haremos con ustedes.",
            confirm_answer=True,
        )
    return world.home[Role.COORDINATOR], plan, unit.code


class Collector:
    """Time spent in the garbage collector (``gc.callbacks``): a full collection costs tens of ms
    and lands in whichever request (and, under cProfile, whichever function) allocated last."""

    def __init__(self) -> None:
        self.total = 0.0
        self.started = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self.started = time.perf_counter()
        else:
            self.total += time.perf_counter() - self.started


collector = Collector()


def html_of(response: object) -> str:
    return CSRF.sub("CSRF", response.content.decode())  # type: ignore[attr-defined]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=50, help="timed requests per page (median reported)")
    parser.add_argument("--profile", type=int, default=20, help="requests per page under cProfile")
    parser.add_argument("--top", type=int, default=25, help="functions listed per ordering")
    parser.add_argument("--currency", default="USD", help='ISO code of the country ("" for none)')
    parser.add_argument("--html", type=Path, help="write each page's HTML into this folder")
    parser.add_argument("--dump", type=Path, help="write each page's profile (pstats) into this folder")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from ronda.testing import login

    setup_test_environment()
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    t0 = time.perf_counter()
    coordinator, plan, code = build(args.currency)
    print(f"data built in {time.perf_counter() - t0:.1f} s ({connection.vendor}, currency {args.currency!r})\n")

    signed_in = login(Client(), coordinator)  # type: ignore[arg-type]
    anonymous = Client()
    pages = [
        ("plan", signed_in, f"/plan/planes/{plan.pk}/"),  # type: ignore[attr-defined]
        ("public", anonymous, f"/publico/{code}/"),
    ]
    print("| Page | URL | bytes | wall median ms | wall min ms | wall p90 ms | CPU median ms | CPU min ms | GC ms |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for label, client, url in pages:
        for _ in range(2):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
        if args.html:
            args.html.mkdir(parents=True, exist_ok=True)
            (args.html / f"{label}.html").write_text(html_of(response), encoding="utf-8")
        walls, cpus = [], []
        collector.total = 0.0
        gc.callbacks.append(collector)
        for _ in range(args.repeat):
            t, c = time.perf_counter(), time.process_time()
            client.get(url)
            walls.append(1000 * (time.perf_counter() - t))
            cpus.append(1000 * (time.process_time() - c))
        gc.callbacks.remove(collector)
        walls.sort()
        p90 = walls[min(len(walls) - 1, int(0.9 * len(walls)))]
        print(
            f"| {label} | `{url}` | {len(response.content)} | {statistics.median(walls):.2f} | {walls[0]:.2f} | "
            f"{p90:.2f} | {statistics.median(cpus):.2f} | {min(cpus):.2f} | {1000 * collector.total / args.repeat:.2f} |"
        )
    for label, client, url in pages if args.profile else ():
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.profile):
            client.get(url)
        profiler.disable()
        if args.dump:
            args.dump.mkdir(parents=True, exist_ok=True)
            profiler.dump_stats(args.dump / f"{label}.prof")
        stats = pstats.Stats(profiler, stream=io.StringIO())
        calls = stats.total_calls // args.profile  # type: ignore[attr-defined]
        print(f"\n### {label} page: {args.profile} requests under cProfile, {calls} function calls per request")
        for order in ("cumulative", "own", "focus"):
            print(top_functions(stats, order, args.top, args.profile))


# Frames every request or every template node goes through (test client, handler, middleware,
# decorators, the template engine's own render calls): they top the cumulative list without saying
# where the time goes. Template tags (defaulttags, loader_tags, i18n) stay: they name the cost.
# "focus": only Ronda's code, Babel, URL reversing, translation and date formatting, by cumulative
# time: what a change to the pages' own code can make cheaper.
WRAPPERS = re.compile(
    r"django/(test|core/handlers)/|middleware|deprecation\.py|decorators(/http)?\.py|views_helpers\.py"
    r"|django/shortcuts\.py|django/template/(base|loader|backends/django|context)\.py"
)
FOCUS = re.compile(r"/ronda/|/babel/|django/urls/base\.py|templatetags/i18n\.py|utils/dateformat\.py|trans_real\.py")


def top_functions(stats: pstats.Stats, order: str, top: int, requests: int) -> str:
    """A Markdown table of the ``top`` functions by cumulative or own time, per request."""
    rows = []
    for (path, line, name), (_, ncalls, own, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
        if order == "cumulative" and WRAPPERS.search(path):
            continue
        if order == "focus" and (not FOCUS.search(path) or WRAPPERS.search(path)):
            continue
        where = f"{Path(path).parent.name}/{Path(path).name}:{line}" if line else ""
        rows.append((own if order == "own" else cumulative, own, cumulative, ncalls, f"{where}({name})"))
    rows.sort(reverse=True)
    title = "Ronda, Babel, URLs, translation and dates, by cumulative" if order == "focus" else f"by {order}"
    out = [
        f"\nTop {top} {title} time (ms per request):\n",
        "| function | calls | own ms | cumulative ms |",
        "|---|---:|---:|---:|",
    ]
    for _, own, cumulative, ncalls, function in rows[:top]:
        out.append(
            f"| `{function}` | {ncalls / requests:.0f} | {1000 * own / requests:.2f} | {1000 * cumulative / requests:.2f} |"
        )
    return "\n".join(out)


if __name__ == "__main__":
    main()
