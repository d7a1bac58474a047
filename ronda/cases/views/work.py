"""The pages of the work on a case: short forms inline in the case page's sections (a note, a task,
a warning, a file, a planned visit) and pages of their own for the long ones (a visit's findings,
the plan, a mediation, a referral).

Thin: a policy call that reaches the case or its part (and logs the read), a form, a ``casework``
service, a redirect or the form again. A part the actor may not work on answers 404, the same as
one that does not exist.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ronda.cases import casework, forms_work, policies_cases
from ronda.cases.models import Case, PlanStatus, ReferralStatus
from ronda.cases.models.casefile import REFERRAL_NEXT
from ronda.cases.selectors_work import task_assignees
from ronda.core.files import private_file_response
from ronda.core.idempotency import once_per_submission
from ronda.core.tenancy import Actor
from ronda.core.views_helpers import ActorRequest, actor_required, flash_errors, get_actor, service_errors_on


def can_edit_cases(actor: Actor) -> bool:
    """The module-level check of these pages: a role that works on cases (each page then reaches
    its case or part ``_for_work``, which asks ``can_work_on`` for that record)."""
    return policies_cases.can_open_cases(actor)


def can_edit_as_supervisor(actor: Actor) -> bool:
    """The supervisor's pages (a plan's approval); the record is reached ``_for_supervision``."""
    return policies_cases.can_supervise(actor)


can_work = can_edit_cases


def _back(case: Case | int, anchor: str) -> HttpResponse:
    pk = case if isinstance(case, int) else case.pk
    return redirect(reverse("cases:case_detail", args=[pk]) + f"#{anchor}")


def _inline(request: ActorRequest, form: Any, case: Case, anchor: str, call: Any, done: str) -> HttpResponse:
    """An inline form of the case page: the service, a message, back to the section (with the
    errors as messages when refused)."""
    if form.is_valid():
        with service_errors_on(form):
            call(form.cleaned_data)
            messages.success(request, done)
            return _back(case, anchor)
    flash_errors(request, form)
    return _back(case, anchor)


# --- Inline forms of the case page ------------------------------------------------------------------
@require_POST
@actor_required(can_work)
@once_per_submission
def note_add(request: ActorRequest, case_pk: int) -> HttpResponse:
    actor = get_actor(request)
    case = policies_cases.get_case_for_work(actor, case_pk)
    form = forms_work.NoteForm(request.POST, prefix="note")
    return _inline(
        request,
        form,
        case,
        "notes-h",
        lambda d: casework.add_note(actor=actor, case=case, text=d["text"]),
        _("Note saved."),
    )


@require_POST
@actor_required(can_work)
@once_per_submission
def visit_plan(request: ActorRequest, case_pk: int) -> HttpResponse:
    actor = get_actor(request)
    case = policies_cases.get_case_for_work(actor, case_pk)
    form = forms_work.VisitPlanForm(request.POST, prefix="visit")
    return _inline(
        request,
        form,
        case,
        "visits-h",
        lambda d: casework.plan_visit(actor=actor, case=case, planned_for=d["planned_for"]),
        _("Visit planned."),
    )


@require_POST
@actor_required(can_work)
@once_per_submission
def task_add(request: ActorRequest, case_pk: int) -> HttpResponse:
    actor = get_actor(request)
    case = policies_cases.get_case_for_work(actor, case_pk)
    form = forms_work.TaskForm(request.POST, prefix="task", assignees=task_assignees(actor, case))
    return _inline(
        request,
        form,
        case,
        "tasks-h",
        lambda d: casework.add_task(
            actor=actor, case=case, title=d["title"], due_on=d["due_on"], assigned_to=d["assigned_to"]
        ),
        _("Task added."),
    )


@require_POST
@actor_required(can_work)
def task_toggle(request: ActorRequest, pk: int) -> HttpResponse:
    """Mark a task done, or (``reopen``) not done any more."""
    actor = get_actor(request)
    task = policies_cases.get_task_for_work(actor, pk)
    form = forms_work.VersionForm(request.POST)
    reopen = request.POST.get("reopen") == "1"
    service = casework.reopen_task if reopen else casework.complete_task
    return _inline(
        request,
        form,
        task.case,
        "tasks-h",
        lambda d: service(actor=actor, task=task, expected_version=d["version"]),
        _("The task is open again.") if reopen else _("Task done."),
    )


@require_POST
@actor_required(can_work)
@once_per_submission
def flag_raise(request: ActorRequest, case_pk: int) -> HttpResponse:
    actor = get_actor(request)
    case = policies_cases.get_case_for_work(actor, case_pk)
    form = forms_work.FlagForm(request.POST, prefix="flag")
    return _inline(
        request,
        form,
        case,
        "flags-h",
        lambda d: casework.raise_flag(actor=actor, case=case, kind=d["kind"], message=d["message"]),
        _("Warning added."),
    )


@require_POST
@actor_required(can_work)
def flag_remove(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    flag = policies_cases.get_flag_for_work(actor, pk)
    form = forms_work.FlagRemoveForm(request.POST)
    return _inline(
        request,
        form,
        flag.case,
        "flags-h",
        lambda d: casework.remove_flag(actor=actor, flag=flag, reason=d["reason"]),
        _("Warning removed."),
    )


@require_POST
@actor_required(can_work)
@once_per_submission
def attachment_add(request: ActorRequest, case_pk: int) -> HttpResponse:
    actor = get_actor(request)
    case = policies_cases.get_case_for_work(actor, case_pk)
    form = forms_work.AttachmentForm(request.POST, request.FILES, prefix="file")
    return _inline(
        request,
        form,
        case,
        "files-h",
        lambda d: casework.attach_file(
            actor=actor, case=case, upload=d["upload"], kind=d["kind"], description=d["description"]
        ),
        _("File attached."),
    )


@require_GET
@actor_required(policies_cases.can_read_cases)
def attachment_download(request: ActorRequest, pk: int) -> HttpResponseBase:
    actor = get_actor(request)
    attachment = policies_cases.get_attachment(actor, pk)
    return private_file_response(
        request, attachment.file, attachment.original_name, content_type=attachment.content_type
    )


@require_POST
@actor_required(can_work)
def attachment_remove(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    attachment = policies_cases.get_attachment_for_work(actor, pk)
    case_pk = attachment.case_id
    try:
        casework.remove_attachment(actor=actor, attachment=attachment)
    except PermissionDenied:
        # Only who uploaded it or a supervisor: the others do not see the button either.
        raise Http404 from None
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return _back(case_pk, "files-h")
    messages.success(request, _("File removed."))
    return _back(case_pk, "files-h")


# --- Visits --------------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@actor_required(can_work)
def visit_record(request: ActorRequest, pk: int) -> HttpResponse:
    """The visit done (when, what was found), or cancelled (``cancel``)."""
    actor = get_actor(request)
    visit = policies_cases.get_visit_for_work(actor, pk)
    case = visit.case
    initial = {"done_on": visit.done_on or None, "findings": visit.findings, "version": visit.version}
    form = forms_work.VisitRecordForm(request.POST or None, initial=initial)
    if request.method == "POST" and request.POST.get("cancel") == "1":
        cancel = forms_work.VersionForm(request.POST)
        return _inline(
            request,
            cancel,
            case,
            "visits-h",
            lambda d: casework.cancel_visit(actor=actor, visit=visit, expected_version=d["version"]),
            _("Visit cancelled."),
        )
    if request.method == "POST" and form.is_valid():
        with service_errors_on(form):
            casework.record_visit(
                actor=actor,
                visit=visit,
                expected_version=form.cleaned_data["version"],
                done_on=form.cleaned_data["done_on"],
                findings=form.cleaned_data["findings"],
            )
            messages.success(request, _("Visit recorded."))
            return _back(case, "visits-h")
    return render(request, "cases/work/visit_form.html", {"form": form, "case": case, "visit": visit})


# --- The plan --------------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@actor_required(can_work)
def plan(request: ActorRequest, case_pk: int) -> HttpResponse:
    """The plan's page: its goal and actions; a new action; sending it for approval (``submit``)."""
    actor = get_actor(request)
    case = policies_cases.get_case_for_work(actor, case_pk)
    current = policies_cases.visible_plans(actor).filter(case=case).first()
    goal_form = forms_work.PlanGoalForm(
        request.POST if request.POST.get("do") == "goal" else None,
        initial={"goal": current.goal if current else "", "version": current.version if current else None},
    )
    action_form = forms_work.PlanActionForm(
        request.POST if request.POST.get("do") == "action" else None, prefix="action"
    )
    submit_form = forms_work.VersionForm(request.POST if request.POST.get("do") == "submit" else None)
    if request.method == "POST":
        do = request.POST.get("do")
        if do == "goal" and goal_form.is_valid():
            with service_errors_on(goal_form):
                casework.save_plan(
                    actor=actor,
                    case=case,
                    expected_version=goal_form.cleaned_data["version"],
                    goal=goal_form.cleaned_data["goal"],
                )
                messages.success(request, _("Plan saved."))
                return redirect("cases:work_plan", case_pk=case.pk)
        elif do == "action" and current is not None and action_form.is_valid():
            data = action_form.cleaned_data
            with service_errors_on(action_form):
                casework.add_plan_action(
                    actor=actor,
                    plan=current,
                    description=data["description"],
                    responsible=data["responsible"],
                    due_on=data["due_on"],
                    starts_on=data["starts_on"],
                )
                messages.success(request, _("Action added."))
                return redirect("cases:work_plan", case_pk=case.pk)
        elif do == "submit" and current is not None and submit_form.is_valid():
            with service_errors_on(submit_form):
                casework.submit_plan(actor=actor, plan=current, expected_version=submit_form.cleaned_data["version"])
                messages.success(request, _("The plan was sent to the supervisor for approval."))
                return redirect("cases:work_plan", case_pk=case.pk)
        elif do not in ("goal", "action", "submit") or (do != "goal" and current is None):
            raise Http404
    context = {
        "case": case,
        "plan": current,
        "actions": list(policies_cases.visible_plan_actions(actor).filter(plan=current)) if current else [],
        "goal_form": goal_form,
        "action_form": action_form,
        "submit_form": submit_form,
        "decision_form": forms_work.PlanDecisionForm(
            initial={"version": current.version if current else None}, prefix="decision"
        ),
        "can_supervise": policies_cases.can_supervise(actor, case),
        "editable": case.is_open,
        "approved": current is not None and current.status == PlanStatus.APPROVED,
    }
    return render(request, "cases/work/plan.html", context)


@require_POST
@actor_required(can_edit_as_supervisor)
def plan_decide(request: ActorRequest, case_pk: int) -> HttpResponse:
    actor = get_actor(request)
    case = policies_cases.get_case_for_supervision(actor, case_pk)
    current = policies_cases.visible_plans(actor).filter(case=case).first()
    if current is None:
        raise Http404
    form = forms_work.PlanDecisionForm(request.POST, prefix="decision")
    if form.is_valid():
        approve = form.cleaned_data["decision"] == "aprobar"
        with service_errors_on(form):
            casework.decide_plan(
                actor=actor,
                plan=current,
                expected_version=form.cleaned_data["version"],
                approve=approve,
                comment=form.cleaned_data["comment"],
            )
            messages.success(request, _("Plan approved.") if approve else _("The plan was returned for changes."))
            return redirect("cases:work_plan", case_pk=case.pk)
    flash_errors(request, form)
    return redirect("cases:work_plan", case_pk=case.pk)


@require_http_methods(["GET", "POST"])
@actor_required(can_work)
def plan_action_edit(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    action = policies_cases.get_plan_action_for_work(actor, pk)
    case = action.plan.case
    initial = {name: getattr(action, name) for name in casework.ACTION_EDITABLE} | {"version": action.version}
    form = forms_work.PlanActionForm(request.POST or None, initial=initial)
    form.fields["version"].required = True
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors_on(form):
            casework.update_plan_action(
                actor=actor,
                action=action,
                expected_version=data["version"],
                description=data["description"],
                responsible=data["responsible"],
                starts_on=data["starts_on"],
                due_on=data["due_on"],
                status=data["status"] or action.status,
            )
            messages.success(request, _("Action saved."))
            return redirect("cases:work_plan", case_pk=case.pk)
    approved = action.plan.status == PlanStatus.APPROVED
    return render(
        request,
        "cases/work/plan_action_form.html",
        {"form": form, "case": case, "action": action, "approved": approved},
    )


# --- Mediation -------------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@actor_required(can_work)
@once_per_submission
def mediation_new(request: ActorRequest, case_pk: int) -> HttpResponse:
    actor = get_actor(request)
    case = policies_cases.get_case_for_work(actor, case_pk)
    form = forms_work.MediationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors_on(form, rename={"agreements": "agreement_1"}):
            casework.record_mediation(
                actor=actor,
                case=case,
                held_on=data["held_on"],
                participants=data["participants"],
                summary=data["summary"],
                agreements=form.agreements(),
            )
            messages.success(request, _("Mediation session recorded."))
            return _back(case, "mediations-h")
    return render(request, "cases/work/mediation_form.html", {"form": form, "case": case})


@require_POST
@actor_required(can_work)
@once_per_submission
def agreement_add(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    mediation = policies_cases.get_mediation_for_work(actor, pk)
    form = forms_work.AgreementForm(request.POST)
    return _inline(
        request,
        form,
        mediation.case,
        "mediations-h",
        lambda d: casework.add_agreement(actor=actor, mediation=mediation, text=d["text"], due_on=d["due_on"]),
        _("Agreement added."),
    )


@require_POST
@actor_required(can_work)
def agreement_check(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    agreement = policies_cases.get_agreement_for_work(actor, pk)
    form = forms_work.AgreementCheckForm(request.POST)
    return _inline(
        request,
        form,
        agreement.mediation.case,
        "mediations-h",
        lambda d: casework.check_agreement(
            actor=actor,
            agreement=agreement,
            expected_version=d["version"],
            fulfilment=d["fulfilment"],
            checked_on=d["checked_on"],
        ),
        _("Agreement checked."),
    )


# --- Referrals ----------------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@actor_required(can_work)
@once_per_submission
def referral_new(request: ActorRequest, case_pk: int) -> HttpResponse:
    actor = get_actor(request)
    case = policies_cases.get_case_for_work(actor, case_pk)
    form = forms_work.ReferralForm(request.POST or None, institutions=casework.referral_directory(case))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors_on(form):
            casework.refer_case(
                actor=actor,
                case=case,
                institution=data["institution"],
                service=data["service"],
                reason=data["reason"],
                consent_to_services=data["consent_to_services"],
                consent_to_sharing=data["consent_to_sharing"],
                consent_given_by=data["consent_given_by"],
                override_reason=data["override_reason"],
                sent_on=data["sent_on"],
            )
            messages.success(request, _("Referral recorded."))
            return _back(case, "referrals-h")
    obligations = [
        v
        for v in policies_cases.visible_case_violations(actor).filter(case=case).select_related("violation_type")
        if v.violation_type.requires_referral_to and v.referral_id is None
    ]
    context = {
        "form": form,
        "case": case,
        "obligations": obligations,
        "can_supervise": policies_cases.can_supervise(actor, case),
    }
    return render(request, "cases/work/referral_form.html", context)


@require_http_methods(["GET", "POST"])
@actor_required(can_work)
def referral_update(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    referral = policies_cases.get_referral_for_work(actor, pk)
    case = referral.case
    form = forms_work.ReferralUpdateForm(request.POST or None, initial={"version": referral.version})
    nexts = REFERRAL_NEXT.get(ReferralStatus(referral.status), ())
    form.fields["status"].choices = [(s.value, s.label) for s in nexts]  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors_on(form):
            casework.update_referral(
                actor=actor,
                referral=referral,
                expected_version=data["version"],
                status=data["status"],
                feedback=data["feedback"],
                feedback_on=data["feedback_on"],
            )
            messages.success(request, _("Referral updated."))
            return _back(case, "referrals-h")
    context = {"form": form, "case": case, "referral": referral, "finished": not nexts}
    return render(request, "cases/work/referral_update.html", context)
