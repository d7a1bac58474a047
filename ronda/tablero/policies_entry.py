"""Who may enter, submit, approve and reopen a data set's figures (issue #10 item 3).

* A data set's values of a unit are entered by the coordinator of its municipality and by the focal
  points of the data set's owner area there (``DataSet.owner_area_kind``; a data set without one:
  any focal point of the municipality), besides the administrators and the secretariat in their
  scope (``policies.can_enter_values``). Only units of the data set's level are entered.
* The same people submit a period; the coordinator (the secretariat for a unit above the
  municipalities, and the administrators) approves it and reopens it.
* Every page and endpoint reaches a data set, a unit and a period through the getters below: what
  the actor may not enter does not exist for them (404).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from ronda.core.roles import Role
from ronda.core.tenancy import Acting, get_object_or_404_scoped, is_person
from ronda.tablero import periods as iso_periods
from ronda.tablero import policies
from ronda.tablero.models import CategoryOptionCombo, DataElement, DataSet
from ronda.territory.models import Level, OrgUnit

ENTRY_ROLES = (Role.ADMIN, Role.SECRETARIAT, Role.COORDINATOR, Role.AREA_FOCAL)
APPROVER_ROLES = (Role.ADMIN, Role.COORDINATOR, Role.SECRETARIAT)
# How many periods back the entry form offers (a year and more of months; a few years otherwise).
PERIOD_CHOICES = {
    iso_periods.PeriodType.MONTHLY: 24,
    iso_periods.PeriodType.QUARTERLY: 12,
    iso_periods.PeriodType.SIX_MONTHLY: 8,
    iso_periods.PeriodType.YEARLY: 6,
}


def may_use_entry(actor: Acting) -> bool:
    """The entry pages exist for the roles that enter or approve values, and not read-only."""
    if not is_person(actor):
        return True
    return actor.role in ENTRY_ROLES and actor.scope_path is not None and not actor.is_read_only


def _area_kind(actor: Acting) -> str | None:
    if not is_person(actor) or actor.membership is None or actor.membership.area_id is None:
        return None
    return actor.membership.area.kind if actor.membership.area is not None else None


def can_enter_data_set(actor: Acting, data_set: DataSet, unit: OrgUnit) -> bool:
    """May ``actor`` enter (and submit) ``data_set``'s values of ``unit``?"""
    if unit.level != data_set.level or data_set.is_archived:
        return False
    if not is_person(actor):
        return True
    if not policies.can_enter_values(actor, unit):
        return False
    if actor.role == Role.AREA_FOCAL:
        return not data_set.owner_area_kind or _area_kind(actor) == data_set.owner_area_kind
    return True


def can_approve(actor: Acting, data_set: DataSet, unit: OrgUnit) -> bool:
    """May ``actor`` approve (and reopen) a period of ``data_set`` at ``unit``?"""
    if unit.level != data_set.level:
        return False
    if not is_person(actor):
        return True
    if actor.role not in APPROVER_ROLES or actor.is_read_only or not actor.covers(unit):
        return False
    if actor.role == Role.SECRETARIAT:
        # A municipality's figures are approved by its coordinator; the secretariat approves its own level's.
        return unit.level < Level.MUNICIPALITY
    return True


def entry_data_sets(actor: Acting) -> QuerySet[DataSet]:
    """The data sets the actor may enter: visible, not archived, at a level of units in the actor's
    scope, and (a focal point) of the actor's area or of no area."""
    if not may_use_entry(actor):
        return DataSet.objects.none()
    rows = DataSet.objects.filter(policies.catalogue_owner_filter(actor), is_archived=False)
    if not is_person(actor):
        return rows
    unit = actor.org_unit
    if unit is not None:
        rows = rows.filter(level__gte=unit.level)
    if actor.role == Role.AREA_FOCAL:
        kind = _area_kind(actor) or ""
        rows = rows.filter(owner_area_kind__in=["", kind])
    return rows


def entry_units(actor: Acting, data_set: DataSet) -> QuerySet[OrgUnit]:
    """The active units of the data set's level inside the actor's scope."""
    units = OrgUnit.objects.filter(level=data_set.level, is_active=True)
    if not is_person(actor):
        return units
    scope = actor.scope_path
    if scope is None:
        return OrgUnit.objects.none()
    return units.filter(path__startswith=scope)


def get_data_set_for_entry(actor: Acting, pk: object) -> DataSet:
    return get_object_or_404_scoped(entry_data_sets(actor), pk=pk)


def get_unit_for_entry(actor: Acting, data_set: DataSet, pk: object) -> OrgUnit:
    """A unit of the data set's level that the actor may enter or approve; 404 otherwise."""
    unit = get_object_or_404_scoped(entry_units(actor, data_set), pk=pk)
    if not (can_enter_data_set(actor, data_set, unit) or can_approve(actor, data_set, unit)):
        raise Http404
    return unit


def get_period_for_entry(data_set: DataSet, iso: str, today: dt.date) -> iso_periods.Period:
    """An ISO period of the data set's type that has started; 404 otherwise."""
    try:
        period = iso_periods.parse(iso)
    except iso_periods.InvalidPeriod:
        raise Http404 from None
    if period.period_type != data_set.period_type or not iso_periods.is_open(period, today):
        raise Http404
    return period


def period_choices(data_set: DataSet, today: dt.date) -> list[iso_periods.Period]:
    """The periods the form offers, latest first: the current one, then the closed ones."""
    current = iso_periods.of_type(data_set.period_type, today)
    out = [current]
    while (
        len(out) < PERIOD_CHOICES.get(iso_periods.PeriodType(data_set.period_type), 12)
        and out[-1].start.year > iso_periods.MIN_YEAR
    ):
        out.append(out[-1].previous())
    return out


def default_period(data_set: DataSet, today: dt.date) -> iso_periods.Period:
    """The last closed period (the one usually being reported)."""
    return iso_periods.of_type(data_set.period_type, today).previous()


# --- The values API: what a request names, among what the actor may read ----------------------


def get_data_set_for_reading(actor: Acting, pk: object) -> DataSet:
    return get_object_or_404_scoped(DataSet.objects.filter(policies.catalogue_owner_filter(actor)), pk=pk)


def get_element_for_reading(actor: Acting, pk: object) -> DataElement:
    return get_object_or_404_scoped(DataElement.objects.filter(policies.catalogue_owner_filter(actor)), pk=pk)


def get_unit_for_reading(actor: Acting, pk: object) -> OrgUnit:
    return get_object_or_404_scoped(policies.readable_units(actor), pk=pk)


def _split(refs: Iterable[int | str]) -> tuple[set[int], set[str]]:
    ids = {r for r in refs if isinstance(r, int)}
    texts = {r for r in refs if isinstance(r, str)}
    ids |= {int(t) for t in texts if t.isascii() and t.isdigit() and len(t) < 19}
    return ids, texts


def _index(rows: Iterable[Any], refs: Iterable[int | str]) -> dict[int | str, Any]:
    """Each reference → its row (by id, uid or code); a code two rows share maps to None."""
    by_code: dict[str, list[Any]] = {}
    exact: dict[int | str, Any] = {}
    for row in rows:
        exact[row.pk] = exact[str(row.pk)] = exact[row.uid] = row
        by_code.setdefault(row.code, []).append(row)
    out: dict[int | str, Any] = {code: found[0] if len(found) == 1 else None for code, found in by_code.items()}
    out.update(exact)
    return {r: out.get(r) for r in refs}


def elements_named(actor: Acting, refs: Iterable[int | str]) -> dict[int | str, DataElement | None]:
    """The visible, not archived elements the references name (None: unknown or ambiguous)."""
    refs = list(refs)
    ids, texts = _split(refs)
    rows = DataElement.objects.filter(
        policies.catalogue_owner_filter(actor),
        Q(pk__in=ids) | Q(uid__in=texts) | Q(code__in=texts),
        is_archived=False,
    ).select_related("category_combo")
    return _index(rows, refs)


def option_combos_of(elements: Iterable[DataElement]) -> list[CategoryOptionCombo]:
    return list(CategoryOptionCombo.objects.filter(combo_id__in={e.category_combo_id for e in elements}))


def units_named(actor: Acting, refs: Iterable[int | str]) -> dict[int | str, OrgUnit | None]:
    """The org units the actor reads that the references name."""
    refs = list(refs)
    ids, texts = _split(refs)
    rows = policies.readable_units(actor).filter(Q(pk__in=ids) | Q(uid__in=texts) | Q(code__in=texts))
    return _index(rows, refs)


def enterable_elements(actor: Acting, units: Iterable[OrgUnit]) -> set[tuple[int, int]]:
    """(element, unit) pairs the actor may enter: the element is in a data set of the unit's level
    that the actor may enter there."""
    units = list(units)
    data_sets = list(
        DataSet.objects.filter(
            policies.catalogue_owner_filter(actor), is_archived=False, level__in={u.level for u in units}
        ).prefetch_related("data_elements")
    )
    out: set[tuple[int, int]] = set()
    for unit in units:
        for data_set in data_sets:
            if can_enter_data_set(actor, data_set, unit):
                out.update((e.pk, unit.pk) for e in data_set.data_elements.all())
    return out


def may_read_values(actor: Acting) -> bool:
    return not is_person(actor) or (actor.role in policies.READERS and actor.scope_path is not None)
