"""Load test of the case route (issue #11, "Performance"), against bench/generate_cases.py's data.

    locust -f bench/locust_cases.py --headless -u 20 -r 20 -t 90s --host http://127.0.0.1:8768

Two user classes share the clients (2:1), each signed in through the login form and the second factor
(the bench TOTP key, bench/second_factor.py), as a person does:

* ``DefenderUser`` — a community's defender: **their case list** (``/casos/casos/``: the cases of the
  community they own or are assigned to), **a case's page** (one of theirs; the page writes its access
  event), **duplicate candidates** for a new registration (``POST /api/v1/cases/children/duplicates``
  with the defender's API token: a registration of one of the community's children written another way —
  a nickname, surnames swapped or one missing, another date, no accents), and the **name search** of
  children (``/casos/ninos/?q=``);
* ``SupervisorUser`` — a municipality's supervisor: **the filtered list** (``?estado=…&riesgo=…``), the
  **name search** of cases (``?q=`` a child's or caregiver's name), **a case's page** (any case of the
  municipality, sensitive ones too) and **"who opened this file"** (``/casos/casos/<id>/accesos/``).

Both call ``/salud`` (no database): the floor under the same load. The paths come from
``bench/out/cases.json`` (``generate_cases.py --paths`` reads them from the URL configuration); a page
that does not exist yet is skipped. Exact samples of every request that starts once all clients have
signed in (plus ``BENCH_SETTLE`` s) go to ``BENCH_SAMPLES`` (bench/locust_planning.py's recorder);
the duplicate searches' recall (was the child found among the candidates?) and the pages' sizes go to
``BENCH_EXTRA`` (JSON). bench/report_cases.py computes the percentiles.

Environment: BENCH_CASES (bench/out/cases.json), BENCH_SAMPLES, BENCH_EXTRA, BENCH_WAIT_MIN/MAX
(0.25-0.75 s; 0 0 = closed loop), BENCH_SETTLE (2), BENCH_RECORD_SECONDS, BENCH_SINGLE=1 (one client
doing the whole mix, with a defender's and a supervisor's session).
"""

from __future__ import annotations

import itertools
import json
import os
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import quote

from locust import events, task

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))
if "BENCH_PLANNING" not in os.environ and not (BENCH_DIR / "out" / "planning.json").exists():
    # locust_planning lists the plan pages' municipalities at import; none are needed here.
    _none = BENCH_DIR / "out" / "cases" / "no-planning.json"
    _none.parent.mkdir(parents=True, exist_ok=True)
    _none.write_text('{"municipalities": []}', encoding="utf-8")
    os.environ["BENCH_PLANNING"] = str(_none)
import locust_planning as base  # noqa: E402 - the sign-in, cookies, exact samples and guard rails

LAYOUT = json.loads(Path(os.environ.get("BENCH_CASES", BENCH_DIR / "out" / "cases.json")).read_text("utf-8"))
EXTRA_FILE = os.environ.get("BENCH_EXTRA", "")
SINGLE = base.SINGLE
PATHS: dict[str, str | None] = LAYOUT["paths"]
DEFENDERS: list[dict[str, Any]] = [d for d in LAYOUT["defenders"] if d["cases"]]
SUPERVISORS: list[dict[str, Any]] = [s for s in LAYOUT["supervisors"] if s["cases"]]
STATES = ("registered", "visits", "mediation", "referral", "follow_up", "closed")
RISKS = ("high", "medium", "low")

N_DEFENDER_LIST = "GET case list (defender)"
N_SUPERVISOR_LIST = "GET case list ?estado&riesgo (supervisor)"
N_CASE = "GET case page"
N_DUPLICATES = "POST duplicates (API, registration)"
N_CASE_SEARCH = "GET case list ?q= (name search, supervisor)"
N_CHILD_SEARCH = "GET children ?q= (name search, defender)"
N_OPENINGS = "GET who opened this file (supervisor)"
JUDGED = (N_DEFENDER_LIST, N_SUPERVISOR_LIST, N_CASE, N_DUPLICATES, N_CASE_SEARCH, N_CHILD_SEARCH, N_OPENINGS)

# Distinct users for the clients, in turn (a client signing in as a user another client holds is
# allowed, but the TOTP step then has to wait: bench/second_factor.py).
_next_defender = itertools.count()
_next_supervisor = itertools.count()
_extra: dict[str, Any] = {"duplicates": defaultdict(lambda: [0, 0]), "bytes": defaultdict(list), "skipped": set()}


def _path(name: str, **values: Any) -> str | None:
    path = PATHS.get(name)
    if path is None:
        _extra["skipped"].add(name)
        return None
    return path.format(**values)


class CasesUser(base.PlanningUser):
    abstract = True

    def page(self, path: str | None, name: str) -> None:
        if path is not None:
            self.fetch(path, name)

    # --- a defender's requests ----------------------------------------------------------------
    def defender_list(self, who: dict[str, Any]) -> None:
        self.page(_path("case_list"), N_DEFENDER_LIST)

    def case_page(self, case_ids: list[int]) -> None:
        path = _path("case_detail", id=self.rng.choice(case_ids))
        self.page(path, N_CASE)

    def child_search(self, who: dict[str, Any]) -> None:
        path = _path("child_list")
        if path is not None and who["search"]:
            self.page(f"{path}?q={quote(self.rng.choice(who['search']))}", N_CHILD_SEARCH)

    def duplicates(self, who: dict[str, Any]) -> None:
        path = _path("duplicates_api")
        if path is None or not who["duplicates"]:
            return
        case = self.rng.choice(who["duplicates"])
        with self.client.post(
            path,
            name=N_DUPLICATES,
            json=case["payload"],
            headers={"Authorization": f"Bearer {who['token']}"},
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}: {(response.text or '')[:200]}")
                return
            try:
                found = [c.get("candidate_id") for c in json.loads(response.text or "[]")]
            except ValueError:
                response.failure("not JSON")
                return
            tally = _extra["duplicates"][case["kind"]]
            tally[0] += 1
            tally[1] += case["expected"] in found

    # --- a supervisor's requests --------------------------------------------------------------
    def supervisor_list(self, who: dict[str, Any]) -> None:
        path = _path("case_list")
        if path is not None:
            query = f"estado={self.rng.choice(STATES)}&riesgo={self.rng.choice(RISKS)}"
            self.page(f"{path}?{query}", N_SUPERVISOR_LIST)

    def case_search(self, who: dict[str, Any]) -> None:
        path = _path("case_list")
        if path is not None and who["search"]:
            self.page(f"{path}?q={quote(self.rng.choice(who['search']))}", N_CASE_SEARCH)

    def openings(self, who: dict[str, Any]) -> None:
        path = _path("case_accesses", id=self.rng.choice(who["cases"]))
        self.page(path, N_OPENINGS)


class DefenderUser(CasesUser):
    abstract = SINGLE
    weight = 2

    def on_start(self) -> None:
        super().on_start()
        self.who = DEFENDERS[next(_next_defender) % len(DEFENDERS)]
        self.sign_in(self.who["username"])
        base._signed_in()

    @task(3)
    def my_cases(self) -> None:
        self.defender_list(self.who)

    @task(3)
    def open_case(self) -> None:
        self.case_page(self.who["cases"])

    @task(2)
    def register(self) -> None:
        self.duplicates(self.who)

    @task(1)
    def search(self) -> None:
        self.child_search(self.who)

    @task(1)
    def floor(self) -> None:
        self.salud()


class SupervisorUser(CasesUser):
    abstract = SINGLE
    weight = 1

    def on_start(self) -> None:
        super().on_start()
        self.who = SUPERVISORS[next(_next_supervisor) % len(SUPERVISORS)]
        self.sign_in(self.who["username"])
        base._signed_in()

    @task(3)
    def filtered(self) -> None:
        self.supervisor_list(self.who)

    @task(2)
    def search(self) -> None:
        self.case_search(self.who)

    @task(2)
    def open_case(self) -> None:
        self.case_page(self.who["cases"])

    @task(2)
    def who_opened(self) -> None:
        self.openings(self.who)

    @task(1)
    def floor(self) -> None:
        self.salud()


class SingleUser(CasesUser):
    """BENCH_SINGLE=1: one client with a defender's and a supervisor's session, the whole mix in turn
    (service time without queueing)."""

    abstract = not SINGLE

    def on_start(self) -> None:
        super().on_start()
        self.defender = DEFENDERS[0]
        self.supervisor = SUPERVISORS[0]
        self.sign_in(self.defender["username"])
        self.defender_cookies = dict(self.cookies)
        self.cookies = {}
        self.sign_in(self.supervisor["username"])
        self.supervisor_cookies = dict(self.cookies)
        base._signed_in()

    @task
    def mixed(self) -> None:
        roll = self.rng.random()
        if roll < 0.5:
            self.cookies = self.defender_cookies
            if roll < 0.15:
                self.defender_list(self.defender)
            elif roll < 0.3:
                self.case_page(self.defender["cases"])
            elif roll < 0.42:
                self.duplicates(self.defender)
            else:
                self.child_search(self.defender)
        elif roll < 0.9:
            self.cookies = self.supervisor_cookies
            if roll < 0.62:
                self.supervisor_list(self.supervisor)
            elif roll < 0.72:
                self.case_search(self.supervisor)
            elif roll < 0.8:
                self.case_page(self.supervisor["cases"])
            else:
                self.openings(self.supervisor)
        else:
            self.salud()


@events.request.add_listener
def _sizes(name: str, response_length: int = 0, **_: Any) -> None:
    if name in JUDGED and base._state["record_from"] is not None:
        _extra["bytes"][name].append(response_length or 0)


@events.test_stop.add_listener
def _write_extra(**_: Any) -> None:
    if not EXTRA_FILE:
        return
    sizes = {}
    for name, values in _extra["bytes"].items():
        ordered = sorted(values)
        sizes[name] = {"median": ordered[len(ordered) // 2], "max": ordered[-1]} if ordered else {}
    payload = {
        "duplicates_found": {kind: {"asked": n, "found": hit} for kind, (n, hit) in _extra["duplicates"].items()},
        "bytes": sizes,
        "skipped_pages": sorted(_extra["skipped"]),
        "paths": PATHS,
    }
    Path(EXTRA_FILE).write_text(json.dumps(payload, indent=1), encoding="utf-8")


if not (DEFENDERS and SUPERVISORS):
    raise SystemExit("bench/out/cases.json lacks defenders or supervisors with cases: run bench/generate_cases.py")
