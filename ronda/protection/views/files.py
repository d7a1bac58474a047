"""The pages of the protection files (issue #12): the officer's caseload, opening a file (directly or
from a community case transferred to the office), the file's page with every part of it, and one
short form per action (diagnosis, rights, the restitution plan, measures and their reviews,
gatekeeping, placements, transfer, closing).

Thin, like the cases' pages: ``policies`` reaches the file or its part (404 for what the actor may
not see, the read logged after the check), a form, a service, a redirect back to the file's section
or the form again with the service's messages. Edits carry the row's version: a stale one is
refused with "someone else changed it".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ronda.accounts.models import User
from ronda.cases.models import Case
from ronda.core import audit
from ronda.core.idempotency import once_per_submission
from ronda.core.tenancy import Actor
from ronda.core.views_helpers import (
    ActorRequest,
    actor_required,
    flash_errors,
    get_actor,
    service_errors_on,
)
from ronda.protection import forms, matching, policies, selectors
from ronda.protection.models import (
    FOSTER_SETTINGS,
    AdopterStatus,
    AdoptionAssignment,
    AssignmentStatus,
    CareSetting,
    FileStatus,
    GatekeepingStatus,
    MeasureStatus,
    PlanStatus,
    ProspectiveAdopter,
    ProtectionFile,
    RestitutionPlan,
)
from ronda.protection.services import files as file_services
from ronda.protection.services import measures as measure_services
from ronda.protection.services import placements as placement_services
from ronda.protection.services import resources as resource_services
from ronda.territory.models import Institution, Level, OrgUnit
from ronda.territory.selectors import large_columns

PAGE_SIZE = 25
TRANSFERRED_CASES_PURPOSE = "community case transferred to protection"


# --- The module-level checks (which file follows in the policy) ---------------------------------------
def can_read(actor: Actor) -> bool:
    return policies.can_read_files(actor)


def can_work(actor: Actor) -> bool:
    return policies.can_open_files(actor)


def can_supervise(actor: Actor) -> bool:
    return policies.can_supervise_file(actor)


def _back(file: ProtectionFile | int, anchor: str = "") -> HttpResponse:
    pk = file if isinstance(file, int) else file.pk
    return redirect(reverse("protection:file_detail", args=[pk]) + (f"#{anchor}" if anchor else ""))


def _form_page(
    request: ActorRequest,
    *,
    file: ProtectionFile,
    form: Any,
    title: str,
    call: Callable[[dict[str, Any]], object],
    done: str,
    anchor: str,
    extra: dict[str, Any] | None = None,
    template: str = "protection/files/form.html",
) -> HttpResponse:
    """One action's page: the form; on a valid POST the service, a message and back to the file's
    section; refused, the form again with the service's messages on its fields."""
    if request.method == "POST" and form.is_valid():
        with service_errors_on(form):
            call(form.cleaned_data)
            messages.success(request, done)
            return _back(file, anchor)
    context = {"file": file, "form": form, "title": title, "anchor": anchor, **(extra or {})}
    return render(request, template, context)


def _button(
    request: ActorRequest, *, file: ProtectionFile, form: Any, call: Callable[[dict[str, Any]], object], done: str
) -> HttpResponse:
    """A button on the file's page (send the plan, approve): the service, then back, with its
    refusal as messages."""
    anchor = "plan-h"
    if form.is_valid():
        with service_errors_on(form):
            call(form.cleaned_data)
            messages.success(request, done)
            return _back(file, anchor)
    flash_errors(request, form)
    return _back(file, anchor)


# --- The caseload -------------------------------------------------------------------------------------
FILTER_CHOICES_SECONDS = 60


# What the caseload's rows show and their access events and trail need: the page joins seven tables
# for 25 rows, and reads of the children's and units' other columns cost more than the query.
CASELOAD_COLUMNS = (
    "id",
    "number",
    "status",
    "path",
    "child",
    "child__first_names",
    "child__paternal_surname",
    "child__maternal_surname",
    "child__alias",
    "municipality",
    "municipality__name",
    "officer",
    "officer__first_name",
    "officer__last_name",
    "officer__username",
    "office",
    "office__org_unit",
    "office__org_unit__path",
    "office__org_unit__name",
    "office__org_unit__level",
)


def _filter_choices(actor: Actor) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """The caseload filter's choices: the officers in charge and the municipalities of the files the
    actor sees, as (id, name) — one pass over those files, then a name each (a state has a hundred
    officers), kept a minute for this reader: the caseload is the page an officer opens all day."""
    key = f"protection:caseload-filter:{actor.user.pk}:{actor.role}:{actor.scope_path}"
    found = cache.get(key)
    if isinstance(found, tuple):
        return found
    pairs = set(policies.visible_files(actor).values_list("officer_id", "municipality_id").distinct().order_by())
    officers = [
        (pk, f"{first} {last}".strip() or username)
        for pk, first, last, username in User.objects.filter(pk__in=sorted({o for o, _m in pairs}))
        .order_by("first_name", "last_name", "username")
        .values_list("pk", "first_name", "last_name", "username")
    ]
    municipalities = list(
        OrgUnit.objects.filter(pk__in=sorted({m for _o, m in pairs})).order_by("name").values_list("pk", "name")
    )
    cache.set(key, (officers, municipalities), FILTER_CHOICES_SECONDS)
    return officers, municipalities


def _filter_form(request: ActorRequest, actor: Actor) -> forms.FileFilterForm:
    """The filter: the choices shown from ``_filter_choices``; what is sent is checked against the
    same ids (a choice of someone else's list is refused as any unknown value)."""
    officers, municipalities = _filter_choices(actor)
    form = forms.FileFilterForm(
        request.GET or None,
        officers=User.objects.filter(pk__in=[pk for pk, _n in officers]),
        municipalities=OrgUnit.objects.filter(pk__in=[pk for pk, _n in municipalities]).defer(*large_columns()),
    )
    for name, choices in (("officer", officers), ("municipality", municipalities)):
        form.fields[name].widget.choices = [("", "—"), *choices]
    return form


def _rows(files: list[ProtectionFile]) -> list[selectors.CaseloadRow]:
    today = timezone.localdate()
    soon = today + dt.timedelta(days=selectors.DUE_SOON_DAYS)
    rows = []
    for file in files:
        next_review_on = getattr(file, "next_review", None)
        current = getattr(file, "current_placements", [])
        rows.append(
            selectors.CaseloadRow(
                file=file,
                next_review_on=next_review_on,
                review_overdue=next_review_on is not None and next_review_on < today,
                review_due_soon=next_review_on is not None and today <= next_review_on <= soon,
                ratification_overdue=bool(getattr(file, "ratification_overdue", False)),
                gatekeeping_overdue=bool(getattr(file, "gatekeeping_overdue", False)),
                current_placement=current[0] if current else None,
            )
        )
    return rows


@require_GET
@actor_required(can_read)
def file_list(request: ActorRequest) -> HttpResponse:
    """The open files with their next review, overdue flags and where the child lives now (a
    protection officer: their own unless another officer is chosen); closed files on request."""
    actor = get_actor(request)
    form = _filter_form(request, actor)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    status = data.get("status") or FileStatus.OPEN
    officer = data.get("officer")
    municipality = data.get("municipality")
    filters = policies.FileFilters(
        status="" if status == forms.STATUS_ALL else status,
        officer=officer.pk if officer is not None else None,
        municipality=municipality.pk if municipality is not None else None,
        search=data.get("q") or "",
    )
    matching = policies.filtered_files(actor, filters)
    matching_ids = matching.values("pk")
    total: int | None = None
    if status == FileStatus.OPEN:
        queryset = (
            selectors.caseload_queryset(actor, officer=officer).filter(pk__in=matching_ids).only(*CASELOAD_COLUMNS)
        )
        # Counted without the rows' figures (a grouped query over the measures, for the count alone).
        total = selectors.caseload_files(matching, actor, officer=officer).count()
    else:
        queryset = (
            policies.visible_files(actor)
            .filter(pk__in=matching_ids)
            .select_related(*policies.WITH_FILE)
            .defer(*policies.LARGE_FILE_COLUMNS)
            .order_by("-id")
        )
    paginator = Paginator(queryset, PAGE_SIZE)
    if total is not None:
        paginator.count = total
    page = paginator.get_page(request.GET.get("page"))
    shown = list(page.object_list)
    policies.log_files_shown(actor, shown)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "rows": _rows(shown),
        "page": page,
        "query": query.urlencode(),
        "open_list": status == FileStatus.OPEN,
        "can_open": policies.can_open_files(actor),
        "transferred": transferred_cases(actor).count() if policies.can_open_files(actor) else 0,
    }
    return render(request, "protection/files/file_list.html", context)


# --- Opening a file -----------------------------------------------------------------------------------
def _open_municipalities(actor: Actor) -> QuerySet[OrgUnit]:
    """The municipalities of the actor's subtree (where the children of a direct opening live)."""
    if actor.scope_path is None:
        return OrgUnit.objects.none()
    return (
        OrgUnit.objects.filter(level=Level.MUNICIPALITY, is_active=True, path__startswith=actor.scope_path)
        .defer(*large_columns())
        .order_by("name")
    )


def _new_child_initial(search: forms.ChildSearchForm) -> dict[str, Any]:
    """The new child's form starts from what was searched (the surnames split as the search does)."""
    if not search.is_bound or not search.is_valid():
        return {}
    d = search.cleaned_data
    surnames = d["surnames"].split()
    return {
        "first_names": d["first_names"],
        "paternal_surname": surnames[0] if surnames else "",
        "maternal_surname": " ".join(surnames[1:]),
        "birth_date": d["birth_date"],
    }


def _search_link(candidate: Any, municipality: OrgUnit) -> str:
    """The search for a possible duplicate by its own names: it lists them in "open the file"."""
    from urllib.parse import urlencode

    child = candidate.child
    query = {
        "first_names": child.first_names or child.alias,
        "surnames": " ".join(n for n in (child.paternal_surname, child.maternal_surname) if n),
        "birth_date": child.birth_date.isoformat() if child.birth_date else "",
        "municipality": municipality.pk,
    }
    return reverse("protection:file_new") + "?" + urlencode(query)


def _open_for_new_child(
    request: ActorRequest, form: forms.NewChildFileForm
) -> tuple[HttpResponse | None, list[tuple[Any, str]] | None]:
    """The new child's registration and file; on possible duplicates, the candidates shown (their
    reads logged once the service's transaction rolled back) with their searches."""
    from ronda.cases.services import PossibleDuplicates

    actor = get_actor(request)
    d = dict(form.cleaned_data)
    with service_errors_on(form):
        try:
            file = file_services.open_file_for_new_child(actor=actor, **d)
        except PossibleDuplicates as stopped:
            shown = file_services.show_possible_duplicates(actor, stopped)
            return None, [(c, _search_link(c, d["community"].parent)) for c in shown]
        messages.success(
            request, _("Child registered and protection file %(number)s opened.") % {"number": file.number}
        )
        return _back(file), None
    return None, None


@require_http_methods(["GET", "POST"])
@actor_required(can_work)
@once_per_submission
def file_new(request: ActorRequest) -> HttpResponse:
    """A direct opening: search the child among the registered children of the municipality (the
    cases' duplicate search, each candidate's read logged), choose them and the office, open. A child
    never registered (a police report, a hospital) is registered here with their file, after the
    same duplicate check: its candidates are shown and the officer confirms "a new child"."""
    actor = get_actor(request)
    municipalities = _open_municipalities(actor)
    source = request.POST if request.method == "POST" else request.GET
    search = forms.ChildSearchForm(source if "first_names" in source else None, municipalities=municipalities)
    candidates = []
    searched_in = None
    if search.is_bound and search.is_valid():
        d = search.cleaned_data
        searched_in = d["municipality"]
        candidates = file_services.find_children_for_file(
            actor,
            first_names=d["first_names"],
            surnames=d["surnames"],
            birth_date=d["birth_date"],
            municipality=d["municipality"],
        )
    from ronda.cases.models import Child

    children = Child.objects.filter(pk__in=[c.child.pk for c in candidates])
    offices = policies.offices_for(actor)
    # Which of the two forms was sent: the new child's always sends its community.
    posted = request.POST if request.method == "POST" else None
    registering = posted is not None and "new-community" in posted
    form = forms.OpenFileForm(
        posted if not registering else None,
        children=children,
        offices=offices,
        prefix="open",
    )
    communities = file_services.new_child_communities(actor).filter(parent=searched_in).order_by("name")
    new_form = forms.NewChildFileForm(
        posted if registering else None,
        communities=communities,
        offices=offices,
        prefix="new",
        initial=_new_child_initial(search),
    )
    duplicates = None
    if registering and new_form.is_valid():
        done, duplicates = _open_for_new_child(request, new_form)
        if done is not None:
            return done
    elif posted is not None and not registering and form.is_valid():
        d = form.cleaned_data
        with service_errors_on(form):
            file = file_services.open_file(
                actor=actor,
                child=d["child"],
                office=d["office"],
                intake_source=d["intake_source"],
                intake_summary=d["intake_summary"],
                opened_on=d["opened_on"],
            )
            messages.success(request, _("Protection file %(number)s opened.") % {"number": file.number})
            return _back(file)
    context = {
        "search": search,
        "form": form,
        "candidates": candidates,
        "searched": search.is_bound,
        "searched_in": searched_in,
        "new_form": new_form,
        "duplicates": duplicates,
        # "A new child" is asked once the candidates were shown, and kept while the form comes back.
        "ask_confirmation": duplicates is not None or bool(new_form["confirmed_new"].value()),
    }
    return render(request, "protection/files/file_new.html", context)


def transferred_cases(actor: Actor) -> QuerySet[Case]:
    """``policies.transferred_cases`` (kept here for ``portal``, which imports it from this module)."""
    return policies.transferred_cases(actor)


def _log_cases(actor: Actor, cases: Iterable[Case]) -> None:
    """One access event per case shown (in one insert per municipality): a transferred case is a
    child's record even without its description."""
    ordered = sorted(cases, key=lambda c: c.municipality_id)
    for _unit, group in groupby(ordered, key=lambda c: c.municipality_id):
        rows = list(group)
        audit.record_accesses(
            actor=actor, targets=rows, org_unit=rows[0].municipality, purpose=TRANSFERRED_CASES_PURPOSE
        )


def _violations(cases: list[Case]) -> dict[int, list[str]]:
    from ronda.cases.models import CaseViolation

    names: dict[int, list[str]] = {c.pk: [] for c in cases}
    for row in CaseViolation.objects.filter(case__in=cases).select_related("violation_type").order_by("id"):
        names[row.case_id].append(row.violation_type.name)
    return names


@require_GET
@actor_required(can_work)
def transferred_list(request: ActorRequest) -> HttpResponse:
    """The community cases transferred to the actor's offices that wait for their file: number, date,
    community, violation types; never the case's description."""
    actor = get_actor(request)
    cases = list(transferred_cases(actor).order_by("-closed_on", "-id")[:200])
    _log_cases(actor, cases)
    violations = _violations(cases)
    rows = [(case, violations[case.pk]) for case in cases]
    return render(request, "protection/files/transferred_list.html", {"rows": rows})


def _offices_for_case(actor: Actor, case: Case) -> QuerySet[Institution]:
    """The office the case went to, and the protection offices of the actor seated above it."""
    target = case.transferred_to
    assert target is not None
    seat = target.org_unit.path
    offices = policies.offices_for(actor)
    return offices.filter(Q(pk=target.pk) | Q(org_unit__path__in=_ancestor_paths(seat))).order_by("name")


def _ancestor_paths(path: str) -> list[str]:
    parts = [p for p in path.split(".") if p]
    return [".".join(parts[:n]) + "." for n in range(1, len(parts))]


@require_http_methods(["GET", "POST"])
@actor_required(can_work)
@once_per_submission
def file_from_case(request: ActorRequest, case_id: int) -> HttpResponse:
    actor = get_actor(request)
    case = policies.get_transferred_case(actor, case_id)
    _log_cases(actor, [case])
    offices = _offices_for_case(actor, case)
    form = forms.OpenFromCaseForm(
        request.POST if request.method == "POST" else None,
        offices=offices,
        initial={"office": case.transferred_to_id},
    )
    if request.method == "POST" and form.is_valid():
        with service_errors_on(form):
            file = file_services.open_file_from_case(actor=actor, case=case, office=form.cleaned_data["office"])
            messages.success(request, _("Protection file %(number)s opened.") % {"number": file.number})
            return _back(file)
    context = {"case": case, "form": form, "violations": _violations([case])[case.pk]}
    return render(request, "protection/files/file_from_case.html", context)


# --- The file's page ----------------------------------------------------------------------------------
@require_GET
@actor_required(can_read)
def file_detail(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    file = policies.get_file(actor, pk)
    parts = selectors.file_page(actor, file)
    today = timezone.localdate()
    plan = parts.plan
    measure_reviews: dict[int, list[Any]] = {m.pk: [] for m in parts.measures}
    for review in parts.measure_reviews:
        measure_reviews[review.measure_id].append(review)
    placements = parts.placements
    visits: dict[int, list[Any]] = {p.pk: [] for p in placements}
    for visit in parts.follow_up_visits:
        visits[visit.placement_id].append(visit)
    work = policies.can_work_on_file(actor, file)
    context = {
        "file": file,
        "child": file.child,
        "age": file.child.age_on(today),
        "today": today,
        "diagnosis": parts.diagnosis,
        "rights": parts.rights,
        "plan": plan,
        "actions": parts.actions,
        "plan_reviews": parts.plan_reviews,
        "measures": [(m, measure_reviews[m.pk]) for m in parts.measures],
        "gatekeepings": parts.gatekeepings,
        "placements": [(p, visits[p.pk]) for p in placements],
        "current": next((p for p in placements if p.end_on is None), None),
        "transfers": parts.transfers,
        "can_work": work and file.is_open,
        "can_reopen": work and not file.is_open,
        "can_supervise": policies.can_supervise_file(actor, file),
        "plan_editable": plan is not None and plan.status in (PlanStatus.DRAFT, PlanStatus.RETURNED),
        "version_form": forms.VersionForm(),
        "adoption": _adoption(file, parts.adoption_assignments, work=work and file.is_open),
        "MeasureStatus": MeasureStatus,
        "GatekeepingStatus": GatekeepingStatus,
    }
    return render(request, "protection/files/file_detail.html", context)


@require_GET
@actor_required(can_supervise)
def file_openings(request: ActorRequest, pk: int) -> HttpResponse:
    """Who opened this file or its child's record, and when (the supervisor's view)."""
    actor = get_actor(request)
    file = policies.get_file_for_supervision(actor, pk)
    events = policies.list_openings(actor, file)
    return render(request, "protection/files/file_openings.html", {"file": file, "events": events})


# --- Diagnosis and rights -----------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@actor_required(can_work)
def diagnosis_edit(request: ActorRequest, pk: int) -> HttpResponse:
    """The diagnosis of one area (``?area=``): a new entry, or a new assessment replacing the last."""
    actor = get_actor(request)
    file = policies.get_file_for_work(actor, pk)
    area = (request.POST if request.method == "POST" else request.GET).get("area", "")
    entry = policies.visible_diagnosis(actor).filter(file=file, area=area).first() if area else None
    initial: dict[str, Any] = {"area": area}
    if entry is not None:
        initial |= {"findings": entry.findings, "needs": entry.needs, "version": entry.version}
    form = forms.DiagnosisForm(request.POST if request.method == "POST" else None, initial=initial)
    return _form_page(
        request,
        file=file,
        form=form,
        title=_("Diagnosis of an area"),
        anchor="diagnosis-h",
        done=_("Diagnosis saved."),
        call=lambda d: file_services.record_diagnosis(
            actor=actor,
            file=file,
            area=d["area"],
            findings=d["findings"],
            needs=d["needs"],
            assessed_on=d["assessed_on"],
            expected_version=d["version"],
        ),
    )


@require_http_methods(["GET", "POST"])
@actor_required(can_work)
def right_edit(request: ActorRequest, pk: int) -> HttpResponse:
    """A right restricted or violated, or restored (``?right=`` opens the one recorded)."""
    actor = get_actor(request)
    file = policies.get_file_for_work(actor, pk)
    right = (request.POST if request.method == "POST" else request.GET).get("right", "")
    row = policies.visible_rights(actor).filter(file=file, right=right).first() if right else None
    initial: dict[str, Any] = {"right": right}
    if row is not None:
        initial |= {"status": row.status, "note": row.note, "version": row.version}
    form = forms.RightForm(request.POST if request.method == "POST" else None, initial=initial)
    return _form_page(
        request,
        file=file,
        form=form,
        title=_("A right restricted or violated"),
        anchor="rights-h",
        done=_("Right saved."),
        call=lambda d: file_services.set_right(
            actor=actor,
            file=file,
            right=d["right"],
            status=d["status"],
            note=d["note"],
            expected_version=d["version"],
        ),
    )


# --- The restitution plan -----------------------------------------------------------------------------
def _plan(actor: Actor, file: ProtectionFile) -> RestitutionPlan | None:
    return policies.visible_plans(actor).filter(file=file).first()


def _plan_or_404(actor: Actor, file: ProtectionFile) -> RestitutionPlan:
    plan = _plan(actor, file)
    if plan is None:
        raise Http404
    return plan


@require_http_methods(["GET", "POST"])
@actor_required(can_work)
def plan_edit(request: ActorRequest, pk: int) -> HttpResponse:
    """The plan's objective (the plan is created with its first save)."""
    actor = get_actor(request)
    file = policies.get_file_for_work(actor, pk)
    plan = _plan(actor, file)
    initial = {"objective": plan.objective, "version": plan.version} if plan else {}
    form = forms.PlanForm(request.POST if request.method == "POST" else None, initial=initial)
    return _form_page(
        request,
        file=file,
        form=form,
        title=_("Objective of the restitution plan"),
        anchor="plan-h",
        done=_("Plan saved."),
        extra={"plan": plan},
        call=lambda d: file_services.save_plan(
            actor=actor, file=file, objective=d["objective"], expected_version=d["version"]
        ),
    )


def _institutions(file: ProtectionFile) -> QuerySet[Institution]:
    """The active institutions of the file's country (the sectors' co-responsible bodies)."""
    country = file.path.split(".")[0] + "."
    return Institution.objects.filter(is_active=True, org_unit__path__startswith=country).order_by("name")


@require_http_methods(["GET", "POST"])
@actor_required(can_work)
@once_per_submission
def action_new(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    file = policies.get_file_for_work(actor, pk)
    plan = _plan_or_404(actor, file)
    form = forms.ActionForm(request.POST if request.method == "POST" else None, institutions=_institutions(file))
    return _form_page(
        request,
        file=file,
        form=form,
        title=_("New action of the plan"),
        anchor="plan-h",
        done=_("Action added."),
        extra={"plan": plan},
        call=lambda d: file_services.add_action(
            actor=actor,
            plan=plan,
            sector=d["sector"],
            description=d["description"],
            owner=d["owner"],
            due_on=d["due_on"],
            institution=d["institution"],
            right=d["right"],
        ),
    )


@require_http_methods(["GET", "POST"])
@actor_required(can_work)
def action_edit(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    action = policies.get_action_for_work(actor, pk)
    file = action.plan.file
    initial = {name: getattr(action, name) for name in file_services.ACTION_EDITABLE} | {"version": action.version}
    form = forms.ActionForm(
        request.POST if request.method == "POST" else None,
        institutions=_institutions(file),
        editing=True,
        initial=initial,
    )
    form.fields["version"].required = True

    def call(d: dict[str, Any]) -> object:
        return file_services.update_action(
            actor=actor,
            action=action,
            expected_version=d["version"],
            sector=d["sector"],
            institution=d["institution"],
            right=d["right"],
            description=d["description"],
            owner=d["owner"],
            due_on=d["due_on"],
            status=d["status"] or action.status,
            evidence=d["evidence"],
        )

    return _form_page(
        request,
        file=file,
        form=form,
        title=_("Action of the plan"),
        anchor="plan-h",
        done=_("Action saved."),
        extra={"plan": action.plan},
        call=call,
    )


@require_POST
@actor_required(can_work)
def plan_submit(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    file = policies.get_file_for_work(actor, pk)
    plan = _plan_or_404(actor, file)
    return _button(
        request,
        file=file,
        form=forms.VersionForm(request.POST),
        done=_("The plan was sent to the supervisor for approval."),
        call=lambda d: file_services.submit_plan(actor=actor, plan=plan, expected_version=d["version"]),
    )


@require_POST
@actor_required(can_supervise)
def plan_approve(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    file = policies.get_file_for_supervision(actor, pk)
    plan = _plan_or_404(actor, file)
    return _button(
        request,
        file=file,
        form=forms.VersionForm(request.POST),
        done=_("Plan approved."),
        call=lambda d: file_services.approve_plan(actor=actor, plan=plan, expected_version=d["version"]),
    )


@require_http_methods(["GET", "POST"])
@actor_required(can_supervise)
def plan_return(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    file = policies.get_file_for_supervision(actor, pk)
    plan = _plan_or_404(actor, file)
    form = forms.ReturnPlanForm(request.POST if request.method == "POST" else None, initial={"version": plan.version})
    return _form_page(
        request,
        file=file,
        form=form,
        title=_("Return the plan for changes"),
        anchor="plan-h",
        done=_("The plan was returned for changes."),
        extra={"plan": plan},
        call=lambda d: file_services.return_plan(actor=actor, plan=plan, note=d["note"], expected_version=d["version"]),
    )


@require_http_methods(["GET", "POST"])
@actor_required(can_work)
@once_per_submission
def plan_review(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    file = policies.get_file_for_work(actor, pk)
    plan = _plan_or_404(actor, file)
    form = forms.PlanReviewForm(
        request.POST if request.method == "POST" else None, initial={"reviewed_on": timezone.localdate()}
    )
    return _form_page(
        request,
        file=file,
        form=form,
        title=_("Review of the restitution plan"),
        anchor="plan-h",
        done=_("Plan review recorded."),
        extra={"plan": plan},
        call=lambda d: file_services.review_plan(
            actor=actor,
            plan=plan,
            reviewed_on=d["reviewed_on"],
            summary=d["summary"],
            next_review_on=d["next_review_on"],
        ),
    )


# --- Measures -----------------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@actor_required(can_work)
@once_per_submission
def measure_new(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    file = policies.get_file_for_work(actor, pk)
    form = forms.MeasureForm(
        request.POST if request.method == "POST" else None,
        types=policies.measure_types_for(file.path),
        initial={"issued_on": timezone.localdate()},
    )
    return _form_page(
        request,
        file=file,
        form=form,
        title=_("New protective measure"),
        anchor="measures-h",
        done=_("Protective measure recorded."),
        call=lambda d: measure_services.record_measure(
            actor=actor,
            file=file,
            type=d["type"],
            issuing_authority=d["issuing_authority"],
            issued_on=d["issued_on"],
            legal_basis=d["legal_basis"],
            description=d["description"],
            review_interval_months=d["review_interval_months"],
        ),
    )


@require_http_methods(["GET", "POST"])
@actor_required(can_work)
def measure_review(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    measure = policies.get_measure_for_work(actor, pk)
    form = forms.MeasureReviewForm(
        request.POST if request.method == "POST" else None,
        initial={"reviewed_on": timezone.localdate(), "version": measure.version},
    )
    return _form_page(
        request,
        file=measure.file,
        form=form,
        title=_("Review of the measure “%(type)s”") % {"type": measure.type.name},
        anchor="measures-h",
        done=_("Review of the measure recorded."),
        extra={"measure": measure},
        call=lambda d: measure_services.review_measure(
            actor=actor,
            measure=measure,
            reviewed_on=d["reviewed_on"],
            outcome=d["outcome"],
            participants=d["participants"],
            child_heard=d["child_heard"],
            child_opinion=d["child_opinion"],
            notes=d["notes"],
            end_reason=d["end_reason"],
            expected_version=d["version"],
        ),
    )


@require_http_methods(["GET", "POST"])
@actor_required(can_work)
def measure_ratify(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    measure = policies.get_measure_for_work(actor, pk)
    form = forms.RatifyForm(request.POST if request.method == "POST" else None, initial={"version": measure.version})
    return _form_page(
        request,
        file=measure.file,
        form=form,
        title=_("Ratification of the measure “%(type)s”") % {"type": measure.type.name},
        anchor="measures-h",
        done=_("Ratification recorded."),
        extra={"measure": measure},
        call=lambda d: measure_services.ratify_measure(
            actor=actor,
            measure=measure,
            ratified_on=d["ratified_on"],
            ratified_by=d["ratified_by"],
            expected_version=d["version"],
        ),
    )


@require_http_methods(["GET", "POST"])
@actor_required(can_work)
def measure_end(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    measure = policies.get_measure_for_work(actor, pk)
    form = forms.EndMeasureForm(
        request.POST if request.method == "POST" else None,
        initial={"ended_on": timezone.localdate(), "version": measure.version},
    )
    return _form_page(
        request,
        file=measure.file,
        form=form,
        title=_("End the measure “%(type)s”") % {"type": measure.type.name},
        anchor="measures-h",
        done=_("The measure has ended."),
        extra={"measure": measure},
        call=lambda d: measure_services.end_measure(
            actor=actor,
            measure=measure,
            ended_on=d["ended_on"],
            end_reason=d["end_reason"],
            end_note=d["end_note"],
            expected_version=d["version"],
        ),
    )


# --- Gatekeeping ----------------------------------------------------------------------------------------
def _gatekeeping_fields(d: dict[str, Any]) -> dict[str, Any]:
    names = (
        "decided_on",
        "alternatives",
        "alternatives_note",
        "necessity",
        "suitability",
        "decided_by",
        "under_three_justification",
    )
    return {name: d[name] for name in names}


@require_http_methods(["GET", "POST"])
@actor_required(can_work)
@once_per_submission
def gatekeeping_new(request: ActorRequest, pk: int) -> HttpResponse:
    """The gatekeeping record of an entry into alternative care, before the entry."""
    actor = get_actor(request)
    file = policies.get_file_for_work(actor, pk)
    form = forms.GatekeepingForm(
        request.POST if request.method == "POST" else None, initial={"decided_on": timezone.localdate()}
    )
    return _form_page(
        request,
        file=file,
        form=form,
        title=_("Gatekeeping record"),
        anchor="gatekeeping-h",
        done=_("Gatekeeping record saved."),
        call=lambda d: placement_services.record_gatekeeping(
            actor=actor, file=file, setting=d["setting"], **_gatekeeping_fields(d)
        ),
    )


@require_http_methods(["GET", "POST"])
@actor_required(can_work)
@once_per_submission
def gatekeeping_emergency(request: ActorRequest, pk: int) -> HttpResponse:
    """An emergency entry: the record is created pending and completed within the legal days."""
    actor = get_actor(request)
    file = policies.get_file_for_work(actor, pk)
    form = forms.EmergencyForm(
        request.POST if request.method == "POST" else None, initial={"entry_on": timezone.localdate()}
    )
    return _form_page(
        request,
        file=file,
        form=form,
        title=_("Emergency entry into care"),
        anchor="gatekeeping-h",
        done=ngettext(
            "Emergency entry recorded: complete its gatekeeping record within %(days)d day.",
            "Emergency entry recorded: complete its gatekeeping record within %(days)d days.",
            placement_services.gatekeeping_days(),
        )
        % {"days": placement_services.gatekeeping_days()},
        call=lambda d: placement_services.emergency_gatekeeping(
            actor=actor, file=file, setting=d["setting"], entry_on=d["entry_on"]
        ),
    )


@require_http_methods(["GET", "POST"])
@actor_required(can_work)
def gatekeeping_complete(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    gatekeeping = policies.get_gatekeeping_for_work(actor, pk)
    initial = {
        "decided_on": timezone.localdate(),
        "alternatives": gatekeeping.alternatives,
        "alternatives_note": gatekeeping.alternatives_note,
        "necessity": gatekeeping.necessity,
        "suitability": gatekeeping.suitability,
        "decided_by": gatekeeping.decided_by,
        "under_three_justification": gatekeeping.under_three_justification,
        "version": gatekeeping.version,
    }
    form = forms.GatekeepingForm(request.POST if request.method == "POST" else None, completing=True, initial=initial)
    form.fields["version"].required = True
    return _form_page(
        request,
        file=gatekeeping.file,
        form=form,
        title=_("Complete the gatekeeping record"),
        anchor="gatekeeping-h",
        done=_("Gatekeeping record completed."),
        extra={"gatekeeping": gatekeeping},
        call=lambda d: placement_services.complete_gatekeeping(
            actor=actor, gatekeeping=gatekeeping, expected_version=d["version"], **_gatekeeping_fields(d)
        ),
    )


@require_POST
@actor_required(can_supervise)
def gatekeeping_approve(request: ActorRequest, pk: int) -> HttpResponse:
    """A supervisor approves the exception for a child under three entering residential care."""
    actor = get_actor(request)
    gatekeeping = policies.get_gatekeeping_for_work(actor, pk)
    file = gatekeeping.file
    if not policies.can_supervise_file(actor, file):
        raise Http404
    form = forms.VersionForm(request.POST)
    if form.is_valid():
        with service_errors_on(form):
            placement_services.approve_exception(
                actor=actor, gatekeeping=gatekeeping, expected_version=form.cleaned_data["version"]
            )
            messages.success(request, _("Exception approved."))
            return _back(file, "gatekeeping-h")
    flash_errors(request, form)
    return _back(file, "gatekeeping-h")


# --- Placements ----------------------------------------------------------------------------------------
def _setting(value: str) -> str:
    return value if value in CareSetting.values else ""


@require_http_methods(["GET", "POST"])
@actor_required(can_work)
@once_per_submission
def placement_new(request: ActorRequest, pk: int) -> HttpResponse:
    """Where the child goes to live (``?setting=`` preselects it); for foster care, the families of
    the bank that could receive them, best first, and those that cannot and why."""
    actor = get_actor(request)
    file = policies.get_file_for_work(actor, pk)
    source = request.POST if request.method == "POST" else request.GET
    setting = _setting(source.get("setting", ""))
    parts = policies.parts_of(actor, file)
    form = forms.PlacementForm(
        request.POST if request.method == "POST" else None,
        initial={"setting": setting, "start_on": timezone.localdate()},
        gatekeepings=parts.gatekeepings.order_by("-id"),
        measures=parts.measures.filter(status=MeasureStatus.ACTIVE).select_related("type"),
        facilities=policies.visible_facilities(actor).filter(is_active=True).order_by("name"),
        families=policies.visible_foster_families(actor).filter(status__in=matching.CANDIDATE_STATUSES),
        adopters=policies.visible_adopters(actor).order_by("code"),
    )
    suggestions = matching.suggest_families(actor, file) if setting in FOSTER_SETTINGS else []

    def call(d: dict[str, Any]) -> object:
        return placement_services.place_child(
            actor=actor,
            file=file,
            setting=d["setting"],
            start_on=d["start_on"],
            gatekeeping=d["gatekeeping"],
            measure=d["measure"],
            facility=d["facility"],
            foster_family=d["foster_family"],
            adopter=d["adopter"],
            carer_name=d["carer_name"],
            change_reason=d["change_reason"],
            siblings_together=d["siblings_together"],
            siblings_note=d["siblings_note"],
            contact_plan=d["contact_plan"],
            capacity_override_reason=d["capacity_override_reason"],
        )

    return _form_page(
        request,
        file=file,
        form=form,
        title=_("New placement"),
        anchor="placements-h",
        done=_("Placement recorded."),
        extra={"suggestions": suggestions, "setting": setting, "foster_settings": sorted(FOSTER_SETTINGS)},
        template="protection/files/placement_form.html",
        call=call,
    )


@require_http_methods(["GET", "POST"])
@actor_required(can_work)
def placement_end(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    placement = policies.get_placement_for_work(actor, pk)
    form = forms.EndPlacementForm(
        request.POST if request.method == "POST" else None,
        initial={"end_on": timezone.localdate(), "version": placement.version},
    )
    return _form_page(
        request,
        file=placement.file,
        form=form,
        title=_("End the placement"),
        anchor="placements-h",
        done=_("The placement has ended."),
        extra={"placement": placement},
        call=lambda d: placement_services.end_placement(
            actor=actor,
            placement=placement,
            end_on=d["end_on"],
            end_reason=d["end_reason"],
            note=d["note"],
            expected_version=d["version"],
        ),
    )


@require_http_methods(["GET", "POST"])
@actor_required(can_work)
@once_per_submission
def follow_up_new(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    placement = policies.get_placement_for_work(actor, pk)
    form = forms.FollowUpForm(
        request.POST if request.method == "POST" else None, initial={"visited_on": timezone.localdate()}
    )
    return _form_page(
        request,
        file=placement.file,
        form=form,
        title=_("Follow-up visit"),
        anchor="placements-h",
        done=_("Follow-up visit recorded."),
        extra={"placement": placement},
        call=lambda d: placement_services.record_follow_up_visit(
            actor=actor, placement=placement, visited_on=d["visited_on"], findings=d["findings"]
        ),
    )


# --- Transfer, closing, reopening -----------------------------------------------------------------------
def _receiving_offices(file: ProtectionFile) -> QuerySet[Institution]:
    return policies.receiving_offices(file)


def _receiving_officers(file: ProtectionFile) -> QuerySet[User]:
    return policies.receiving_officers(file)


@require_http_methods(["GET", "POST"])
@actor_required(can_work)
def file_transfer(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    file = policies.get_file_for_work(actor, pk)
    form = forms.TransferForm(
        request.POST if request.method == "POST" else None,
        offices=_receiving_offices(file),
        officers=_receiving_officers(file),
        initial={"version": file.version},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        with service_errors_on(form):
            transfer = file_services.transfer_file(
                actor=actor,
                file=file,
                to_office=d["to_office"],
                to_officer=d["to_officer"],
                reason=d["reason"],
                expected_version=d["version"],
            )
            messages.success(request, _("The file was transferred to %(office)s.") % {"office": transfer.to_office})
            # The file may now be out of the actor's reach: back to the caseload.
            if policies.visible_files(actor).filter(pk=file.pk).exists():
                return _back(file, "transfers-h")
            return redirect("protection:file_list")
    return render(
        request,
        "protection/files/form.html",
        {"file": file, "form": form, "title": _("Transfer the file to another office"), "anchor": "transfers-h"},
    )


@require_http_methods(["GET", "POST"])
@actor_required(can_work)
def file_close(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    file = policies.get_file_for_work(actor, pk)
    form = forms.CloseForm(request.POST if request.method == "POST" else None, initial={"version": file.version})
    return _form_page(
        request,
        file=file,
        form=form,
        title=_("Close the file"),
        anchor="",
        done=_("The file was closed."),
        call=lambda d: file_services.close_file(
            actor=actor,
            file=file,
            reason=d["reason"],
            note=d["note"],
            closed_on=d["closed_on"],
            expected_version=d["version"],
        ),
    )


@require_http_methods(["GET", "POST"])
@actor_required(can_work)
def file_reopen(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    file = policies.get_file_for_work(actor, pk)
    form = forms.ReopenForm(request.POST if request.method == "POST" else None, initial={"version": file.version})
    return _form_page(
        request,
        file=file,
        form=form,
        title=_("Reopen the file"),
        anchor="",
        done=_("The file is open again."),
        call=lambda d: file_services.reopen_file(
            actor=actor, file=file, reason=d["reason"], expected_version=d["version"]
        ),
    )


# --- Adoption -----------------------------------------------------------------------------------------
OPEN_ASSIGNMENTS = frozenset({AssignmentStatus.PROPOSED, AssignmentStatus.ACCEPTED})
ADOPTION_DONE = {
    AssignmentStatus.ACCEPTED: gettext_lazy("The proposal was accepted."),
    AssignmentStatus.COMPLETED: gettext_lazy("Adoption completed: the applicants' application is closed."),
    AssignmentStatus.WITHDRAWN: gettext_lazy("The proposal was withdrawn: the applicants are suitable again."),
}


def _decisions(assignment: AdoptionAssignment) -> list[tuple[str, Any]]:
    allowed = resource_services.ASSIGNMENT_MOVES.get(assignment.status, frozenset())
    return [(value, label) for value, label in forms.ADOPTION_DECISIONS if value in allowed]


def _adoption(file: ProtectionFile, assignments: list[AdoptionAssignment], *, work: bool) -> dict[str, Any]:
    """The file's "Adoption" section: the ruling that declared the child adoptable, the assignments
    (the open one with its decision form), and the forms of whoever works on the open file. Shown
    when there is something to show or to do."""
    rows = [
        (
            a,
            forms.AdoptionDecisionForm(
                initial={"version": a.version}, decisions=_decisions(a), prefix=f"decision-{a.pk}"
            )
            if work and a.status in OPEN_ASSIGNMENTS
            else None,
        )
        for a in assignments
    ]
    declared = file.declared_adoptable_on is not None
    initial = {"declared_on": file.declared_adoptable_on, "ruling": file.adoptability_ruling, "version": file.version}
    return {
        "shown": work or declared or bool(assignments),
        "rows": rows,
        "form": forms.AdoptableForm(initial=initial, prefix="adoptable") if work else None,
        "can_propose": work and declared and not any(a.status in OPEN_ASSIGNMENTS for a in assignments),
    }


def _post_back(
    request: ActorRequest,
    *,
    file: ProtectionFile,
    form: Any,
    call: Callable[[dict[str, Any]], object],
    done: Callable[[dict[str, Any]], str],
    anchor: str,
) -> HttpResponse:
    """A form of the file's page (not a page of its own): the service, a message and back to the
    section; refused, back with the errors as messages and nothing saved."""
    if form.is_valid():
        with service_errors_on(form):
            call(form.cleaned_data)
            messages.success(request, done(form.cleaned_data))
            return _back(file, anchor)
    flash_errors(request, form)
    return _back(file, anchor)


@require_POST
@actor_required(can_work)
def file_adoptable(request: ActorRequest, pk: int) -> HttpResponse:
    """The judge's ruling that declared the child adoptable (or its correction): the child enters
    the adoption registry and an adoption may be proposed."""
    actor = get_actor(request)
    file = policies.get_file_for_work(actor, pk)
    return _post_back(
        request,
        file=file,
        form=forms.AdoptableForm(request.POST, prefix="adoptable"),
        anchor="adoption-h",
        done=lambda _d: _("The ruling that declared the child adoptable was recorded."),
        call=lambda d: resource_services.declare_adoptable(
            actor=actor,
            file=file,
            declared_on=d["declared_on"],
            ruling=d["ruling"],
            expected_version=d["version"],
        ),
    )


@dataclass(frozen=True)
class AdopterFit:
    """A suitable application of the registry and why its profile does not fit the child (empty:
    it fits)."""

    adopter: ProspectiveAdopter
    problems: list[str]


def _siblings(value: str | None) -> int:
    try:
        number = int(value or 0)
    except ValueError:
        return 0
    return number if 0 <= number <= forms.MAX_SIBLINGS else 0


def _fits(
    adopters: Iterable[ProspectiveAdopter], file: ProtectionFile, day: dt.date, siblings: int
) -> list[AdopterFit]:
    """The applications that fit first (by code), then the others with their reasons: the rules of
    ``propose_adoption``, asked before the proposal."""
    rows = []
    for adopter in adopters:
        problems = resource_services.adopter_fit_problems(adopter, file, day=day, siblings=siblings)
        if not resource_services.suitability_is_valid(adopter, day):
            problems.insert(0, _("The applicants' suitability certificate has expired: they must be studied again."))
        rows.append(AdopterFit(adopter=adopter, problems=problems))
    return sorted(rows, key=lambda row: bool(row.problems))


@require_http_methods(["GET", "POST"])
@actor_required(can_work)
@once_per_submission
def adoption_propose(request: ActorRequest, pk: int) -> HttpResponse:
    """Propose suitable applicants of the registry for a child declared adoptable: the applications
    declared suitable that the actor sees, those that fit the child first and the others with why
    (``?siblings=`` counts the brothers and sisters adopted together), by code only."""
    actor = get_actor(request)
    file = policies.get_file_for_work(actor, pk)
    today = timezone.localdate()
    source = request.POST if request.method == "POST" else request.GET
    siblings = _siblings(source.get("siblings"))
    suitable = policies.visible_adopters(actor).filter(status=AdopterStatus.SUITABLE).order_by("code", "id")
    form = forms.ProposeAdoptionForm(
        request.POST if request.method == "POST" else None,
        adopters=suitable,
        initial={"proposed_on": today, "siblings": siblings},
    )
    blockers = []
    if not file.is_open:
        blockers.append(_("The file is closed: reopen it before proposing an adoption."))
    if file.declared_adoptable_on is None:
        blockers.append(_("The child has not been declared adoptable by a judge: an adoption cannot be proposed."))
    if policies.parts_of(actor, file).adoption_assignments.filter(status__in=OPEN_ASSIGNMENTS).exists():
        blockers.append(_("The child already has an adoption proposal in progress."))
    return _form_page(
        request,
        file=file,
        form=form,
        title=_("Propose an adoption"),
        anchor="adoption-h",
        done=_("Adoption proposed: record what becomes of it on the file."),
        extra={"rows": _fits(suitable, file, today, siblings), "siblings": siblings, "blockers": blockers},
        template="protection/files/adoption_propose.html",
        call=lambda d: resource_services.propose_adoption(
            actor=actor,
            file=file,
            adopter=d["adopter"],
            reasons=d["reasons"],
            proposed_on=d["proposed_on"],
            siblings=d["siblings"] or 0,
        ),
    )


@require_POST
@actor_required(can_work)
def adoption_decide(request: ActorRequest, pk: int) -> HttpResponse:
    """What became of a proposal: accepted, adoption completed (the application closes) or
    withdrawn (the applicants are suitable again), with the version read."""
    actor = get_actor(request)
    assignment = policies.get_assignment_for_work(actor, pk)
    return _post_back(
        request,
        file=assignment.file,
        form=forms.AdoptionDecisionForm(request.POST, prefix=f"decision-{assignment.pk}"),
        anchor="adoption-h",
        done=lambda d: str(ADOPTION_DONE[AssignmentStatus(d["decision"])]),
        call=lambda d: resource_services.decide_adoption(
            actor=actor,
            assignment=assignment,
            decision=d["decision"],
            expected_version=d["version"],
            on=d["on"],
        ),
    )
