"""One way to page an API list: by ``limit``/``offset`` with a ``count``, or by an opaque ``cursor``.

Offset pages are what clients have always used: ``{"count", "limit", "offset", "results"}``. They
cost a ``COUNT(*)`` over the whole result, and rows added while a client walks the list shift the
pages under it (a row shown twice, or skipped).

Cursor pages (keyset pagination) answer ``{"limit", "next_cursor", "next", "results"}``: no count,
and each page starts right after the last row of the page before, found through the list's order
(an index range, whatever the depth). A row added while the client walks the list never makes a
row appear twice or go missing. Send ``cursor=`` (empty) for the first page, then follow ``next``
(or send ``next_cursor``) until it is ``null``.

A cursor holds the values of the list's order for the last row shown, signed with ``SECRET_KEY``.
The signature covers the endpoint (``scope``), the order and the filters, so a cursor edited by
hand, taken to another list or sent with other filters is refused with a 400, never silently
answered with the wrong rows. A cursor grants nothing: the list is still the policy's queryset.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import reduce
from operator import or_
from typing import Annotated, Any, Generic, TypeVar, Union

from django.core import signing
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Field as ModelField
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import Discriminator, Field, Tag

from ronda.core.api_schemas import QueryFilters

R = TypeVar("R")
MAX_OFFSET = 10_000_000
MAX_CURSOR_LENGTH = 1000
_SALT = "ronda.api.cursor"
# What a page request carries besides the filters: left out of the filters' fingerprint.
PAGE_PARAMS = frozenset({"limit", "offset", "cursor"})


def limit_field(maximum: int, default: int = 50) -> Any:
    return Field(default=default, ge=1, le=maximum, description=f"Rows per page (1–{maximum})")


class PageFilters(QueryFilters):
    """The paging parameters every list takes; a list's filter schema adds its own filters.
    A list with another largest page redeclares ``limit = limit_field(200)``."""

    limit: int = limit_field(500)
    offset: int = Field(default=0, ge=0, le=MAX_OFFSET, description="Rows to skip (offset pages, with a count)")
    cursor: str | None = Field(
        default=None,
        max_length=MAX_CURSOR_LENGTH,
        description="Keyset pages, without a count: empty for the first page, then the next_cursor of the page before",
    )


class OffsetPageOut(Schema):
    count: int = Field(description="Rows in the whole result")
    limit: int
    offset: int


class CursorPageOut(Schema):
    limit: int
    next_cursor: str | None = Field(description="Send as cursor for the next page; null on the last page")
    next: str | None = Field(description="The next page's path with the same filters; null on the last page")


def _page_kind(value: Any) -> str:
    has_count = "count" in value if isinstance(value, dict) else getattr(value, "count", None) is not None
    return "offset" if has_count else "cursor"


def page_response(offset: type[OffsetPageOut], cursor: type[CursorPageOut]) -> Any:
    """The response of a list: an offset page or a cursor page (``oneOf`` in the OpenAPI document).

    Told apart by the envelope itself, so the rows are validated once (a plain union would try both).
    """
    return Annotated[
        Union[Annotated[offset, Tag("offset")], Annotated[cursor, Tag("cursor")]],  # noqa: UP007 - a runtime type
        Discriminator(_page_kind),
    ]


@dataclass
class Page(Generic[R]):
    """One page of a list: ``rows`` as fetched, and what the envelope says about the rest."""

    rows: list[R]
    limit: int
    count: int | None = None
    offset: int | None = None
    next_cursor: str | None = None
    next: str | None = None

    def response(self, results: Iterable[Any] | None = None) -> dict[str, Any]:
        """The envelope; ``results`` (default: the rows) is what the list schema validates."""
        items = self.rows if results is None else list(results)
        if self.count is not None:
            return {"count": self.count, "limit": self.limit, "offset": self.offset, "results": items}
        return {"limit": self.limit, "next_cursor": self.next_cursor, "next": self.next, "results": items}


def paginate(
    request: HttpRequest,
    rows: QuerySet[Any],
    filters: PageFilters,
    *,
    order: Sequence[str],
    scope: str,
    fetch: Callable[[QuerySet[Any]], list[Any]] = list,
    key: Callable[[Any], Sequence[Any]] | None = None,
) -> Page[Any]:
    """The page ``filters`` asks for, of ``rows`` in ``order`` (as ``order_by`` takes it).

    ``order`` must end with a unique field (``"id"`` or ``"-id"``) and hold no nullable field.
    ``scope`` names the list (``"coordination.meetings"``, ``f"planning.updates:{measure.pk}"``):
    a cursor is good for that scope only. ``fetch`` turns the sliced queryset into rows (default:
    model instances); ``key`` reads the order's values from a row (default: the attributes).
    """
    if filters.cursor is None:
        return offset_page(rows.order_by(*order), filters, fetch=fetch)
    return cursor_page(request, rows, filters, order=order, scope=scope, fetch=fetch, key=key)


def offset_page(
    rows: QuerySet[Any], filters: PageFilters, *, fetch: Callable[[QuerySet[Any]], list[Any]] = list
) -> Page[Any]:
    total = rows.count()
    return Page(
        fetch(rows[filters.offset : filters.offset + filters.limit]),
        filters.limit,
        count=total,
        offset=filters.offset,
    )


def cursor_page(
    request: HttpRequest,
    rows: QuerySet[Any],
    filters: PageFilters,
    *,
    order: Sequence[str],
    scope: str,
    fetch: Callable[[QuerySet[Any]], list[Any]] = list,
    key: Callable[[Any], Sequence[Any]] | None = None,
) -> Page[Any]:
    if "offset" in filters.model_fields_set:
        raise NinjaValidationError([{"loc": ["query", "offset"], "type": "offset_with_cursor"}])
    salt = _salt(scope, order, filters)
    if filters.cursor:
        rows = rows.filter(_after(order, _decode(filters.cursor, salt, rows.model, order)))
    # One row more than the page: whether there is a next page, without counting.
    fetched = fetch(rows.order_by(*order)[: filters.limit + 1])
    page: Page[Any] = Page(fetched[: filters.limit], filters.limit)
    if len(fetched) > filters.limit:
        read = key or _attributes(order)
        page.next_cursor = _encode(read(page.rows[-1]), salt)
        query = request.GET.copy()
        query.pop("offset", None)
        query["cursor"] = page.next_cursor
        page.next = f"{request.path}?{query.urlencode()}"
    return page


def invalid_cursor() -> HttpError:
    return HttpError(400, _("The cursor is not valid for this list: start again from the first page."))


# --- The cursor ------------------------------------------------------------------------------
def _salt(scope: str, order: Sequence[str], filters: PageFilters) -> str:
    """What a cursor is good for: this list, in this order, with these filters (deprecated
    parameter names are already copied to their new names, so either spelling gives one cursor)."""
    left_out = set(PAGE_PARAMS) | set(type(filters).RENAMED)
    values = filters.model_dump(mode="json", exclude=left_out)
    fingerprint = hashlib.sha256(json.dumps(values, sort_keys=True).encode()).hexdigest()[:16]
    return f"{_SALT}:{scope}:{','.join(order)}:{fingerprint}"


def _jsonable(value: Any) -> Any:
    if value is None:
        raise ValueError("a cursor's order cannot hold a null value")
    if isinstance(value, datetime.date):  # datetimes too, with their offset
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _encode(values: Sequence[Any], salt: str) -> str:
    return signing.Signer(salt=salt).sign_object([_jsonable(v) for v in values])


def _decode(cursor: str, salt: str, model: type[Model], order: Sequence[str]) -> list[Any]:
    try:
        values = signing.Signer(salt=salt).unsign_object(cursor)
    except (signing.BadSignature, ValueError, UnicodeDecodeError) as exc:
        raise invalid_cursor() from exc
    if not isinstance(values, list) or len(values) != len(order):
        raise invalid_cursor()
    try:
        return [
            _model_field(model, name.lstrip("-")).to_python(value) for name, value in zip(order, values, strict=True)
        ]
    except (DjangoValidationError, TypeError, ValueError) as exc:  # signed, but for an order changed since
        raise invalid_cursor() from exc


def _model_field(model: type[Model], path: str) -> ModelField[Any, Any]:
    *relations, name = path.split("__")
    for relation in relations:
        related = model._meta.get_field(relation).related_model
        assert isinstance(related, type)
        model = related
    field = model._meta.get_field(name)
    assert isinstance(field, ModelField)
    return field


def _attributes(order: Sequence[str]) -> Callable[[Any], list[Any]]:
    paths = [name.lstrip("-").split("__") for name in order]

    def read(row: Any) -> list[Any]:
        return [reduce(getattr, path, row) for path in paths]

    return read


def _after(order: Sequence[str], values: Sequence[Any]) -> Q:
    """Rows after ``values`` in ``order``: (a > x) OR (a = x AND b > y) OR … (``<`` where descending).

    The first field is bounded on its own too (``a >= x``), so the database starts an index range
    there instead of filtering the list from its first row.
    """
    names = [name.lstrip("-") for name in order]
    ops = ["lt" if name.startswith("-") else "gt" for name in order]
    branches = [
        Q(**{f"{names[i]}__{ops[i]}": values[i]}, **{names[j]: values[j] for j in range(i)}) for i in range(len(order))
    ]
    return Q(**{f"{names[0]}__{ops[0]}e": values[0]}) & reduce(or_, branches)
