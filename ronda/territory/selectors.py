"""Facts about the territory that other domains read (published: use these, not the models)."""

from __future__ import annotations

import contextlib
import zoneinfo
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol

from django.db.models import Q, QuerySet
from django.utils import timezone

from ronda.territory.models import Institution, Level, OrgUnit


class UnitKey(Protocol):
    """What a read contract needs of a unit: its materialised path. An ``OrgUnit`` is one, and so is
    the ``UnitRef`` another contract hands out."""

    @property
    def path(self) -> str: ...


@dataclass(frozen=True)
class UnitRef:
    """A unit as a value, for the facts other domains publish (a plan's municipality, …)."""

    pk: int
    code: str
    name: str
    path: str

    def __str__(self) -> str:
        return self.name


# An org unit's JSON columns that pages showing it by name never read: its map shape (megabytes for
# a detailed boundary) and its child population (the Tablero's rates read their own figures).
LARGE_COLUMNS = ("geometry", "child_population")


def large_columns(*relations: str) -> tuple[str, ...]:
    """``LARGE_COLUMNS`` of the unit (no argument) or of the units at the relations given
    (``"org_unit"``, ``"plan__org_unit"``), for ``QuerySet.defer``."""
    return tuple(
        f"{relation}__{column}" if relation else column for relation in relations or ("",) for column in LARGE_COLUMNS
    )


def municipality_by_code(code: str) -> OrgUnit | None:
    """An active municipality by its code, with its parent (for the region's name)."""
    return (
        OrgUnit.objects.filter(code=code, level=Level.MUNICIPALITY, is_active=True)
        .select_related("parent")
        .defer(*large_columns("", "parent"))  # callers show names
        .first()
    )


def identity_of(code: str) -> OrgUnit | None:
    """An active municipality's public identity (official name, coat of arms, colour) by its code."""
    return (
        OrgUnit.objects.filter(code=code, level=Level.MUNICIPALITY, is_active=True)
        .only("id", "code", "name", "official_name", "coat_of_arms", "colour", "version")
        .first()
    )


def active_units(ids: Iterable[int]) -> list[OrgUnit]:
    """The active units among ``ids``, with their parents, by name."""
    return list(
        OrgUnit.objects.filter(pk__in=list(ids), is_active=True)
        .select_related("parent")
        .defer(*large_columns("", "parent"))
        .order_by("name")
    )


def serves(unit: OrgUnit) -> Q:
    """An institution serves ``unit`` when it is seated in it (or below) or its jurisdiction covers
    the unit or one of its ancestors. The one definition of "serves this municipality"."""
    return Q(org_unit__path__startswith=unit.path) | Q(jurisdiction__in=[*unit.ancestor_ids(), unit.pk])


def institutions_serving(unit: OrgUnit, *, active_only: bool = False) -> QuerySet[Institution]:
    """The institutions serving ``unit`` (the referral directory of a municipality), by name."""
    institutions = Institution.objects.filter(serves(unit))
    if active_only:
        institutions = institutions.filter(is_active=True)
    return institutions.distinct().order_by("name")


def institution_serves(institution: Institution, unit: OrgUnit) -> bool:
    return Institution.objects.filter(pk=institution.pk).filter(serves(unit)).exists()


# --- List filters: one definition for the pages and the API ---------------------------------------
ORG_UNIT_ORDER = ("path", "id")  # tree order: a unit, then its subtree


def filter_org_units(
    units: QuerySet[OrgUnit],
    *,
    subtree_path: str | None = None,
    parent_id: int | None = None,
    level: int | None = None,
    q: str | None = None,
) -> QuerySet[OrgUnit]:
    """Narrow a policy's org units: a subtree (a path the actor may see), direct children, a level,
    and ``q`` contained in the name or the code (case-insensitive, surrounding spaces ignored)."""
    if subtree_path is not None:
        units = units.filter(path__startswith=subtree_path)
    if parent_id is not None:
        units = units.filter(parent_id=parent_id)
    if level is not None:
        units = units.filter(level=level)
    if q := (q or "").strip():
        units = units.filter(Q(name__icontains=q) | Q(code__icontains=q))
    return units


# --- Currency and time zone: set on the country, inherited below ----------------------------------
def _own_and_ancestor_paths(unit: UnitKey) -> list[str]:
    """The materialised paths of ``unit`` and of every unit above it: the prefixes of its path."""
    segments = [segment for segment in unit.path.split(".") if segment]
    return [".".join(segments[:n]) + "." for n in range(1, len(segments) + 1)]


def _inherited(unit: UnitKey, field: str) -> str:
    """The value of ``field`` on ``unit`` or its nearest ancestor that sets it ("" when none does)."""
    nearest = list(
        OrgUnit.objects.filter(path__in=_own_and_ancestor_paths(unit))
        .exclude(**{field: ""})
        .order_by("-path")
        .values_list(field, flat=True)[:1]
    )
    return nearest[0] if nearest else ""


def currency_of(unit: UnitKey | None) -> str:
    """The ISO 4217 code of the money of ``unit`` (its country's: USD in Ecuador, CRC in Costa Rica),
    or "" when no unit above it says (amounts are then shown without a currency)."""
    return _inherited(unit, "currency") if unit is not None else ""


def time_zone_of(unit: UnitKey | None) -> str:
    """The IANA time zone of ``unit`` (inherited from its country or region), or the server's
    ``TIME_ZONE`` when no unit above it says. Deadlines and "today" are computed in it."""
    from django.conf import settings

    zone = _inherited(unit, "time_zone") if unit is not None else ""
    return zone or settings.TIME_ZONE


@contextlib.contextmanager
def in_time_zone_of(unit: UnitKey | None) -> Iterator[None]:
    """Run a block (a background job, a management command) in ``unit``'s time zone, as a request
    acting in that unit runs: ``timezone.localdate()`` inside is the municipality's "today"."""
    with timezone.override(zoneinfo.ZoneInfo(time_zone_of(unit))):
        yield
