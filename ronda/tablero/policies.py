"""Who may do what in the Tablero. The catalogue is not personal data; values are figures, not
records, but a figure counted from children's records (``from_personal_records``) is published only
with small-count suppression (``tablero.suppression``).

* The national catalogue (owned by a country) is managed by the secretariat of that country (and
  administrators); a municipality's additions by its coordinator. Everybody inside the owner's
  subtree, and everybody in its country for a municipal addition's country, reads it.
* Values of a unit are entered by the coordinator of its municipality and the area focal points
  there; the secretariat may enter values for units in its scope (national data sets).
* Values are read by anyone whose scope covers the unit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Model, Q, QuerySet

from ronda.core.roles import Role
from ronda.core.tenancy import Acting, is_person
from ronda.tablero.models import (
    AggregateValue,
    CatalogueObject,
    Category,
    CategoryCombo,
    CategoryOption,
    CategoryOptionCombo,
    Dashboard,
    DataElement,
    DataSet,
    DataSetPeriod,
    DataValue,
    Indicator,
    IndicatorFormula,
    Period,
    PublishedIndicator,
    Target,
    ValueImport,
)
from ronda.territory.models import Level, OrgUnit

CATALOGUE_MANAGERS_AT = {
    Level.COUNTRY: (Role.ADMIN, Role.SECRETARIAT),
    Level.MUNICIPALITY: (Role.ADMIN, Role.COORDINATOR),
}
VALUE_WRITERS = (Role.ADMIN, Role.SECRETARIAT, Role.COORDINATOR, Role.AREA_FOCAL)
READERS = (
    Role.ADMIN,
    Role.SECRETARIAT,
    Role.COORDINATOR,
    Role.AREA_FOCAL,
    Role.SUPERVISOR,
    Role.ANALYST,
    Role.DEFENDER,
    Role.PROTECTION_OFFICER,
)


def _country_path(path: str) -> str:
    return path[:9]


def can_manage_catalogue(actor: Acting, owner: OrgUnit) -> bool:
    if not is_person(actor):
        return True
    roles = CATALOGUE_MANAGERS_AT.get(Level(owner.level), ())
    return actor.role in roles and actor.covers(owner) and not actor.is_read_only


def catalogue_owner_filter(actor: Acting, owner: str = "owner") -> Q:
    """Catalogue objects the actor reads: owned by the actor's country (national) or by a
    municipality inside the actor's scope, or above it in the actor's own branch."""
    if not is_person(actor):
        return Q()
    scope = actor.scope_path
    if scope is None or actor.role not in READERS:
        return Q(pk__in=[])
    if scope == "":
        return Q()
    country = _country_path(scope)
    # ``owner`` is the lookup of the owning unit ("owner", "combo__owner"); no owner: system-wide.
    return (
        Q(**{f"{owner}__path__startswith": scope}) | Q(**{f"{owner}__path": country}) | Q(**{f"{owner}__isnull": True})
    )


def can_read_unit(actor: Acting, unit: OrgUnit) -> bool:
    if not is_person(actor):
        return True
    return actor.role in READERS and actor.covers(unit)


def can_enter_values(actor: Acting, unit: OrgUnit) -> bool:
    if not is_person(actor):
        return True
    return actor.role in VALUE_WRITERS and actor.covers(unit) and not actor.is_read_only


def readable_units(actor: Acting) -> QuerySet[OrgUnit]:
    if not is_person(actor):
        return OrgUnit.objects.all()
    scope = actor.scope_path
    if scope is None or actor.role not in READERS:
        return OrgUnit.objects.none()
    return OrgUnit.objects.filter(path__startswith=scope)


def visible_catalogue(model: type[CatalogueObject]) -> Callable[[Acting], QuerySet[CatalogueObject]]:
    def visible(actor: Acting) -> QuerySet[CatalogueObject]:
        return model._default_manager.filter(catalogue_owner_filter(actor))

    return visible


def visible_option_combos(actor: Acting) -> QuerySet[CategoryOptionCombo]:
    return CategoryOptionCombo.objects.filter(catalogue_owner_filter(actor, "combo__owner"))


def visible_formulas(actor: Acting) -> QuerySet[IndicatorFormula]:
    return IndicatorFormula.objects.filter(catalogue_owner_filter(actor, "indicator__owner"))


def visible_values(actor: Acting) -> QuerySet[DataValue]:
    return DataValue.objects.filter(org_unit__in=readable_units(actor))


def visible_aggregates(actor: Acting) -> QuerySet[AggregateValue]:
    return AggregateValue.objects.filter(org_unit__in=readable_units(actor))


def visible_periods(actor: Acting) -> QuerySet[Period]:
    return Period.objects.all() if is_person(actor) and actor.role in READERS else Period.objects.none()


def visible_in_units(model: type[Model]) -> Callable[[Acting], QuerySet[Any]]:
    """Rows tied to an org unit: what the actor's scope covers."""

    def visible(actor: Acting) -> QuerySet[Any]:
        return model._default_manager.filter(org_unit__in=readable_units(actor))

    return visible


def visible_dashboards(actor: Acting) -> QuerySet[Dashboard]:
    """Saved dashboards are their owner's."""
    if not is_person(actor):
        return Dashboard.objects.all()
    return Dashboard.objects.filter(owner=actor.user, org_unit__in=readable_units(actor))


def audit_readers() -> dict[str, Any]:
    """What each actor may read of the Tablero's objects in the audit trail (``core.audit_readers``)."""
    readers: dict[str, Any] = {
        f"tablero.{model._meta.model_name}": visible_catalogue(model)
        for model in (Category, CategoryOption, CategoryCombo, DataElement, Indicator, DataSet)
    }
    readers.update(
        {
            "tablero.categoryoptioncombo": visible_option_combos,
            "tablero.indicatorformula": visible_formulas,
            "tablero.datavalue": visible_values,
            "tablero.aggregatevalue": visible_aggregates,
            "tablero.period": visible_periods,
            "tablero.target": visible_in_units(Target),
            "tablero.datasetperiod": visible_in_units(DataSetPeriod),
            "tablero.valueimport": visible_in_units(ValueImport),
            "tablero.publishedindicator": visible_in_units(PublishedIndicator),
            "tablero.dashboard": visible_dashboards,
        }
    )
    return readers
