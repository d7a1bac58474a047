"""Pieces every planning service shares: the change record of an approved plan, and small checks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from ronda.core import audit, formatting
from ronda.core.errors import Errors, check_length  # check_length: re-exported for the planning services
from ronda.core.tenancy import Acting
from ronda.planning import limits
from ronda.planning.models import LocalPlan, Measure, PlanChange, PlanStatus


@dataclass(frozen=True)
class ChangeRecord:
    """Why an approved plan changes, and who approved the change (the council, the mayor …)."""

    what: str = ""
    why: str = ""
    approved_by: str = ""


def as_decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def check_open(plan: LocalPlan) -> None:
    if plan.status == PlanStatus.EVALUATED:
        raise ValidationError(_("This plan has been evaluated and is closed: it cannot change any more."))


def check_in_period(errors: Errors, plan: LocalPlan, field: str, value: dt.date | None) -> None:
    if value is not None and not (plan.period_start <= value <= plan.period_end):
        errors.add(
            field,
            _("The date must lie inside the plan period (%(start)s to %(end)s).")
            % {
                "start": formatting.date(plan.period_start, "SHORT_DATE_FORMAT"),
                "end": formatting.date(plan.period_end, "SHORT_DATE_FORMAT"),
            },
        )


def change_needed(plan: LocalPlan) -> bool:
    """Once approved, every change to what the plan says must be justified and approved."""
    return plan.status != PlanStatus.DRAFT


def check_change(errors: Errors, plan: LocalPlan, change: ChangeRecord | None) -> None:
    """Validate the change record an approved plan needs (call only when something changes)."""
    if not change_needed(plan):
        return
    if change is None or not change.why.strip():
        errors.add("change_why", _("The plan is approved: explain why this change is made."))
    if change is None or not change.approved_by.strip():
        errors.add("change_approved_by", _("The plan is approved: say who approved this change."))
    if change is not None:
        check_length(errors, "change_what", change.what, limits.NOTE)
        check_length(errors, "change_why", change.why, limits.NOTE)
        check_length(errors, "change_approved_by", change.approved_by, limits.TITLE)


def record_change(
    *,
    actor: Acting,
    plan: LocalPlan,
    measure: Measure | None,
    change: ChangeRecord | None,
    summary: str,
) -> PlanChange | None:
    """Write the PlanChange row (and its audit event) when the plan is no longer a draft."""
    if not change_needed(plan) or change is None:
        return None
    row = PlanChange.objects.create(
        plan=plan,
        measure=measure,
        changed_on=timezone.localdate(),
        what=change.what.strip() or summary,
        why=change.why.strip(),
        approved_by=change.approved_by.strip()[:255],
        recorded_by=actor.user,
    )
    audit.record_create(actor=actor, target=row, org_unit=plan.org_unit)
    return row


def changed_labels(model: Any, names: Iterable[str]) -> list[str]:
    labels = []
    for name in names:
        field_name = name.removesuffix("_id")
        try:
            labels.append(str(model._meta.get_field(field_name).verbose_name))
        except FieldDoesNotExist:  # a pseudo-field (budgets, co-areas) is already a label
            labels.append(name)
    return labels


def summary_of(labels: list[str]) -> str:
    return _("Changed: %(fields)s.") % {"fields": ", ".join(labels)}
