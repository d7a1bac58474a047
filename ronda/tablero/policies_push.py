"""Who may configure a country's push to its ministry's DHIS2, push, and read the push log.

A country's push is the national catalogue's business: the same people who manage that catalogue
(``policies.can_manage_catalogue`` at the country: its secretariat and administrators) configure the
target, push and read the log. Everyone else — a municipality's coordinator included — gets 404 for
the country's page, alike for a country that does not exist and for one they may not manage.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from ronda.core.tenancy import Acting, is_person
from ronda.tablero import policies
from ronda.tablero.models import DataSet, PushedPeriod, PushLog, PushTarget
from ronda.territory.models import Level, OrgUnit

MAX_ID = 2**63 - 1


def manageable_countries(actor: Acting) -> QuerySet[OrgUnit]:
    countries = OrgUnit.objects.filter(level=Level.COUNTRY, is_active=True).order_by("name")
    if not is_person(actor):
        return countries
    return countries.filter(pk__in=[c.pk for c in countries if policies.can_manage_catalogue(actor, c)])


def can_push_somewhere(actor: Acting) -> bool:
    """The Tablero's home links the push page for whoever manages some country's catalogue."""
    return manageable_countries(actor).exists()


def get_country(actor: Acting, pk: object) -> OrgUnit:
    """The country ``pk`` if the actor may manage its push; 404 alike for missing and forbidden."""
    if isinstance(pk, bool) or not isinstance(pk, int) or not 1 <= pk <= MAX_ID:
        raise Http404
    country = OrgUnit.objects.filter(pk=pk, level=Level.COUNTRY, is_active=True).first()
    if country is None or not policies.can_manage_catalogue(actor, country):
        raise Http404
    return country


def visible_targets(actor: Acting) -> QuerySet[PushTarget]:
    return PushTarget.objects.filter(country__in=manageable_countries(actor))


def visible_logs(actor: Acting) -> QuerySet[PushLog]:
    return PushLog.objects.filter(target__in=visible_targets(actor))


def visible_pushed_periods(actor: Acting) -> QuerySet[PushedPeriod]:
    return PushedPeriod.objects.filter(target__in=visible_targets(actor))


def get_log(actor: Acting, pk: object) -> PushLog:
    if isinstance(pk, bool) or not isinstance(pk, int) or not 1 <= pk <= MAX_ID:
        raise Http404
    found = visible_logs(actor).select_related("target__country", "data_set").filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def pushable_data_sets(actor: Acting, country: OrgUnit) -> QuerySet[DataSet]:
    """The data sets a country may push: its national ones and its municipalities' additions."""
    if is_person(actor) and not policies.can_manage_catalogue(actor, country):
        return DataSet.objects.none()
    return DataSet.objects.filter(owner__path__startswith=country.path, is_archived=False).order_by("name")


def audit_readers() -> dict[str, Any]:
    return {
        "tablero.pushtarget": visible_targets,
        "tablero.pushlog": visible_logs,
        "tablero.pushedperiod": visible_pushed_periods,
    }
