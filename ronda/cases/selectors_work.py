"""What the case page shows of the work on a case (visits, plan, mediations, referrals, tasks, notes,
flags, attachments): ``case_sections`` returns the context of ``cases/work/_sections.html``.

The parts are read through the case's policy (``policies_cases.parts_of``, which checks the case
again), never through the case's reverse relations. The free texts are shown
only to who may see the child (a sensitive case seen masked shows none of them). The case page
has already logged the read of the case.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils import timezone

from ronda.cases import policies_cases
from ronda.cases.models import Case, CaseState, PlanStatus

if TYPE_CHECKING:
    from ronda.accounts.models import User
from ronda.core.tenancy import Actor


def task_assignees(actor: Actor, case: Case) -> QuerySet[User]:
    """Who a task of ``case`` may be given to (the service checks it again): its owner, the users
    assigned to it and the supervisors of its municipality."""
    from ronda.accounts.models import User

    supervisors = policies_cases.case_holders(case.municipality).filter(memberships__role="supervisor")
    assigned = policies_cases.visible_assignments(actor).filter(case=case).values_list("user_id", flat=True)
    ids = {case.owner_id, *assigned}
    ids.update(supervisors.values_list("pk", flat=True))
    return User.objects.filter(pk__in=ids, is_active=True).order_by("first_name", "last_name", "username")


def case_sections(actor: Actor, case: Case, parts: policies_cases.CaseParts | None = None) -> dict[str, Any]:
    """The context of the work sections of ``case``'s page, under one key (``work``) so it never
    shadows the case page's own names."""
    from ronda.cases import forms_work

    may_read = policies_cases.may_see_child(actor, case)
    can_work = policies_cases.can_work_on(actor, case)
    today = timezone.localdate()
    work: dict[str, Any] = {
        "may_read": may_read,
        "can_work": can_work and case.is_open,
        "can_note": can_work,
        "can_supervise": policies_cases.can_supervise(actor, case),
        "is_closed": case.state == CaseState.CLOSED,
        "today": today,
        "visits": [],
        "plan": None,
        "actions": [],
        "mediations": [],
        "referrals": [],
        "tasks": [],
        "overdue_tasks": 0,
        "notes": [],
        "flags": [],
        "attachments": [],
    }
    if not may_read:
        return {"work": work}
    parts = parts or policies_cases.parts_of(actor, case)
    work["visits"] = list(parts.visits.select_related("visited_by"))
    plan = parts.plans.select_related("decided_by").first()
    work["plan"] = plan
    if plan is not None:
        work["actions"] = list(parts.plan_actions)
        work["plan_was_approved"] = plan.status == PlanStatus.APPROVED
    mediations = list(parts.mediations.select_related("mediator"))
    agreements: dict[int, list[Any]] = defaultdict(list)
    for agreement in parts.agreements:
        agreement.overdue = agreement.due_on is not None and agreement.due_on < today and agreement.checked_on is None  # type: ignore[attr-defined]
        agreements[agreement.mediation_id].append(agreement)
    for mediation in mediations:
        mediation.agreement_list = agreements.get(mediation.pk, [])  # type: ignore[attr-defined]
    work["mediations"] = mediations
    work["referrals"] = list(parts.referrals.select_related("institution", "service", "sent_by"))
    tasks = list(parts.tasks.select_related("assigned_to").order_by("done_at", "due_on", "id"))
    for task in tasks:
        task.overdue = task.done_at is None and task.due_on < today  # type: ignore[attr-defined]
    work["tasks"] = tasks
    work["overdue_tasks"] = len([t for t in tasks if getattr(t, "overdue", False)])
    work["notes"] = list(parts.notes.select_related("author")[:50])
    work["flags"] = list(parts.flags.filter(removed_at__isnull=True).select_related("raised_by"))
    work["attachments"] = list(parts.attachments.select_related("uploaded_by"))
    if can_work:
        work["note_form"] = forms_work.NoteForm(prefix="note")
        if case.is_open:
            work["visit_form"] = forms_work.VisitPlanForm(prefix="visit")
            work["task_form"] = forms_work.TaskForm(prefix="task", assignees=task_assignees(actor, case))
            work["flag_form"] = forms_work.FlagForm(prefix="flag")
            work["attachment_form"] = forms_work.AttachmentForm(prefix="file")
    return {"work": work}
