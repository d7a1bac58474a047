"""A small catalogue for the entry tests, made through the services as Ronda itself (SYSTEM)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from ronda.core.tenancy import SYSTEM
from ronda.tablero import periods as iso_periods
from ronda.tablero import services
from ronda.tablero.models import AggregationType, CategoryOptionCombo, DataElement, DataSet, ValueType
from ronda.territory.models import AreaKind, Level
from ronda.testing import World


@dataclass
class Catalogue:
    health: DataSet  # entered by the health area (the world's focal point)
    education: DataSet  # entered by the education area
    attended: DataElement  # live births, split by sex
    girls: DataElement  # "of which" (births to mothers aged 10 to 14): not more than attended
    visits: DataElement
    female: CategoryOptionCombo
    male: CategoryOptionCombo
    default: CategoryOptionCombo
    period: iso_periods.Period  # last month: closed, not yet due

    def cell(self, element: DataElement, coc: CategoryOptionCombo) -> str:
        return f"v-{element.pk}-{coc.pk}"


def make_catalogue(world: World, *, today: dt.date | None = None) -> Catalogue:
    country = world.country
    sex = services.create_category(
        actor=SYSTEM, owner=country, code="SEXO", name="Sexo", options=[("F", "Mujeres"), ("M", "Hombres")]
    )
    combo = services.create_category_combo(actor=SYSTEM, owner=country, code="SEXO", name="Sexo", categories=[sex])
    attended = services.create_data_element(
        actor=SYSTEM,
        owner=country,
        code="NAC_VIVOS",
        name="Nacidos vivos",
        value_type=ValueType.INTEGER_ZERO_OR_POSITIVE,
        aggregation_type=AggregationType.SUM,
        category_combo=combo,
    )
    girls = services.create_data_element(
        actor=SYSTEM,
        owner=country,
        code="NAC_MADRE_10_14",
        name="Nacidos vivos de madres de 10 a 14 años",
        value_type=ValueType.INTEGER_ZERO_OR_POSITIVE,
        aggregation_type=AggregationType.SUM,
    )
    visits = services.create_data_element(
        actor=SYSTEM,
        owner=country,
        code="VISITAS",
        name="Visitas domiciliarias",
        value_type=ValueType.INTEGER_ZERO_OR_POSITIVE,
        aggregation_type=AggregationType.SUM,
    )
    health = services.create_data_set(
        actor=SYSTEM,
        owner=country,
        code="ATENCION",
        name="Atención mensual",
        period_type=iso_periods.PeriodType.MONTHLY,
        level=Level.MUNICIPALITY,
        data_elements=[attended, girls, visits],
        owner_area_kind=AreaKind.HEALTH,
    )
    education = services.create_data_set(
        actor=SYSTEM,
        owner=country,
        code="ESCUELA",
        name="Escolarización mensual",
        period_type=iso_periods.PeriodType.MONTHLY,
        level=Level.MUNICIPALITY,
        data_elements=[visits],
        owner_area_kind=AreaKind.EDUCATION,
    )
    cocs = {c.code: c for c in CategoryOptionCombo.objects.filter(combo=combo)}
    today = today or timezone.localdate()
    return Catalogue(
        health=health,
        education=education,
        attended=attended,
        girls=girls,
        visits=visits,
        female=cocs["F"],
        male=cocs["M"],
        default=girls.category_combo.option_combos.get(),
        period=iso_periods.of_type(iso_periods.PeriodType.MONTHLY, today).previous(),
    )
