"""A small catalogue on top of ronda.testing's world, for the DHIS2 API tests.

Country A: category "SEXO" (F, M), combination "SEXO", elements "VAC" (default combination, SUM)
and "CASOS" (by sex), a monthly data set at municipality level, an indicator VAC / CASOS × 100.
Country B: its own element "B_ELEM" (never visible from country A).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ronda.core.tenancy import SYSTEM
from ronda.tablero import services
from ronda.tablero.models import (
    AggregationType,
    CategoryCombo,
    CategoryOptionCombo,
    DataElement,
    DataSet,
    Direction,
    Indicator,
    ValueType,
)
from ronda.testing import PASSWORD, World


@dataclass
class Catalogue:
    world: World
    combo: CategoryCombo
    female: CategoryOptionCombo
    male: CategoryOptionCombo
    default: CategoryOptionCombo
    vac: DataElement
    cases: DataElement
    data_set: DataSet
    rate: Indicator
    other: DataElement


def build(world: World) -> Catalogue:
    country = world.country
    sex = services.create_category(
        actor=SYSTEM, owner=country, code="SEXO", name="Sexo", options=[("F", "Mujer"), ("M", "Hombre")]
    )
    combo = services.create_category_combo(actor=SYSTEM, owner=country, code="SEXO", name="Sexo", categories=[sex])
    vac = services.create_data_element(
        actor=SYSTEM,
        owner=country,
        code="VAC",
        name="Niños vacunados",
        value_type=ValueType.INTEGER_ZERO_OR_POSITIVE,
        aggregation_type=AggregationType.SUM,
    )
    cases = services.create_data_element(
        actor=SYSTEM,
        owner=country,
        code="CASOS",
        name="Casos atendidos",
        value_type=ValueType.INTEGER_ZERO_OR_POSITIVE,
        aggregation_type=AggregationType.SUM,
        category_combo=combo,
    )
    data_set = services.create_data_set(
        actor=SYSTEM,
        owner=country,
        code="MENSUAL",
        name="Protección mensual",
        period_type="Monthly",
        level=3,
        data_elements=[vac, cases],
    )
    rate = services.create_indicator(
        actor=SYSTEM,
        owner=country,
        code="TASA",
        name="Vacunados por caso",
        numerator=f"#{{{vac.uid}}}",
        denominator=f"#{{{cases.uid}}}",
        factor=Decimal(100),
        direction=Direction.HIGHER_IS_BETTER,
        decimals=1,
    )
    other = services.create_data_element(
        actor=SYSTEM,
        owner=world.other_country,
        code="B_ELEM",
        name="Elemento del país B",
        value_type=ValueType.INTEGER,
        aggregation_type=AggregationType.SUM,
    )
    female = combo.option_combos.get(code="F")
    male = combo.option_combos.get(code="M")
    default = vac.category_combo.option_combos.get()
    return Catalogue(world, combo, female, male, default, vac, cases, data_set, rate, other)


def basic(username: str, password: str = PASSWORD) -> dict[str, Any]:
    raw = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {raw}"}


def save(cat: Catalogue, element: DataElement, coc: CategoryOptionCombo, unit: Any, period: str, value: Any) -> None:
    services.save_values(
        actor=SYSTEM,
        values=[services.ValueInput(data_element=element, option_combo=coc, org_unit=unit, period=period, value=value)],
    )
