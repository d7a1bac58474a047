"""A measure's indicators are catalogue indicators of the Tablero (issue #10, item 2; decision 0021):
values are written through the Tablero and read back as its series; links stay inside the
municipality's and its country's catalogue; a finding cites a value as it read."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from ronda.core import formatting
from ronda.core.models import AuditEvent
from ronda.core.roles import Role
from ronda.core.tenancy import SYSTEM, actor_for
from ronda.planning import contracts, services
from ronda.planning.models import Finding, LocalPlan, Measure, MeasureIndicator, SituationAnalysis
from ronda.tablero import analytics
from ronda.tablero import periods as iso_periods
from ronda.tablero import services as tablero
from ronda.tablero.models import DataElement, DataValue, Indicator, TableroAction, ValueType
from ronda.territory.models import OrgUnit
from ronda.testing import World, api_token, check_access_matrix, login

pytestmark = pytest.mark.django_db

API = "/api/v1/planning"
CHANGE = services.ChangeRecord(why="Seguimiento", approved_by="Mesa técnica")
CHANGE_IN = {"why": "Seguimiento", "approved_by": "Mesa técnica"}


def person(world: World, role: str = Role.COORDINATOR) -> Any:
    user = world.home[role]
    return actor_for(user, user.memberships.first())


def catalogue(owner: OrgUnit, code: str, *, ratio: bool = False, personal: bool = False) -> Indicator:
    """A catalogue indicator of ``owner``: one element (``#{uid}``), or a ratio of two."""
    element = tablero.create_data_element(
        actor=SYSTEM,
        owner=owner,
        code=f"{code}_N",
        name=f"Elemento {code}",
        value_type=ValueType.NUMBER,
        aggregation_type="LAST",
        from_personal_records=personal,
    )
    denominator = "1"
    if ratio:
        bottom = tablero.create_data_element(
            actor=SYSTEM,
            owner=owner,
            code=f"{code}_D",
            name=f"Denominador {code}",
            value_type=ValueType.NUMBER,
            aggregation_type="LAST",
        )
        denominator = "#{" + bottom.uid + "}"
    return tablero.create_indicator(
        actor=SYSTEM,
        owner=owner,
        code=code,
        name=f"Tasa {code}",
        numerator="#{" + element.uid + "}",
        denominator=denominator,
        direction="up",
        decimals=1,
    )


def element_of(indicator: Indicator) -> DataElement:
    formula = tablero.current_formula(indicator)
    assert formula is not None
    return DataElement.objects.get(uid=formula.numerator.strip()[2:-1])


def put_value(element: DataElement, unit: OrgUnit, period: str, value: str) -> None:
    option_combo = element.category_combo.option_combos.get()
    tablero.save_values(
        actor=SYSTEM,
        values=[
            tablero.ValueInput(
                data_element=element, option_combo=option_combo, org_unit=unit, period=period, value=value
            )
        ],
    )


def value_in_tablero(indicator: Indicator, unit: OrgUnit, period: str) -> Decimal | None:
    return analytics.indicator_values([indicator], [unit], [iso_periods.parse(period)])[0].value


def api(user: Any, method: str, url: str, body: dict[str, Any] | None = None) -> Any:
    client = Client()
    kwargs: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {api_token(user)}"}
    if body is not None:
        kwargs.update(data=json.dumps(body), content_type="application/json")
    return getattr(client, method)(url, **kwargs)


# --- Recording values --------------------------------------------------------------------------
def test_a_recorded_value_is_a_data_value_of_the_tablero_and_the_page_shows_the_series(
    world: World, plan: LocalPlan, measure: Measure
) -> None:
    coordinator = person(world)
    indicator = services.add_indicator(
        actor=coordinator, measure=measure, name="Controles de niño sano", unit="%", change=CHANGE
    )
    assert indicator.catalogue_indicator is None
    services.record_indicator_value(
        actor=coordinator, indicator=indicator, value=Decimal("12"), measured_on=dt.date(2025, 5, 1)
    )
    indicator.refresh_from_db()
    series = indicator.catalogue_indicator
    assert series is not None and series.owner_id == world.municipality.pk
    assert series.code == f"PLIA-MI-{indicator.pk}" and series.unit == "%"
    stored = DataValue.objects.get(data_element=element_of(series), org_unit=world.municipality)
    assert (stored.value, stored.period.iso, stored.comment) == (Decimal("12"), "2025", "2025-05-01")
    assert stored.stored_by == world.home[Role.COORDINATOR]
    assert value_in_tablero(series, world.municipality, "2025") == Decimal("12.00")
    # The Tablero's own trail names the person, in the same transaction as planning's event.
    assert AuditEvent.objects.filter(action=TableroAction.VALUES_SAVED, actor=world.home[Role.COORDINATOR]).exists()

    # A later measurement of the same year replaces the year's value; the next year adds a point.
    services.record_indicator_value(
        actor=coordinator, indicator=indicator, value=Decimal("15"), measured_on=dt.date(2025, 9, 1)
    )
    services.record_indicator_value(
        actor=coordinator, indicator=indicator, value=Decimal("18.5"), measured_on=dt.date(2026, 2, 1)
    )
    assert DataValue.objects.filter(data_element=element_of(series)).count() == 2
    indicator.refresh_from_db()
    assert indicator.catalogue_indicator_id == series.pk  # no second series
    (row,) = contracts.indicator_progress(plan)
    assert [(p.period, p.value) for p in row.trend] == [("2025", Decimal("15.00")), ("2026", Decimal("18.50"))]
    assert (row.latest_value, row.latest_period) == (Decimal("18.50"), "2026")

    page = login(Client(), world.home[Role.COORDINATOR]).get(reverse("planning:measure_detail", args=[measure.pk]))
    html = page.content.decode()
    for year, value in (("2025", "15"), ("2026", "18.5")):
        assert f"<span>{year}: {formatting.figure(Decimal(value), 2)}</span>" in html
    assert 'class="sparkline" aria-hidden="true"' in html


def test_a_value_of_a_linked_national_indicator_goes_to_its_element_for_the_municipality(
    world: World, plan: LocalPlan, measure: Measure
) -> None:
    national = catalogue(world.country, "COBERTURA")
    indicator = services.add_indicator(
        actor=person(world), measure=measure, name="Cobertura", catalogue_indicator=national, change=CHANGE
    )
    services.record_indicator_value(
        actor=person(world), indicator=indicator, value=Decimal("61"), measured_on=dt.date(2025, 3, 1)
    )
    assert value_in_tablero(national, world.municipality, "2025") == Decimal("61.0")
    assert not Indicator.objects.filter(owner=world.municipality).exists()  # no series of its own


def test_an_indicator_computed_from_several_figures_takes_its_values_from_the_tablero(
    world: World, plan: LocalPlan, measure: Measure
) -> None:
    ratio = catalogue(world.country, "TASA", ratio=True)
    indicator = services.add_indicator(
        actor=person(world), measure=measure, name="Tasa", catalogue_indicator=ratio, change=CHANGE
    )
    with pytest.raises(ValidationError) as refused:
        services.record_indicator_value(
            actor=person(world), indicator=indicator, value=Decimal("3"), measured_on=dt.date(2025, 3, 1)
        )
    assert "value" in refused.value.message_dict
    assert not DataValue.objects.exists()
    # Its values come from the Tablero's data entry all the same.
    numerator, denominator = (DataElement.objects.get(code=c) for c in ("TASA_N", "TASA_D"))
    put_value(numerator, world.municipality, "2025", "30")
    put_value(denominator, world.municipality, "2025", "60")
    (row,) = contracts.indicator_progress(plan)
    assert [(p.period, p.value) for p in row.trend] == [("2025", Decimal("0.5"))]


# --- Linking to the catalogue ------------------------------------------------------------------
def test_only_the_municipalitys_and_its_countrys_catalogue_can_be_linked(
    world: World, plan: LocalPlan, measure: Measure
) -> None:
    foreign = catalogue(world.other_country, "AJENO")
    other_municipality = catalogue(world.other_municipality, "VECINO")
    archived = tablero.set_archived(actor=SYSTEM, instance=catalogue(world.country, "VIEJO"), expected_version=None)
    for refused in (foreign, other_municipality, archived):
        with pytest.raises(ValidationError) as error:
            services.add_indicator(
                actor=person(world), measure=measure, name="X", catalogue_indicator=refused, change=CHANGE
            )
        assert "catalogue_indicator" in error.value.message_dict
    assert not MeasureIndicator.objects.filter(measure=measure).exists()

    # The form offers the usable ones only, and refuses another country's.
    client = login(Client(), world.home[Role.COORDINATOR])
    url = reverse("planning:indicator_create", args=[measure.pk])
    national = catalogue(world.country, "NACIONAL")
    form = client.get(url).content.decode()
    assert f'value="{national.pk}"' in form and f'value="{foreign.pk}"' not in form
    post = {
        "name": "Indicador",
        "catalogue_indicator": str(foreign.pk),
        "change_what": "x",
        **{"change_why": "Seguimiento", "change_approved_by": "Mesa técnica"},
    }
    response = client.post(url, post)
    assert response.status_code == 200 and not MeasureIndicator.objects.filter(measure=measure).exists()
    response = client.post(url, {**post, "catalogue_indicator": str(national.pk)})
    assert response.status_code == 302
    assert MeasureIndicator.objects.get(measure=measure).catalogue_indicator == national


def test_the_api_links_an_indicator_and_answers_its_series(world: World, plan: LocalPlan, measure: Measure) -> None:
    national = catalogue(world.country, "COBERTURA")
    foreign = catalogue(world.other_country, "AJENO")
    put_value(element_of(national), world.municipality, "2025", "40")
    put_value(element_of(national), world.municipality, "2026", "45")
    put_value(element_of(national), world.other_municipality, "2026", "99")  # not this plan's
    indicator = services.add_indicator(actor=SYSTEM, measure=measure, name="Cobertura", change=CHANGE)
    coordinator = world.home[Role.COORDINATOR]
    url = f"{API}/indicators/{indicator.pk}"
    for pk in (foreign.pk, 10**9):
        refused = api(coordinator, "patch", url, {"version": 1, "catalogue_indicator_id": pk, "change": CHANGE_IN})
        assert refused.status_code == 422 and "catalogue_indicator_id" in refused.content.decode()
    indicator.refresh_from_db()
    assert indicator.catalogue_indicator_id is None and indicator.version == 1
    linked = api(coordinator, "patch", url, {"version": 1, "catalogue_indicator_id": national.pk, "change": CHANGE_IN})
    assert linked.status_code == 200, linked.content
    body = linked.json()
    assert body["catalogue_indicator_id"] == national.pk
    assert body["values"] == [{"period": "2025", "value": 40.0}, {"period": "2026", "value": 45.0}]
    assert (body["latest_value"], body["latest_period"]) == (45.0, "2026")
    detail = api(coordinator, "get", f"{API}/measures/{measure.pk}").json()
    (shown,) = detail["indicators"]
    assert shown["values"] == body["values"] and shown["catalogue_indicator_id"] == national.pk
    # A PATCH that does not name the link keeps it.
    renamed = api(coordinator, "patch", url, {"version": 2, "name": "Cobertura 0–5", "change": CHANGE_IN})
    assert renamed.status_code == 200 and renamed.json()["catalogue_indicator_id"] == national.pk


# --- A finding cites a value -------------------------------------------------------------------
def test_a_finding_cites_a_value_as_it_read_then(world: World, analysis: SituationAnalysis) -> None:
    national = catalogue(world.country, "DESNUTRICION")
    put_value(element_of(national), world.municipality, "2025", "12.34")
    finding = services.add_finding(
        actor=person(world),
        analysis=analysis,
        goal_area="services",
        text="La desnutrición crónica sigue alta.",
        cited_indicator=national,
        cited_period="2025",
    )
    assert (finding.cited_indicator, finding.cited_period, finding.cited_value) == (national, "2025", Decimal("12.3"))
    # The Tablero's figure is corrected later: the finding still says what it read.
    put_value(element_of(national), world.municipality, "2025", "20")
    finding = services.update_finding(
        actor=person(world),
        finding=Finding.objects.get(pk=finding.pk),
        expected_version=finding.version,
        goal_area="services",
        text="La desnutrición crónica sigue alta en el cantón.",
        cited_indicator=national,
        cited_period="2025",
    )
    assert finding.cited_value == Decimal("12.3")
    page = login(Client(), world.home[Role.COORDINATOR]).get(reverse("planning:analysis_detail", args=[analysis.pk]))
    assert f"Tasa DESNUTRICION: {formatting.figure(Decimal('12.3'), 1)}" in page.content.decode()
    assert "(2025)" in page.content.decode()

    # A period without a figure, or another country's indicator, is refused and nothing changes.
    for indicator, period, field in (
        (national, "2024", "cited_period"),
        (catalogue(world.other_country, "X"), "2025", "cited_indicator"),
    ):
        with pytest.raises(ValidationError) as refused:
            services.update_finding(
                actor=person(world),
                finding=Finding.objects.get(pk=finding.pk),
                expected_version=finding.version,
                goal_area="services",
                text=finding.text,
                cited_indicator=indicator,
                cited_period=period,
            )
        assert field in refused.value.message_dict
    finding.refresh_from_db()
    assert (finding.cited_indicator_id, finding.cited_value) == (national.pk, Decimal("12.3"))
    # None removes the citation.
    cleared = services.update_finding(
        actor=person(world),
        finding=finding,
        expected_version=finding.version,
        goal_area="services",
        text=finding.text,
        cited_indicator=None,
    )
    assert (cleared.cited_indicator, cleared.cited_period, cleared.cited_value) == (None, "", None)


def test_the_api_adds_a_finding_with_a_citation(world: World, analysis: SituationAnalysis) -> None:
    national = catalogue(world.country, "DESNUTRICION")
    foreign = catalogue(world.other_country, "AJENO")
    put_value(element_of(national), world.municipality, "2025", "7")
    coordinator = world.home[Role.COORDINATOR]
    url = f"{API}/analyses/{analysis.pk}/findings"
    body = {"goal_area": "services", "text": "Hallazgo", "cited_period": "2025"}
    refused = api(coordinator, "post", url, {**body, "cited_indicator_id": foreign.pk})
    assert refused.status_code == 422 and not Finding.objects.filter(analysis=analysis, text="Hallazgo").exists()
    created = api(coordinator, "post", url, {**body, "cited_indicator_id": national.pk})
    assert created.status_code == 201, created.content
    assert {k: created.json()[k] for k in ("cited_indicator_id", "cited_period", "cited_value")} == {
        "cited_indicator_id": national.pk,
        "cited_period": "2025",
        "cited_value": 7.0,
    }


# --- The public page ---------------------------------------------------------------------------
def test_the_public_page_shows_the_trend_but_not_counts_from_personal_records(
    world: World, plan: LocalPlan, measure: Measure
) -> None:
    shown = services.add_indicator(actor=SYSTEM, measure=measure, name="Cobertura de vacunas", change=CHANGE)
    services.record_indicator_value(actor=SYSTEM, indicator=shown, value=Decimal("71"), measured_on=dt.date(2025, 6, 1))
    cases = catalogue(world.country, "CASOS", personal=True)
    put_value(element_of(cases), world.municipality, "2025", "3")
    services.add_indicator(
        actor=SYSTEM, measure=measure, name="Casos atendidos", catalogue_indicator=cases, change=CHANGE
    )
    html = Client().get(reverse("accountability:public_plan", args=[world.municipality.code])).content.decode()
    assert "Cobertura de vacunas" in html and f"<span>2025: {formatting.figure(Decimal('71'), 2)}</span>" in html
    assert "Casos atendidos" in html and "<span>2025: 3</span>" not in html


def test_the_api_records_a_value_and_the_web_form_links_on_edit(
    world: World, plan: LocalPlan, measure: Measure
) -> None:
    indicator = services.add_indicator(actor=SYSTEM, measure=measure, name="Controles", change=CHANGE)
    url = f"{API}/indicators/{indicator.pk}/values"
    away = api(world.away[Role.COORDINATOR], "post", url, {"value": "5", "measured_on": "2025-04-01"})
    assert away.status_code == 404 and not DataValue.objects.exists()
    future = api(world.home[Role.COORDINATOR], "post", url, {"value": "5", "measured_on": "2999-01-01"})
    assert future.status_code == 422 and not DataValue.objects.exists()
    recorded = api(world.home[Role.COORDINATOR], "post", url, {"value": "5", "measured_on": "2025-04-01"})
    assert recorded.status_code == 201, recorded.content
    assert recorded.json()["values"] == [{"period": "2025", "value": 5.0}]
    assert DataValue.objects.get().value == Decimal("5")

    # The edit page of the structure links another catalogue indicator (with a change record).
    national = catalogue(world.country, "NACIONAL")
    indicator.refresh_from_db()
    client = login(Client(), world.home[Role.COORDINATOR])
    edit = reverse("planning:indicator_edit", args=[indicator.pk])
    assert f'value="{national.pk}"' in client.get(edit).content.decode()
    response = client.post(
        edit,
        {
            "version": indicator.version,
            "name": "Controles",
            "catalogue_indicator": str(national.pk),
            "change_what": "Indicador nacional",
            "change_why": "Seguimiento",
            "change_approved_by": "Mesa técnica",
        },
    )
    assert response.status_code == 302
    indicator.refresh_from_db()
    assert indicator.catalogue_indicator == national


def test_the_finding_form_cites_a_value(world: World, analysis: SituationAnalysis) -> None:
    national = catalogue(world.country, "DESNUTRICION")
    foreign = catalogue(world.other_country, "AJENO")
    put_value(element_of(national), world.municipality, "2025", "8")
    client = login(Client(), world.home[Role.COORDINATOR])
    url = reverse("planning:finding_create", args=[analysis.pk])
    form = {"goal_area": "services", "text": "Hallazgo con cifra", "cited_period": "2025"}
    assert client.post(url, {**form, "cited_indicator": str(foreign.pk)}).status_code == 200
    assert not Finding.objects.filter(text="Hallazgo con cifra").exists()
    assert client.post(url, {**form, "cited_indicator": str(national.pk)}).status_code == 302
    finding = Finding.objects.get(text="Hallazgo con cifra")
    assert (finding.cited_indicator, finding.cited_period, finding.cited_value) == (national, "2025", Decimal("8"))


def test_recording_a_value_through_the_api_matrix(world: World, plan: LocalPlan, measure: Measure) -> None:
    indicator = services.add_indicator(actor=SYSTEM, measure=measure, name="Controles", change=CHANGE)

    def state() -> tuple[int, int]:
        return DataValue.objects.count(), AuditEvent.objects.count()

    check_access_matrix(
        world,
        url=f"{API}/indicators/{indicator.pk}/values",
        method="post",
        data={"value": "5", "measured_on": "2025-04-01"},
        api=True,
        expected={**dict.fromkeys(Role.values, 404), "admin": 201, "coordinator": 201},
        state=state,
    )
    assert DataValue.objects.get().value == Decimal("5")
