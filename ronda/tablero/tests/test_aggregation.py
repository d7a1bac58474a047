"""The aggregates kept in the writing transaction equal the figures computed from the raw values,
whatever sequence of saves, corrections and deletions produced them (decision 0017)."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from ronda.core.tenancy import SYSTEM
from ronda.tablero import periods, selectors, services
from ronda.tablero.models import AggregateValue, AggregationType, DataValue, Period, ValueType
from ronda.territory.models import Level
from ronda.testing import make_unit

MONTHS = ["202401", "202402", "202403", "202404", "202407", "202412", "202501"]


def _world():
    country = make_unit("PX", Level.COUNTRY, None, "País X")
    region = make_unit("PX-R", Level.REGION, country)
    municipalities = [make_unit(f"PX-M{i}", Level.MUNICIPALITY, region) for i in range(2)]
    communities = [
        make_unit(f"PX-M{i}-C{j}", Level.COMMUNITY, m) for i, m in enumerate(municipalities) for j in range(2)
    ]
    sex = services.create_category(
        actor=SYSTEM, owner=country, code="SEX", name="Sexo", options=[("F", "Mujeres"), ("M", "Hombres")]
    )
    combo = services.create_category_combo(actor=SYSTEM, owner=country, code="SEXO", name="Sexo", categories=[sex])
    elements = {
        kind: services.create_data_element(
            actor=SYSTEM,
            owner=country,
            code=f"DE_{kind}",
            name=f"Elemento {kind}",
            value_type=ValueType.NUMBER,
            aggregation_type=kind,
            category_combo=combo,
            zero_is_significant=True,
        )
        for kind in AggregationType.values
    }
    return SimpleNamespace(
        country=country,
        region=region,
        municipalities=municipalities,
        communities=communities,
        combo=combo,
        elements=elements,
    )


# One step: (element kind, community index, option index, month, value or None to delete)
steps = st.lists(
    st.tuples(
        st.sampled_from(AggregationType.values),
        st.integers(0, 3),
        st.integers(0, 1),
        st.sampled_from(MONTHS),
        st.one_of(st.none(), st.integers(-50, 200).map(Decimal)),
    ),
    min_size=1,
    max_size=25,
)


class AggregatesEqualRawValues(TestCase):
    @settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(steps=steps, batch=st.booleans())
    def test_every_cell_equals_the_figure_from_the_raw_values(self, steps, batch):
        w = _world()
        cocs = list(w.combo.option_combos.order_by("sort_order"))
        inputs = [
            services.ValueInput(
                data_element=w.elements[kind],
                option_combo=cocs[option],
                org_unit=w.communities[unit],
                period=month,
                value=value,
            )
            for kind, unit, option, month, value in steps
        ]
        if batch:
            # One batch per distinct key (a batch refuses the same value twice): the last one wins.
            last = {(i.data_element.pk, i.option_combo.pk, i.org_unit.pk, i.period): i for i in inputs}
            services.save_values(actor=SYSTEM, values=list(last.values()))
        else:
            for item in inputs:
                services.save_values(actor=SYSTEM, values=[item])
        units = [w.country, w.region, *w.municipalities, *w.communities]
        for period in Period.objects.all():
            for element in w.elements.values():
                for unit in units:
                    for coc_ids in ([c.pk for c in cocs], [cocs[0].pk]):
                        expected = selectors.from_values(
                            element_id=element.pk, unit_path=unit.path, period=period, option_combo_ids=coc_ids
                        )
                        got = selectors.cells(
                            element_ids=[element.pk],
                            unit_ids=[unit.pk],
                            period_ids=[period.pk],
                            option_combo_ids=coc_ids,
                        ).get((element.pk, unit.pk, period.pk))
                        want = expected.value(element.aggregation_type)
                        have = got.value(element.aggregation_type) if got is not None else None
                        assert have == want, (element.aggregation_type, unit.code, period.iso, have, want)


@pytest.mark.django_db
def test_a_month_counts_in_its_quarter_semester_and_year_and_a_quarter_sums_its_months():
    w = _world()
    element = w.elements[AggregationType.SUM]
    coc = w.combo.option_combos.first()
    values = [
        services.ValueInput(data_element=element, option_combo=coc, org_unit=w.communities[0], period=m, value=v)
        for m, v in (("202401", 3), ("202402", 4), ("202403", 5), ("202404", 7))
    ]
    services.save_values(actor=SYSTEM, values=values)
    q1 = Period.objects.get(iso="2024Q1")
    year = Period.objects.get(iso="2024")
    got = selectors.cells(element_ids=[element.pk], unit_ids=[w.country.pk], period_ids=[q1.pk, year.pk])
    assert got[(element.pk, w.country.pk, q1.pk)].value(AggregationType.SUM) == 12
    assert got[(element.pk, w.country.pk, year.pk)].value(AggregationType.SUM) == 19
    assert {p.iso for p in Period.objects.all()} == {
        "202401",
        "202402",
        "202403",
        "202404",
        "2024Q1",
        "2024Q2",
        "2024S1",
        "2024",
    }


@pytest.mark.django_db
def test_last_value_is_each_units_latest_month_summed_over_units():
    w = _world()
    element = w.elements[AggregationType.LAST]
    coc = w.combo.option_combos.first()
    rows = [
        (w.communities[0], "202401", 10),
        (w.communities[0], "202403", 12),
        (w.communities[1], "202402", 5),
    ]
    services.save_values(
        actor=SYSTEM,
        values=[
            services.ValueInput(data_element=element, option_combo=coc, org_unit=u, period=m, value=v)
            for u, m, v in rows
        ],
    )
    q1 = Period.objects.get(iso="2024Q1")
    cell = selectors.cells(element_ids=[element.pk], unit_ids=[w.municipalities[0].pk], period_ids=[q1.pk])
    assert cell[(element.pk, w.municipalities[0].pk, q1.pk)].value(AggregationType.LAST) == 17  # 12 + 5
    # Deleting March brings community 0 back to January's 10.
    services.save_values(
        actor=SYSTEM,
        values=[
            services.ValueInput(
                data_element=element, option_combo=coc, org_unit=w.communities[0], period="202403", value=""
            )
        ],
    )
    cell = selectors.cells(element_ids=[element.pk], unit_ids=[w.municipalities[0].pk], period_ids=[q1.pk])
    assert cell[(element.pk, w.municipalities[0].pk, q1.pk)].value(AggregationType.LAST) == 15


@pytest.mark.django_db
def test_a_bad_row_writes_nothing_and_every_problem_is_reported_by_row():
    w = _world()
    element = w.elements[AggregationType.SUM]
    coc = w.combo.option_combos.first()
    values = [
        services.ValueInput(
            data_element=element, option_combo=coc, org_unit=w.communities[0], period="202401", value=3, row=1
        ),
        services.ValueInput(
            data_element=element, option_combo=coc, org_unit=w.communities[0], period="2024-01", value=3, row=2
        ),
        services.ValueInput(
            data_element=element, option_combo=coc, org_unit=w.communities[1], period="202401", value="tres", row=3
        ),
        services.ValueInput(
            data_element=element, option_combo=coc, org_unit=w.communities[1], period="209901", value=1, row=4
        ),
    ]
    with pytest.raises(services.ValuesRejected) as rejected:
        services.save_values(actor=SYSTEM, values=values)
    assert [(e.row, e.field) for e in rejected.value.result.errors] == [(2, "period"), (3, "value"), (4, "period")]
    assert not DataValue.objects.exists()
    assert not AggregateValue.objects.exists()


@pytest.mark.django_db
def test_a_dry_run_counts_what_would_change_and_writes_nothing():
    w = _world()
    element = w.elements[AggregationType.SUM]
    coc = w.combo.option_combos.first()
    item = services.ValueInput(
        data_element=element, option_combo=coc, org_unit=w.communities[0], period="202401", value=3
    )
    result = services.save_values(actor=SYSTEM, values=[item], dry_run=True)
    assert (result.imported, result.updated, result.ignored) == (1, 0, 0)
    assert not DataValue.objects.exists()
    services.save_values(actor=SYSTEM, values=[item])
    again = services.save_values(actor=SYSTEM, values=[item])
    assert (again.imported, again.updated, again.ignored) == (0, 0, 1)


@pytest.mark.django_db
def test_a_zero_that_is_not_significant_is_no_data():
    w = _world()
    element = services.create_data_element(
        actor=SYSTEM,
        owner=w.country,
        code="DE_Z",
        name="Sin ceros",
        value_type=ValueType.INTEGER_ZERO_OR_POSITIVE,
        aggregation_type=AggregationType.AVERAGE,
        category_combo=w.combo,
    )
    coc = w.combo.option_combos.first()
    services.save_values(
        actor=SYSTEM,
        values=[
            services.ValueInput(
                data_element=element, option_combo=coc, org_unit=w.communities[0], period="202401", value=0
            ),
            services.ValueInput(
                data_element=element, option_combo=coc, org_unit=w.communities[1], period="202401", value=4
            ),
        ],
    )
    period = Period.objects.get(iso="202401")
    cell = selectors.cells(element_ids=[element.pk], unit_ids=[w.region.pk], period_ids=[period.pk])[
        (element.pk, w.region.pk, period.pk)
    ]
    assert cell.value(AggregationType.AVERAGE) == 4  # not (0 + 4) / 2


@pytest.mark.parametrize(
    ("value_type", "raw", "ok"),
    [
        (ValueType.INTEGER_ZERO_OR_POSITIVE, "-1", False),
        (ValueType.INTEGER_ZERO_OR_POSITIVE, "2.5", False),
        (ValueType.INTEGER, "-3", True),
        (ValueType.NUMBER, "2,5", True),
        (ValueType.NUMBER, "1e400", False),
        (ValueType.NUMBER, "NaN", False),
        (ValueType.PERCENTAGE, "101", False),
        (ValueType.BOOLEAN, "sí", True),
        (ValueType.BOOLEAN, "quizás", False),
    ],
)
def test_values_are_checked_against_their_type(value_type, raw, ok):
    from ronda.tablero.models import DataElement

    element = DataElement(value_type=value_type)
    _number, problem = services.parse_value(element, raw)
    assert (problem is None) is ok


@given(
    digits=st.text(alphabet="0123456789", min_size=1, max_size=18),
    value_type=st.sampled_from([ValueType.INTEGER, ValueType.INTEGER_ZERO_OR_POSITIVE, ValueType.PERCENTAGE]),
    bounds=st.tuples(st.none() | st.integers(0, 50), st.none() | st.integers(50, 10**6)),
)
def test_a_plain_whole_number_reads_as_its_digits_say(digits, value_type, bounds):
    """The short path for digits only (a million-value import) gives what the rules give: the number,
    or the type's and the bounds' refusals, and above 15 digits "not a number"."""
    from ronda.tablero.models import DataElement

    low, high = bounds
    element = DataElement(
        value_type=value_type,
        minimum=None if low is None else Decimal(low),
        maximum=None if high is None else Decimal(high),
    )
    number, problem = services.parse_value(element, digits)
    whole = int(digits)
    expected_ok = (
        whole < 10**15
        and (value_type != ValueType.PERCENTAGE or whole <= 100)
        and (low is None or whole >= low)
        and (high is None or whole <= high)
    )
    assert (problem is None) is expected_ok
    if expected_ok:
        assert number == Decimal(whole)


@pytest.mark.django_db
def test_catalogue_codes_are_unique_per_owner():
    w = _world()
    with pytest.raises(ValidationError) as error:
        services.create_category(actor=SYSTEM, owner=w.country, code="SEX", name="Otra", options=[("A", "A")])
    assert "code" in error.value.message_dict


def test_relative_periods_exclude_the_current_one():
    import datetime as dt

    got = periods.relative("LAST_12_MONTHS", dt.date(2026, 12, 1))
    assert [p.iso for p in got][:2] == ["202512", "202601"] and got[-1].iso == "202611" and len(got) == 12
    assert [p.iso for p in periods.relative("THIS_YEAR", dt.date(2026, 12, 1))] == ["2026"]
    assert [p.iso for p in periods.relative("LAST_4_QUARTERS", dt.date(2026, 2, 1))] == [
        "2025Q1",
        "2025Q2",
        "2025Q3",
        "2025Q4",
    ]
    with pytest.raises(periods.InvalidPeriod):
        periods.parse("2024W3")


@pytest.mark.django_db
@pytest.mark.parametrize("arrays", [False, True])
def test_both_ways_of_writing_cells_give_the_figures_of_the_raw_values(monkeypatch, arrays):
    """PostgreSQL writes the cells as arrays (an accelerator, decision 0017); the portable VALUES
    path must give the same figures there too. Arrays exist on PostgreSQL only."""
    from django.db import connection

    from ronda.tablero import aggregation

    if arrays and connection.vendor != "postgresql":
        arrays = False  # SQLite has no arrays: the portable path is what it always runs
    monkeypatch.setattr(aggregation, "uses_arrays", lambda _connection: arrays)
    w = _world()
    cocs = list(w.combo.option_combos.order_by("sort_order"))
    element = w.elements[AggregationType.MAX]
    writes = [(0, 0, "202401", 7), (1, 1, "202402", 9), (2, 0, "202401", 4), (0, 0, "202401", 2)]
    for unit, option, month, value in writes:
        item = services.ValueInput(
            data_element=element, option_combo=cocs[option], org_unit=w.communities[unit], period=month, value=value
        )
        services.save_values(actor=SYSTEM, values=[item])
    for unit in (w.country, w.region, *w.municipalities, *w.communities):
        for period in Period.objects.all():
            expected = selectors.from_values(element_id=element.pk, unit_path=unit.path, period=period)
            got = selectors.cells(element_ids=[element.pk], unit_ids=[unit.pk], period_ids=[period.pk]).get(
                (element.pk, unit.pk, period.pk)
            )
            assert (got.value(AggregationType.MAX) if got else None) == expected.value(AggregationType.MAX)
            assert (got.count if got else 0) == expected.count
