"""Small helpers shared by the domain routers."""

from __future__ import annotations

from typing import Literal, TypeVar

from django.http import HttpRequest
from ninja import Schema
from ninja.errors import ValidationError

from ronda.core.api_schemas import QueryFilters, RenamesFields

F = TypeVar("F", bound=QueryFilters)


def reject_unknown_query(request: HttpRequest, schema: type[Schema]) -> None:
    """Unknown query parameters are a client mistake: answer 422 rather than ignore them."""
    allowed = set(schema.model_fields)
    unknown = sorted(set(request.GET) - allowed)
    if unknown:
        raise ValidationError([{"loc": ["query", name], "type": "extra_forbidden", "msg": "extra"} for name in unknown])


def read_filters(request: HttpRequest, filters: F) -> F:
    """A list's filters, checked: unknown parameters are a 422, deprecated names are read as the new ones."""
    reject_unknown_query(request, type(filters))
    resolve_renamed(filters, source="query")
    return filters


def resolve_renamed(sent: RenamesFields, *, source: Literal["query", "body"] = "body") -> None:
    """Copy what a client sent under a deprecated name to the field that replaced it.

    Afterwards the new name counts as sent (``model_fields_set``), so PATCH bodies keep their meaning.
    Both names with different values are a 422 on the old one.
    """
    assert isinstance(sent, Schema)
    for old, new in sent.RENAMED.items():
        if old not in sent.model_fields_set:
            continue
        value = getattr(sent, old)
        if new in sent.model_fields_set and getattr(sent, new) != value:
            raise ValidationError([{"loc": [source, old], "type": "renamed_conflict", "msg": "renamed"}])
        setattr(sent, new, value)


def name_sent(sent: RenamesFields, new: str) -> str:
    """The name under which a client sent ``new``: a 422 about it names the field as they wrote it."""
    assert isinstance(sent, Schema)
    for old, renamed in sent.RENAMED.items():
        if renamed == new and old in sent.model_fields_set:
            return old
    return new
