"""Who may read a municipality's situation report of its children, and its generated PDFs.

The report is the Tablero's figures of one municipality laid out as a document, so the Tablero's
reading rule decides (``tablero.policies_dashboards``): anyone whose scope covers the
municipality reads it; anybody else gets 404, the municipality does not exist for them. Counts
from personal records are always suppressed in it (``accountability.situation``), whoever reads:
the document is meant to be handed on. A generated PDF is, like a plan's report, its owner's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from ronda.accountability.models import SituationReport
from ronda.core.tenancy import Actor, get_object_or_404_scoped
from ronda.tablero import policies as tablero_policies
from ronda.tablero import policies_dashboards
from ronda.territory.models import Level

if TYPE_CHECKING:
    from ronda.territory.models import OrgUnit


def can_read_situation(actor: Actor | None) -> bool:
    return policies_dashboards.can_use_tablero(actor)


def situation_units(actor: Actor) -> QuerySet[OrgUnit]:
    """The active municipalities whose situation report the actor reads."""
    units = tablero_policies.readable_units(actor)
    if not can_read_situation(actor):
        return units.none()
    return units.filter(level=Level.MUNICIPALITY, is_active=True)


def get_situation_unit(actor: Actor, pk: object) -> OrgUnit:
    """A municipality the actor reads the report of: 404 for missing and forbidden alike."""
    return get_object_or_404_scoped(situation_units(actor).select_related("parent"), pk=pk)


def visible_situation_reports(actor: Actor | None) -> QuerySet[SituationReport]:
    if actor is None or not can_read_situation(actor):
        return SituationReport.objects.none()
    return SituationReport.objects.filter(owner_id=actor.user.pk, org_unit__in=situation_units(actor))


def get_situation_report(actor: Actor, pk: object) -> SituationReport:
    """The actor's own situation report of a municipality they still read: 404 otherwise."""
    return get_object_or_404_scoped(visible_situation_reports(actor).select_related("org_unit"), pk=pk)


def audit_readers() -> dict[str, Any]:
    return {"accountability.situationreport": visible_situation_reports}
