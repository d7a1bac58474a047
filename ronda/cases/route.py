"""Every write to a case as a whole goes through here: opening it, moving it along the route, closing
and reopening it, assigning and transferring it (issue #11, items 3-4; decision 0025). The work on a
case (visits, plans, mediations, referrals, tasks, notes, flags, attachments) is ``casework``.

Each service checks ``policies_cases`` for a person, validates the whole change before writing (one
``ValidationError`` with every field's message, in Spanish), writes the rows, the ``CaseEvent`` of
the route and the audit event in one transaction. Personal fields are redacted by the audit trail.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ronda.cases import policies_cases
from ronda.cases.models import (
    FIRST_VISIT_DAYS,
    PRIORITY_OF_RISK,
    Case,
    CaseAction,
    CaseCounter,
    CaseEvent,
    CaseEventKind,
    CaseState,
    CaseViolation,
    Child,
    ReporterType,
    Risk,
    Task,
    ViolationType,
)
from ronda.core import audit
from ronda.core.errors import Errors, check_length
from ronda.core.roles import Role
from ronda.core.tenancy import Acting, is_person

if TYPE_CHECKING:
    from ronda.accounts.models import User

DESCRIPTION_LIMIT = 10_000
REASON_LIMIT = 500


def _today() -> dt.date:
    return timezone.localdate()


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def next_number(municipality_id: int, year: int) -> str:
    """The municipality's next case number for ``year`` ("2026-0042"), taken under a row lock so two
    cases opened at once never share one. Call inside the opening's transaction."""
    counter, _created = CaseCounter.objects.get_or_create(municipality_id=municipality_id, year=year)
    counter = CaseCounter.objects.select_for_update().get(pk=counter.pk)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{year}-{counter.last:04d}"


def record_event(
    *,
    actor: Acting,
    case: Case,
    kind: str,
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
    skipped: list[str] | None = None,
    closing_reason: str = "",
    details: dict[str, Any] | None = None,
) -> CaseEvent:
    """One step of the case's history (append-only); the services call it beside the audit event."""
    return CaseEvent.objects.create(
        case=case,
        kind=kind,
        from_state=from_state,
        to_state=to_state,
        reason=reason[:REASON_LIMIT],
        skipped=skipped or [],
        closing_reason=closing_reason,
        details=details or {},
        actor=actor.user if is_person(actor) else None,
    )


def _violation_types(errors: Errors, ids: list[int], child: Child) -> list[ViolationType]:
    country_path = child.community.path.split(".")[0] + "."
    found = list(ViolationType.objects.filter(pk__in=ids, is_active=True, country__path=country_path))
    if not ids:
        errors.add("violation_types", _("Choose at least one type of violation."))
    elif len(found) != len(set(ids)):
        errors.add("violation_types", _("Choose the types of violation from the list of your country."))
    return found


def _case_errors(values: dict[str, Any], child: Child, *, opened: dt.date | None = None) -> Errors:
    """Checks what the case's own fields would be, and normalises them in place."""
    errors = Errors()
    today = _today()
    values["description"] = (values.get("description") or "").strip()
    check_length(errors, "description", values["description"], DESCRIPTION_LIMIT)
    if not values["description"]:
        errors.add("description", _("Write what happened, as it was told."))
    for name in ("reporter_name", "reporter_contact"):
        values[name] = " ".join((values.get(name) or "").split())
        check_length(errors, name, values[name], 200)
    if values.get("reporter_type") not in ReporterType.values:
        errors.add("reporter_type", _("Choose who reported the case."))
    elif values["reporter_type"] == ReporterType.ANONYMOUS and (values["reporter_name"] or values["reporter_contact"]):
        errors.add("reporter_name", _("An anonymous report has no reporter's name or contact: leave them empty."))
    if values.get("risk") not in Risk.values:
        errors.add("risk", _("Choose the risk level."))
    registered = opened or values.get("registered_on") or today
    if registered > today:
        errors.add("registered_on", _("The case cannot be registered on a day that has not come yet."))
    facts: dt.date | None = values.get("facts_date")
    if facts is None:
        errors.add("facts_date", _("Write the date of the facts (an approximate one if it is not known)."))
    elif facts > registered:
        errors.add("facts_date", _("The facts cannot be dated after the case was registered."))
    elif child.birth_date is not None and facts < child.birth_date:
        errors.add("facts_date", _("The facts cannot be dated before the child was born."))
    values["sensitive"] = bool(values.get("sensitive"))
    return errors


@transaction.atomic
def open_case(
    *,
    actor: Acting,
    child: Child,
    violation_type_ids: list[int],
    reporter_type: str,
    facts_date: dt.date | None,
    description: str,
    risk: str,
    reporter_name: str = "",
    reporter_contact: str = "",
    sensitive: bool = False,
    registered_on: dt.date | None = None,
    owner: User | None = None,
) -> Case:
    """Open a case for ``child`` in the child's community. The defender who opens it owns it; a
    supervisor may name the owner (a defender of the community, or themself). A violation type that
    makes cases sensitive makes this one sensitive; a mandatory referral gets its deadline from now.
    The first task is the first family visit, due by the risk level, with the risk's priority."""
    if child.merged_into_id is not None:
        child = Child.objects.select_related("community").get(pk=child.merged_into_id)
    if is_person(actor):
        _require(policies_cases.can_open_case_in(actor, child.community))
        # The child must be one the actor reads (a defender: registered by them or of their cases).
        from ronda.cases import policies

        _require(policies.visible_children(actor).filter(pk=child.pk).exists())
        if owner is None or actor.role != Role.SUPERVISOR:
            owner = actor.user
    if owner is None:
        raise ValueError("the system opens a case for a named owner")
    values: dict[str, Any] = {
        "reporter_type": reporter_type,
        "reporter_name": reporter_name,
        "reporter_contact": reporter_contact,
        "facts_date": facts_date,
        "description": description,
        "risk": risk,
        "sensitive": sensitive,
        "registered_on": registered_on,
    }
    errors = _case_errors(values, child)
    types = _violation_types(errors, list(violation_type_ids), child)
    if not owner_may_hold(owner, child.community):
        errors.add("owner", _("The defender in charge must be a defender of the child's community or a supervisor."))
    errors.raise_if_any()
    registered = values["registered_on"] or _today()
    case = Case.objects.create(
        number=next_number(child.municipality_id, registered.year),
        child=child,
        opened_for=child,
        community=child.community,
        municipality=child.municipality,
        owner=owner,
        state=CaseState.REGISTERED,
        reporter_type=values["reporter_type"],
        reporter_name=values["reporter_name"],
        reporter_contact=values["reporter_contact"],
        facts_date=values["facts_date"],
        registered_on=registered,
        description=values["description"],
        risk=values["risk"],
        sensitive=values["sensitive"] or any(t.makes_sensitive for t in types),
    )
    now = timezone.now()
    CaseViolation.objects.bulk_create(
        CaseViolation(
            case=case,
            violation_type=t,
            referral_due_at=now + dt.timedelta(hours=t.referral_deadline_hours)
            if t.requires_referral_to and t.referral_deadline_hours is not None
            else None,
        )
        for t in types
    )
    audit.record(
        actor=actor,
        action=CaseAction.CASE_OPENED,
        target=case,
        org_unit=case.community,
        changes={
            **audit.diff({}, audit.snapshot(case)),
            "violation_types": [None, sorted(t.pk for t in types)],
        },
    )
    record_event(actor=actor, case=case, kind=CaseEventKind.OPENED, to_state=CaseState.REGISTERED)
    first_visit = Task.objects.create(
        case=case,
        title=_("First family visit"),
        due_on=registered + dt.timedelta(days=FIRST_VISIT_DAYS[Risk(case.risk)]),
        assigned_to=owner,
        priority=PRIORITY_OF_RISK[Risk(case.risk)],
    )
    audit.record_create(actor=actor, target=first_visit, org_unit=case.community)
    return case


def owner_may_hold(user: User, community: Any) -> bool:
    """A case is held by a defender of its community or a supervisor of its municipality."""
    from ronda.accounts.selectors import active_memberships

    for membership in active_memberships(user):
        unit = membership.org_unit
        if unit is None:
            continue
        if membership.role == Role.DEFENDER and unit.pk == community.pk:
            return True
        if membership.role == Role.SUPERVISOR and community.path.startswith(unit.path):
            return True
    return False
