"""The one way a service changes a record two people may edit (decision 0009).

Lock the row, compare the version the form was loaded with, write only the columns that
changed (with ``version`` + 1), and append their audit event in the same transaction, under
the domain event type the change stands for ("minutes approved", not only "update"). Personal
fields declared on the model are redacted by ``audit.snapshot`` itself, so no service handles them.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django.core.exceptions import FieldDoesNotExist
from django.db import models, router, transaction

from ronda.core import audit
from ronda.core.errors import ConflictError
from ronda.core.models import AuditAction, VersionedModel
from ronda.core.tenancy import Acting, is_person

if TYPE_CHECKING:
    from ronda.territory.models import OrgUnit

M = TypeVar("M", bound=models.Model)
# What an update changed, as written to the trail: {field: [old, new]}.
Diff = dict[str, list[Any]]
# The audit action of an update: a fixed one, or one chosen from what changed.
ActionFor = str | Callable[[Diff], str]
# Columns the helper keeps for itself.
_BOOKKEEPING = frozenset({"version", "created_at", "updated_at"})


def lock_for_update(instance: M, expected_version: int | None) -> M:
    """Re-read ``instance`` under a row lock and check nobody saved it since ``expected_version``.

    Call inside ``transaction.atomic``. ``expected_version`` None skips the check (internal callers).
    """
    locked = type(instance)._default_manager.select_for_update().get(pk=instance.pk)
    if expected_version is not None and getattr(locked, "version", None) != expected_version:
        raise ConflictError
    return locked


def check_editable(changes: Mapping[str, Any], editable: Collection[str]) -> None:
    """Refuse a key that is not an editable field: a caller's mistake, never the user's (ValueError)."""
    unknown = set(changes) - set(editable)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")


def event_by_new_value(field: str, events: Mapping[Any, str], *, other_change: str = AuditAction.UPDATE) -> ActionFor:
    """Choose the action from the value ``field`` changed to: ``events[new value]``; ``other_change``
    when it changed to another value; the generic update when it did not change at all."""

    def choose(changes: Diff) -> str:
        if field not in changes:
            return AuditAction.UPDATE
        return events.get(changes[field][1], other_change)

    return choose


class VersionedUpdate(Generic[M]):
    """One change of one row, in steps, for a service that must see the locked row before it knows
    what to change, or that also changes rows that hang from it (many-to-many, attendance)::

        update = VersionedUpdate(measure, expected_version, state=related_state)
        update.apply({"title": title})        # the new values, on the locked row
        ...                                   # validate update.instance, write related rows
        update.save(actor=actor, org_unit=unit, action=PlanningAction.MEASURE_CANCELLED)

    ``state(row)`` returns audited values that are not columns of the row (e.g. the ids of its
    many-to-many); it is read when the row is locked and again when it is saved. For the simple
    case, ``versioned_update`` does all of it in one call.
    """

    def __init__(
        self,
        instance: M,
        expected_version: int | None,
        *,
        state: Callable[[M], dict[str, Any]] | None = None,
    ) -> None:
        if not transaction.get_connection(router.db_for_write(type(instance))).in_atomic_block:
            raise transaction.TransactionManagementError("a versioned update runs inside the service's transaction")
        self.instance: M = lock_for_update(instance, expected_version)
        self._state = state
        self._state_before = state(self.instance) if state is not None else {}
        # The audited value of each column touched by ``apply``, as it was when the row was locked.
        self._before: dict[str, Any] = {}
        self._saved = False

    def apply(self, changes: Mapping[str, Any]) -> M:
        """Set new values on the locked row (not saved yet). Keys are field names; a foreign key
        takes the object (or None). Values equal to the stored ones are not written."""
        opts = self.instance._meta
        for name, value in changes.items():
            try:
                field = opts.get_field(name)
            except FieldDoesNotExist:
                field = None
            if (
                not isinstance(field, models.Field)
                or not field.concrete
                or field.many_to_many
                or field.primary_key
                or field.attname in _BOOKKEEPING
            ):
                raise ValueError(f"not an editable column of {opts.label}: {name}")
            if field.attname not in self._before:
                self._before[field.attname] = audit.snapshot(self.instance, [field.attname])[field.attname]
            setattr(self.instance, name, value)
        return self.instance

    def changes(self) -> Diff:
        """What saving now would write to the trail: ``{field: [old, new]}``, personal fields redacted."""
        after = audit.snapshot(self.instance, self._before) if self._before else {}
        state_after = self._state(self.instance) if self._state is not None else {}
        return audit.diff({**self._before, **self._state_before}, {**after, **state_after})

    def save(
        self,
        *,
        actor: Acting,
        org_unit: OrgUnit | None,
        action: ActionFor = AuditAction.UPDATE,
        touch: bool = False,
    ) -> Diff:
        """Write the changed columns with ``version`` + 1, and the audit event, and return the diff.

        Nothing is written when nothing changed. ``touch`` moves the version on even then, for a
        service that changed rows under this one (a report, attendance) which another open form
        must not overwrite; the event is still written only when the diff is not empty.
        """
        is_person(actor)  # a forgotten actor (None) raises before anything is written
        if self._saved:
            raise RuntimeError("this update has already been saved")
        self._saved = True
        changes = self.changes()
        if not changes and not touch:
            return changes
        columns = [name for name in self._before if name in changes]
        if isinstance(self.instance, VersionedModel):
            self.instance.version += 1
            columns.append("version")
        if any(f.attname == "updated_at" for f in self.instance._meta.concrete_fields):
            columns.append("updated_at")
        if columns:
            self.instance.save(update_fields=columns)
        if changes:
            audit.record(
                actor=actor,
                action=action(changes) if callable(action) else action,
                target=self.instance,
                org_unit=org_unit,
                changes=changes,
            )
        return changes


def versioned_update(
    *,
    actor: Acting,
    instance: M,
    expected_version: int | None,
    changes: Mapping[str, Any],
    org_unit: OrgUnit | None,
    action: ActionFor = AuditAction.UPDATE,
    validate: Callable[[M], None] | None = None,
) -> M:
    """Change one row: lock it, check ``expected_version`` (``ConflictError``), apply ``changes``,
    run ``validate`` on the changed row (it raises ``ValidationError`` to refuse), write only the
    changed columns with ``version`` + 1 and the audit event ``action`` with their diff. Call it
    inside the service's transaction, after the policy check. Returns the fresh row.
    """
    is_person(actor)  # a forgotten actor (None) raises before the row is locked
    update = VersionedUpdate(instance, expected_version)
    update.apply(changes)
    if validate is not None:
        validate(update.instance)
    update.save(actor=actor, org_unit=org_unit, action=action)
    return update.instance
