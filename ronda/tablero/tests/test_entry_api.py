"""The values API: a batch is saved whole or not at all, with a row-by-row report; approved periods
refuse it; the list filters by data set, element, org unit (and its subtree) and period."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from ronda.core.roles import Role
from ronda.core.tenancy import SYSTEM
from ronda.tablero import entry, services
from ronda.tablero.models import DataValue
from ronda.tablero.tests.entry_catalogue import Catalogue, make_catalogue
from ronda.testing import World, api_token, make_unit

pytestmark = pytest.mark.django_db
URL = "/api/v1/tablero/data-values"


@pytest.fixture
def cat(world: World) -> Catalogue:
    return make_catalogue(world)


def _headers(world: World, role: str = Role.AREA_FOCAL) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token(world.home[role])}"}


def _put(world: World, rows: list[dict[str, object]], role: str = Role.AREA_FOCAL):
    return Client().put(URL, {"values": rows}, content_type="application/json", **_headers(world, role))


def test_a_batch_with_bad_rows_saves_nothing_and_reports_each_row(world: World, cat: Catalogue) -> None:
    rows = [
        {"data_element": cat.visits.code, "org_unit": world.municipality.uid, "period": cat.period.iso, "value": "3"},
        {"data_element": "NO_EXISTE", "org_unit": world.municipality.uid, "period": cat.period.iso, "value": "1"},
        {
            "data_element": cat.attended.pk,
            "option_combo": cat.female.uid,
            "org_unit": world.municipality.pk,
            "period": cat.period.iso,
            "value": "x",
        },
        {"data_element": cat.attended.code, "org_unit": world.municipality.pk, "period": cat.period.iso, "value": "2"},
    ]
    response = _put(world, rows)
    assert response.status_code == 422, response.content
    errors = response.json()["errors"]
    assert {(e["row"], e["field"]) for e in errors} == {(1, "data_element"), (2, "value"), (3, "option_combo")}
    assert DataValue.objects.count() == 0
    ok = _put(world, [rows[0], dict(rows[2], value="2")])
    assert ok.status_code == 200, ok.content
    assert ok.json() == {"imported": 2, "updated": 0, "deleted": 0, "ignored": 0}


def test_the_api_refuses_an_approved_period_until_it_is_reopened(world: World, cat: Catalogue) -> None:
    row = {"data_element": cat.visits.uid, "org_unit": world.municipality.uid, "period": cat.period.iso, "value": "4"}
    assert _put(world, [row]).status_code == 200
    period = {"data_set_id": cat.health.pk, "org_unit_id": world.municipality.pk, "period": cat.period.iso}
    client = Client()
    focal, coordinator = _headers(world), _headers(world, Role.COORDINATOR)
    submit = client.post("/api/v1/tablero/data-set-periods/submit", period, content_type="application/json", **focal)
    assert submit.json()["status"] == "submitted"
    approve = client.post(
        "/api/v1/tablero/data-set-periods/approve", period, content_type="application/json", **coordinator
    )
    assert approve.json()["status"] == "approved" and approve.json()["approved_by"] == "coordinator.home"
    # The focal point may not approve, nor reopen.
    assert (
        client.post(
            "/api/v1/tablero/data-set-periods/reopen",
            dict(period, reason="x"),
            content_type="application/json",
            **focal,
        ).status_code
        == 404
    )
    refused = _put(world, [dict(row, value="8")])
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "period"
    assert DataValue.objects.get().value == Decimal(4)
    reopened = client.post(
        "/api/v1/tablero/data-set-periods/reopen",
        dict(period, reason="Dato corregido"),
        content_type="application/json",
        **coordinator,
    )
    assert reopened.json()["status"] == "open" and reopened.json()["reopen_reason"] == "Dato corregido"
    assert _put(world, [dict(row, value="8")]).status_code == 200
    assert DataValue.objects.get().value == Decimal(8)


def test_a_focal_point_of_another_area_cannot_put_its_values(world: World, cat: Catalogue) -> None:
    # SOLO_EDU is only in the education data set: the health focal point may not enter it.
    element = services.create_data_element(
        actor=SYSTEM,
        owner=world.country,
        code="SOLO_EDU",
        name="Matriculados",
        value_type="INTEGER_ZERO_OR_POSITIVE",
        aggregation_type="SUM",
    )
    cat.education.data_elements.add(element)
    row = {"data_element": element.uid, "org_unit": world.municipality.uid, "period": cat.period.iso, "value": "4"}
    response = _put(world, [row])
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "org_unit"
    assert _put(world, [row], Role.COORDINATOR).status_code == 200


def test_list_filters(world: World, cat: Catalogue) -> None:
    community = world.community
    unit2 = make_unit("A-M-C2", 4, world.municipality)
    services.save_values(
        actor=SYSTEM,
        values=[
            services.ValueInput(cat.visits, cat.default, world.municipality, cat.period.iso, "1"),
            services.ValueInput(cat.visits, cat.default, community, cat.period.iso, "2"),
            services.ValueInput(cat.visits, cat.default, unit2, cat.period.previous().iso, "3"),
            services.ValueInput(cat.girls, cat.default, world.municipality, cat.period.iso, "4"),
        ],
    )
    client = Client()
    headers = _headers(world, Role.COORDINATOR)

    def values(query: str) -> list[str]:
        response = client.get(f"{URL}?{query}", **headers)
        assert response.status_code == 200, response.content
        return sorted(r["value"] for r in response.json()["results"])

    assert values("") == ["1", "2", "3", "4"]
    assert values(f"data_element_id={cat.visits.pk}") == ["1", "2", "3"]
    assert values(f"org_unit_id={world.municipality.pk}") == ["1", "4"]
    assert values(f"org_unit_id={world.municipality.pk}&children=true&data_element_id={cat.visits.pk}") == [
        "1",
        "2",
        "3",
    ]
    assert values(f"period={cat.period.iso}") == ["1", "2", "4"]
    assert values(f"start={cat.period.start.isoformat()}") == ["1", "2", "4"]
    assert values(f"data_set_id={cat.education.pk}") == ["1", "2", "3"]
    assert client.get(f"{URL}?bogus=1", **headers).status_code == 422
    assert client.get(f"{URL}?org_unit_id={world.other_municipality.pk}", **headers).status_code == 404
    page = client.get(f"{URL}?limit=2", **headers).json()
    assert page["count"] == 4 and len(page["results"]) == 2


def test_check_not_approved_reports_each_value(world: World, cat: Catalogue) -> None:
    entry.submit_period(actor=SYSTEM, data_set=cat.health, org_unit=world.municipality, period=cat.period)
    entry.approve_period(actor=SYSTEM, data_set=cat.health, org_unit=world.municipality, period=cat.period)
    values = [
        services.ValueInput(cat.visits, cat.default, world.municipality, cat.period.iso, "1", row=0),
        services.ValueInput(cat.visits, cat.default, world.municipality, cat.period.previous().iso, "1", row=1),
        services.ValueInput(cat.visits, cat.default, world.community, cat.period.iso, "1", row=2),
    ]
    assert [e.row for e in entry.check_not_approved(values)] == [0]
    period_id = DataValue._meta.get_field("period").related_model.objects.get(iso=cat.period.iso).pk
    assert entry.approved_keys([cat.health.pk, cat.education.pk], [world.municipality.pk], [period_id]) == {
        (cat.health.pk, world.municipality.pk, period_id)
    }
