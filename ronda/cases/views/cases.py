"""The case pages: the list, opening a case, the case's page with its route, and the route's actions.

Thin: a policy call that reaches the case (and logs the read), a form, a ``route`` service, a
template. A page the actor may not use answers 404, the same as a case that does not exist.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from functools import reduce
from operator import or_
from typing import Any

from django.contrib import messages
from django.core import signing
from django.db.models import Q, QuerySet
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from ronda.accounts.models import User
from ronda.cases import policies, policies_cases, route, selectors_work
from ronda.cases.forms_cases import (
    AssignForm,
    CaseFilterForm,
    CaseForm,
    ClosureDecisionForm,
    MoveForm,
    ReassignForm,
    ReopenForm,
    TransferCommunityForm,
    TransferProtectionForm,
)
from ronda.cases.models import OPEN_STATES, ROUTE, Case, CaseEvent, CaseState
from ronda.cases.policies_cases import MASKED, SORTS, CaseFilters, case_holders
from ronda.core.idempotency import once_per_submission
from ronda.core.roles import Role
from ronda.core.tenancy import Actor
from ronda.core.views_helpers import ActorRequest, actor_required, get_actor, id_param, service_errors_on
from ronda.territory.models import Institution, Level, OrgUnit
from ronda.territory.selectors import large_columns

PAGE_SIZE = 25
CURSOR_SALT = "ronda.cases.case_list"
MAX_CURSOR = 400


def can_edit_cases(actor: Actor) -> bool:
    """The write pages' module-level check (which case each may change follows in the policy)."""
    return policies_cases.can_open_cases(actor)


def can_manage_cases(actor: Actor) -> bool:
    """The supervisor's pages: closures, bulk reassignment, the access log."""
    return policies_cases.can_supervise(actor)


# --- The list ----------------------------------------------------------------------------------
def _filters(form: CaseFilterForm) -> tuple[CaseFilters, str]:
    if not form.is_bound or not form.is_valid():
        return CaseFilters(), "recientes"
    data = form.cleaned_data
    sensitive = {"si": True, "no": False}.get(data["sensible"])
    filters = CaseFilters(
        state=data["estado"],
        violation_type=data["tipo"].pk if data["tipo"] else None,
        risk=data["riesgo"],
        community=data["comunidad"].pk if data["comunidad"] else None,
        sensitive=sensitive,
        overdue_tasks=data["vencidas"],
        search=data["q"],
    )
    return filters, data["orden"] or "recientes"


def _salt(filters: CaseFilters, sort: str, actor: Actor) -> str:
    """A cursor is good for this list only: these filters, this order, this user."""
    values = json.dumps([sorted(vars(filters).items()), sort, actor.user.pk], default=str)
    return f"{CURSOR_SALT}:{hashlib.sha256(values.encode()).hexdigest()[:16]}"


def _key(case: Case, order: tuple[str, ...]) -> list[Any]:
    values = []
    for name in order:
        value = getattr(case, name.lstrip("-"))
        values.append(value.isoformat() if isinstance(value, dt.date) else value)
    return values


def _after(order: tuple[str, ...], values: list[Any]) -> Q:
    """Rows after ``values`` in ``order`` (keyset): (a > x) OR (a = x AND b > y) …"""
    names = [name.lstrip("-") for name in order]
    ops = ["lt" if name.startswith("-") else "gt" for name in order]
    parsed = [dt.date.fromisoformat(v) if n == "facts_date" else int(v) for n, v in zip(names, values, strict=True)]
    branches = [
        Q(**{f"{names[i]}__{ops[i]}": parsed[i]}, **{names[j]: parsed[j] for j in range(i)}) for i in range(len(order))
    ]
    return reduce(or_, branches)


def _list_communities(actor: Actor) -> QuerySet[OrgUnit]:
    scopes = actor.personal_data_scopes or ()
    if not scopes:
        return OrgUnit.objects.none()
    condition = reduce(or_, (Q(path__startswith=p) for p in scopes))
    return OrgUnit.objects.filter(condition, level=Level.COMMUNITY).order_by("name")


def _types_for(actor: Actor) -> Any:
    path = actor.org_unit.path if actor.org_unit is not None else ""
    if not path and actor.personal_data_scopes:
        path = actor.personal_data_scopes[0]
    return policies_cases.violation_types_for(path)


@actor_required(policies_cases.can_read_cases)
def case_list(request: ActorRequest) -> HttpResponse:
    actor = get_actor(request)
    form = CaseFilterForm(request.GET or None, types=_types_for(actor), communities=_list_communities(actor))
    filters, sort = _filters(form)
    order = SORTS[sort]
    # The rows name the community: never its map shape or population (megabytes for a detailed one).
    cases = (
        policies_cases.filtered_cases(actor, filters)
        .select_related("child", "community", "owner")
        .defer(*large_columns("community"))
    )
    child_id = id_param(request.GET.get("nino"))
    if child_id is not None:
        # The cases of one child (the child's page): a sensitive case the actor does not work on is
        # left out, as the name search leaves it out, so the list never ties the child to it.
        cases = cases.filter(child_id=child_id)
        if actor.role != Role.SUPERVISOR:
            cases = cases.filter(Q(sensitive=False) | policies_cases.works_on("", actor.user))
    if "risk_rank" in order:
        cases = cases.annotate(risk_rank=policies_cases.RISK_RANK)
    salt = _salt(filters, f"{sort}:{child_id}", actor)
    cursor = request.GET.get("despues", "")
    if cursor:
        try:
            values = signing.Signer(salt=salt).unsign_object(cursor[:MAX_CURSOR])
            cases = cases.filter(_after(order, values))
        except (signing.BadSignature, ValueError, TypeError, UnicodeDecodeError):
            return HttpResponseBadRequest(_("This list has changed: start again from the first page."))
    rows = list(cases.order_by(*order)[: PAGE_SIZE + 1])
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    policies_cases.log_cases_shown(actor, rows)
    query = request.GET.copy()
    next_query = ""
    if more and rows:
        query["despues"] = signing.Signer(salt=salt).sign_object(_key(rows[-1], order))
        next_query = query.urlencode()
    context = {
        "form": form,
        "rows": [(case, policies_cases.may_see_child(actor, case)) for case in rows],
        "masked": MASKED,
        "next_query": next_query,
        "can_reassign": policies_cases.can_supervise(actor) and child_id is None,
        "first_page": not cursor,
        "child_filter": child_id is not None,
    }
    partial = request.htmx and (cursor or child_id is not None)
    template = "cases/partials/case_rows.html" if partial else "cases/case_list.html"
    return render(request, template, context)


# --- Opening and editing -------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@actor_required(can_edit_cases)
@once_per_submission
def case_new(request: ActorRequest) -> HttpResponse:
    actor = get_actor(request)
    child_id = id_param(request.GET.get("nino"))
    if child_id is None:
        messages.info(request, _("Choose the child first: open the case from the child's record."))
        return redirect("cases:child_list")
    child = policies.get_child(actor, child_id)
    if not policies_cases.can_open_case_in(actor, child.community):
        raise Http404
    types = policies_cases.violation_types_for(child.community.path)
    form = CaseForm(request.POST or None, types=types, initial={"facts_date": None})
    if request.method == "POST" and form.is_valid():
        with service_errors_on(form):
            case = route.open_case(actor=actor, child=child, **form.service_fields())
            messages.success(request, _("Case %(number)s opened.") % {"number": case.number})
            return redirect("cases:case_detail", pk=case.pk)
    return render(request, "cases/case_form.html", {"form": form, "child": child, "case": None})


@require_http_methods(["GET", "POST"])
@actor_required(can_edit_cases)
def case_edit(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    case = policies_cases.get_case_for_work(actor, pk)
    initial: dict[str, Any] = {
        name: getattr(case, name) for name in route.CASE_EDITABLE if name != "violation_type_ids"
    }
    initial["violation_types"] = list(case.violations.values_list("violation_type", flat=True))
    initial["version"] = case.version
    form = CaseForm(
        request.POST or None, types=policies_cases.violation_types_for(case.community.path), initial=initial
    )
    form.fields["version"].required = True
    if request.method == "POST" and form.is_valid():
        with service_errors_on(form):
            route.update_case(
                actor=actor, case=case, expected_version=form.cleaned_data["version"], **form.service_fields()
            )
            messages.success(request, _("Changes saved."))
            return redirect("cases:case_detail", pk=case.pk)
    context = {"form": form, "child": case.child, "case": case}
    return render(request, "cases/case_form.html", context)


# --- The case's page -------------------------------------------------------------------------------
def _steps(case: Case) -> list[dict[str, Any]]:
    here = ROUTE.index(CaseState(case.state))
    return [
        {"state": state.value, "label": state.label, "done": i < here, "current": i == here}
        for i, state in enumerate(ROUTE)
    ]


def _history(events: list[CaseEvent], case: Case) -> dict[int, str]:
    """Put on each event what the page says about it: the steps it skipped, and who or where it
    named (owners before and after, the user assigned, the communities, the protection office)."""
    users: set[int] = {case.owner_id}
    units: set[int] = set()
    institutions: set[int] = set()
    for event in events:
        details = event.details or {}
        users.update(v for k in ("from_owner", "to_owner", "user") if isinstance(v := details.get(k), int))
        units.update(v for k in ("from_community", "to_community") if isinstance(v := details.get(k), int))
        if isinstance(details.get("institution"), int):
            institutions.add(details["institution"])
    people = {u.pk: u.get_full_name() or u.get_username() for u in User.objects.filter(pk__in=users)}
    places = dict(OrgUnit.objects.filter(pk__in=units).values_list("pk", "name"))
    offices = {i.pk: str(i) for i in Institution.objects.filter(pk__in=institutions)}
    labels = dict(CaseState.choices)
    for event in events:
        details = event.details or {}
        event.skipped_labels = [str(labels.get(s, s)) for s in event.skipped or ()]  # type: ignore[attr-defined]
        parts = []
        if "to_owner" in details:
            parts.append(
                _("from %(before)s to %(after)s")
                % {
                    "before": people.get(details.get("from_owner") or 0, "?"),
                    "after": people.get(details["to_owner"], "?"),
                }
            )
        if "to_community" in details:
            parts.append(
                _("from %(before)s to %(after)s")
                % {
                    "before": places.get(details.get("from_community") or 0, "?"),
                    "after": places.get(details["to_community"], "?"),
                }
            )
        if "user" in details:
            parts.append(people.get(details["user"], "?"))
        if "institution" in details:
            parts.append(offices.get(details["institution"], "?"))
        event.detail_text = " · ".join(parts)  # type: ignore[attr-defined]
    return people


@actor_required(policies_cases.can_read_cases)
def case_detail(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    case = policies_cases.get_case(actor, pk)
    parts = policies_cases.parts_of(actor, case)
    events = list(parts.events.select_related("actor").order_by("-at", "-id"))
    can_work = policies_cases.can_work_on(actor, case)
    can_supervise = policies_cases.can_supervise(actor, case)
    here = ROUTE.index(CaseState(case.state))
    next_state = ROUTE[here + 1] if case.is_open and here + 1 < len(ROUTE) - 1 else None
    overdue = set(
        policies_cases.overdue_referral_obligations(actor).filter(case=case).values_list("violation_type", flat=True)
    )
    context: dict[str, Any] = {
        "case": case,
        "show_child": policies_cases.may_see_child(actor, case),
        "masked": MASKED,
        "violations": list(case.violations.select_related("violation_type").order_by("violation_type__position")),
        "overdue_types": overdue,
        "assigned": list(
            User.objects.filter(
                case_assignments__in=policies_cases.visible_assignments(actor).filter(case=case)
            ).order_by("first_name", "username")
        ),
        "steps": _steps(case),
        "next_state": next_state,
        "events": events,
        "people": _history(events, case),
        "can_work": can_work,
        "can_supervise": can_supervise,
        "can_assign": can_supervise or (can_work and case.owner_id == actor.user.pk),
    }
    # The work on the case (visits, plan, mediations, referrals, tasks, notes …), under its own key.
    context.update(selectors_work.case_sections(actor, case, parts))
    return render(request, "cases/case_detail.html", context)


@actor_required(can_manage_cases)
def case_accesses(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    case = policies_cases.get_case_for_supervision(actor, pk)
    openings = policies_cases.list_openings(actor, case)
    return render(request, "cases/case_accesses.html", {"case": case, "openings": openings})


# --- The route ---------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@actor_required(can_edit_cases)
def case_move(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    case = policies_cases.get_case_for_work(actor, pk)
    wanted = request.GET.get("a", "")
    initial = {"version": case.version, "to_state": wanted if wanted in CaseState.values else ""}
    form = MoveForm(request.POST or None, initial=initial)
    form.fields["to_state"].choices = [c for c in CaseState.choices if c[0] != case.state]  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        with service_errors_on(form):
            moved = route.move_case(
                actor=actor,
                case=case,
                expected_version=form.cleaned_data["version"],
                to_state=form.cleaned_data["to_state"],
                reason=form.cleaned_data["reason"],
                closing_reason=form.cleaned_data["closing_reason"],
                closing_note=form.cleaned_data["closing_note"],
            )
            if moved.closure_requested_at is not None and moved.is_open:
                messages.success(request, _("The closure was sent to the supervisor for approval."))
            else:
                messages.success(request, _("The case moved to “%(state)s”.") % {"state": moved.get_state_display()})
            return redirect("cases:case_detail", pk=case.pk)
    return render(request, "cases/case_move.html", {"form": form, "case": case, "steps": _steps(case)})


@require_http_methods(["GET", "POST"])
@actor_required(can_manage_cases)
def case_closure(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    case = policies_cases.get_case_for_supervision(actor, pk)
    form = ClosureDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        approve = form.cleaned_data["decision"] == "aprobar"
        with service_errors_on(form):
            route.decide_closure(actor=actor, case=case, approve=approve, comment=form.cleaned_data["comment"])
            messages.success(request, _("The case was closed.") if approve else _("The case stays open."))
            return redirect("cases:case_detail", pk=case.pk)
    return render(request, "cases/case_closure.html", {"form": form, "case": case})


@require_http_methods(["GET", "POST"])
@actor_required(can_edit_cases)
def case_reopen(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    case = policies_cases.get_case_for_work(actor, pk)
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with service_errors_on(form):
            route.reopen_case(
                actor=actor, case=case, reason=form.cleaned_data["reason"], to_state=form.cleaned_data["to_state"]
            )
            messages.success(request, _("The case was reopened."))
            return redirect("cases:case_detail", pk=case.pk)
    return render(request, "cases/case_reopen.html", {"form": form, "case": case})


@require_http_methods(["GET", "POST"])
@actor_required(can_edit_cases)
def case_assign(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    case = policies_cases.get_case_for_work(actor, pk)
    if not (policies_cases.can_supervise(actor, case) or case.owner_id == actor.user.pk):
        raise Http404
    assigned = User.objects.filter(case_assignments__in=policies_cases.visible_assignments(actor).filter(case=case))
    holders = case_holders(case.community).exclude(pk__in=[case.owner_id]).exclude(case_assignments__case=case)
    add = AssignForm(request.POST if request.POST.get("quitar") is None else None, holders=holders, prefix="nuevo")
    if request.method == "POST":
        removing = id_param(request.POST.get("quitar"))
        if removing is not None:
            user = next((u for u in assigned if u.pk == removing), None)
            if user is None:
                raise Http404
            with service_errors_on(add):
                route.unassign_user(actor=actor, case=case, user=user)
                messages.success(request, _("The person no longer works on the case."))
                return redirect("cases:case_assign", pk=case.pk)
        elif add.is_valid():
            with service_errors_on(add):
                route.assign_user(actor=actor, case=case, user=add.cleaned_data["user"])
                messages.success(request, _("The person now works on the case too."))
                return redirect("cases:case_assign", pk=case.pk)
    context = {"case": case, "assigned": list(assigned.order_by("first_name", "username")), "form": add}
    return render(request, "cases/case_assign.html", context)


@require_http_methods(["GET", "POST"])
@actor_required(can_edit_cases)
def case_transfer(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    case = policies_cases.get_case_for_work(actor, pk)
    supervisor = policies_cases.can_supervise(actor, case)
    kind = request.POST.get("destino", "")
    initial = {"version": case.version}
    communities = OrgUnit.objects.filter(parent=case.municipality_id, level=Level.COMMUNITY).exclude(
        pk=case.community_id
    )
    to_community = None
    if supervisor:
        to_community = TransferCommunityForm(
            request.POST if kind == "comunidad" else None,
            communities=communities.order_by("name"),
            holders=case_holders(case.municipality),
            initial=initial,
            prefix="comunidad",
        )
    to_protection = TransferProtectionForm(
        request.POST if kind == "proteccion" else None,
        institutions=route.protection_offices(case),
        initial=initial,
        prefix="proteccion",
    )
    if request.method == "POST" and kind == "comunidad" and to_community is not None and to_community.is_valid():
        data = to_community.cleaned_data
        with service_errors_on(to_community):
            route.transfer_case(
                actor=actor,
                case=case,
                expected_version=data["version"],
                community=data["community"],
                owner=data["owner"],
                reason=data["reason"],
            )
            messages.success(request, _("The case was transferred to the other community."))
            return redirect("cases:case_detail", pk=case.pk)
    if request.method == "POST" and kind == "proteccion" and to_protection.is_valid():
        data = to_protection.cleaned_data
        with service_errors_on(to_protection):
            route.transfer_to_protection(
                actor=actor,
                case=case,
                expected_version=data["version"],
                institution=data["institution"],
                reason=data["reason"],
                consent_to_sharing=data["consent_to_sharing"],
                consent_given_by=data["consent_given_by"],
                override_reason=data["override_reason"],
            )
            messages.success(request, _("The case was transferred to the protection office and closed here."))
            return redirect("cases:case_detail", pk=case.pk)
    context = {"case": case, "to_community": to_community, "to_protection": to_protection, "supervisor": supervisor}
    return render(request, "cases/case_transfer.html", context)


@require_http_methods(["GET", "POST"])
@actor_required(can_manage_cases)
def case_reassign(request: ActorRequest) -> HttpResponse:
    """The supervisor's bulk reassignment: the cases ticked on the list (``caso``), a new owner, a reason."""
    actor = get_actor(request)
    source = request.POST if request.method == "POST" else request.GET
    ids = [pk for pk in (id_param(v) for v in source.getlist("caso")[: route.MAX_REASSIGN + 1]) if pk is not None]
    chosen: list[Case] = []
    if len(ids) <= route.MAX_REASSIGN:
        chosen = list(policies_cases.visible_cases(actor).filter(pk__in=ids).select_related("child", "community"))
        if len(chosen) != len(set(ids)):
            raise Http404
    municipality = actor.org_unit if actor.org_unit is not None else None
    holders = case_holders(municipality) if municipality is not None else User.objects.none()
    form = ReassignForm(request.POST if request.method == "POST" else None, holders=holders)
    if len(ids) > route.MAX_REASSIGN:
        form.add_error(
            None,
            _("Reassign at most %(max)d cases at once: choose fewer.") % {"max": route.MAX_REASSIGN},
        )
    elif request.method == "POST" and form.is_valid():
        with service_errors_on(form):
            changed = route.reassign_cases(
                actor=actor, cases=chosen, owner=form.cleaned_data["owner"], reason=form.cleaned_data["reason"]
            )
            messages.success(
                request,
                ngettext("%(count)d case changed hands.", "%(count)d cases changed hands.", changed)
                % {"count": changed},
            )
            return redirect("cases:case_list")
    policies_cases.log_cases_shown(actor, chosen)
    return render(request, "cases/case_reassign.html", {"form": form, "cases": chosen, "open_states": OPEN_STATES})
