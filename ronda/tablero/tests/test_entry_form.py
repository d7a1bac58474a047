"""The entry form: an atomic save that shows every error next to its cell, "of which" rules,
approved periods read-only until reopened (audited), and a fixed number of queries."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from ronda.core.models import AuditEvent
from ronda.core.roles import Role
from ronda.core.tenancy import SYSTEM
from ronda.tablero import entry, services
from ronda.tablero.models import AggregationType, DataValue, PeriodStatus, TableroAction, ValueType
from ronda.tablero.tests.entry_catalogue import Catalogue, make_catalogue
from ronda.testing import World, assert_queries_do_not_grow, login

pytestmark = pytest.mark.django_db


@pytest.fixture
def cat(world: World) -> Catalogue:
    return make_catalogue(world)


def _url(cat: Catalogue, world: World, name: str = "tablero:entry_form") -> str:
    return reverse(name, args=[cat.health.pk, world.municipality.pk, cat.period.iso])


def _client(world: World, role: str = Role.AREA_FOCAL) -> Client:
    return login(Client(), world.home[role])


def test_the_form_shows_one_table_per_combination_with_labelled_cells(world: World, cat: Catalogue) -> None:
    response = _client(world).get(_url(cat, world))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<table") == 2
    assert 'inputmode="decimal"' in html
    # Each cell is named by its row header and its column header.
    assert f'aria-labelledby="e{cat.attended.pk}-t2 t2-c{cat.female.pk}"' in html
    assert 'type="submit"' in html


def test_a_save_stores_every_value_with_who_and_when(world: World, cat: Catalogue) -> None:
    client = _client(world)
    data = {
        cat.cell(cat.attended, cat.female): "4",
        cat.cell(cat.attended, cat.male): "3",
        cat.cell(cat.girls, cat.default): "4",
    }
    response = client.post(_url(cat, world), data)
    assert response.status_code == 302
    assert DataValue.objects.filter(org_unit=world.municipality, deleted=False).count() == 3
    page = client.get(_url(cat, world)).content.decode()
    assert "Stored by area_focal.home" in page or "Guardado por area_focal.home" in page
    assert AuditEvent.objects.filter(action=TableroAction.VALUES_SAVED).count() == 1


def test_one_bad_cell_saves_nothing_and_every_error_is_shown_where_it_belongs(world: World, cat: Catalogue) -> None:
    client = _client(world)
    data = {
        cat.cell(cat.attended, cat.female): "abc",
        cat.cell(cat.attended, cat.male): "-2",
        cat.cell(cat.visits, cat.default): "7",
    }
    response = client.post(_url(cat, world), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert DataValue.objects.count() == 0
    # The summary links each error to its cell; each cell carries its own message.
    assert f'href="#{cat.cell(cat.attended, cat.female)}"' in html
    assert f'href="#{cat.cell(cat.attended, cat.male)}"' in html
    assert f'id="{cat.cell(cat.attended, cat.female)}-error"' in html
    assert f'id="{cat.cell(cat.attended, cat.male)}-error"' in html
    # What the user typed is kept.
    assert 'value="abc"' in html and 'value="7"' in html


def test_an_of_which_rule_refuses_a_part_greater_than_its_whole(world: World, cat: Catalogue) -> None:
    client = _client(world)
    data = {
        cat.cell(cat.attended, cat.female): "2",
        cat.cell(cat.attended, cat.male): "1",
        cat.cell(cat.girls, cat.default): "5",
    }
    response = client.post(_url(cat, world), data)
    assert response.status_code == 200
    assert DataValue.objects.count() == 0
    assert f'id="{cat.cell(cat.girls, cat.default)}-error"' in response.content.decode()
    data[cat.cell(cat.girls, cat.default)] = "2"
    assert client.post(_url(cat, world), data).status_code == 302
    assert DataValue.objects.filter(deleted=False).count() == 3


def test_the_rule_reads_what_is_stored_beside_what_is_saved(world: World, cat: Catalogue) -> None:
    values = [
        services.ValueInput(cat.attended, cat.female, world.municipality, cat.period.iso, "1"),
        services.ValueInput(cat.attended, cat.male, world.municipality, cat.period.iso, "1"),
    ]
    entry.save_batch(actor=SYSTEM, values=values)
    with pytest.raises(services.ValuesRejected) as exc:
        entry.save_batch(
            actor=SYSTEM,
            values=[services.ValueInput(cat.girls, cat.default, world.municipality, cat.period.iso, "3", row=0)],
        )
    assert [e.row for e in exc.value.result.errors] == [0]


def test_an_approved_period_refuses_entry_and_reopening_allows_it_again(world: World, cat: Catalogue) -> None:
    focal = _client(world)
    coordinator = _client(world, Role.COORDINATOR)
    cell = cat.cell(cat.visits, cat.default)
    assert focal.post(_url(cat, world), {cell: "1"}).status_code == 302
    assert focal.post(_url(cat, world, "tablero:entry_submit")).status_code == 302
    assert coordinator.post(_url(cat, world, "tablero:entry_approve")).status_code == 302
    status = entry.period_status(cat.health, world.municipality, cat.period)
    assert status is not None and status.status == PeriodStatus.APPROVED
    page = focal.get(_url(cat, world)).content.decode()
    assert "readonly" in page and 'type="submit" class="button">' not in page.split("entry-actions")[0]
    refused = focal.post(_url(cat, world), {cell: "9"})
    assert refused.status_code == 200
    assert DataValue.objects.get().value == Decimal(1)
    # The service refuses it too, whatever the page does.
    with pytest.raises(services.ValuesRejected):
        entry.save_batch(
            actor=SYSTEM, values=[services.ValueInput(cat.visits, cat.default, world.municipality, cat.period.iso, "9")]
        )
    # Reopening needs a reason, and is audited with it.
    coordinator.post(_url(cat, world, "tablero:entry_reopen"), {"reason": ""})
    assert entry.period_status(cat.health, world.municipality, cat.period).status == PeriodStatus.APPROVED
    coordinator.post(_url(cat, world, "tablero:entry_reopen"), {"reason": "Faltaba una visita"})
    assert entry.period_status(cat.health, world.municipality, cat.period).status == PeriodStatus.OPEN
    event = AuditEvent.objects.get(action=TableroAction.PERIOD_REOPENED)
    assert "Faltaba una visita" in str(event.changes)
    assert AuditEvent.objects.filter(action=TableroAction.PERIOD_SUBMITTED).count() == 1
    assert AuditEvent.objects.filter(action=TableroAction.PERIOD_APPROVED).count() == 1
    assert focal.post(_url(cat, world), {cell: "9"}).status_code == 302
    assert DataValue.objects.get().value == Decimal(9)


def test_approval_of_another_data_set_holding_the_element_also_locks_it(world: World, cat: Catalogue) -> None:
    # VISITAS is in both data sets: approving the education one locks it for the health form too.
    entry.submit_period(actor=SYSTEM, data_set=cat.education, org_unit=world.municipality, period=cat.period)
    entry.approve_period(actor=SYSTEM, data_set=cat.education, org_unit=world.municipality, period=cat.period)
    response = _client(world).post(_url(cat, world), {cat.cell(cat.visits, cat.default): "3"})
    assert response.status_code == 200
    assert DataValue.objects.count() == 0


def test_the_form_queries_do_not_grow_with_the_elements(world: World, cat: Catalogue) -> None:
    client = _client(world)
    made = []

    def add_rows(n: int) -> None:
        for _ in range(n):
            element = services.create_data_element(
                actor=SYSTEM,
                owner=world.country,
                code=f"EXTRA{len(made)}",
                name=f"Elemento extra {len(made)}",
                value_type=ValueType.INTEGER_ZERO_OR_POSITIVE,
                aggregation_type=AggregationType.SUM,
                category_combo=cat.attended.category_combo,
            )
            made.append(element)
            cat.health.data_elements.add(element)
            services.save_values(
                actor=SYSTEM,
                values=[services.ValueInput(element, cat.female, world.municipality, cat.period.iso, "2")],
            )

    assert_queries_do_not_grow(client, _url(cat, world), add_rows, ceiling=30, contains=["Elemento extra 3"])


def test_choosing_leads_to_the_form_with_the_last_closed_period_proposed(world: World, cat: Catalogue) -> None:
    client = _client(world)
    step = client.get(reverse("tablero:entry_choose"), {"data_set": cat.health.pk}).content.decode()
    assert f'<option value="{cat.period.iso}" selected>' in step
    response = client.get(
        reverse("tablero:entry_choose"),
        {"data_set": cat.health.pk, "org_unit": world.municipality.pk, "period": cat.period.iso},
    )
    assert response.status_code == 302
    assert response["Location"] == _url(cat, world)
    # A unit the user does not enter is not a choice.
    refused = client.get(
        reverse("tablero:entry_choose"),
        {"data_set": cat.health.pk, "org_unit": world.other_municipality.pk, "period": cat.period.iso},
    )
    assert refused.status_code == 200
