"""Who may open the Tablero's dashboards, and the lookups their pages make (404 for missing and
forbidden alike). Anyone whose scope covers a unit reads its figures (``policies.READERS``); a saved
dashboard is its owner's alone."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from ronda.core.roles import Role
from ronda.core.tenancy import Actor, get_object_or_404_scoped
from ronda.tablero import policies
from ronda.tablero.models import Dashboard, Indicator
from ronda.territory.models import Level, OrgUnit
from ronda.territory.selectors import large_columns


def can_use_tablero(actor: Actor | None) -> bool:
    return actor is not None and actor.role in policies.READERS and actor.scope_path is not None


def shows_in_menu(actor: Actor) -> bool:
    """The menu entry: the dashboards are open to every reader, but a community defender's or a
    protection officer's work is elsewhere (the link is hidden, the page still opens)."""
    return can_use_tablero(actor) and not actor.has_role(Role.DEFENDER, Role.PROTECTION_OFFICER)


def can_manage_dashboards(actor: Actor | None) -> bool:
    """Saving a selection writes a row: not for the read-only roles."""
    return can_use_tablero(actor) and actor is not None and not actor.is_read_only


def home_unit(actor: Actor) -> OrgUnit | None:
    """Where the dashboards open: the actor's own unit, or for an administrator the first country."""
    if actor.org_unit is not None:
        return actor.org_unit
    return policies.readable_units(actor).filter(level=Level.COUNTRY).order_by("name").first()


# A country of 2,500 municipalities in one <select> is a 130 kB list nobody scrolls (and half a
# second of rendering): above this many, the filter offers the way down from where one stands.
MAX_PICKABLE = 150


def pickable_units(actor: Actor, around: OrgUnit | None = None) -> QuerySet[OrgUnit]:
    """The units offered in the filters: every unit down to the municipalities, and the actor's
    own unit's children (a coordinator's communities). When that is more than ``MAX_PICKABLE``
    (a national scope), the units around ``around`` instead: its ancestors within scope, itself,
    its children, and the actor's own unit's children — a path down the tree, one level a time."""
    # The filters show names: a region's boundary and child population stay in the database (the
    # national dashboard read 51 geometries per request for its <select>, issue #10's benchmark).
    units = policies.readable_units(actor).defer(*large_columns())
    own = actor.org_unit
    if own is not None and own.level >= Level.MUNICIPALITY:
        return units.filter(path__startswith=own.path, level__lte=own.level + 1).order_by("path")
    everything = units.filter(level__lte=Level.MUNICIPALITY).order_by("path")
    if everything.count() <= MAX_PICKABLE:
        return everything
    around = around or home_unit(actor)
    near = Q(level=Level.COUNTRY)
    if own is not None:
        near |= Q(pk=own.pk) | Q(parent_id=own.pk)
    if around is not None:
        near |= (
            Q(pk__in=around.ancestor_ids()) | Q(pk=around.pk) | Q(parent_id=around.pk, level__lte=Level.MUNICIPALITY)
        )
    return everything.filter(near)


def visible_indicators(actor: Actor) -> QuerySet[Indicator]:
    return Indicator.objects.filter(policies.catalogue_owner_filter(actor), is_archived=False)


def get_unit(actor: Actor, pk: object) -> OrgUnit:
    return get_object_or_404_scoped(policies.readable_units(actor), pk=pk)


def get_dashboard(actor: Actor, pk: object) -> Dashboard:
    """One of the actor's own saved dashboards (404 for anybody else's)."""
    return get_object_or_404_scoped(policies.visible_dashboards(actor).select_related("org_unit"), pk=pk)


def get_dashboard_for_edit(actor: Actor, pk: object) -> Dashboard:
    dashboard = get_dashboard(actor, pk)
    if not can_manage_dashboards(actor):
        from django.http import Http404

        raise Http404
    return dashboard


def visible_dashboards_of(actor: Actor) -> QuerySet[Dashboard]:
    """The actor's own saved dashboards, with their unit."""
    return policies.visible_dashboards(actor).select_related("org_unit").order_by("name", "pk")


def get_indicator(actor: Actor, uid: object) -> Indicator:
    """An indicator the actor reads, by uid (404 otherwise)."""
    return get_object_or_404_scoped(visible_indicators(actor), uid=uid)
