"""Small helpers shared by the domain routers."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Schema
from ninja.errors import ValidationError


def reject_unknown_query(request: HttpRequest, schema: type[Schema]) -> None:
    """Unknown query parameters are a client mistake: answer 422 rather than ignore them."""
    allowed = set(schema.model_fields)
    unknown = sorted(set(request.GET) - allowed)
    if unknown:
        raise ValidationError([{"loc": ["query", name], "type": "extra_forbidden", "msg": "extra"} for name in unknown])
