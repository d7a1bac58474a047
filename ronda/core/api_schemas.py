"""Schemas shared by every router: the error bodies, so the OpenAPI document lists them."""

from __future__ import annotations

import datetime
import types
from typing import Annotated, Any, ClassVar, Union, get_args, get_origin

from ninja import Schema
from pydantic import ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from ronda.core.forms import date_in_range

# Database ids are 64-bit: a larger number can match nothing, so it is a 422, never a 500.
MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


def _is_date(annotation: Any) -> bool:
    if get_origin(annotation) in (Union, types.UnionType):
        return any(_is_date(arg) for arg in get_args(annotation))
    return isinstance(annotation, type) and issubclass(annotation, datetime.date)


def renamed_to(new: str) -> Any:
    """A deprecated name kept for clients written before the naming rule (docs/api.md): the same value
    as ``new``, marked deprecated in the OpenAPI document. List it in the schema's ``RENAMED``."""
    return Field(default=None, description=f"Deprecated: use {new}.", json_schema_extra={"deprecated": True})


class RenamesFields:
    """``RENAMED`` maps each deprecated field name of a schema to the name that replaced it;
    ``ronda.core.api_utils.resolve_renamed`` copies what a client sent under the old name."""

    RENAMED: ClassVar[dict[str, str]] = {}


class StrictSchema(RenamesFields, Schema):
    """Request bodies reject unknown fields (422) instead of silently ignoring them, and dates must
    be written as dates: pydantic would otherwise read ``0`` as 1 January 1970. Dates and datetimes
    lie between 1900 and 2100 (``ronda.core.forms.date_in_range``, the rule of the web forms too):
    year 9999 parses, then overflows when converted to UTC or moved by a few days (a 500)."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _dates_are_not_numbers(cls, value: Any, info: ValidationInfo) -> Any:
        field = cls.model_fields.get(info.field_name or "")
        if isinstance(value, int | float) and not isinstance(value, bool) and field and _is_date(field.annotation):
            raise PydanticCustomError("date_from_number", "dates are written YYYY-MM-DD")
        return value

    @field_validator("*", mode="after")
    @classmethod
    def _dates_in_range(cls, value: Any) -> Any:
        if isinstance(value, datetime.date) and not date_in_range(value):
            raise PydanticCustomError("date_out_of_range", "dates lie between 1900 and 2100")
        return value


class QueryFilters(RenamesFields, Schema):
    """The query-string filters of an endpoint: unknown parameters answer 422
    (``ronda.core.api_utils.read_filters``), like unknown fields of a body."""

    model_config = ConfigDict(extra="forbid")


class MessageOut(Schema):
    message: str


class FieldError(Schema):
    field: str
    message: str


class ValidationErrorOut(Schema):
    message: str
    errors: list[FieldError]


# Responses every authenticated read endpoint may give besides its success.
READ_ERRORS: dict[int, type[Schema]] = {401: MessageOut, 404: MessageOut, 422: ValidationErrorOut}
# A paginated list adds 400: a cursor edited, or taken from another list (ronda.core.pagination).
LIST_ERRORS: dict[int, type[Schema]] = {400: MessageOut, **READ_ERRORS}
