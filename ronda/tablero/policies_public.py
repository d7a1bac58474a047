"""Who may choose a municipality's public figures, and what the public page may show.

* The public page of a municipality (``/tablero/publico/<code>/``) is for everybody, signed in or
  not: it shows only the indicators its coordinator published, with small counts suppressed
  (``tablero.suppression``). An unknown code, or a unit that is not an active municipality: 404.
* What is published is chosen by the coordinator of that municipality, and by no one else (the
  secretariat and administrators read the page like everybody; it is the municipality's voice).
  A read-only membership cannot change it.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from ronda.core.roles import Role
from ronda.core.tenancy import Acting, is_person
from ronda.tablero.models import Indicator, PublishedIndicator
from ronda.territory import selectors as territory
from ronda.territory.models import Level, OrgUnit

PUBLISHERS = (Role.COORDINATOR,)


def publication_unit(actor: Acting) -> OrgUnit | None:
    """The municipality whose public figures the actor chooses, if any."""
    if not is_person(actor) or actor.role not in PUBLISHERS or actor.is_read_only:
        return None
    unit = actor.org_unit
    return unit if unit is not None and unit.level == Level.MUNICIPALITY and unit.is_active else None


def can_manage_publication(actor: Acting, unit: OrgUnit | None = None) -> bool:
    if not is_person(actor):
        return True
    own = publication_unit(actor)
    return own is not None and (unit is None or own.pk == unit.pk)


def get_publication_unit(actor: Acting) -> OrgUnit:
    """The coordinator's municipality for the management page; 404 for everybody else."""
    unit = publication_unit(actor)
    if unit is None:
        raise Http404
    return unit


def publishable_indicators(unit: OrgUnit) -> QuerySet[Indicator]:
    """What a municipality may publish: the national catalogue of its country and its own
    additions, not archived."""
    country = unit.path[:9]
    return Indicator.objects.filter(is_archived=False, owner__path__in=[country, unit.path])


def get_public_municipality(code: str) -> OrgUnit:
    """An active municipality by its code, for the public page; 404 for anything else."""
    unit = territory.municipality_by_code(code)
    if unit is None:
        raise Http404
    return unit


def published_indicators(unit: OrgUnit) -> QuerySet[PublishedIndicator]:
    """The municipality's published indicators, in the coordinator's order (never an archived one)."""
    return (
        PublishedIndicator.objects.filter(org_unit=unit, indicator__is_archived=False)
        .select_related("indicator")
        .order_by("sort_order", "id")
    )
