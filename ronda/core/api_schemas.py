"""Schemas shared by every router: the error bodies, so the OpenAPI document lists them."""

from __future__ import annotations

from typing import Annotated

from ninja import Schema
from pydantic import ConfigDict, Field

# Database ids are 64-bit: a larger number can match nothing, so it is a 422, never a 500.
MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class StrictSchema(Schema):
    """Request bodies reject unknown fields (422) instead of silently ignoring them."""

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
