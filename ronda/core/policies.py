"""Visibility of the audit trail and the access log."""

from __future__ import annotations

from django.db.models import QuerySet

from ronda.core.models import AccessEvent, AuditEvent
from ronda.core.roles import Role
from ronda.core.tenancy import Actor


def can_view_audit(actor: Actor | None) -> bool:
    return actor is not None and actor.has_role(Role.ADMIN, Role.SUPERVISOR)


def visible_audit_events(actor: Actor | None) -> QuerySet[AuditEvent]:
    if actor is None or not can_view_audit(actor) or actor.scope_path is None:
        return AuditEvent.objects.none()
    if actor.scope_path == "":
        return AuditEvent.objects.all()
    # A supervisor sees what happened inside their municipality, nothing global.
    return AuditEvent.objects.filter(org_unit_path__startswith=actor.scope_path).exclude(org_unit_path="")


def visible_access_events(actor: Actor | None) -> QuerySet[AccessEvent]:
    if actor is None or not can_view_audit(actor) or actor.scope_path is None:
        return AccessEvent.objects.none()
    if actor.scope_path == "":
        return AccessEvent.objects.all()
    return AccessEvent.objects.filter(org_unit_path__startswith=actor.scope_path).exclude(org_unit_path="")
