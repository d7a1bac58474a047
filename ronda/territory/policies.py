"""Who sees and edits which part of the territory. Views, API and importers ask only this."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.http import Http404

from ronda.core.roles import Role
from ronda.core.tenancy import Actor, get_object_or_404_scoped
from ronda.territory.models import Area, Institution, InstitutionService, Level, OrgUnit
from ronda.territory.selectors import serves

if TYPE_CHECKING:
    from ronda.core.tenancy import Shape


def visible_org_units(actor: Actor | None) -> QuerySet[OrgUnit]:
    if actor is None or actor.scope_path is None:
        return OrgUnit.objects.none()
    if actor.scope_path == "":
        return OrgUnit.objects.all()
    return OrgUnit.objects.filter(path__startswith=actor.scope_path)


def visible_roots(actor: Actor) -> QuerySet[OrgUnit]:
    """Where browsing starts: the countries for admins, the actor's own unit otherwise."""
    if actor.is_admin:
        return OrgUnit.objects.filter(level=Level.COUNTRY)
    unit = actor.org_unit
    return OrgUnit.objects.filter(pk=unit.pk) if unit is not None else OrgUnit.objects.none()


def can_view_territory(actor: Actor | None) -> bool:
    return actor is not None and actor.scope_path is not None


def can_edit_territory(actor: Actor | None) -> bool:
    """The module-level check of every page that changes units, areas or institutions: administrators
    and coordinators (what each may change follows in ``get_*_for_edit``)."""
    return can_view_territory(actor) and actor is not None and actor.has_role(Role.ADMIN, Role.COORDINATOR)


def can_create_child(actor: Actor, parent: OrgUnit | None, level: int) -> bool:
    """Admins shape the whole tree; a coordinator adds communities to their own municipality."""
    if actor.is_admin:
        return True
    if actor.has_role(Role.COORDINATOR) and parent is not None and level == Level.COMMUNITY:
        return actor.covers(parent)
    return False


def can_edit_org_unit(actor: Actor, unit: OrgUnit) -> bool:
    if actor.is_admin:
        return True
    return actor.has_role(Role.COORDINATOR) and unit.level == Level.COMMUNITY and actor.covers(unit)


def can_edit_identity(actor: Actor, unit: OrgUnit) -> bool:
    """A municipality's name on documents, coat of arms and colour: its coordinator, or an administrator."""
    if unit.level != Level.MUNICIPALITY:
        return False
    return actor.is_admin or (actor.has_role(Role.COORDINATOR) and actor.covers(unit))


def can_import_org_units(actor: Actor | None) -> bool:
    return actor is not None and actor.has_role(Role.ADMIN, Role.COORDINATOR)


# --- Areas ----------------------------------------------------------------------------
def visible_areas(actor: Actor | None) -> QuerySet[Area]:
    if actor is None or actor.scope_path is None:
        return Area.objects.none()
    qs = Area.objects.select_related("org_unit")
    if actor.scope_path == "":
        return qs
    # Areas of the actor's subtree, and of the municipality a community-level actor lives in.
    condition = Q(org_unit__path__startswith=actor.scope_path)
    unit = actor.org_unit
    if unit is not None and unit.level > Level.MUNICIPALITY:
        condition |= Q(org_unit_id__in=unit.ancestor_ids())
    return qs.filter(condition)


def can_edit_areas_of(actor: Actor, unit: OrgUnit) -> bool:
    if actor.is_admin:
        return True
    return actor.has_role(Role.COORDINATOR) and actor.covers(unit)


# --- Institutions (the referral directory) ---------------------------------------------
def visible_institutions(actor: Actor | None) -> QuerySet[Institution]:
    """Institutions seated in the actor's subtree or whose jurisdiction reaches it.

    A defender in a community must find the national and provincial bodies that serve it.
    """
    if actor is None or actor.scope_path is None:
        return Institution.objects.none()
    qs = Institution.objects.select_related("org_unit")
    if actor.scope_path == "":
        return qs
    unit = actor.org_unit
    assert unit is not None
    reach = Q(org_unit__path__startswith=actor.scope_path)
    covering_ids = Institution.objects.filter(serves(unit) | Q(jurisdiction__path__startswith=actor.scope_path)).values(
        "pk"
    )
    return qs.filter(reach | Q(pk__in=covering_ids))


def can_create_institution(actor: Actor, seat: OrgUnit | None = None) -> bool:
    if actor.is_admin:
        return True
    if not actor.has_role(Role.COORDINATOR):
        return False
    return seat is None or actor.covers(seat)


def can_edit_institution(actor: Actor, institution: Institution) -> bool:
    if actor.is_admin:
        return True
    return actor.has_role(Role.COORDINATOR) and actor.covers(institution.org_unit)


# --- One call per object: 404 for missing and forbidden alike (decision 0005) ----------------
# Pages and API reach a record only through these. ``get_<thing>_for_<verb>`` also checks the write
# permission and answers 404 (never 403) when it is refused.
def get_org_unit(actor: Actor, pk: object) -> OrgUnit:
    return get_object_or_404_scoped(visible_org_units(actor).select_related("parent"), pk=pk)


def get_org_unit_for_edit(actor: Actor, pk: object) -> OrgUnit:
    unit = get_org_unit(actor, pk)
    if not can_edit_org_unit(actor, unit):
        raise Http404
    return unit


def get_unit_for_identity(actor: Actor, pk: object) -> OrgUnit:
    unit = get_org_unit(actor, pk)
    if not can_edit_identity(actor, unit):
        raise Http404
    return unit


def get_parent_for_new_unit(actor: Actor, pk: object) -> OrgUnit:
    """A unit the actor may add a child to (a community has none)."""
    parent = get_org_unit(actor, pk)
    if parent.level >= Level.COMMUNITY or not can_create_child(actor, parent, parent.level + 1):
        raise Http404
    return parent


def subtree_path(actor: Actor, pk: object) -> str:
    """The path of a unit the actor sees, to narrow a listing to its subtree (two columns read)."""
    return get_object_or_404_scoped(visible_org_units(actor).only("id", "path"), pk=pk).path


def get_area(actor: Actor, pk: object) -> Area:
    return get_object_or_404_scoped(visible_areas(actor), pk=pk)


def get_area_for_edit(actor: Actor, pk: object) -> Area:
    area = get_area(actor, pk)
    if not can_edit_areas_of(actor, area.org_unit):
        raise Http404
    return area


def get_municipality_for_areas(actor: Actor, pk: object) -> OrgUnit:
    """A municipality the actor may add areas to."""
    unit = get_object_or_404_scoped(visible_org_units(actor), pk=pk, level=Level.MUNICIPALITY)
    if not can_edit_areas_of(actor, unit):
        raise Http404
    return unit


def get_institution(actor: Actor, pk: object, *, shape: Shape[Institution] | None = None) -> Institution:
    return get_object_or_404_scoped(visible_institutions(actor), shape=shape, pk=pk)


def get_institution_for_edit(actor: Actor, pk: object) -> Institution:
    institution = get_institution(actor, pk)
    if not can_edit_institution(actor, institution):
        raise Http404
    return institution


def audit_readers() -> dict[str, Any]:
    """What each actor may read of this app's objects, for the audit trail (``core.audit_readers``)."""
    return {
        "territory.orgunit": visible_org_units,
        "territory.area": visible_areas,
        "territory.institution": visible_institutions,
        "territory.institutionservice": lambda actor: InstitutionService.objects.filter(
            institution__in=visible_institutions(actor)
        ),
    }
