"""The Tablero's demo (issue #10 item 12): the national catalogues, the population, targets and a few
months of values (the whole demo loads 36; three are enough to check what they are made of)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Sum

from ronda.accounts import demo as accounts_demo
from ronda.accounts.models import Membership
from ronda.core.models import AuditEvent
from ronda.core.tenancy import SYSTEM, actor_for
from ronda.planning.choices import GoalArea
from ronda.tablero import demo, expressions, selectors, services
from ronda.tablero import demo_catalogue as spec
from ronda.tablero.models import (
    AggregateValue,
    CategoryOptionCombo,
    DataElement,
    DataSet,
    DataValue,
    Indicator,
    IndicatorFormula,
    Period,
    Target,
)
from ronda.territory import demo as territory_demo
from ronda.territory.models import Level, OrgUnit

# Three months across a new year: November and December 2025, January 2026.
TODAY = dt.date(2026, 2, 10)
MONTHS = 3


@pytest.fixture(scope="module")
def loaded(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock(), transaction.atomic():
        territory_demo.load_demo()
        accounts_demo.load_demo()
        demo.load_demo(months=MONTHS, today=TODAY)
        yield
        transaction.set_rollback(True)


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("loaded")]


def _country(code: str) -> OrgUnit:
    return OrgUnit.objects.get(code=code, level=Level.COUNTRY)


@pytest.mark.parametrize("code", spec.DEMO_COUNTRIES)
def test_each_country_has_a_national_catalogue_across_the_goal_areas(code: str) -> None:
    country = _country(code)
    elements = DataElement.objects.filter(owner=country)
    indicators = Indicator.objects.filter(owner=country)
    assert elements.count() >= 25
    assert indicators.count() >= 15
    every_area = set(GoalArea.values)
    assert set(indicators.values_list("goal_area", flat=True)) == every_area
    assert set(elements.values_list("goal_area", flat=True)) == every_area
    assert DataSet.objects.filter(owner=country).count() == len(spec.DATA_SETS)
    # Sex × age band: six combinations, named for children.
    population = elements.get(code=spec.POPULATION)
    names = list(CategoryOptionCombo.objects.filter(combo=population.category_combo).values_list("name", flat=True))
    assert len(names) == 6 and "Niñas, Primera infancia (0–5 años)" in names
    assert population.aggregation_type == "LAST"
    # Counts of children from personal records are flagged (the public page suppresses them).
    assert set(elements.filter(from_personal_records=True).values_list("code", flat=True)) >= {
        "DENUNCIAS_VIOL",
        "CASOS_TI",
    }
    rates = indicators.filter(formulas__factor=1000)
    assert rates.exists() and all(r.unit == spec.PER_THOUSAND for r in rates)


def test_each_country_names_its_services_its_own_way() -> None:
    def name(country: str, code: str) -> str:
        return DataElement.objects.get(owner=_country(country), code=code).name

    assert "CEN-CINAI" in name("CR", "CDI_MATRICULA")
    assert "(CDI)" in name("EC", "CDI_MATRICULA")
    assert name("CR", "CONTROL_NS").startswith("Controles de crecimiento y desarrollo")
    assert "niño sano" not in name("CR", "CONTROL_NS")
    etnias = DataElement.objects.get(owner=_country("EC"), code="MATRICULA_ETNIA").category_combo
    assert "Montubia" in set(etnias.option_combos.values_list("name", flat=True))


def test_every_formula_parses_and_refers_to_elements_of_its_catalogue() -> None:
    # Computed indicators (``computed_by``) have no formula to check: their provider computes them.
    formulas = IndicatorFormula.objects.filter(
        indicator__owner__code__in=spec.DEMO_COUNTRIES, indicator__computed_by=""
    ).select_related("indicator")
    assert formulas.count() >= 3 * 15
    for formula in formulas:
        owner = formula.indicator.owner_id
        elements = {e.code: e for e in DataElement.objects.filter(owner_id=owner)}
        for text in (formula.numerator, formula.denominator):
            operands = expressions.references(expressions.parse(text))
            assert operands, (formula.indicator.code, text)
            for operand in operands:
                assert operand.element in elements, (formula.indicator.code, operand)
                if operand.option_combo:
                    codes = set(
                        CategoryOptionCombo.objects.filter(
                            combo_id=elements[operand.element].category_combo_id
                        ).values_list("code", flat=True)
                    )
                    assert operand.option_combo in codes, (formula.indicator.code, operand)


def test_the_population_of_every_demo_municipality_is_its_child_population_this_year() -> None:
    this_year = Period.objects.get(iso=str(TODAY.year))
    last_year = Period.objects.get(iso=str(TODAY.year - 1))
    for code in spec.DEMO_COUNTRIES:
        element = DataElement.objects.get(owner=_country(code), code=spec.POPULATION)
        municipalities = list(OrgUnit.objects.within(_country(code)).filter(level=Level.MUNICIPALITY))
        assert municipalities
        found = selectors.cells(
            element_ids=[element.pk], unit_ids=[m.pk for m in municipalities], period_ids=[this_year.pk, last_year.pk]
        )
        for municipality in municipalities:
            expected = sum(n for bands in municipality.child_population.values() for n in bands.values())
            assert found[(element.pk, municipality.pk, this_year.pk)].value("LAST") == expected, municipality.code
            before = found[(element.pk, municipality.pk, last_year.pk)].value("LAST")
            assert before is not None and abs(before - expected) <= Decimal("0.025") * expected + 6


def test_monthly_values_for_lojas_communities_and_the_costa_rican_cantons() -> None:
    months = ("202511", "202512", "202601")
    ec = DataElement.objects.get(owner=_country("EC"), code="CDI_MATRICULA")
    communities = OrgUnit.objects.filter(parent__code="EC-1101")
    assert communities.count() == 24
    per_community = (
        DataValue.objects.filter(data_element=ec, org_unit__in=communities, period__iso__in=months)
        .values("org_unit")
        .annotate(months=Count("period", distinct=True))
    )
    assert len(per_community) == 24 and all(row["months"] == 3 for row in per_community)
    births = DataElement.objects.get(owner=_country("CR"), code="NAC_VIVOS")
    cantons = OrgUnit.objects.within(_country("CR")).filter(level=Level.MUNICIPALITY)
    for canton in cantons:
        stored = set(
            DataValue.objects.filter(data_element=births, org_unit=canton).values_list("period__iso", flat=True)
        )
        assert stored == set(months), canton.code
    # Reports of violence are small counts, some below the suppression threshold.
    reports = DataElement.objects.get(owner=_country("CR"), code="DENUNCIAS_VIOL")
    values = list(DataValue.objects.filter(data_element=reports).values_list("value", flat=True))
    assert values and min(values) < 5 and max(values) < 100
    # The quarter inside the window (2025Q4) has them; the one in progress does not.
    assert set(DataValue.objects.filter(data_element=reports).values_list("period__iso", flat=True)) == {"2025Q4"}


def test_the_aggregates_equal_the_values_they_come_from() -> None:
    units = list(OrgUnit.objects.filter(code__in=["EC", "EC-11", "EC-1101", "EC-1101-01", "CR", "CR-SJ", "CR-102"]))
    periods = list(Period.objects.filter(iso__in=["202512", "202601", "2025Q4", "2025S2", "2025", "2026"]))
    # One element of each kind: stocks (LAST) and counts (SUM), by sex × age band, by sex, undivided.
    codes = ["POB_NNA", "CDI_MATRICULA", "PART_ACT_JUEGO", "ASAMBLEAS_NNA", "NAC_VIVOS", "ABANDONO", "DENUNCIAS_VIOL"]
    codes += ["MATRICULA", "ESPACIOS_JUEGO", "ACOG_FAMILIAR"]
    elements = list(DataElement.objects.filter(owner__code__in=["EC", "CR"], code__in=codes))
    found = selectors.cells(
        element_ids=[e.pk for e in elements], unit_ids=[u.pk for u in units], period_ids=[p.pk for p in periods]
    )
    compared = 0
    for element in elements:
        for unit in units:
            for period in periods:
                oracle = selectors.from_values(element_id=element.pk, unit_path=unit.path, period=period)
                cell = found.get((element.pk, unit.pk, period.pk))
                if cell is None:
                    assert oracle.count == 0, (element.code, unit.code, period.iso)
                    continue
                assert (cell.total, cell.count, cell.last_total, cell.minimum, cell.maximum) == (
                    oracle.total,
                    oracle.count,
                    oracle.last_total,
                    oracle.minimum,
                    oracle.maximum,
                ), (element.code, unit.code, period.iso)
                compared += 1
    assert compared > 100


def test_targets_for_loja_and_the_costa_rican_cantons_each_year() -> None:
    for code in ["EC-1101", "CR-101", "CR-701"]:
        unit = OrgUnit.objects.get(code=code)
        targets = Target.objects.filter(org_unit=unit, indicator__code="COB_VACUNACION")
        assert set(targets.values_list("period__iso", flat=True)) == {"2025", "2026"}
        assert targets.get(period__iso="2025").value < targets.get(period__iso="2026").value
    assert not Target.objects.filter(org_unit__code="MX-29-033").exists()


def test_every_demo_municipality_and_community_has_a_shape_apart_from_its_siblings() -> None:
    def box(unit: OrgUnit) -> tuple[float, float, float, float]:
        assert unit.geometry is not None and unit.geometry["type"] == "Polygon", unit.code
        ring = unit.geometry["coordinates"][0]
        xs, ys = [p[0] for p in ring], [p[1] for p in ring]
        return min(xs), min(ys), max(xs), max(ys)

    units = OrgUnit.objects.filter(level__in=[Level.MUNICIPALITY, Level.COMMUNITY])
    assert units.count() > 50
    for unit in units:
        west, south, east, north = box(unit)
        assert unit.parent is not None
        p_west, p_south, p_east, p_north = box(unit.parent)
        assert p_west <= west < east <= p_east and p_south <= south < north <= p_north, unit.code
        for sibling in unit.parent.children.exclude(pk=unit.pk):
            s_west, s_south, s_east, s_north = box(sibling)
            assert east <= s_west or s_east <= west or north <= s_south or s_north <= south, (unit.code, sibling.code)


def test_a_second_load_changes_nothing() -> None:
    def state() -> tuple[Any, ...]:
        sums = AggregateValue.objects.aggregate(total=Sum("total"), last=Sum("last_total"), count=Sum("count"))
        return (
            DataValue.objects.count(),
            AggregateValue.objects.count(),
            tuple(sorted(sums.items())),
            DataElement.objects.count(),
            Indicator.objects.count(),
            IndicatorFormula.objects.count(),
            DataSet.objects.count(),
            CategoryOptionCombo.objects.count(),
            Target.objects.count(),
            AuditEvent.objects.count(),
        )

    before = state()
    demo.load_demo(months=MONTHS, today=TODAY)
    assert state() == before


def test_set_target_changes_a_target_and_checks_the_person() -> None:
    loja = OrgUnit.objects.get(code="EC-1101")
    indicator = Indicator.objects.get(owner__code="EC", code="COB_VACUNACION")
    target = services.set_target(actor=SYSTEM, indicator=indicator, org_unit=loja, period="2026", value=Decimal(97))
    assert Target.objects.get(pk=target.pk).value == 97
    events = AuditEvent.objects.count()
    services.set_target(actor=SYSTEM, indicator=indicator, org_unit=loja, period="2026", value=Decimal(97))
    assert AuditEvent.objects.count() == events  # nothing changed, nothing recorded
    membership = Membership.objects.get(user__username="focal.loja")
    focal = actor_for(membership.user, membership, second_factor=True)
    with pytest.raises(PermissionDenied):
        services.set_target(actor=focal, indicator=indicator, org_unit=loja, period="2026", value=Decimal(50))
    assert Target.objects.get(pk=target.pk).value == 97
