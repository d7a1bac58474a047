"""The catalogue's JSON shapes (/api/v1/tablero/…): outputs read the model objects (``uid`` and
``code`` beside every ``id``); inputs are strict (an unknown field is a 422) and name references by
``*_id``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from ninja import Schema
from pydantic import Field

from ronda.core.api_schemas import MAX_ID, Id, StrictSchema
from ronda.core.pagination import CursorPageOut, OffsetPageOut, PageFilters, limit_field
from ronda.planning.choices import GoalArea
from ronda.tablero import services
from ronda.tablero.models import (
    AggregationType,
    CatalogueObject,
    CategoryCombo,
    CategoryOptionCombo,
    DataElement,
    Direction,
    Indicator,
    IndicatorFormula,
    ValueType,
)
from ronda.tablero.periods import PeriodType
from ronda.territory.models import AreaKind

VERSION = Field(ge=1, le=MAX_ID, description="The version you read: 409 if somebody saved since")
Code = Field(min_length=1, max_length=services.CODE_LIMIT, description="Unique in the catalogue and the national one")
Name = Field(min_length=1, max_length=services.NAME_LIMIT)


# --- Outputs --------------------------------------------------------------------------------
class CatalogueOut(Schema):
    id: int
    uid: str
    code: str
    name: str
    short_name: str
    description: str
    owner_id: int | None = Field(description="The country (national catalogue) or municipality it belongs to")
    owner: str
    is_national: bool
    is_archived: bool
    version: int

    @staticmethod
    def resolve_owner(obj: CatalogueObject) -> str:
        return obj.owner.name if obj.owner is not None else ""

    @staticmethod
    def resolve_is_national(obj: CatalogueObject) -> bool:
        return obj.owner is not None and obj.owner.level == 1


class OptionOut(Schema):
    id: int
    uid: str
    code: str
    name: str
    sort_order: int
    version: int


class CategoryOut(CatalogueOut):
    options: list[OptionOut]

    @staticmethod
    def resolve_options(obj: CatalogueObject) -> list[OptionOut]:
        return list(obj.options.all())  # type: ignore[attr-defined]


class OptionComboOut(Schema):
    id: int
    uid: str
    code: str
    name: str
    category_combo_id: int
    category_combo_uid: str
    option_ids: list[int]

    @staticmethod
    def resolve_category_combo_id(obj: CategoryOptionCombo) -> int:
        return obj.combo_id

    @staticmethod
    def resolve_category_combo_uid(obj: CategoryOptionCombo) -> str:
        return obj.combo.uid

    @staticmethod
    def resolve_option_ids(obj: CategoryOptionCombo) -> list[int]:
        return sorted(o.pk for o in obj.options.all())


class ComboOptionOut(Schema):
    id: int
    uid: str
    code: str
    name: str


class CategoryComboOut(CatalogueOut):
    is_default: bool
    category_ids: list[int] = Field(description="In the order of the combinations' names")
    option_combos: list[ComboOptionOut]

    @staticmethod
    def resolve_category_ids(obj: CategoryCombo) -> list[int]:
        listed: list[int] | None = getattr(obj, "category_ids_in_order", None)  # a list reads them at once
        return listed if listed is not None else [c.pk for c in services.combo_categories(obj)]

    @staticmethod
    def resolve_option_combos(obj: CategoryCombo) -> list[CategoryOptionCombo]:
        return list(obj.option_combos.all())


class DataElementOut(CatalogueOut):
    value_type: str
    aggregation_type: str
    zero_is_significant: bool
    category_combo_id: int
    category_combo_uid: str
    goal_area: str
    from_personal_records: bool
    minimum: Decimal | None
    maximum: Decimal | None

    @staticmethod
    def resolve_category_combo_uid(obj: DataElement) -> str:
        return obj.category_combo.uid


class FormulaOut(Schema):
    id: int
    numerator: str
    numerator_description: str
    denominator: str
    denominator_description: str
    factor: Decimal
    valid_from: dt.date = Field(description="In force for the periods ending on or after this date")
    created_at: dt.datetime


class IndicatorOut(CatalogueOut):
    goal_area: str
    unit: str
    decimals: int
    direction: str
    formulas: list[FormulaOut] = Field(description="Every version, the latest (in force now) first")

    @staticmethod
    def resolve_formulas(obj: Indicator) -> list[IndicatorFormula]:
        return sorted(obj.formulas.all(), key=lambda f: (f.valid_from, f.pk), reverse=True)


class DataSetOut(CatalogueOut):
    period_type: str
    level: int
    owner_area_kind: str
    due_days: int
    data_element_ids: list[int]

    @staticmethod
    def resolve_data_element_ids(obj: CatalogueObject) -> list[int]:
        return sorted(e.pk for e in obj.data_elements.all())  # type: ignore[attr-defined]


class DataElementPage(OffsetPageOut):
    results: list[DataElementOut]


class DataElementCursorPage(CursorPageOut):
    results: list[DataElementOut]


class IndicatorPage(OffsetPageOut):
    results: list[IndicatorOut]


class IndicatorCursorPage(CursorPageOut):
    results: list[IndicatorOut]


class DataSetPage(OffsetPageOut):
    results: list[DataSetOut]


class DataSetCursorPage(CursorPageOut):
    results: list[DataSetOut]


class CategoryPage(OffsetPageOut):
    results: list[CategoryOut]


class CategoryCursorPage(CursorPageOut):
    results: list[CategoryOut]


class CategoryComboPage(OffsetPageOut):
    results: list[CategoryComboOut]


class CategoryComboCursorPage(CursorPageOut):
    results: list[CategoryComboOut]


class OptionComboPage(OffsetPageOut):
    results: list[OptionComboOut]


class OptionComboCursorPage(CursorPageOut):
    results: list[OptionComboOut]


# --- Filters --------------------------------------------------------------------------------
class CatalogueFilters(PageFilters):
    limit: int = limit_field(200)
    q: str | None = Field(default=None, max_length=100, description="Name, short name or code contains")
    owner_id: Id | None = Field(
        default=None, description="Only the objects of this catalogue (a country or municipality)"
    )
    scope: Literal["national", "municipal"] | None = Field(
        default=None, description="national: the countries' catalogues; municipal: the municipalities' additions"
    )
    include_archived: bool = Field(default=False, description="Archived objects too (hidden by default)")


class GoalAreaFilters(CatalogueFilters):
    goal_area: GoalArea | None = Field(default=None, description="Only this goal area")


class DataSetFilters(CatalogueFilters):
    period_type: PeriodType | None = None


class OptionComboFilters(PageFilters):
    limit: int = limit_field(200)
    category_combo_id: Id | None = Field(default=None, description="Only the combinations of this disaggregation")


# --- Inputs ---------------------------------------------------------------------------------
class CatalogueIn(StrictSchema):
    owner_id: Id | None = Field(
        default=None,
        description="The catalogue: default your own (a secretariat's country, a coordinator's municipality); "
        "an administrator must send it",
    )
    code: str = Code
    name: str = Name
    short_name: str = Field(default="", max_length=services.SHORT_NAME_LIMIT)
    description: str = Field(default="", max_length=services.DESCRIPTION_LIMIT)


class CataloguePatch(StrictSchema):
    version: int = VERSION
    code: str | None = Field(default=None, min_length=1, max_length=services.CODE_LIMIT)
    name: str | None = Field(default=None, min_length=1, max_length=services.NAME_LIMIT)
    short_name: str | None = Field(default=None, max_length=services.SHORT_NAME_LIMIT)
    description: str | None = Field(default=None, max_length=services.DESCRIPTION_LIMIT)
    is_archived: bool | None = Field(
        default=None, description="true archives (hidden from lists and choices; never deleted); false brings back"
    )


class DataElementIn(CatalogueIn):
    value_type: ValueType
    aggregation_type: AggregationType
    zero_is_significant: bool = False
    category_combo_id: Id | None = Field(default=None, description="Default: no disaggregation (DHIS2's default)")
    goal_area: GoalArea | Literal[""] = ""
    from_personal_records: bool = False
    minimum: Decimal | None = Field(default=None, max_digits=20, decimal_places=4)
    maximum: Decimal | None = Field(default=None, max_digits=20, decimal_places=4)


class DataElementPatch(CataloguePatch):
    value_type: ValueType | None = None
    aggregation_type: AggregationType | None = None
    zero_is_significant: bool | None = None
    category_combo_id: Id | None = Field(default=None, description="Refused once the element has values")
    goal_area: GoalArea | Literal[""] | None = None
    from_personal_records: bool | None = None
    minimum: Decimal | None = Field(default=None, max_digits=20, decimal_places=4)
    maximum: Decimal | None = Field(default=None, max_digits=20, decimal_places=4)


class FormulaIn(StrictSchema):
    numerator: str = Field(min_length=1, max_length=1000, description="DHIS2 syntax: #{code} or #{uid}, + - * /")
    denominator: str = Field(default="1", min_length=1, max_length=1000)
    factor: Decimal = Field(default=Decimal(1), gt=0, max_digits=12, decimal_places=2)
    numerator_description: str = Field(default="", max_length=services.NAME_LIMIT)
    denominator_description: str = Field(default="", max_length=services.NAME_LIMIT)
    valid_from: dt.date | None = Field(
        default=None, description="In force from: required for a change (after the current version's start)"
    )


class IndicatorIn(CatalogueIn):
    formula: FormulaIn
    direction: Direction
    unit: str = Field(default="", max_length=services.UNIT_LIMIT)
    decimals: int = Field(default=1, ge=0, le=services.MAX_DECIMALS)
    goal_area: GoalArea | Literal[""] = ""


class IndicatorPatch(CataloguePatch):
    formula: FormulaIn | None = Field(default=None, description="A different formula adds a version; the old stays")
    direction: Direction | None = None
    unit: str | None = Field(default=None, max_length=services.UNIT_LIMIT)
    decimals: int | None = Field(default=None, ge=0, le=services.MAX_DECIMALS)
    goal_area: GoalArea | Literal[""] | None = None


class DataSetIn(CatalogueIn):
    period_type: PeriodType
    level: int = Field(ge=1, le=4, description="The org-unit level where the data are entered")
    owner_area_kind: AreaKind | Literal[""] = ""
    due_days: int = Field(default=15, ge=0, le=services.MAX_DUE_DAYS)
    data_element_ids: list[Id] = Field(min_length=1, max_length=1000)


class DataSetPatch(CataloguePatch):
    period_type: PeriodType | None = None
    level: int | None = Field(default=None, ge=1, le=4)
    owner_area_kind: AreaKind | Literal[""] | None = None
    due_days: int | None = Field(default=None, ge=0, le=services.MAX_DUE_DAYS)
    data_element_ids: list[Id] | None = Field(default=None, min_length=1, max_length=1000)


class OptionIn(StrictSchema):
    code: str = Field(min_length=1, max_length=services.CODE_LIMIT)
    name: str = Name


class CategoryIn(CatalogueIn):
    options: list[OptionIn] = Field(min_length=1, max_length=200, description="In order")


class CategoryPatch(CataloguePatch):
    pass


class OptionPatch(StrictSchema):
    version: int = VERSION
    name: str | None = Field(default=None, min_length=1, max_length=services.NAME_LIMIT)
    sort_order: int | None = Field(default=None, ge=0, le=services.MAX_SORT_ORDER)


class CategoryComboIn(CatalogueIn):
    category_ids: list[Id] = Field(min_length=1, max_length=10, description="In the order of the combinations' names")


class CategoryComboPatch(CataloguePatch):
    category_ids: list[Id] | None = Field(
        default=None, min_length=1, max_length=10, description="Refused once data elements use the disaggregation"
    )
