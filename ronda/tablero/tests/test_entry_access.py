"""Who reaches the entry pages and the values API (every role at home and away, anonymous)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from ronda.core.models import AuditEvent
from ronda.core.roles import Role
from ronda.core.tenancy import SYSTEM
from ronda.tablero import entry
from ronda.tablero.models import DataSetPeriod, DataValue, PeriodStatus
from ronda.tablero.tests.entry_catalogue import Catalogue, make_catalogue
from ronda.testing import World, check_access_matrix, login

pytestmark = pytest.mark.django_db

NONE = {role: 404 for role in Role.values}
ENTERERS = dict(NONE, admin=200, secretariat=200, coordinator=200, area_focal=200)
ENTERERS_REDIRECTED = dict(NONE, admin=302, secretariat=302, coordinator=302, area_focal=302)
APPROVERS_REDIRECTED = dict(NONE, admin=302, coordinator=302)
# Away, the entering roles still reach the pages that list what they may enter (nothing here).
AWAY_LISTS = {"secretariat": 200, "coordinator": 200, "area_focal": 200}
API = "/api/v1/tablero"


@pytest.fixture
def cat(world: World) -> Catalogue:
    return make_catalogue(world)


def _url(cat: Catalogue, world: World, name: str) -> str:
    return reverse(name, args=[cat.health.pk, world.municipality.pk, cat.period.iso])


def _state() -> tuple[int, int, int]:
    return (DataValue.objects.count(), DataSetPeriod.objects.count(), AuditEvent.objects.count())


def test_choose_and_due_pages(world: World, cat: Catalogue) -> None:
    check_access_matrix(world, url=reverse("tablero:entry_choose"), expected=ENTERERS, away=AWAY_LISTS)
    check_access_matrix(
        world, url=reverse("tablero:entry_choose") + f"?data_set={cat.health.pk}", expected=ENTERERS, away=AWAY_LISTS
    )
    check_access_matrix(world, url=reverse("tablero:entry_due"), expected=ENTERERS, away=AWAY_LISTS)


def test_entry_form_page(world: World, cat: Catalogue) -> None:
    check_access_matrix(world, url=_url(cat, world, "tablero:entry_form"), expected=ENTERERS)


def test_entry_form_save(world: World, cat: Catalogue) -> None:
    check_access_matrix(
        world,
        url=_url(cat, world, "tablero:entry_form"),
        method="post",
        data={cat.cell(cat.visits, cat.default): "5"},
        expected=ENTERERS_REDIRECTED,
        state=_state,
    )
    assert DataValue.objects.get().value == 5


def test_submit(world: World, cat: Catalogue) -> None:
    check_access_matrix(
        world,
        url=_url(cat, world, "tablero:entry_submit"),
        method="post",
        data={},
        expected=ENTERERS_REDIRECTED,
        state=_state,
    )
    assert DataSetPeriod.objects.get().status == PeriodStatus.SUBMITTED


def test_approve(world: World, cat: Catalogue) -> None:
    entry.submit_period(actor=SYSTEM, data_set=cat.health, org_unit=world.municipality, period=cat.period)
    check_access_matrix(
        world,
        url=_url(cat, world, "tablero:entry_approve"),
        method="post",
        data={},
        expected=APPROVERS_REDIRECTED,
        state=_state,
    )
    assert DataSetPeriod.objects.get().status == PeriodStatus.APPROVED


def test_reopen(world: World, cat: Catalogue) -> None:
    entry.submit_period(actor=SYSTEM, data_set=cat.health, org_unit=world.municipality, period=cat.period)
    entry.approve_period(actor=SYSTEM, data_set=cat.health, org_unit=world.municipality, period=cat.period)
    check_access_matrix(
        world,
        url=_url(cat, world, "tablero:entry_reopen"),
        method="post",
        data={"reason": "Corrección"},
        expected=APPROVERS_REDIRECTED,
        state=_state,
    )
    assert DataSetPeriod.objects.get().status == PeriodStatus.OPEN


def test_a_focal_point_of_another_area_is_refused(world: World, cat: Catalogue) -> None:
    client = login(Client(), world.home[Role.AREA_FOCAL])  # the health area
    url = reverse("tablero:entry_form", args=[cat.education.pk, world.municipality.pk, cat.period.iso])
    assert client.get(url).status_code == 404
    assert client.post(url, {cat.cell(cat.visits, cat.default): "3"}).status_code == 404
    assert client.post(url + "enviar/").status_code == 404
    choose = client.get(reverse("tablero:entry_choose")).content.decode()
    assert cat.health.name in choose and cat.education.name not in choose
    assert DataValue.objects.count() == 0 and DataSetPeriod.objects.count() == 0
    # The coordinator enters both.
    coordinator = login(Client(), world.home[Role.COORDINATOR])
    assert coordinator.get(url).status_code == 200


def test_a_period_not_started_or_of_another_type_is_not_found(world: World, cat: Catalogue) -> None:
    client = login(Client(), world.home[Role.COORDINATOR])
    for iso in (cat.period.next().next().iso, "2024Q1", "nonsense"):
        url = reverse("tablero:entry_form", args=[cat.health.pk, world.municipality.pk, iso])
        assert client.get(url).status_code == 404, iso


# --- The API ------------------------------------------------------------------------------------


def test_list_values(world: World, cat: Catalogue) -> None:
    # An evaluator reads only their certification assignments: the Tablero is 404 to them.
    everybody = {role: 200 for role in Role.values} | {Role.EVALUATOR: 404}
    away = {role: everybody[role] for role in Role.values if role != Role.ADMIN}
    check_access_matrix(world, url=f"{API}/data-values", expected=everybody, api=True, away=away)
    away_country = dict(away, secretariat=404, analyst=404)
    check_access_matrix(
        world, url=f"{API}/data-values?data_set_id={cat.health.pk}", expected=everybody, api=True, away=away_country
    )


def test_put_values(world: World, cat: Catalogue) -> None:
    body = {
        "values": [
            {
                "data_element": cat.visits.uid,
                "org_unit": world.municipality.code,
                "period": cat.period.iso,
                "value": "5",
            }
        ]
    }
    expected = dict(NONE, admin=200, secretariat=200, coordinator=200, area_focal=200)
    # Away, the batch names a unit the user does not read: a row error, reported as such.
    away = {"secretariat": 422, "coordinator": 422, "area_focal": 422}
    check_access_matrix(
        world,
        url=f"{API}/data-values",
        method="put",
        data=body,
        expected=expected,
        api=True,
        away=away,
        state=_state,
    )
    assert DataValue.objects.get().value == 5


def test_period_status_endpoints(world: World, cat: Catalogue) -> None:
    body = {"data_set_id": cat.health.pk, "org_unit_id": world.municipality.pk, "period": cat.period.iso}
    check_access_matrix(
        world,
        url=f"{API}/data-set-periods/submit",
        method="post",
        data=body,
        expected=dict(NONE, admin=200, secretariat=200, coordinator=200, area_focal=200),
        api=True,
        state=_state,
    )
    check_access_matrix(
        world,
        url=f"{API}/data-set-periods/approve",
        method="post",
        data=body,
        expected=dict(NONE, admin=200, coordinator=200),
        api=True,
        state=_state,
    )
    assert DataSetPeriod.objects.get().status == PeriodStatus.APPROVED
    check_access_matrix(
        world,
        url=f"{API}/data-set-periods/reopen",
        method="post",
        data=lambda w: dict(body, reason="Corrección"),
        # The first reopening opens it; the second finds it open already (422).
        expected=dict(NONE, admin=200, coordinator=422),
        api=True,
        state=_state,
    )
    assert DataSetPeriod.objects.get().status == PeriodStatus.OPEN
