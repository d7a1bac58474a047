"""The JSON API's schemas for data values and data set periods (``api_values``)."""

from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import Field

from ronda.core.api_schemas import Id, QueryFilters, StrictSchema
from ronda.core.pagination import CursorPageOut, OffsetPageOut, PageFilters
from ronda.tablero.models import DataSetPeriod, DataValue

# An element, option combination or org unit named by its id, its uid or its code.
Reference = int | str


class ValueFilters(PageFilters):
    data_set_id: Id | None = Field(default=None, description="Only the elements of this data set")
    data_element_id: Id | None = Field(default=None, description="Only this data element")
    org_unit_id: Id | None = Field(default=None, description="Only this org unit")
    children: bool = Field(default=False, description="With org_unit_id: its whole subtree too")
    period: str | None = Field(default=None, max_length=10, description="Only this ISO period (202403, 2024Q1 …)")
    start: dt.date | None = Field(default=None, description="Periods starting on or after this day")
    end: dt.date | None = Field(default=None, description="Periods ending on or before this day")


class ValueOut(Schema):
    id: int
    data_element_id: int
    data_element: str = Field(description="The element's uid")
    option_combo_id: int
    option_combo: str = Field(description="The option combination's uid")
    org_unit_id: int
    org_unit: str = Field(description="The org unit's uid")
    period: str
    value: str | None
    comment: str
    follow_up: bool
    stored_by: str | None
    updated_at: dt.datetime

    @staticmethod
    def resolve_data_element(row: DataValue) -> str:
        return row.data_element.uid

    @staticmethod
    def resolve_option_combo(row: DataValue) -> str:
        return row.option_combo.uid

    @staticmethod
    def resolve_org_unit(row: DataValue) -> str:
        return row.org_unit.uid

    @staticmethod
    def resolve_period(row: DataValue) -> str:
        return row.period.iso

    @staticmethod
    def resolve_value(row: DataValue) -> str | None:
        return None if row.value is None else format(row.value.normalize(), "f")

    @staticmethod
    def resolve_stored_by(row: DataValue) -> str | None:
        return row.stored_by.username if row.stored_by is not None else None


class ValuePage(OffsetPageOut):
    results: list[ValueOut]


class ValueCursorPage(CursorPageOut):
    results: list[ValueOut]


class ValueIn(StrictSchema):
    data_element: Reference = Field(description="The element's id, uid or code")
    option_combo: Reference | None = Field(
        default=None, description="The option combination's id, uid or code; none: the default combination"
    )
    org_unit: Reference = Field(description="The org unit's id, uid or code")
    period: str = Field(max_length=10, description="ISO period")
    value: str | None = Field(default=None, max_length=100, description="The number as text; empty or null deletes")
    comment: str = Field(default="", max_length=1000)


class ValuesIn(StrictSchema):
    values: list[ValueIn] = Field(min_length=1, max_length=5000)


class SaveOut(Schema):
    imported: int
    updated: int
    deleted: int
    ignored: int


class RowErrorOut(Schema):
    row: int | None = Field(default=None, description="The value's position in the batch, from 0")
    field: str
    message: str


class RowsRejectedOut(Schema):
    message: str
    errors: list[RowErrorOut]


class PeriodIn(StrictSchema):
    data_set_id: Id
    org_unit_id: Id
    period: str = Field(max_length=10)


class ReopenIn(PeriodIn):
    reason: str = Field(max_length=500)


class PeriodStatusOut(Schema):
    data_set: int
    org_unit: int
    period: str
    status: str
    submitted_by: str | None
    submitted_at: dt.datetime | None
    approved_by: str | None
    approved_at: dt.datetime | None
    reopen_reason: str

    @staticmethod
    def resolve_data_set(row: DataSetPeriod) -> int:
        return row.data_set_id

    @staticmethod
    def resolve_org_unit(row: DataSetPeriod) -> int:
        return row.org_unit_id

    @staticmethod
    def resolve_period(row: DataSetPeriod) -> str:
        return row.period.iso

    @staticmethod
    def resolve_submitted_by(row: DataSetPeriod) -> str | None:
        return row.submitted_by.username if row.submitted_by is not None else None

    @staticmethod
    def resolve_approved_by(row: DataSetPeriod) -> str | None:
        return row.approved_by.username if row.approved_by is not None else None


class NoFilters(QueryFilters):
    pass
