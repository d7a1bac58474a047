"""Load test of the plan pages: the coordinator's plan page, the public accountability page and
the floor /salud, against the data of bench/generate_planning.py.

    locust -f bench/locust_planning.py --headless -u 20 -r 20 -t 70s --host http://127.0.0.1:8765

Two user classes share the clients (1:1):

* ``CoordinatorUser`` signs in once (``on_start``) through the login form at /cuentas/entrar/
  (GET for the CSRF token, POST username/password) as the coordinator of a random
  municipality, then asks for that municipality's plan page /plan/planes/<plan id>/.
* ``PublicUser`` is anonymous and asks for /publico/<code>/ of a random municipality (of 2,500)
  each time. Nothing caches it: the page says Cache-Control public, max-age=300, but there is
  no cache in front of gunicorn here, so every request is computed.

Both also call ``/salud`` (no database): the floor, measured under the same load.

Request names (one row each): ``GET /salud``, ``GET /plan/planes/[id]/``,
``GET /publico/[code]/``, and ``POST /cuentas/entrar/`` (sign-ins, not judged).

Exact samples: every request that *starts* once all clients have signed in (plus
``BENCH_SETTLE`` seconds) is written to ``BENCH_SAMPLES`` (CSV), so the sign-ins (a deliberately
slow password hash) and the requests queued behind them are left out of the figures;
bench/report_planning.py computes the percentiles and rates from that file.

Environment:
  BENCH_PLANNING   planning file (default bench/out/planning.json)
  BENCH_SAMPLES    CSV of exact samples (name, ms, ok, start, end)
  BENCH_WAIT_MIN, BENCH_WAIT_MAX   think time per client (default 0.25-0.75 s; 0 0 = closed loop)
  BENCH_SETTLE     seconds to wait after the last sign-in before recording (default 2)
  BENCH_RECORD_SECONDS  if > 0, record for exactly this long, then stop the run
  BENCH_SINGLE=1   one client that mixes both classes (use -u 1)
"""

from __future__ import annotations

import csv
import json
import os
import random
import re
import sys
import time
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import gevent
from locust import between, constant, events, task
from locust.contrib.fasthttp import FastHttpUser
from locust.exception import StopUser

sys.path.insert(0, str(Path(__file__).resolve().parent))
import second_factor  # bench/second_factor.py: the coordinators' TOTP codes

BENCH_DIR = Path(__file__).resolve().parent
PLANNING_FILE = Path(os.environ.get("BENCH_PLANNING", BENCH_DIR / "out" / "planning.json"))
SAMPLES_FILE = os.environ.get("BENCH_SAMPLES", "")
WAIT_MIN = float(os.environ.get("BENCH_WAIT_MIN", "0.25"))
WAIT_MAX = float(os.environ.get("BENCH_WAIT_MAX", "0.75"))
SETTLE = float(os.environ.get("BENCH_SETTLE", "2"))
RECORD = float(os.environ.get("BENCH_RECORD_SECONDS", "0"))  # >0: stop the run after recording this long
SINGLE = os.environ.get("BENCH_SINGLE") == "1"
PASSWORD = "ronda-bench-2026-Password!"  # noqa: S105 - bench/generate.py's shared synthetic password

N_SALUD = "GET /salud"
N_PLAN = "GET /plan/planes/[id]/"
N_PUBLIC = "GET /publico/[code]/"
N_MEETING = "GET /mesa/reuniones/[id]/ (member)"
N_HOME = "GET / (member)"
N_LOGIN = "POST /cuentas/entrar/"
N_OTP = "/cuentas/verificacion/"

MUNICIPALITIES: list[dict[str, Any]] = json.loads(PLANNING_FILE.read_text(encoding="utf-8"))["municipalities"]
# The municipalities whose body seats an area focal point (bench/generate_planning.py, issue #13).
SEATED = [m for m in MUNICIPALITIES if m.get("focal")]
# BENCH_MEMBER_WEIGHT=0 leaves the members out (the mix measured before issue #13).
MEMBER_WEIGHT = int(os.environ.get("BENCH_MEMBER_WEIGHT", "1")) if SEATED else 0
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

_state: dict[str, Any] = {"expected": 0, "signed_in": 0, "record_from": None, "environment": None}
_samples: list[tuple[str, float, int, float, float]] = []


class PlanningUser(FastHttpUser):
    abstract = True
    wait_time = constant(0) if WAIT_MAX <= 0 else between(WAIT_MIN, WAIT_MAX)

    def on_start(self) -> None:
        self.rng = random.Random()
        self.cookies: dict[str, str] = {}

    # Cookies by hand: in production Django marks them Secure, and the client's cookie jar does
    # not send Secure cookies back over plain http to 127.0.0.1 (a TLS proxy would sit in front).
    def remember(self, response: Any) -> None:
        headers = response.headers
        for header in (headers.get_all("Set-Cookie") if headers is not None else None) or []:
            jar: SimpleCookie = SimpleCookie()
            jar.load(header)
            for key, morsel in jar.items():
                self.cookies[key] = morsel.value

    def cookie_header(self) -> dict[str, str]:
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}

    def fetch(self, path: str, name: str, must_contain: str | None = None) -> None:
        with self.client.get(
            path, name=name, headers=self.cookie_header(), catch_response=True, allow_redirects=False
        ) as response:
            self.remember(response)
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code} {response.headers.get('Location', '')}")
            elif must_contain and must_contain not in (response.text or ""):
                response.failure(f"page without {must_contain!r}")

    def salud(self) -> None:
        self.fetch("/salud", N_SALUD)

    def sign_in(self, username: str) -> None:
        page = self.client.get("/cuentas/entrar/", name="GET /cuentas/entrar/", headers=self.cookie_header())
        self.remember(page)
        match = CSRF_RE.search(page.text or "")
        if page.status_code != 200 or not match:
            raise StopUser(f"no login form ({page.status_code})")
        with self.client.post(
            "/cuentas/entrar/",
            name=N_LOGIN,
            data={"csrfmiddlewaretoken": match.group(1), "username": username, "password": PASSWORD},
            headers=self.cookie_header(),
            allow_redirects=False,
            catch_response=True,
        ) as response:
            self.remember(response)
            if response.status_code != 302 or "sessionid" not in self.cookies:
                response.failure(f"sign-in of {username} answered {response.status_code}")
                raise StopUser()
        # Only the roles that read children's data verify a second factor (ronda/accounts/otp.py): an
        # area focal point without an institution goes straight in, and has no device to verify with.
        home = self.client.get("/", name="GET / (sign-in)", headers=self.cookie_header(), allow_redirects=False)
        self.remember(home)
        if home.status_code == 302 and home.headers.get("Location", "").startswith(N_OTP):
            self.second_factor(username)
        elif home.status_code != 200:
            raise StopUser(f"home of {username} answered {home.status_code} after sign-in")

    def second_factor(self, username: str) -> None:
        """Coordinators verify a TOTP code (bench/second_factor.py gave them the bench key)."""
        for attempt in range(2):
            for otp_code in second_factor.sign_in_codes():
                page = self.client.get(N_OTP, name=f"GET {N_OTP}", headers=self.cookie_header())
                self.remember(page)
                match = CSRF_RE.search(page.text or "")
                if page.status_code != 200 or not match:
                    raise StopUser(f"no second-factor form ({page.status_code})")
                with self.client.post(
                    N_OTP,
                    name=f"POST {N_OTP}",
                    data={"csrfmiddlewaretoken": match.group(1), "code": otp_code},
                    headers=self.cookie_header(),
                    allow_redirects=False,
                    catch_response=True,
                ) as response:
                    self.remember(response)
                    if response.status_code == 302:
                        return
                    response.success()  # a used step's code: try the next one
            if attempt == 0:
                time.sleep(second_factor.seconds_to_next_step())
        raise StopUser(f"second factor of {username} refused")


class CoordinatorUser(PlanningUser):
    abstract = SINGLE
    weight = 1

    def on_start(self) -> None:
        super().on_start()
        self.municipality = self.rng.choice(MUNICIPALITIES)
        self.sign_in(self.municipality["coordinator"])
        _signed_in()

    @task(4)
    def plan_page(self) -> None:
        self.fetch(f"/plan/planes/{self.municipality['plan_id']}/", N_PLAN, must_contain="M-50")

    @task(1)
    def floor(self) -> None:
        self.salud()


class MemberUser(PlanningUser):
    """Issue #13: an area focal point who sits on the coordination body (not its coordinator) reads
    the body's coming meeting (agenda, proposals, invitees) and their home page."""

    abstract = SINGLE or MEMBER_WEIGHT == 0
    weight = MEMBER_WEIGHT

    def on_start(self) -> None:
        super().on_start()
        self.municipality = self.rng.choice(SEATED)
        self.sign_in(self.municipality["focal"])
        _signed_in()

    @task(2)
    def meeting_page(self) -> None:
        self.fetch(f"/mesa/reuniones/{self.municipality['next_meeting']}/", N_MEETING)

    @task(2)
    def home(self) -> None:
        self.fetch("/", N_HOME)

    @task(1)
    def floor(self) -> None:
        self.salud()


class PublicUser(PlanningUser):
    abstract = SINGLE
    weight = 1

    def on_start(self) -> None:
        super().on_start()
        _signed_in()

    @task(4)
    def public_page(self) -> None:
        municipality = self.rng.choice(MUNICIPALITIES)
        self.fetch(f"/publico/{municipality['code']}/", N_PUBLIC, must_contain=municipality["code"])

    @task(1)
    def floor(self) -> None:
        self.salud()


class SingleUser(PlanningUser):
    """BENCH_SINGLE=1: one client, signed in, doing the same mix as both classes together."""

    abstract = not SINGLE

    def on_start(self) -> None:
        super().on_start()
        self.municipality = self.rng.choice(MUNICIPALITIES)
        self.sign_in(self.municipality["coordinator"])
        _signed_in()

    @task
    def mixed(self) -> None:
        roll = self.rng.random()
        if roll < 0.4:
            # A different coordinator's plan would need another sign-in: keep the own plan.
            self.fetch(f"/plan/planes/{self.municipality['plan_id']}/", N_PLAN, must_contain="M-50")
        elif roll < 0.8:
            municipality = self.rng.choice(MUNICIPALITIES)
            self.fetch(f"/publico/{municipality['code']}/", N_PUBLIC, must_contain=municipality["code"])
        else:
            self.salud()


def _signed_in() -> None:
    _state["signed_in"] += 1
    if _state["expected"] and _state["signed_in"] >= _state["expected"] and _state["record_from"] is None:
        _state["record_from"] = time.time() + SETTLE
        environment = _state["environment"]
        if RECORD > 0 and environment is not None and environment.runner is not None:
            # Record exactly RECORD seconds after the settle time, then stop (locust -t is only a bound).
            gevent.spawn_later(SETTLE + RECORD, environment.runner.quit)


# --- Guard rails and exact samples ---------------------------------------------------------
@events.init.add_listener
def _only_localhost(environment: Any, **_: Any) -> None:
    host = environment.host or ""
    if not (host.startswith("http://127.0.0.1:") or host == "http://127.0.0.1"):
        raise SystemExit(f"bench/locust_planning.py only targets http://127.0.0.1, not {host!r}")
    _state["expected"] = environment.parsed_options.num_users if environment.parsed_options else 0
    _state["environment"] = environment


@events.request.add_listener
def _record(name: str, response_time: float, exception: Any, start_time: float | None = None, **_: Any) -> None:
    record_from = _state["record_from"]
    end = time.time()
    begin = start_time if start_time is not None else end - response_time / 1000
    if record_from is not None and begin >= record_from and (RECORD <= 0 or begin < record_from + RECORD):
        _samples.append((name, response_time, 0 if exception else 1, begin, end))


@events.test_stop.add_listener
def _write_samples(**_: Any) -> None:
    if not SAMPLES_FILE:
        return
    with open(SAMPLES_FILE, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["name", "response_time_ms", "ok", "start", "end"])
        for name, ms, ok, begin, end in _samples:
            writer.writerow([name, f"{ms:.3f}", ok, f"{begin:.3f}", f"{end:.3f}"])
    print(
        f"[locust_planning] {len(_samples)} samples after sign-ins "
        f"({_state['signed_in']}/{_state['expected']} clients signed in) -> {SAMPLES_FILE}",
        flush=True,
    )
