"""A yearly figure of the public page built from a year whose months were not all reported says
so in its label ("2024 (incomplete year: 1 of 12 months)") and leaves the sparkline; a complete
year is shown as before, and counts from personal records are not given months at all (the months
with a value would bound a hidden small count)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import translation

from ronda.core.tenancy import SYSTEM
from ronda.tablero import coverage, publication, services
from ronda.tablero.models import AggregationType, DataElement, Direction, Indicator, ValueType
from ronda.tablero.periods import PeriodType
from ronda.tablero.suppression import Figure
from ronda.testing import World

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 15)  # the years shown: 2022 … 2026 (so far)
# Drop-outs reported from December 2024; August 2025 had none (a zero is not stored).
DROP_OUT_MONTHS = ["202412", *(f"2025{m:02d}" for m in range(1, 13) if m != 8), *(f"2026{m:02d}" for m in range(1, 6))]


def element(world: World, code: str, aggregation: str, *, personal: bool = False) -> DataElement:
    return services.create_data_element(
        actor=SYSTEM,
        owner=world.country,
        code=code,
        name=code.title(),
        value_type=ValueType.INTEGER_ZERO_OR_POSITIVE,
        aggregation_type=aggregation,
        from_personal_records=personal,
    )


def save(world: World, item: DataElement, periods: list[str], value: int) -> None:
    coc = item.category_combo.option_combos.get()
    services.save_values(
        actor=SYSTEM,
        values=[
            services.ValueInput(data_element=item, option_combo=coc, org_unit=world.municipality, period=p, value=value)
            for p in periods
        ],
    )


@pytest.fixture
def rate(world: World) -> Indicator:
    drop_outs = element(world, "ABANDONO", AggregationType.SUM)
    enrolled = element(world, "MATRICULA", AggregationType.LAST)
    cases = element(world, "CASOS", AggregationType.SUM, personal=True)
    for code, period_type, elements in (
        ("MENSUAL", PeriodType.MONTHLY, [drop_outs, cases]),
        ("ANUAL", PeriodType.YEARLY, [enrolled]),
    ):
        services.create_data_set(
            actor=SYSTEM,
            owner=world.country,
            code=code,
            name=code,
            period_type=period_type,
            level=3,
            data_elements=elements,
        )
    save(world, drop_outs, DROP_OUT_MONTHS, 10)
    save(world, enrolled, ["2024", "2025", "2026"], 1000)
    save(world, cases, ["202412", "202501", "202502"], 1)  # 1 child a month, in three months only
    indicator = services.create_indicator(
        actor=SYSTEM,
        owner=world.country,
        code="TASA_ABANDONO",
        name="Tasa de abandono escolar",
        numerator="#{ABANDONO}",
        denominator="#{MATRICULA}",
        factor=Decimal(100),
        direction=Direction.LOWER_IS_BETTER,
        decimals=2,
        goal_area="services",
    )
    count = services.create_indicator(
        actor=SYSTEM,
        owner=world.country,
        code="N_CASOS",
        name="Casos",
        numerator="#{CASOS}",
        direction=Direction.LOWER_IS_BETTER,
        decimals=0,
        goal_area="equity",
    )
    publication.set_published(actor=SYSTEM, org_unit=world.municipality, indicators=[indicator, count])
    return indicator


def items(world: World) -> dict[str, publication.PublicIndicator]:
    with translation.override("en"):
        return {i.indicator.code: i for i in publication.public_indicators(world.municipality, TODAY)}


def test_an_incomplete_year_says_so_and_a_complete_one_does_not(world: World, rate: Indicator) -> None:
    trend = {p.period: p for p in items(world)["TASA_ABANDONO"].trend}
    assert trend["2024"].figure.value == Decimal("1.00")  # one month of drop-outs over the year's enrolment
    assert trend["2024"].label == "2024 (incomplete year: 1 of 12 months)" and trend["2024"].incomplete
    # August without drop-outs stored is a zero inside the reported months, not a missing month.
    assert trend["2025"].label == "2025" and not trend["2025"].incomplete
    assert trend["2025"].figure.value == Decimal("11.00")  # 11 months of 10 over 1,000
    assert trend["2026"].label == "2026 (so far: 5 of 12 months)" and not trend["2026"].incomplete
    # Years before any report have no value and no caveat to give.
    assert trend["2023"].figure.value is None and trend["2023"].label == "2023"


def test_the_sparkline_leaves_the_incomplete_year_out(world: World, rate: Indicator) -> None:
    item = items(world)["TASA_ABANDONO"]
    assert len(item.sparkline.split()) == 2  # 2025 and 2026 so far; 2024 (1.00) would pull the line down
    without_2024 = [p if p.period != "2024" else publication.Point(p.period, p.label, Figure(None)) for p in item.trend]
    assert item.sparkline == publication.sparkline(without_2024)
    as_if_complete = [publication.Point(p.period, p.label, p.figure, p.target) for p in item.trend]
    assert len(publication.sparkline(as_if_complete).split()) == 3


def test_counts_from_personal_records_get_no_months(world: World, rate: Indicator) -> None:
    # Cases in three months, 1 each: "<5" a year. "1 of 12 months" beside "<5" would say "1 to 4,
    # at least 1"; the count keeps its plain labels and its suppression.
    trend = {p.period: p for p in items(world)["N_CASOS"].trend}
    assert trend["2024"].label == "2024" and trend["2024"].figure.suppressed
    assert trend["2025"].label == "2025" and trend["2025"].figure.suppressed
    assert trend["2026"].label == "2026 (so far)"
    count = Indicator.objects.get(code="N_CASOS")
    years = publication.shown_years(TODAY)
    assert coverage.year_coverage([count], count.formulas.all(), world.municipality, years) == {}
    # The same rule gives the rate its months (the drop-outs are not from personal records).
    assert coverage.year_coverage([rate], rate.formulas.all(), world.municipality, years)[
        (rate.pk, "2024")
    ] == coverage.Coverage(1)


def test_the_page_shows_the_caveat(world: World, rate: Indicator) -> None:
    client = Client()
    client.cookies["ronda_language"] = "en"
    with time_machine.travel(dt.datetime(2026, 6, 15, 12, tzinfo=dt.UTC), tick=False):
        html = client.get(reverse("tablero:public_page", args=[world.municipality.code])).content.decode()
    assert "2024 (incomplete year: 1 of 12 months)" in html
    assert "2026 (so far: 5 of 12 months)" in html


def test_the_dashboard_says_so_in_its_table_not_on_its_axis(world: World, rate: Indicator) -> None:
    """The coordinator's yearly dashboard: the data table names the incomplete years like the public
    page; the chart's axis keeps the bare year."""
    from ronda.core.roles import Role
    from ronda.testing import login

    client = login(Client(), world.home[Role.COORDINATOR])
    client.cookies["ronda_language"] = "en"
    with time_machine.travel(dt.datetime(2026, 6, 15, 12, tzinfo=dt.UTC), tick=False):
        page = client.get(
            "/tablero/paneles/",
            {"unidad": world.municipality.pk, "tipo": "Yearly", "desde": 2024, "hasta": 2026},
        )
    (trend,) = [t for t in page.context["trends"] if t.indicator == rate]
    labels = {r.period.iso: (r.label, r.axis_label) for r in trend.rows}
    assert labels["2024"] == ("2024 (incomplete year: 1 of 12 months)", "2024")
    assert labels["2025"] == ("2025", "2025")
    assert labels["2026"] == ("2026 (so far: 5 of 12 months)", "2026")
    assert "2024 (incomplete year: 1 of 12 months)" in page.content.decode()
