"""Who may import and export the Tablero's values (issue #10 item 4).

* An import is asked for by someone who enters values (``policies.VALUE_WRITERS``) acting in an
  org unit; it covers that unit's subtree, and every row is checked again with
  ``policies.can_enter_values`` by ``services.save_values``. An import (its file, its report) is
  seen by the person who asked for it only, while they may still enter values there.
* An export is read by anybody who reads values (``policies.READERS``): only the values of units
  in their scope, of the catalogue they read.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from ronda.core.tenancy import Acting, is_person
from ronda.tablero import policies
from ronda.tablero.models import DataElement, DataSet, ValueImport
from ronda.territory.models import OrgUnit

MAX_ID = 2**63 - 1  # the largest database id (views_helpers.MAX_ID)


def can_import(actor: Acting) -> bool:
    if not is_person(actor):
        return True
    unit = actor.org_unit
    return unit is not None and policies.can_enter_values(actor, unit)


def can_export(actor: Acting) -> bool:
    if not is_person(actor):
        return True
    return actor.role in policies.READERS and actor.scope_path is not None


def visible_imports(actor: Acting) -> QuerySet[ValueImport]:
    if not is_person(actor):
        return ValueImport.objects.all()
    unit = actor.org_unit
    if not can_import(actor) or unit is None:
        return ValueImport.objects.none()
    return ValueImport.objects.filter(requested_by=actor.user, org_unit__path__startswith=unit.path)


def get_import(actor: Acting, pk: object) -> ValueImport:
    """The import ``pk`` if the actor asked for it and may still import there; 404 otherwise."""
    if isinstance(pk, bool) or not isinstance(pk, int) or not 1 <= pk <= MAX_ID:
        raise Http404
    found = visible_imports(actor).select_related("org_unit").filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def exportable_elements(actor: Acting) -> QuerySet[DataElement]:
    if not can_export(actor):
        return DataElement.objects.none()
    return DataElement.objects.filter(policies.catalogue_owner_filter(actor), is_archived=False)


def exportable_data_sets(actor: Acting) -> QuerySet[DataSet]:
    if not can_export(actor):
        return DataSet.objects.none()
    return DataSet.objects.filter(policies.catalogue_owner_filter(actor), is_archived=False)


def exportable_units(actor: Acting) -> QuerySet[OrgUnit]:
    if not can_export(actor):
        return OrgUnit.objects.none()
    return policies.readable_units(actor)
