"""A small catalogue for the catalogue's tests: national objects of country A, one addition of
municipality A-M."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import count

from ronda.core.tenancy import SYSTEM, Actor, actor_for
from ronda.tablero import services
from ronda.tablero.models import (
    AggregationType,
    Category,
    CategoryCombo,
    DataElement,
    DataSet,
    Direction,
    Indicator,
    ValueType,
)
from ronda.tablero.periods import PeriodType
from ronda.testing import World

CODES = count(1)


@dataclass
class Catalogue:
    sex: Category
    combo: CategoryCombo
    element: DataElement
    indicator: Indicator
    data_set: DataSet
    local: DataElement


def build_catalogue(world: World) -> Catalogue:
    sex = services.create_category(
        actor=SYSTEM, owner=world.country, code="SEX", name="Sexo", options=[("F", "Mujeres"), ("M", "Hombres")]
    )
    combo = services.create_category_combo(
        actor=SYSTEM, owner=world.country, code="SEXO", name="Por sexo", categories=[sex]
    )
    element = services.create_data_element(
        actor=SYSTEM,
        owner=world.country,
        code="VAC",
        name="Niñas y niños vacunados",
        value_type=ValueType.INTEGER_ZERO_OR_POSITIVE,
        aggregation_type=AggregationType.SUM,
        category_combo=combo,
        goal_area="services",
    )
    indicator = services.create_indicator(
        actor=SYSTEM,
        owner=world.country,
        code="IVAC",
        name="Cobertura de vacunación",
        numerator="#{VAC}",
        denominator="100",
        direction=Direction.HIGHER_IS_BETTER,
    )
    data_set = services.create_data_set(
        actor=SYSTEM,
        owner=world.country,
        code="DSV",
        name="Vacunación mensual",
        period_type=PeriodType.MONTHLY,
        level=3,
        data_elements=[element],
    )
    local = services.create_data_element(
        actor=SYSTEM,
        owner=world.municipality,
        code="LOC",
        name="Talleres del municipio",
        value_type=ValueType.INTEGER_ZERO_OR_POSITIVE,
        aggregation_type=AggregationType.SUM,
    )
    return Catalogue(sex, combo, element, indicator, data_set, local)


def acting(world: World, role: str) -> Actor:
    user = world.home[role]
    return actor_for(user, user.memberships.get())


def new_code(prefix: str = "N") -> str:
    return f"{prefix}{next(CODES)}"


def add_elements(world: World, n: int, combo: CategoryCombo | None = None) -> None:
    for _ in range(n):
        services.create_data_element(
            actor=SYSTEM,
            owner=world.country,
            code=new_code("E"),
            name="Elemento",
            value_type=ValueType.NUMBER,
            aggregation_type=AggregationType.SUM,
            category_combo=combo,
            goal_area="services",
        )
