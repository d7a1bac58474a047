from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, Window
from ninja import Query, Router, Schema
from pydantic import BaseModel, ConfigDict, Field

from ronda.core.api_schemas import READ_ERRORS, Id
from ronda.core.api_utils import reject_unknown_query
from ronda.core.views_helpers import ApiRequest
from ronda.territory import policies
from ronda.territory.models import Level, OrgUnit

router = Router(tags=["territory"])


# Plain pydantic models for what we send (built from dicts): ninja's Schema wraps every row to read
# Django model attributes, which the busiest listing does not need.
class OrgUnitOut(BaseModel):
    id: int
    code: str
    name: str
    level: int
    level_label: str
    parent_id: int | None
    is_active: bool


class OrgUnitDetailOut(OrgUnitOut):
    parent_code: str | None
    path: list[int]
    children_count: int
    child_population: dict[str, Any]
    geometry: dict[str, Any] | None


class OrgUnitPage(BaseModel):
    count: int
    limit: int
    offset: int
    results: list[OrgUnitOut]


class OrgUnitFilters(Schema):
    model_config = ConfigDict(extra="forbid")

    level: int | None = Field(default=None, ge=1, le=4, description="1 country, 2 region, 3 municipality, 4 community")
    parent: Id | None = Field(default=None, description="Direct children of this unit")
    within: Id | None = Field(default=None, description="Anywhere in the subtree of this unit")
    q: str | None = Field(default=None, max_length=100, description="Name or code contains")
    limit: int = Field(default=50, ge=1, le=500)
    offset: int = Field(default=0, ge=0, le=10_000_000)


def _out(unit: OrgUnit) -> dict[str, Any]:
    return {
        "id": unit.pk,
        "code": unit.code,
        "name": unit.name,
        "level": unit.level,
        "level_label": str(Level(unit.level).label),
        "parent_id": unit.parent_id,
        "is_active": unit.is_active,
    }


@router.get(
    "",
    response={200: OrgUnitPage, **READ_ERRORS},
    summary="Org units you can see, filtered by level, parent or subtree",
)
def list_org_units(request: ApiRequest, filters: Query[OrgUnitFilters]) -> Any:
    reject_unknown_query(request, OrgUnitFilters)
    actor = request.actor
    units = policies.visible_org_units(actor)
    if filters.within is not None:
        own = actor.org_unit
        if own is not None and own.pk == filters.within:
            anchor_path = own.path  # the actor's own unit: already loaded with the membership
        else:
            anchor_path = policies.subtree_path(actor, filters.within)
        # Still through the policy (never a queryset rebuilt beside it): the anchor's range narrows
        # the actor's own range, and both are the same index range scan.
        units = units.filter(path__startswith=anchor_path)
    if filters.parent is not None:
        units = units.filter(parent_id=filters.parent)
    if filters.level is not None:
        units = units.filter(level=filters.level)
    if filters.q:
        units = units.filter(Q(name__icontains=filters.q) | Q(code__icontains=filters.q))
    units = units.order_by("path")
    # One round trip: the page and, on each row, the size of the whole result (a window count).
    # Plain tuples, not model instances: this is the API's busiest listing.
    columns = ("id", "code", "name", "level", "parent_id", "is_active")
    rows = list(
        units.annotate(total=Window(Count("id"))).values_list(*columns, "total")[
            filters.offset : filters.offset + filters.limit
        ]
    )
    # An empty page past the end still reports the true total.
    total: int = rows[0][-1] if rows else (units.count() if filters.offset else 0)
    labels = {level: str(label) for level, label in Level.choices}
    results = [dict(zip(columns, row[:-1], strict=True), level_label=labels[row[3]]) for row in rows]
    return {"count": total, "limit": filters.limit, "offset": filters.offset, "results": results}


@router.get("/{int:unit_id}", response={200: OrgUnitDetailOut, **READ_ERRORS}, summary="One org unit")
def get_org_unit(request: ApiRequest, unit_id: int) -> Any:
    unit = policies.get_org_unit(request.actor, unit_id)
    data = _out(unit)
    data.update(
        {
            "parent_code": unit.parent.code if unit.parent else None,
            "path": [int(s) for s in unit.path.split(".") if s],
            "children_count": unit.children.count(),
            "child_population": unit.child_population,
            "geometry": unit.geometry,
        }
    )
    return data
