"""Load test for Ronda's read API, driven by the tokens that bench/generate.py wrote.

    locust -f bench/locustfile.py --headless -u 20 -r 20 -t 60s --host http://127.0.0.1:8765

Two user classes share the 20 concurrent clients (3 local : 1 regional). Every request
is made on behalf of a random token holder of the class (tokens.json holds ~1,000), as an
API gateway with many distinct callers would; every class also calls the floor ``/salud``,
so the floor is measured under exactly the same load.

Request names (one stats row each):
  GET /salud                                   floor: no database
  GET /api/v1/me
  GET /api/v1/org-units?within=[own]           subtree of the token's own unit (limit=50)
  GET /api/v1/org-units?within=[region]&level=4  communities of a region (regional tokens)
  GET /api/v1/org-units/[id]                   detail of a unit inside the token's scope

Environment:
  BENCH_TOKENS     tokens file (default bench/out/tokens.json)
  BENCH_SAMPLES    if set, write every request measured after spawning completed
                   (name, anchor level, exact ms, ok) to this CSV for bench/report.py
  BENCH_WAIT_MIN, BENCH_WAIT_MAX   think time per client in seconds (default 0.25-0.75;
                   0 and 0 = closed loop at saturation)
  BENCH_SINGLE=1   run only SingleUser: one client mixing both classes' requests (use -u 1)
"""

from __future__ import annotations

import csv
import json
import os
import random
import time
from pathlib import Path
from typing import Any

from locust import between, constant, events, task
from locust.contrib.fasthttp import FastHttpUser

BENCH_DIR = Path(__file__).resolve().parent
TOKENS_FILE = Path(os.environ.get("BENCH_TOKENS", BENCH_DIR / "out" / "tokens.json"))
SAMPLES_FILE = os.environ.get("BENCH_SAMPLES", "")
WAIT_MIN = float(os.environ.get("BENCH_WAIT_MIN", "0.25"))
WAIT_MAX = float(os.environ.get("BENCH_WAIT_MAX", "0.75"))
SINGLE = os.environ.get("BENCH_SINGLE") == "1"

N_SALUD = "GET /salud"
N_ME = "GET /api/v1/me"
N_SUBTREE = "GET /api/v1/org-units?within=[own]&limit=50"
N_REGION_L4 = "GET /api/v1/org-units?within=[region]&level=4&limit=50"
N_DETAIL = "GET /api/v1/org-units/[id]"

_data = json.loads(TOKENS_FILE.read_text(encoding="utf-8"))
LAYOUT: dict[str, int] = _data["layout"]
TOKENS: list[dict[str, Any]] = _data["tokens"]
LOCAL_TOKENS = [t for t in TOKENS if t["level"] in (3, 4)]
REGIONAL_TOKENS = [t for t in TOKENS if t["level"] in (1, 2) or t["role"] == "admin"]


# --- The tree, from the deterministic layout of generate.py -----------------------------
def regions() -> range:
    first = LAYOUT["first_region_id"]
    return range(first, first + LAYOUT["regions"])


def municipalities_of(region_id: int) -> range:
    per = LAYOUT["municipalities_per_region"]
    first = LAYOUT["first_municipality_id"] + (region_id - LAYOUT["first_region_id"]) * per
    return range(first, first + per)


def communities_of(municipality_id: int) -> range:
    per = LAYOUT["communities_per_municipality"]
    first = LAYOUT["first_community_id"] + (municipality_id - LAYOUT["first_municipality_id"]) * per
    return range(first, first + per)


def anchor_of(token: dict[str, Any]) -> tuple[int, int]:
    """(unit id, level) of the token's own unit; admins (no unit) act on the country."""
    if token["org_unit_id"] is None:
        return LAYOUT["country_id"], 1
    return token["org_unit_id"], token["level"]


def random_unit_within(rng: random.Random, unit_id: int, level: int) -> tuple[int, int]:
    """A unit at a random depth (own level .. community) inside the subtree of unit_id."""
    depth = rng.randint(level, 4)
    while level < depth:
        if level == 1:
            unit_id = rng.choice(regions())
        elif level == 2:
            unit_id = rng.choice(municipalities_of(unit_id))
        else:
            unit_id = rng.choice(communities_of(unit_id))
        level += 1
    return unit_id, level


class RondaApiUser(FastHttpUser):
    abstract = True
    wait_time = constant(0) if WAIT_MAX <= 0 else between(WAIT_MIN, WAIT_MAX)
    pool: list[dict[str, Any]] = []

    def on_start(self) -> None:
        self.rng = random.Random()

    def pick(self) -> dict[str, Any]:
        return self.rng.choice(self.pool)

    def get(
        self, path: str, name: str, token: dict[str, Any] | None, level: int | None = None, expect_results: bool = False
    ) -> None:
        headers = {"Authorization": f"Bearer {token['token']}"} if token else {}
        with self.client.get(
            path, name=name, headers=headers, context={"level": level}, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            elif expect_results:
                body = response.json()
                if not body.get("results"):
                    response.failure("empty results")

    # The requests; each concrete class weights them in ``tasks``.
    def salud(self) -> None:
        self.get("/salud", N_SALUD, None)

    def me(self) -> None:
        self.get("/api/v1/me", N_ME, self.pick())

    def subtree_own(self) -> None:
        token = self.pick()
        unit_id, level = anchor_of(token)
        self.get(f"/api/v1/org-units?within={unit_id}&limit=50", N_SUBTREE, token, level, expect_results=True)

    def detail(self) -> None:
        token = self.pick()
        unit_id, level = random_unit_within(self.rng, *anchor_of(token))
        self.get(f"/api/v1/org-units/{unit_id}", N_DETAIL, token, level)

    def region_communities(self) -> None:
        token = self.pick()
        unit_id, level = anchor_of(token)
        region = unit_id if level == 2 else self.rng.choice(regions())
        self.get(f"/api/v1/org-units?within={region}&level=4&limit=50", N_REGION_L4, token, 2, expect_results=True)


LOCAL_TASKS = {RondaApiUser.salud: 2, RondaApiUser.me: 2, RondaApiUser.subtree_own: 3, RondaApiUser.detail: 2}
REGIONAL_TASKS = {
    RondaApiUser.salud: 2,
    RondaApiUser.me: 2,
    RondaApiUser.subtree_own: 2,
    RondaApiUser.region_communities: 2,
    RondaApiUser.detail: 2,
}
LOCAL_WEIGHT, REGIONAL_WEIGHT = 3, 1


class LocalUser(RondaApiUser):
    """Coordinators, area focal points, officers, supervisors, defenders (municipality/community)."""

    abstract = SINGLE
    weight = LOCAL_WEIGHT
    pool = LOCAL_TOKENS
    tasks = LOCAL_TASKS


class RegionalUser(RondaApiUser):
    """Secretariat, analysts and administrators (region, country or everything)."""

    abstract = SINGLE
    weight = REGIONAL_WEIGHT
    pool = REGIONAL_TOKENS
    tasks = REGIONAL_TASKS


class SingleUser(RondaApiUser):
    """BENCH_SINGLE=1: one client doing the same mix as LocalUser and RegionalUser together."""

    abstract = not SINGLE

    @task
    def mixed(self) -> None:
        if self.rng.random() < LOCAL_WEIGHT / (LOCAL_WEIGHT + REGIONAL_WEIGHT):
            self.pool, table = LOCAL_TOKENS, LOCAL_TASKS
        else:
            self.pool, table = REGIONAL_TOKENS, REGIONAL_TASKS
        fn = self.rng.choices(list(table), weights=list(table.values()))[0]
        fn(self)


# --- Guard rails and exact samples ---------------------------------------------------------
_samples: list[tuple[str, Any, float, int, float]] = []
_recording = {"on": False}


@events.init.add_listener
def _only_localhost(environment: Any, **_: Any) -> None:
    host = environment.host or ""
    if not (host.startswith("http://127.0.0.1:") or host == "http://127.0.0.1"):
        raise SystemExit(f"bench/locustfile.py only targets http://127.0.0.1, not {host!r}")


@events.spawning_complete.add_listener
def _start_recording(user_count: int, **_: Any) -> None:
    _samples.clear()
    _recording["on"] = True


@events.request.add_listener
def _record(name: str, response_time: float, exception: Any, context: dict[str, Any], **_: Any) -> None:
    if _recording["on"]:
        _samples.append((name, (context or {}).get("level"), response_time, 0 if exception else 1, time.time()))


@events.test_stop.add_listener
def _write_samples(**_: Any) -> None:
    _recording["on"] = False
    if not SAMPLES_FILE:
        return
    with open(SAMPLES_FILE, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["name", "level", "response_time_ms", "ok", "time"])
        for name, level, ms, ok, t in _samples:
            writer.writerow([name, "" if level is None else level, f"{ms:.3f}", ok, f"{t:.3f}"])
