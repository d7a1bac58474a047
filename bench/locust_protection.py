"""Load test of protection and alternative care (issue #12, "Performance"), against
bench/generate_protection.py's data.

    locust -f bench/locust_protection.py --headless -u 20 -r 20 -t 90s --host http://127.0.0.1:8769

Two user classes share the clients (3:1), each signed in through the login form and the second factor
(the bench TOTP key, bench/second_factor.py), as a person does:

* ``OfficerUser`` — a protection officer (of a state office with about 40 open files, or of a municipal
  DIF): **their caseload** (``/proteccion/expedientes/``: the open files with the next review, the overdue
  flags and the current placement), **a file's page** (one of theirs; the page writes its access event)
  and the **family suggestions** for a child of theirs (``GET /api/v1/protection/files/<id>/family-suggestions``
  with the officer's API token: the state's approved and active foster families ranked, with the reasons);
* ``SupervisorUser`` — a state's supervisor: **the state dashboard** (``/proteccion/cifras/``: the figures of
  alternative care of the state, the trend of the last years, every municipality).

Both call ``/salud`` (no database): the floor under the same load. Exact samples of every request that
starts once all clients have signed in (plus ``BENCH_SETTLE`` s) go to ``BENCH_SAMPLES``
(bench/locust_planning.py's recorder); the pages' sizes and how many suggestion requests found a family go
to ``BENCH_EXTRA`` (JSON). bench/report_protection.py computes the percentiles.

Environment: BENCH_PROTECTION (bench/out/protection.json), BENCH_SAMPLES, BENCH_EXTRA, BENCH_WAIT_MIN/MAX
(0.25-0.75 s; 0 0 = closed loop), BENCH_SETTLE (2), BENCH_RECORD_SECONDS, BENCH_SINGLE=1 (one client doing
the whole mix, with an officer's and a supervisor's session).
"""

from __future__ import annotations

import itertools
import json
import os
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

from locust import events, task

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))
if "BENCH_PLANNING" not in os.environ and not (BENCH_DIR / "out" / "planning.json").exists():
    # locust_planning lists the plan pages' municipalities at import; none are needed here.
    _none = BENCH_DIR / "out" / "protection" / "no-planning.json"
    _none.parent.mkdir(parents=True, exist_ok=True)
    _none.write_text('{"municipalities": []}', encoding="utf-8")
    os.environ["BENCH_PLANNING"] = str(_none)
import locust_planning as base  # noqa: E402 - the sign-in, cookies, exact samples and guard rails
from report_protection import CASELOAD, DASHBOARD, FILE, MATCHING, PATHS  # noqa: E402

LAYOUT = json.loads(Path(os.environ.get("BENCH_PROTECTION", BENCH_DIR / "out" / "protection.json")).read_text("utf-8"))
EXTRA_FILE = os.environ.get("BENCH_EXTRA", "")
SINGLE = base.SINGLE
OFFICERS: list[dict[str, Any]] = [o for o in LAYOUT["officers"] if o["files"]]
SUPERVISORS: list[dict[str, Any]] = LAYOUT["supervisors"]
JUDGED = (CASELOAD, FILE, DASHBOARD, MATCHING)

_next_officer = itertools.count()
_next_supervisor = itertools.count()
_extra: dict[str, Any] = {"bytes": defaultdict(list), "suggestions": [0, 0]}


class ProtectionUser(base.PlanningUser):
    abstract = True

    def caseload(self) -> None:
        self.fetch(PATHS[CASELOAD], CASELOAD)

    def file_page(self, who: dict[str, Any]) -> None:
        self.fetch(PATHS[FILE].format(id=self.rng.choice(who["files"])), FILE)

    def suggestions(self, who: dict[str, Any]) -> None:
        path = PATHS[MATCHING].format(id=self.rng.choice(who["files"]))
        with self.client.get(
            path, name=MATCHING, headers={"Authorization": f"Bearer {who['token']}"}, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}: {(response.text or '')[:200]}")
                return
            try:
                found = json.loads(response.text or "[]")
            except ValueError:
                response.failure("not JSON")
                return
            _extra["suggestions"][0] += 1
            _extra["suggestions"][1] += bool(found)

    def dashboard(self) -> None:
        self.fetch(PATHS[DASHBOARD], DASHBOARD)


class OfficerUser(ProtectionUser):
    abstract = SINGLE
    weight = 3

    def on_start(self) -> None:
        super().on_start()
        self.who = OFFICERS[next(_next_officer) % len(OFFICERS)]
        self.sign_in(self.who["username"])
        base._signed_in()

    @task(3)
    def my_files(self) -> None:
        self.caseload()

    @task(4)
    def open_file(self) -> None:
        self.file_page(self.who)

    @task(2)
    def match(self) -> None:
        self.suggestions(self.who)

    @task(1)
    def floor(self) -> None:
        self.salud()


class SupervisorUser(ProtectionUser):
    abstract = SINGLE
    weight = 1

    def on_start(self) -> None:
        super().on_start()
        self.who = SUPERVISORS[next(_next_supervisor) % len(SUPERVISORS)]
        self.sign_in(self.who["username"])
        base._signed_in()

    @task(3)
    def figures(self) -> None:
        self.dashboard()

    @task(1)
    def floor(self) -> None:
        self.salud()


class SingleUser(ProtectionUser):
    """BENCH_SINGLE=1: one client with an officer's and a supervisor's session, the whole mix in turn
    (service time without queueing)."""

    abstract = not SINGLE

    def on_start(self) -> None:
        super().on_start()
        self.officer = OFFICERS[0]
        self.sign_in(self.officer["username"])
        self.officer_cookies = dict(self.cookies)
        self.cookies = {}
        self.sign_in(SUPERVISORS[0]["username"])
        self.supervisor_cookies = dict(self.cookies)
        base._signed_in()

    @task
    def mixed(self) -> None:
        roll = self.rng.random()
        if roll < 0.7:
            self.cookies = self.officer_cookies
            if roll < 0.2:
                self.caseload()
            elif roll < 0.45:
                self.file_page(self.officer)
            else:
                self.suggestions(self.officer)
        elif roll < 0.9:
            self.cookies = self.supervisor_cookies
            self.dashboard()
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
    asked, with_any = _extra["suggestions"]
    payload = {"bytes": sizes, "suggestions": {"asked": asked, "with_any": with_any}, "paths": PATHS}
    Path(EXTRA_FILE).write_text(json.dumps(payload, indent=1), encoding="utf-8")


if not (OFFICERS and SUPERVISORS):
    raise SystemExit(
        "bench/out/protection.json lacks officers with files or supervisors: run bench/generate_protection.py"
    )
