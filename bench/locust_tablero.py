"""Load test of the Tablero at national scale (issue #10), against bench/generate_tablero.py's data.

    locust -f bench/locust_tablero.py --headless -u 20 -r 20 -t 90s --host http://127.0.0.1:8767

Three user classes share the clients (1:1:2):

* ``NationalUser`` — a national secretariat member (no second factor for that role), signed in
  through the login form: the **national dashboard** (one indicator for the country, monthly over
  the last 12 months, with its breakdowns: ``/tablero/paneles/?unidad=<country>&indicador=<uid>``)
  and the **comparison of the 50 regions** for the last year (``/tablero/paneles/comparacion/``).
* ``MunicipalUser`` — a municipality's coordinator (signed in with the bench TOTP key,
  bench/second_factor.py): the **municipal dashboard** of its municipality, every indicator
  (up to 12) over the months of this year and last.
* ``AnalyticsUser`` — API tokens of national and regional users (bench/out/tokens.json):
  ``GET /dhis2/api/analytics`` with ``dimension=dx:<indicator>``, ``dimension=pe:LAST_12_MONTHS``
  and ``dimension=ou:<unit>;LEVEL-n``: a region's municipalities or the country's regions.

Every class also calls ``/salud`` (no database): the floor under the same load.
Exact samples of every request that starts once all clients have signed in (plus
``BENCH_SETTLE`` s) go to ``BENCH_SAMPLES``; bench/report_tablero.py computes the percentiles.

Environment: BENCH_TABLERO (bench/out/tablero.json), BENCH_TOKENS (bench/out/tokens.json),
BENCH_SAMPLES, BENCH_WAIT_MIN/BENCH_WAIT_MAX (0.25-0.75 s; 0 0 = closed loop), BENCH_SETTLE (2),
BENCH_RECORD_SECONDS (record this long, then stop), BENCH_SINGLE=1 (one client doing the mix).
"""

from __future__ import annotations

import json
import os
import random
import sys
from pathlib import Path
from typing import Any

from locust import task

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))
if "BENCH_PLANNING" not in os.environ and not (BENCH_DIR / "out" / "planning.json").exists():
    # locust_planning lists the plan pages' municipalities at import; none are needed here.
    _none = BENCH_DIR / "out" / "tablero" / "no-planning.json"
    _none.parent.mkdir(parents=True, exist_ok=True)
    _none.write_text('{"municipalities": []}', encoding="utf-8")
    os.environ["BENCH_PLANNING"] = str(_none)
import locust_planning as base  # noqa: E402 - the sign-in, cookies, exact samples and guard rails

LAYOUT = json.loads(Path(os.environ.get("BENCH_TABLERO", BENCH_DIR / "out" / "tablero.json")).read_text("utf-8"))
TOKENS = json.loads(Path(os.environ.get("BENCH_TOKENS", BENCH_DIR / "out" / "tokens.json")).read_text("utf-8"))
SINGLE = base.SINGLE

N_NATIONAL = "GET /tablero/paneles/ (country, 1 indicator, 12 months)"
N_COMPARISON = "GET /tablero/paneles/comparacion/ (50 regions)"
N_MUNICIPAL = "GET /tablero/paneles/ (municipality, 12 indicators)"
N_ANALYTICS_NATIONAL = "GET /dhis2/api/analytics (country by region, 12 months)"
N_ANALYTICS_REGION = "GET /dhis2/api/analytics (region by municipality, 12 months)"

INDICATORS: list[str] = LAYOUT["chart_indicators"]
COUNTRY = LAYOUT["country"]
MONTHS = LAYOUT["months"]
FIRST_YEAR, LAST_YEAR = MONTHS[0][:4], MONTHS[-1][:4]
NATIONAL_USERS: list[str] = LAYOUT["national_users"]
COORDINATORS: list[dict[str, Any]] = LAYOUT["coordinators"]
REGIONS: list[dict[str, Any]] = LAYOUT["regions"]
API_TOKENS = [t for t in TOKENS["tokens"] if t["role"] in ("secretariat", "analyst") and t["level"] in (1, 2)]


class TableroUser(base.PlanningUser):
    abstract = True
    # Coordinators verify a TOTP code after the password; the secretariat's role has no second factor.
    needs_second_factor = False

    def second_factor(self, username: str) -> None:
        if self.needs_second_factor:
            super().second_factor(username)

    def national_dashboard(self) -> None:
        indicator = self.rng.choice(INDICATORS)
        self.fetch(
            f"/tablero/paneles/?unidad={COUNTRY['id']}&indicador={indicator}&tipo=Monthly"
            f"&desde={FIRST_YEAR}&hasta={LAST_YEAR}",
            N_NATIONAL,
            must_contain="<svg",
        )

    def comparison(self) -> None:
        indicator = self.rng.choice(INDICATORS)
        self.fetch(
            f"/tablero/paneles/comparacion/?unidad={COUNTRY['id']}&indicador={indicator}&periodo=LAST_12_MONTHS",
            N_COMPARISON,
            must_contain="<svg",
        )


class NationalUser(TableroUser):
    abstract = SINGLE
    weight = 1

    def on_start(self) -> None:
        super().on_start()
        self.sign_in(self.rng.choice(NATIONAL_USERS))
        base._signed_in()

    @task(2)
    def dashboard(self) -> None:
        self.national_dashboard()

    @task(2)
    def ranking(self) -> None:
        self.comparison()

    @task(1)
    def floor(self) -> None:
        self.salud()


class MunicipalUser(TableroUser):
    abstract = SINGLE
    weight = 1
    needs_second_factor = True

    def on_start(self) -> None:
        super().on_start()
        self.municipality = self.rng.choice(COORDINATORS)
        self.sign_in(self.municipality["coordinator"])
        base._signed_in()

    @task(4)
    def dashboard(self) -> None:
        self.fetch(
            f"/tablero/paneles/?unidad={self.municipality['id']}&tipo=Monthly&desde={FIRST_YEAR}&hasta={LAST_YEAR}",
            N_MUNICIPAL,
            must_contain="<svg",
        )

    @task(1)
    def floor(self) -> None:
        self.salud()


class AnalyticsUser(TableroUser):
    abstract = SINGLE
    weight = 2

    def on_start(self) -> None:
        super().on_start()
        base._signed_in()

    def analytics(self) -> None:
        token = self.rng.choice(API_TOKENS)
        indicator = self.rng.choice(INDICATORS)
        if token["level"] == 1:
            ou, name = f"{COUNTRY['uid']};LEVEL-2", N_ANALYTICS_NATIONAL
        else:
            region = next(r for r in REGIONS if r["id"] == token["org_unit_id"])
            ou, name = f"{region['uid']};LEVEL-3", N_ANALYTICS_REGION
        with self.client.get(
            f"/dhis2/api/analytics?dimension=dx:{indicator}&dimension=pe:LAST_12_MONTHS&dimension=ou:{ou}",
            name=name,
            headers={"Authorization": f"Bearer {token['token']}"},
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            elif '"rows"' not in (response.text or ""):
                response.failure("no rows")

    @task(4)
    def query(self) -> None:
        self.analytics()

    @task(1)
    def floor(self) -> None:
        self.salud()


class SingleUser(TableroUser):
    """BENCH_SINGLE=1: one national client doing every request in turn (service time, no queueing)."""

    abstract = not SINGLE

    def on_start(self) -> None:
        super().on_start()
        self.municipality = random.choice(COORDINATORS)
        self.sign_in(self.rng.choice(NATIONAL_USERS))
        base._signed_in()

    @task
    def mixed(self) -> None:
        roll = self.rng.random()
        if roll < 0.25:
            self.national_dashboard()
        elif roll < 0.5:
            self.comparison()
        elif roll < 0.8:
            AnalyticsUser.analytics(self)  # type: ignore[arg-type]
        else:
            self.salud()


if not (INDICATORS and NATIONAL_USERS and COORDINATORS and API_TOKENS):
    raise SystemExit("bench/out/tablero.json lacks indicators, users or tokens: run bench/generate_tablero.py")
