from __future__ import annotations

from typing import Any, ClassVar

from django.db.models import Count, Window
from ninja import Query, Router, Schema
from pydantic import BaseModel, Field

from ronda.core.api_schemas import LIST_ERRORS, READ_ERRORS, Id, renamed_to
from ronda.core.api_utils import read_filters
from ronda.core.pagination import CursorPageOut, OffsetPageOut, Page, PageFilters, cursor_page, page_response
from ronda.core.views_helpers import ApiRequest
from ronda.territory import policies, selectors
from ronda.territory.models import Level, OrgUnit

router = Router(tags=["territory"])


# The list's rows stay plain pydantic models built from ``values_list`` tuples, not a ``from_attributes``
# schema over model instances: ninja's Schema wraps every row in its attribute getter (for resolvers),
# and validating and dumping 500 rows took 4.0 ms that way against 0.4 ms as plain models (measured
# in process), on the API's busiest listing (decision 0013, bench/RESULTS.md). One unit's detail, a
# single object, reads the model like every other endpoint.
class OrgUnitOut(BaseModel):
    id: int
    code: str
    name: str
    level: int
    level_label: str
    parent_id: int | None
    is_active: bool


class OrgUnitDetailOut(OrgUnitOut, Schema):
    parent_code: str | None
    path: list[int]
    children_count: int
    child_population: dict[str, Any]
    geometry: dict[str, Any] | None

    @staticmethod
    def resolve_level_label(unit: OrgUnit) -> str:
        return str(Level(unit.level).label)

    @staticmethod
    def resolve_parent_code(unit: OrgUnit) -> str | None:
        return unit.parent.code if unit.parent else None

    @staticmethod
    def resolve_path(unit: OrgUnit) -> list[int]:
        return [int(s) for s in unit.path.split(".") if s]

    @staticmethod
    def resolve_children_count(unit: OrgUnit) -> int:
        return unit.children.count()


class OrgUnitPage(OffsetPageOut):
    results: list[OrgUnitOut]


class OrgUnitCursorPage(CursorPageOut):
    results: list[OrgUnitOut]


class OrgUnitFilters(PageFilters):
    RENAMED: ClassVar[dict[str, str]] = {"parent": "parent_id", "within": "within_id"}

    level: int | None = Field(default=None, ge=1, le=4, description="1 country, 2 region, 3 municipality, 4 community")
    parent_id: Id | None = Field(default=None, description="Direct children of this unit")
    within_id: Id | None = Field(default=None, description="Anywhere in the subtree of this unit (404 if not visible)")
    q: str | None = Field(default=None, max_length=100, description="Name or code contains")
    parent: Id | None = renamed_to("parent_id")
    within: Id | None = renamed_to("within_id")


COLUMNS = ("id", "code", "name", "level", "parent_id", "is_active")


def _rows(values: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    labels = {level: str(label) for level, label in Level.choices}
    return [dict(zip(COLUMNS, row[: len(COLUMNS)], strict=True), level_label=labels[row[3]]) for row in values]


@router.get(
    "",
    response={200: page_response(OrgUnitPage, OrgUnitCursorPage), **LIST_ERRORS},
    summary="Org units you can see, filtered by level, parent or subtree",
)
def list_org_units(request: ApiRequest, filters: Query[OrgUnitFilters]) -> Any:
    read_filters(request, filters)
    actor = request.actor
    subtree = None
    if filters.within_id is not None:
        own = actor.org_unit
        if own is not None and own.pk == filters.within_id:
            subtree = own.path  # the actor's own unit: already loaded with the membership
        else:
            subtree = policies.subtree_path(actor, filters.within_id)
    # Still through the policy (never a queryset rebuilt beside it): the anchor's range narrows the
    # actor's own range, and both are the same index range scan.
    units = selectors.filter_org_units(
        policies.visible_org_units(actor),
        subtree_path=subtree,
        parent_id=filters.parent_id,
        level=filters.level,
        q=filters.q,
    )
    if filters.cursor is not None:
        page = cursor_page(
            request,
            units,
            filters,
            order=selectors.ORG_UNIT_ORDER,
            scope="territory.org_units",
            fetch=lambda rows: list(rows.values_list(*COLUMNS, "path")),
            key=lambda row: (row[-1], row[0]),
        )
        return page.response(_rows(page.rows))
    # One round trip: the page and, on each row, the size of the whole result (a window count). By the
    # path alone, the plan decision 0013 measured: a path ends with the unit's own id, so it is unique
    # and this is the cursor's order too.
    start, end = filters.offset, filters.offset + filters.limit
    values = list(units.order_by("path").annotate(total=Window(Count("id"))).values_list(*COLUMNS, "total")[start:end])
    # An empty page past the end still reports the true total.
    total: int = values[0][-1] if values else (units.count() if filters.offset else 0)
    return Page(_rows(values), filters.limit, count=total, offset=filters.offset).response()


@router.get("/{int:unit_id}", response={200: OrgUnitDetailOut, **READ_ERRORS}, summary="One org unit")
def get_org_unit(request: ApiRequest, unit_id: int) -> Any:
    return policies.get_org_unit(request.actor, unit_id)
