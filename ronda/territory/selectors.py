"""Facts about the territory that other domains read (published: use these, not the models)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from ronda.territory.models import Institution, OrgUnit


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
