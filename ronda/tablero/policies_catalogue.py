"""Who reaches which catalogue object (pages and API): the lists, and the ``get_<thing>`` getters
that answer 404 alike for a missing object and for one the actor may not see or change.

The rules themselves are ``policies.can_manage_catalogue`` and ``policies.catalogue_owner_filter``.
"""

from __future__ import annotations

from typing import TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from ronda.core.roles import Role
from ronda.core.tenancy import Acting, is_person
from ronda.tablero.models import (
    CatalogueObject,
    Category,
    CategoryCombo,
    CategoryOption,
    CategoryOptionCombo,
    DataElement,
    DataSet,
    Indicator,
)
from ronda.tablero.policies import READERS, can_manage_catalogue, catalogue_owner_filter
from ronda.tablero.services import usable_owners
from ronda.territory.models import Level, OrgUnit

C = TypeVar("C", bound=CatalogueObject)
M = TypeVar("M", bound=Model)
MANAGER_ROLES = (Role.ADMIN, Role.SECRETARIAT, Role.COORDINATOR)
# The list filter "whose": the national catalogue, or the municipalities' additions.
OWNER_LEVELS = {"national": Level.COUNTRY, "municipal": Level.MUNICIPALITY}


def can_view_catalogue(actor: Acting) -> bool:
    if not is_person(actor):
        return True
    return actor.role in READERS and actor.scope_path is not None


def can_manage_some_catalogue(actor: Acting) -> bool:
    """May create or edit in some catalogue (the menu shows the buttons; each object is checked again)."""
    if not is_person(actor):
        return True
    return actor.role in MANAGER_ROLES and not actor.is_read_only


def can_manage(actor: Acting, obj: CatalogueObject) -> bool:
    return obj.owner is not None and can_manage_catalogue(actor, obj.owner)


def own_catalogue(actor: Acting) -> OrgUnit | None:
    """The catalogue a new object of this actor goes to: a secretariat's country, a coordinator's
    municipality; None for an administrator (who names the owner) and for everyone else."""
    if not is_person(actor):
        return None
    unit = actor.org_unit
    if unit is None or unit.level not in (Level.COUNTRY, Level.MUNICIPALITY):
        return None
    return unit if can_manage_catalogue(actor, unit) else None


def owners_to_choose(actor: Acting) -> QuerySet[OrgUnit]:
    """The catalogues an actor may create in when they have no own one (administrators): countries."""
    if is_person(actor) and not actor.is_admin:
        return OrgUnit.objects.none()
    return OrgUnit.objects.filter(level=Level.COUNTRY, is_active=True).order_by("name")


def get_owner_for_create(actor: Acting, pk: object) -> OrgUnit:
    """An org unit named as the owner of a new object: 404 unless the actor manages its catalogue."""
    unit = _get(OrgUnit.objects.filter(level__in=(Level.COUNTRY, Level.MUNICIPALITY)), pk)
    if not can_manage_catalogue(actor, unit):
        raise Http404
    return unit


def visible(actor: Acting, model: type[C]) -> QuerySet[C]:
    if not can_view_catalogue(actor):
        return model._default_manager.none()
    return model._default_manager.filter(catalogue_owner_filter(actor))


def owner_filter(whose: str | None) -> Q:
    level = OWNER_LEVELS.get(whose or "")
    return Q() if level is None else Q(owner__level=level)


def _get(queryset: QuerySet[M], pk: object) -> M:
    lookup: dict[str, object] = {"pk": pk}
    try:
        return queryset.get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def _for_edit(actor: Acting, obj: C) -> C:
    if not can_manage(actor, obj):
        raise Http404
    return obj


def get_catalogue_object(actor: Acting, model: type[C], pk: object) -> C:
    return _get(visible(actor, model).select_related("owner"), pk)


def get_catalogue_object_for_edit(actor: Acting, model: type[C], pk: object) -> C:
    return _for_edit(actor, get_catalogue_object(actor, model, pk))


def get_data_element(actor: Acting, pk: object) -> DataElement:
    return _get(visible(actor, DataElement).select_related("owner", "category_combo"), pk)


def get_data_element_for_edit(actor: Acting, pk: object) -> DataElement:
    return _for_edit(actor, get_data_element(actor, pk))


def get_indicator(actor: Acting, pk: object) -> Indicator:
    return get_catalogue_object(actor, Indicator, pk)


def get_indicator_for_edit(actor: Acting, pk: object) -> Indicator:
    return _for_edit(actor, get_indicator(actor, pk))


def get_data_set(actor: Acting, pk: object) -> DataSet:
    return get_catalogue_object(actor, DataSet, pk)


def get_data_set_for_edit(actor: Acting, pk: object) -> DataSet:
    return _for_edit(actor, get_data_set(actor, pk))


def get_category(actor: Acting, pk: object) -> Category:
    return get_catalogue_object(actor, Category, pk)


def get_category_for_edit(actor: Acting, pk: object) -> Category:
    return _for_edit(actor, get_category(actor, pk))


def get_category_option_for_edit(actor: Acting, category: Category, pk: object) -> CategoryOption:
    return _for_edit(actor, _get(category.options.all(), pk))


def get_category_combo(actor: Acting, pk: object) -> CategoryCombo:
    return get_catalogue_object(actor, CategoryCombo, pk)


def get_category_combo_for_edit(actor: Acting, pk: object) -> CategoryCombo:
    return _for_edit(actor, get_category_combo(actor, pk))


def visible_option_combos(actor: Acting) -> QuerySet[CategoryOptionCombo]:
    if not can_view_catalogue(actor):
        return CategoryOptionCombo.objects.none()
    return CategoryOptionCombo.objects.filter(catalogue_owner_filter(actor, "combo__owner"))


def get_option_combo(actor: Acting, pk: object) -> CategoryOptionCombo:
    return _get(visible_option_combos(actor).select_related("combo"), pk)


def usable(actor: Acting, model: type[C], owner: OrgUnit) -> QuerySet[C]:
    """What a new or edited object of ``owner`` may use (categories, disaggregations, elements):
    not archived, of the owner's catalogue or of the national one."""
    return visible(actor, model).filter(owner__in=usable_owners(owner), is_archived=False)
