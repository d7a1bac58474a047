"""Who exports case lists, and which exports each sees (issue #11 item 9; ``cases.exports`` builds them).

Supervisors only, with the second factor. An export belongs to whoever asked for it: nobody else
lists, reveals or downloads it (404 for missing and forbidden alike), and it is served for 24 hours.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from ronda.cases import policies_cases
from ronda.cases.models.casefile import CaseExport
from ronda.core.tenancy import Actor, get_object_or_404_scoped


def can_export(actor: Actor | None) -> bool:
    return policies_cases.can_supervise(actor)


def owned_exports(actor: Actor | None) -> QuerySet[CaseExport]:
    """The actor's own exports in their municipality, expired ones too (the audit trail's reader)."""
    if actor is None or not can_export(actor):
        return CaseExport.objects.none()
    scopes = actor.personal_data_scopes or ()
    if not scopes:
        return CaseExport.objects.none()
    return CaseExport.objects.filter(owner=actor.user, municipality__path__startswith=scopes[0])


def visible_exports(actor: Actor | None) -> QuerySet[CaseExport]:
    """The actor's own exports of the last 24 hours: what the downloads page lists and serves."""
    return owned_exports(actor).filter(expires_at__gt=timezone.now())


def get_export(actor: Actor, pk: object) -> CaseExport:
    return get_object_or_404_scoped(visible_exports(actor), pk=pk)


def get_export_for_update(actor: Actor, pk: object) -> CaseExport:
    """``get_export`` with the row locked (the job's build, the one-time password)."""
    return get_object_or_404_scoped(visible_exports(actor).select_for_update(), pk=pk)
