"""Plans, measures and progress reports by cursor, the new reference names (``*_id``) and their
deprecated aliases, and the filter the "my measures" page and the API share."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from ronda.core.tenancy import SYSTEM
from ronda.core.tests.cursor_walk import cursor_of, walk
from ronda.planning import services
from ronda.planning.models import LocalPlan, Measure, Objective
from ronda.planning.tests.conftest import build_plan
from ronda.planning.tests.test_query_counts import Rows
from ronda.territory.models import Area, AreaKind, Level, OrgUnit
from ronda.testing import World, api_token, assert_queries_do_not_grow, login, make_unit

pytestmark = pytest.mark.django_db
BASE = "/api/v1/planning"


def auth(world: World, role: str = "admin") -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token(world.home[role])}"}


def plan_in(code: str, name: str) -> LocalPlan:
    unit = make_unit(code, Level.MUNICIPALITY, OrgUnit.objects.get(code="A-R"), name)
    area = Area.objects.create(org_unit=unit, kind=AreaKind.HEALTH, name="Salud")
    return build_plan(unit, area, area, approve=False)


def add_measures(plan: LocalPlan, codes: list[str]) -> list[Measure]:
    objective = Objective.objects.filter(line__plan=plan).first()
    assert objective is not None
    area = Area.objects.filter(org_unit=plan.org_unit).first()
    assert area is not None
    return [
        services.create_measure(
            actor=SYSTEM,
            plan=plan,
            objective=objective,
            code=code,
            title=f"Medida {code}",
            responsible_area=area,
            horizon="short",
            start_date=dt.date(2025, 2, 1),
            end_date=dt.date(2026, 12, 31),
        )
        for code in codes
    ]


def test_plans_by_cursor_every_plan_once_in_order_while_plans_are_added(
    client: Client, world: World, plan: LocalPlan
) -> None:
    # Several municipalities of one name, and plans of one period: ties on both order keys.
    for k in range(3):
        first = plan_in(f"A-T{k}", "Municipio igual")
        build_plan(first.org_unit, *2 * [Area.objects.get(org_unit=first.org_unit)], approve=False)
    behind: list[int] = []

    def add(page: int) -> None:
        behind.append(plan_in(f"A-E{page}", "Aaa primero").pk)  # sorts before everything walked
        plan_in(f"A-Z{page}", "Zzz último")

    headers = auth(world)
    walked = [p["id"] for p in walk(client, f"{BASE}/plans", headers, limit=2, between=add)]
    listed = [p["id"] for p in client.get(f"{BASE}/plans?limit=200", **headers).json()["results"]]
    assert walked == [pk for pk in listed if pk not in behind] and len(set(walked)) == len(walked)


def test_measures_by_cursor_every_measure_once_in_order_while_measures_are_added(client: Client, world: World) -> None:
    draft = build_plan(world.municipality, world.area, world.area, approve=False)
    add_measures(draft, ["M-3"] * 5 + ["M-4"])  # one code five times: the id breaks the tie
    behind: list[int] = []

    def add(page: int) -> None:
        behind.extend(m.pk for m in add_measures(draft, ["M-0"]))  # sorts before everything walked
        add_measures(draft, ["M-9"])  # sorts after

    headers = auth(world, "coordinator")
    url = f"{BASE}/measures?plan_id={draft.pk}"
    walked = [m["id"] for m in walk(client, url, headers, limit=2, between=add)]
    listed = [m["id"] for m in client.get(f"{url}&limit=200", **headers).json()["results"]]
    assert walked == [pk for pk in listed if pk not in behind] and len(set(walked)) == len(walked)


def test_progress_history_by_cursor_is_the_offset_history(client: Client, world: World, measure: Measure) -> None:
    for k in range(7):
        services.record_progress(
            actor=SYSTEM,
            measure=measure,
            expected_version=None,
            percent=10 + k,
            justification=f"Avance {k}",
            reported_on=dt.date(2025, 6, 1 + k // 3),  # three reports a day: ties on the date
        )
    headers = auth(world, "area_focal")
    url = f"{BASE}/measures/{measure.pk}/updates"
    assert walk(client, url, headers, limit=2) == client.get(f"{url}?limit=200", **headers).json()["results"]


def test_a_cursor_is_good_for_one_measures_history_only(
    client: Client, world: World, measure: Measure, other_area_measure: Measure
) -> None:
    for target in (measure, other_area_measure):
        for k in range(2):
            services.record_progress(
                actor=SYSTEM, measure=target, expected_version=None, percent=10 + k, justification="x"
            )
    headers = auth(world)
    cursor = cursor_of(client, f"{BASE}/measures/{measure.pk}/updates", headers)
    assert client.get(f"{BASE}/measures/{measure.pk}/updates?cursor={cursor}", **headers).status_code == 200
    other = client.get(f"{BASE}/measures/{other_area_measure.pk}/updates?cursor={cursor}", **headers)
    assert other.status_code == 400 and other.json()["message"]
    assert client.get(f"{BASE}/measures?cursor={cursor}", **headers).status_code == 400


@pytest.mark.parametrize(
    ("path", "old", "new"),
    [
        ("plans", "municipality", "municipality_id"),
        ("measures", "plan", "plan_id"),
        ("measures", "area", "responsible_area_id"),
    ],
)
def test_old_and_new_reference_names(
    client: Client, world: World, plan: LocalPlan, other_plan: LocalPlan, path: str, old: str, new: str
) -> None:
    headers = auth(world)
    value, other = {
        "municipality_id": (world.municipality.pk, world.other_municipality.pk),
        "plan_id": (plan.pk, other_plan.pk),
        "responsible_area_id": (world.area.pk, world.other_area.pk),
    }[new]

    def ids(query: str) -> list[int]:
        response = client.get(f"{BASE}/{path}?{query}", **headers)
        assert response.status_code == 200, response.content
        return [row["id"] for row in response.json()["results"]]

    assert ids(f"{new}={value}") == ids(f"{old}={value}") != ids("")
    conflict = client.get(f"{BASE}/{path}?{new}={value}&{old}={other}", **headers)
    assert conflict.status_code == 422 and [e["field"] for e in conflict.json()["errors"]] == [old]


def test_my_measures_page_and_api_filter_by_status_alike(client: Client, world: World, plan: LocalPlan) -> None:
    m1 = plan.measures.get(code="M-1")
    services.record_progress(actor=SYSTEM, measure=m1, expected_version=None, percent=100, justification="Hecho")
    headers = auth(world, "coordinator")
    login(client, world.home["coordinator"])
    for status in ("completed", "not_started"):
        page = client.get(reverse("planning:my_measures"), {"status": status}).context["page"]
        api = client.get(f"{BASE}/measures?plan_id={plan.pk}&status={status}", **headers).json()["results"]
        assert [m.pk for m in page] == [m["id"] for m in api] != [], status


@pytest.mark.parametrize(
    ("what", "role"), [("plans", "admin"), ("measures", "coordinator"), ("updates", "coordinator")]
)
def test_cursor_pages_do_not_grow_in_queries(
    client: Client, world: World, plan: LocalPlan, measure: Measure, education: Area, what: str, role: str
) -> None:
    rows = Rows(world, plan, measure, education)
    url = {
        "plans": f"{BASE}/plans?cursor=&limit=100",
        "measures": f"{BASE}/measures?cursor=&limit=200",
        "updates": f"{BASE}/measures/{measure.pk}/updates?cursor=",
    }[what]
    assert_queries_do_not_grow(client, url, rows, ceiling=8, extra=auth(world, role))
