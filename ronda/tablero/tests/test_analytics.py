"""Indicators from aggregated parts: ratios are never averages of ratios; rates use the population
of the same unit and year; a formula change keeps earlier periods computed as they were."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ronda.core.tenancy import SYSTEM
from ronda.tablero import analytics, expressions, services
from ronda.tablero import periods as iso_periods
from ronda.tablero.models import AggregationType, Direction, IndicatorFormula, ValueType
from ronda.territory.models import Level
from ronda.testing import make_unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    country = make_unit("PY", Level.COUNTRY, None, "País Y")
    region = make_unit("PY-R", Level.REGION, country)
    big = make_unit("PY-M1", Level.MUNICIPALITY, region)
    small = make_unit("PY-M2", Level.MUNICIPALITY, region)
    vaccinated = services.create_data_element(
        actor=SYSTEM,
        owner=country,
        code="VAC",
        name="Niños vacunados",
        value_type=ValueType.INTEGER_ZERO_OR_POSITIVE,
        aggregation_type=AggregationType.SUM,
    )
    population = services.create_data_element(
        actor=SYSTEM,
        owner=country,
        code="POB",
        name="Población menor de 18",
        value_type=ValueType.INTEGER_ZERO_OR_POSITIVE,
        aggregation_type=AggregationType.LAST,
    )
    coc = vaccinated.category_combo.option_combos.get()
    return {
        "country": country,
        "region": region,
        "big": big,
        "small": small,
        "vac": vaccinated,
        "pop": population,
        "coc": coc,
    }


def _save(world, element, unit, period, value):
    services.save_values(
        actor=SYSTEM,
        values=[
            services.ValueInput(
                data_element=element, option_combo=world["coc"], org_unit=unit, period=period, value=value
            )
        ],
    )


def test_a_rate_of_a_region_comes_from_its_summed_parts_with_the_yearly_population(world):
    rate = services.create_indicator(
        actor=SYSTEM,
        owner=world["country"],
        code="TASA",
        name="Vacunados por 1.000",
        numerator="#{VAC}",
        denominator=f"#{{{world['pop'].uid}}}",
        factor=Decimal(1000),
        direction=Direction.HIGHER_IS_BETTER,
        decimals=1,
    )
    # The big municipality: 90 of 1,000 children; the small one: 1 of 10.
    _save(world, world["pop"], world["big"], "2024", 1000)
    _save(world, world["pop"], world["small"], "2024", 10)
    _save(world, world["vac"], world["big"], "202403", 90)
    _save(world, world["vac"], world["small"], "202403", 1)
    march = iso_periods.parse("202403")
    got = {
        v.org_unit_id: v.value
        for v in analytics.indicator_values([rate], [world["big"], world["small"], world["region"]], [march])
    }
    assert got[world["big"].pk] == Decimal("90.0")
    assert got[world["small"].pk] == Decimal("100.0")
    # 91 / 1,010 × 1,000 = 90.1 — not the mean of 90 and 100.
    assert got[world["region"].pk] == Decimal("90.1")


def test_no_denominator_means_no_value_not_zero(world):
    rate = services.create_indicator(
        actor=SYSTEM,
        owner=world["country"],
        code="T2",
        name="Tasa",
        numerator="#{VAC}",
        denominator="#{POB}",
        factor=Decimal(1000),
        direction=Direction.HIGHER_IS_BETTER,
    )
    _save(world, world["vac"], world["big"], "202403", 90)
    (value,) = analytics.indicator_values([rate], [world["big"]], [iso_periods.parse("202403")])
    assert value.value is None and value.numerator == 90 and value.denominator is None


def test_a_formula_change_keeps_earlier_periods_computed_with_the_formula_then_in_force(world):
    indicator = services.create_indicator(
        actor=SYSTEM,
        owner=world["country"],
        code="T3",
        name="Vacunados",
        numerator="#{VAC}",
        direction=Direction.HIGHER_IS_BETTER,
        decimals=0,
    )
    IndicatorFormula.objects.create(indicator=indicator, numerator="#{VAC} * 2", valid_from=dt.date(2025, 1, 1))
    _save(world, world["vac"], world["big"], "2024", 5)
    _save(world, world["vac"], world["big"], "2025", 5)
    got = {
        v.period: v.value
        for v in analytics.indicator_values(
            [indicator], [world["big"]], [iso_periods.parse("2024"), iso_periods.parse("2025")]
        )
    }
    assert got == {"2024": Decimal(5), "2025": Decimal(10)}


@pytest.mark.parametrize(
    ("text", "ok"),
    [("#{VAC} / #{POB} * 1000", True), ("(#{a.b} + 2", False), ("#{VAC} ; drop", False), ("", False), ("-#{A}", True)],
)
def test_formulas_are_parsed_not_evaluated_as_code(text, ok):
    assert (expressions.problem(text) is None) is ok


def test_a_division_by_zero_is_no_value():
    node = expressions.parse("#{A} / #{B}")
    values = {"A": Decimal(3), "B": Decimal(0)}
    assert expressions.evaluate(node, lambda o: values[o.element]) is None


def test_a_code_in_a_formula_names_the_element_of_the_indicators_own_country(world):
    """Two countries' catalogues may use the same codes: an Ecuadorian indicator never reads the
    Costa Rican element of the same code (found with the demo, where an administrator's view of
    Loja's vaccination coverage came out empty)."""
    other = make_unit("PZ", Level.COUNTRY, None, "País Z")
    other_unit = make_unit("PZ-M", Level.MUNICIPALITY, make_unit("PZ-R", Level.REGION, other))
    twin = services.create_data_element(
        actor=SYSTEM,
        owner=other,
        code="VAC",
        name="Vacunados (otro país)",
        value_type=ValueType.INTEGER_ZERO_OR_POSITIVE,
        aggregation_type=AggregationType.SUM,
    )
    mine = services.create_indicator(
        actor=SYSTEM,
        owner=world["country"],
        code="V",
        name="Vacunados",
        numerator="#{VAC}",
        direction=Direction.HIGHER_IS_BETTER,
    )
    theirs = services.create_indicator(
        actor=SYSTEM, owner=other, code="V", name="Vacunados", numerator="#{VAC}", direction=Direction.HIGHER_IS_BETTER
    )
    _save(world, world["vac"], world["big"], "2024", 7)
    services.save_values(
        actor=SYSTEM,
        values=[
            services.ValueInput(
                data_element=twin,
                option_combo=twin.category_combo.option_combos.get(),
                org_unit=other_unit,
                period="2024",
                value=3,
            )
        ],
    )
    year = iso_periods.parse("2024")
    got = {
        (v.indicator_id, v.org_unit_id): v.value
        for v in analytics.indicator_values([mine, theirs], [world["big"], other_unit], [year])
    }
    assert got[(mine.pk, world["big"].pk)] == Decimal("7.0")
    assert got[(theirs.pk, other_unit.pk)] == Decimal("3.0")
    assert got[(mine.pk, other_unit.pk)] is None  # the other country's figure is not ours


def test_periods_have_names_in_words():
    from django.utils import translation

    with translation.override("es"):
        assert iso_periods.name(iso_periods.parse("202611")) == "noviembre de 2026"
        assert iso_periods.name(iso_periods.parse("2026Q1")) == "trimestre 1 de 2026"
        assert iso_periods.name(iso_periods.parse("2026S2")) == "semestre 2 de 2026"
        assert iso_periods.name(iso_periods.parse("2026")) == "2026"
