"""Writing the audit trail. Services call these inside their own transaction."""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import hmac
import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models.fields.files import FieldFile

from ronda.core.models import AccessEvent, AuditAction, AuditEvent

if TYPE_CHECKING:
    from ronda.core.tenancy import Acting, Actor
    from ronda.territory.models import OrgUnit


REDACTED = "[redacted]"


class Redacted:
    """A personal value in a snapshot: compares by a keyed digest, is written to the trail as ``[redacted]``.

    So the trail records *that* a child's name or a member's phone changed, never what it was.
    """

    __slots__ = ("digest",)

    def __init__(self, value: Any) -> None:
        key = settings.SECRET_KEY.encode("utf-8")
        self.digest = hmac.new(key, repr(value).encode("utf-8"), hashlib.sha256).hexdigest()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Redacted) and hmac.compare_digest(self.digest, other.digest)

    def __hash__(self) -> int:
        return hash(self.digest)

    def __repr__(self) -> str:
        return REDACTED


def redacted_fields(model: type[models.Model] | models.Model) -> frozenset[str]:
    """The fields a model declares personal (``PERSONAL_FIELDS``): never written to the trail."""
    return frozenset(getattr(model, "PERSONAL_FIELDS", ()))


def _jsonable(value: Any) -> Any:
    if isinstance(value, Redacted):
        return REDACTED
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, FieldFile):
        # A stored file is its (random) storage name: which file, never its content.
        return value.name or ""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        # One notation per instant (UTC): the same time written in another zone is not a change.
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


def snapshot(instance: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The current values of ``fields`` (default: every concrete field) as JSON-ready data."""
    names = (
        list(fields)
        if fields is not None
        else [f.attname for f in instance._meta.concrete_fields if f.attname not in {"created_at", "updated_at"}]
    )
    hidden = redacted_fields(instance)
    values: dict[str, Any] = {}
    for name in names:
        value = getattr(instance, name)
        if name in hidden:
            values[name] = Redacted(value) if value not in (None, "") else None
        else:
            values[name] = _jsonable(value)
    return values


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for every field whose value changed."""
    keys = set(before) | set(after)
    return {k: [before.get(k), after.get(k)] for k in sorted(keys) if before.get(k) != after.get(k)}


def _target_fields(target: models.Model | None) -> dict[str, str]:
    if target is None:
        return {"target_type": "", "target_id": "", "target_repr": ""}
    return {
        "target_type": target._meta.label_lower,
        "target_id": str(target.pk),
        "target_repr": str(target)[:255],
    }


def build_event(
    *,
    actor: Acting | None,
    action: AuditAction | str,
    target: models.Model | None,
    org_unit: OrgUnit | None,
    changes: dict[str, Any] | None = None,
    ip_address: str | None = None,
    actor_username: str | None = None,
) -> AuditEvent:
    """An unsaved event, for services that write many at once with ``bulk_create``.

    ``actor_username`` names who acted when there is no actor (e.g. "anonymous" for a failed sign-in).
    """
    user = actor.user if actor is not None else None
    return AuditEvent(
        actor=user,
        actor_username=actor_username or (user.get_username() if user is not None else "system"),
        actor_role=actor.role if actor is not None and actor.role else "",
        action=action,
        org_unit=org_unit,
        org_unit_path=org_unit.path if org_unit is not None else "",
        changes=_jsonable(changes or {}),
        ip_address=ip_address or (actor.ip_address if actor is not None else None),
        **_target_fields(target),
    )


def record(
    *,
    actor: Acting | None,
    action: AuditAction | str,
    target: models.Model | None,
    org_unit: OrgUnit | None,
    changes: dict[str, Any] | None = None,
    ip_address: str | None = None,
    actor_username: str | None = None,
) -> AuditEvent:
    """Append one audit event. ``actor`` None means the system itself (demo loader, migrations)."""
    event = build_event(
        actor=actor,
        action=action,
        target=target,
        org_unit=org_unit,
        changes=changes,
        ip_address=ip_address,
        actor_username=actor_username,
    )
    event.save()
    return event


def record_create(*, actor: Acting | None, target: models.Model, org_unit: OrgUnit | None) -> AuditEvent:
    return record(
        actor=actor,
        action=AuditAction.CREATE,
        target=target,
        org_unit=org_unit,
        changes=diff({}, snapshot(target)),
    )


def record_update(
    *, actor: Acting | None, target: models.Model, org_unit: OrgUnit | None, before: dict[str, Any]
) -> AuditEvent | None:
    """Record an update; nothing is written when no field changed."""
    changes = diff(before, snapshot(target, before.keys()))
    if not changes:
        return None
    return record(actor=actor, action=AuditAction.UPDATE, target=target, org_unit=org_unit, changes=changes)


def record_delete(*, actor: Acting | None, target: models.Model, org_unit: OrgUnit | None) -> AuditEvent:
    return record(
        actor=actor,
        action=AuditAction.DELETE,
        target=target,
        org_unit=org_unit,
        changes=diff(snapshot(target), {}),
    )


def record_access(
    *,
    actor: Actor,
    target: models.Model,
    org_unit: OrgUnit | None,
    purpose: str = "",
    break_glass: bool | None = None,
) -> AccessEvent:
    """Log one read of a child's personal record (an administrator's reads are break-glass reads)."""
    return AccessEvent.objects.create(
        actor=actor.user,
        actor_username=actor.user.get_username(),
        actor_role=actor.role or "",
        org_unit_path=org_unit.path if org_unit is not None else "",
        purpose=purpose[:255],
        break_glass=actor.is_admin if break_glass is None else break_glass,
        ip_address=actor.ip_address,
        **_target_fields(target),
    )


def record_accesses(
    *,
    actor: Actor,
    targets: Iterable[models.Model],
    org_unit: OrgUnit | None,
    purpose: str,
) -> int:
    """Log a read of each personal record shown (a list page writes one event per record, in bulk).

    An administrator can only get here inside a break-glass grant, so their reads are flagged.
    """
    events = [
        AccessEvent(
            actor=actor.user,
            actor_username=actor.user.get_username(),
            actor_role=actor.role or "",
            org_unit_path=org_unit.path if org_unit is not None else "",
            purpose=purpose[:255],
            break_glass=actor.is_admin,
            ip_address=actor.ip_address,
            **_target_fields(target),
        )
        for target in targets
    ]
    AccessEvent.objects.bulk_create(events, batch_size=500)
    return len(events)
