"""The pages of the care resources (issue #12, items 5-7): the residential-care facilities (CAS) of
the actor's state with their occupancy, staffing ratio and supervision visits; the foster-family
bank and its recruitment campaigns; the registry of prospective adopters.

Thin: ``policies`` reaches the resource (a family's or an adopter's record logs the read: their
contact is an adult's personal data), a form, a ``services.resources`` service, a redirect or the
form again. A resource outside the actor's state answers 404, the same as one that does not exist.
The facility pages never name a child: the profile of who lives there is counts only.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ronda.cases.models import Sex
from ronda.core.idempotency import once_per_submission
from ronda.core.tenancy import Actor
from ronda.core.views_helpers import (
    ActorRequest,
    actor_required,
    flash_errors,
    get_actor,
    service_errors_on,
)
from ronda.protection import forms_resources as forms
from ronda.protection import occupancy, policies
from ronda.protection.models import (
    AdopterStatus,
    CorrectiveAction,
    CorrectiveStatus,
    Facility,
    FacilityStaffing,
    FindingResult,
    FosterFamily,
    FosterStatus,
    Placement,
    ProspectiveAdopter,
    SupervisionStatus,
    SupervisionVisit,
)
from ronda.protection.services import resources as services
from ronda.tablero.suppression import Figure
from ronda.territory.models import Level, OrgUnit
from ronda.territory.selectors import large_columns


def can_read_resources(actor: Actor) -> bool:
    """The module-level check of the reading pages: officers and supervisors (an administrator only
    inside a break-glass grant); which resources follows in ``policies.visible_*``."""
    return policies.can_read_files(actor)


def can_manage(actor: Actor) -> bool:
    """The module-level check of the writing pages (which resource follows in the policy)."""
    return policies.can_manage_resources(actor)


def _units(actor: Actor) -> QuerySet[OrgUnit]:
    """The states and municipalities a resource may belong to for this actor: those of their state."""
    scopes = {policies.state_path(scope) for scope in actor.personal_data_scopes or () if scope}
    if not scopes or not policies.can_manage_resources(actor):
        return OrgUnit.objects.none()
    condition = reduce(or_, (Q(path__startswith=prefix) for prefix in scopes))
    return (
        OrgUnit.objects.filter(condition, level__in=(Level.REGION, Level.MUNICIPALITY), is_active=True)
        .defer(*large_columns())
        .order_by("level", "name")
    )


def _municipalities(actor: Actor) -> QuerySet[OrgUnit]:
    return _units(actor).filter(level=Level.MUNICIPALITY)


def _unit_initial(actor: Actor) -> int | None:
    return actor.org_unit.pk if actor.org_unit is not None else None


def _percent(part: int, whole: int) -> float | None:
    return 100 * part / whole if whole else None


# --- Facilities -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class FacilityRow:
    facility: Facility
    children: int
    percent: float | None
    ratio: occupancy.Ratio
    last_visit: dt.date | None
    overdue_actions: int

    @property
    def full(self) -> bool:
        return self.children >= self.facility.capacity


def _ratios(actor: Actor, facilities: Sequence[Facility], day: dt.date) -> dict[int, occupancy.Ratio]:
    """The legal staffing ratio of each facility on ``day``, in two queries for the whole list (the
    rule of ``occupancy.staffing_ratio``: a child whose age is unknown counts as older)."""
    ids = [f.pk for f in facilities]
    under_one: Counter[int] = Counter()
    older: Counter[int] = Counter()
    # Ages only, for a count: the children are never listed on these pages.
    current = Placement.objects.filter(occupancy.current_on(day), facility_id__in=ids).select_related("file__child")
    for placement in current:
        age = placement.file.child.age_on(day)
        assert placement.facility_id is not None
        if age is not None and age < 1:
            under_one[placement.facility_id] += 1
        else:
            older[placement.facility_id] += 1
    latest: dict[int, FacilityStaffing] = {}
    records = policies.visible_staffing(actor).filter(facility_id__in=ids, as_of__lte=day)
    for record in records.order_by("facility_id", "-as_of", "-id"):
        latest.setdefault(record.facility_id, record)
    ratios = {}
    for pk in ids:
        staffing = latest.get(pk)
        ratios[pk] = occupancy.Ratio(
            day=day,
            children_under_one=under_one[pk],
            older=older[pk],
            required=occupancy.required_carers(under_one[pk], older[pk]),
            carers=staffing.carers if staffing is not None else None,
            staffing_as_of=staffing.as_of if staffing is not None else None,
        )
    return ratios


@require_GET
@actor_required(can_read_resources)
def facility_list(request: ActorRequest) -> HttpResponse:
    actor = get_actor(request)
    today = timezone.localdate()
    last_visit = (
        SupervisionVisit.objects.filter(facility=OuterRef("pk")).order_by("-visited_on", "-id").values("visited_on")[:1]
    )
    overdue = (
        CorrectiveAction.objects.filter(visit__facility=OuterRef("pk"), status=CorrectiveStatus.OPEN, due_on__lt=today)
        .values("visit__facility")
        .annotate(n=Count("id"))
        .values("n")[:1]
    )
    facilities = list(
        policies.visible_facilities(actor)
        .select_related("unit")
        .defer(*large_columns("unit"))
        .annotate(
            last_visit_on=Subquery(last_visit),
            overdue_actions=Coalesce(Subquery(overdue, output_field=IntegerField()), 0),
        )
        .order_by("-is_active", "name")
    )
    counts = occupancy.occupancy_by_facility([f.pk for f in facilities], today)
    ratios = _ratios(actor, facilities, today)
    rows = [
        FacilityRow(
            facility=f,
            children=counts[f.pk],
            percent=_percent(counts[f.pk], f.capacity),
            ratio=ratios[f.pk],
            last_visit=f.last_visit_on,  # type: ignore[attr-defined]
            overdue_actions=f.overdue_actions,  # type: ignore[attr-defined]
        )
        for f in facilities
    ]
    active = [row for row in rows if row.facility.is_active]
    context = {
        "rows": rows,
        "capacity": sum(row.facility.capacity for row in active),
        "occupied": sum(row.children for row in active),
        "can_manage": policies.can_manage_resources(actor),
    }
    return render(request, "protection/resources/facility_list.html", context)


def _facility_service_fields(data: dict[str, Any]) -> dict[str, Any]:
    names = (
        "name",
        "operator",
        "operator_name",
        "licence_number",
        "licence_valid_until",
        "register_number",
        "capacity",
        "min_age",
        "max_age",
        "address",
        "opened_on",
    )
    return {name: data[name] for name in names}


@require_http_methods(["GET", "POST"])
@actor_required(can_manage)
@once_per_submission
def facility_new(request: ActorRequest) -> HttpResponse:
    actor = get_actor(request)
    form = forms.FacilityForm(request.POST or None, units=_units(actor), initial={"unit": _unit_initial(actor)})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors_on(form):
            facility = services.register_facility(actor=actor, unit=data["unit"], **_facility_service_fields(data))
            messages.success(request, _("Facility %(name)s registered.") % {"name": facility.name})
            return redirect("protection:facility_detail", pk=facility.pk)
    return render(request, "protection/resources/facility_form.html", {"form": form, "facility": None})


AGE_BAND_LABELS = {
    "0-2": pgettext_lazy("age band", "0 to 2 years"),
    "3-5": pgettext_lazy("age band", "3 to 5 years"),
    "6-11": pgettext_lazy("age band", "6 to 11 years"),
    "12-17": pgettext_lazy("age band", "12 to 17 years"),
    occupancy.UNKNOWN_AGE: pgettext_lazy("age band", "Age unknown"),
    occupancy.ADULT: pgettext_lazy("age band", "18 or older"),
}

STAY_LABELS = {
    "0-3m": gettext_lazy("Less than 3 months"),
    "3-12m": gettext_lazy("3 to 12 months"),
    "1-2y": gettext_lazy("1 to 2 years"),
    "2y+": gettext_lazy("More than 2 years"),
}


def _rows(
    profile: occupancy.FacilityProfile, name: str, counts: dict[str, int], keys: list[str], label: Callable[[str], str]
) -> list[tuple[str, Figure]]:
    """One breakdown of the profile: every cell, hidden ones with their mark ("<5", "x"); a withheld
    breakdown as one line saying why."""
    if name in profile.withheld:
        return [(_("Not shown: with so few children it would identify them."), Figure(None))]
    rows = []
    for key in keys:
        reason = profile.hidden.get(f"{name}:{key}")
        rows.append((label(key), Figure(None, reason) if reason is not None else Figure(counts.get(key, 0))))
    return rows


def _profile_rows(profile: occupancy.FacilityProfile) -> dict[str, list[tuple[str, Figure]]]:
    ages = [*profile.by_age_band, *(key.split(":", 1)[1] for key in profile.hidden if key.startswith("age:"))]
    age_order = [name for name, _low, _high in occupancy.AGE_BANDS] + [occupancy.UNKNOWN_AGE, occupancy.ADULT]
    sexes = [*profile.by_sex, *(key.split(":", 1)[1] for key in profile.hidden if key.startswith("sex:"))]
    return {
        "bands": _rows(
            profile,
            "age",
            profile.by_age_band,
            [name for name in age_order if name in ages],
            lambda name: str(AGE_BAND_LABELS.get(name, name)),
        ),
        "sexes": _rows(
            profile,
            "sex",
            profile.by_sex,
            sorted(set(sexes), key=sexes.index),
            lambda value: str(Sex(value).label) if value in Sex.values else _("Not recorded"),
        ),
        "stays": _rows(
            profile,
            "stay",
            profile.by_stay,
            [name for name, _low, _high in occupancy.STAY_BANDS],
            lambda name: str(STAY_LABELS[name]),
        ),
    }


@require_GET
@actor_required(can_read_resources)
def facility_detail(request: ActorRequest, pk: int) -> HttpResponse:
    """The facility's profile: who lives there in counts (never a name), staffing and the ratio, the
    occupancy month by month, the supervision visits."""
    actor = get_actor(request)
    facility = policies.get_facility(actor, pk)
    today = timezone.localdate()
    profile = occupancy.facility_profile(facility, today, reader=actor)
    open_actions = Count(
        "corrective_actions", filter=Q(corrective_actions__status=CorrectiveStatus.OPEN), distinct=True
    )
    visits = (
        policies.visible_supervision_visits(actor)
        .filter(facility=facility)
        .annotate(
            not_met=Count("findings", filter=Q(findings__result=FindingResult.NOT_MET), distinct=True),
            open_actions=open_actions,
        )
        .order_by("-visited_on", "-id")[:20]
    )
    context = {
        "facility": facility,
        "profile": profile,
        "profile_rows": _profile_rows(profile),
        "percent": _percent(profile.occupancy, facility.capacity),
        "ratio": occupancy.staffing_ratio(facility, today),
        "history": occupancy.occupancy_history(facility, months=12, until=today),
        "staffing": list(policies.visible_staffing(actor).filter(facility=facility).select_related("recorded_by")[:5]),
        "visits": list(visits),
        "can_manage": policies.can_manage_resources(actor, facility.path),
        "licence_expired": facility.licence_valid_until is not None and facility.licence_valid_until < today,
    }
    return render(request, "protection/resources/facility_detail.html", context)


@require_http_methods(["GET", "POST"])
@actor_required(can_manage)
def facility_edit(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    facility = policies.get_facility_for_work(actor, pk)
    initial = {name: getattr(facility, name) for name in services.FACILITY_EDITABLE} | {"version": facility.version}
    form = forms.FacilityEditForm(request.POST or None, units=OrgUnit.objects.none(), initial=initial)
    del form.fields["unit"]  # a facility stays where it was registered
    form.fields["version"].required = True
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        changes = _facility_service_fields(data) | {"is_active": data["is_active"], "closed_on": data["closed_on"]}
        with service_errors_on(form):
            services.update_facility(actor=actor, facility=facility, expected_version=data["version"], **changes)
            messages.success(request, _("Changes saved."))
            return redirect("protection:facility_detail", pk=facility.pk)
    return render(request, "protection/resources/facility_form.html", {"form": form, "facility": facility})


@require_http_methods(["GET", "POST"])
@actor_required(can_manage)
@once_per_submission
def facility_staffing(request: ActorRequest, pk: int) -> HttpResponse:
    """The facility's staffing records, and a new one (the ratio is computed against it)."""
    actor = get_actor(request)
    facility = policies.get_facility_for_work(actor, pk)
    form = forms.StaffingForm(request.POST or None, initial={"as_of": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors_on(form):
            services.record_staffing(
                actor=actor,
                facility=facility,
                as_of=data["as_of"],
                carers=data["carers"],
                professionals=data["professionals"],
            )
            messages.success(request, _("Staffing record saved."))
            return redirect("protection:facility_staffing", pk=facility.pk)
    context = {
        "form": form,
        "facility": facility,
        "ratio": occupancy.staffing_ratio(facility),
        "records": list(policies.visible_staffing(actor).filter(facility=facility).select_related("recorded_by")[:50]),
    }
    return render(request, "protection/resources/facility_staffing.html", context)


# --- Supervision visits ------------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@actor_required(can_manage)
@once_per_submission
def supervision_new(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    facility = policies.get_facility_for_work(actor, pk)
    form = forms.SupervisionVisitForm(request.POST or None, initial={"visited_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors_on(form):
            visit = services.record_supervision_visit(
                actor=actor,
                facility=facility,
                visited_on=data["visited_on"],
                visitors=data["visitors"],
                summary=data["summary"],
                children_present=data["children_present"],
            )
            messages.success(request, _("Supervision visit recorded: now fill in its checklist."))
            return redirect("protection:supervision_detail", pk=visit.pk)
    context = {"form": form, "facility": facility, "occupancy": occupancy.current_occupancy(facility)}
    return render(request, "protection/resources/supervision_new.html", context)


def _visit_context(actor: Actor, visit: SupervisionVisit, **forms_given: Any) -> dict[str, Any]:
    rows = services.checklist(visit)
    findings = policies.visible_findings(actor).filter(visit=visit).select_related("standard")
    checklist = forms_given.get("checklist") or forms.ChecklistForm(
        standards=[row.standard for row in rows],
        findings=[row.finding for row in rows if row.finding is not None],
        prefix="lista",
    )
    corrective = forms_given.get("corrective") or forms.CorrectiveActionForm(findings=findings, prefix="correctiva")
    today = timezone.localdate()
    actions = list(policies.visible_corrective_actions(actor).filter(visit=visit).select_related("finding__standard"))
    return {
        "visit": visit,
        "facility": visit.facility,
        "rows": rows,
        "answered": sum(1 for row in rows if row.finding is not None),
        "results": Counter(row.finding.result for row in rows if row.finding is not None),
        "checklist": checklist,
        "corrective": corrective,
        "close": forms_given.get("close") or forms.VersionForm(initial={"version": visit.version}, prefix="cierre"),
        "actions": [(a, a.status == CorrectiveStatus.OPEN and a.due_on < today) for a in actions],
        "draft": visit.status == SupervisionStatus.DRAFT,
        "can_manage": policies.can_manage_resources(actor, visit.facility.path),
        "occupancy": occupancy.current_occupancy(visit.facility, visit.visited_on),
    }


def _findings_saved(actor: Actor, visit: SupervisionVisit, form: forms.ChecklistForm) -> None:
    """Every standard answered, or none (one refusal keeps the others unsaved as well)."""
    with transaction.atomic():
        for standard, result, note in form.answers():
            try:
                services.record_finding(actor=actor, visit=visit, standard=standard, result=result, note=note)
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    # The service names its own fields; the page's are per standard.
                    exc.error_dict = {
                        (
                            f"result_{standard.pk}"
                            if key == "result"
                            else f"note_{standard.pk}"
                            if key == "note"
                            else key
                        ): v
                        for key, v in exc.error_dict.items()
                    }
                raise


@require_http_methods(["GET", "POST"])
@actor_required(can_manage)
@once_per_submission
def supervision_detail(request: ActorRequest, pk: int) -> HttpResponse:
    """The visit's checklist (a fieldset per group of standards, one finding each), its corrective
    actions, and closing it. ``do`` says which form was sent: ``lista``, ``correctiva`` or ``cierre``."""
    actor = get_actor(request)
    if request.method == "POST":
        visit = policies.get_supervision_visit_for_work(actor, pk)
    else:
        visit = policies.get_supervision_visit(actor, pk)
    back = redirect("protection:supervision_detail", pk=visit.pk)
    if request.method != "POST":
        return render(request, "protection/resources/supervision_detail.html", _visit_context(actor, visit))
    do = request.POST.get("do")
    if do == "lista":
        rows = services.checklist(visit)
        checklist = forms.ChecklistForm(request.POST, standards=[row.standard for row in rows], prefix="lista")
        if checklist.is_valid():
            with service_errors_on(checklist):
                _findings_saved(actor, visit, checklist)
                messages.success(request, _("Checklist saved."))
                return back
        context = _visit_context(actor, visit, checklist=checklist)
    elif do == "correctiva":
        findings = policies.visible_findings(actor).filter(visit=visit).select_related("standard")
        corrective = forms.CorrectiveActionForm(request.POST, findings=findings, prefix="correctiva")
        if corrective.is_valid():
            data = corrective.cleaned_data
            with service_errors_on(corrective):
                services.add_corrective_action(
                    actor=actor,
                    visit=visit,
                    description=data["description"],
                    due_on=data["due_on"],
                    finding=data["finding"],
                )
                messages.success(request, _("Corrective action added."))
                return back
        context = _visit_context(actor, visit, corrective=corrective)
    elif do == "cierre":
        close = forms.VersionForm(request.POST, prefix="cierre")
        if close.is_valid():
            with service_errors_on(close):
                services.close_supervision_visit(
                    actor=actor, visit=visit, expected_version=close.cleaned_data["version"]
                )
                messages.success(request, _("Supervision visit closed."))
                return back
        context = _visit_context(actor, visit, close=close)
    else:
        raise Http404
    return render(request, "protection/resources/supervision_detail.html", context)


@require_http_methods(["GET", "POST"])
@actor_required(can_manage)
def corrective_edit(request: ActorRequest, pk: int) -> HttpResponse:
    """The follow-up of a corrective action: done (on a day), not done, or still open."""
    actor = get_actor(request)
    action = policies.get_corrective_action_for_work(actor, pk)
    initial = {"status": action.status, "done_on": action.done_on, "follow_up": action.follow_up}
    form = forms.CorrectiveUpdateForm(request.POST or None, initial=initial | {"version": action.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors_on(form):
            services.update_corrective_action(
                actor=actor,
                action=action,
                expected_version=data["version"],
                status=data["status"],
                done_on=data["done_on"],
                follow_up=data["follow_up"],
            )
            messages.success(request, _("Corrective action updated."))
            return redirect("protection:supervision_detail", pk=action.visit_id)
    context = {"form": form, "action": action, "visit": action.visit, "facility": action.visit.facility}
    return render(request, "protection/resources/corrective_form.html", context)


# --- Foster families --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class FamilyRow:
    family: FosterFamily
    children: int

    @property
    def free(self) -> int | None:
        """Free places of a family that may receive a child; None for the others."""
        if self.family.status not in {FosterStatus.APPROVED, FosterStatus.ACTIVE}:
            return None
        return max(self.family.capacity - self.children, 0)


@require_GET
@actor_required(can_read_resources)
def family_list(request: ActorRequest) -> HttpResponse:
    """The bank: how many families at each step of the pipeline, and the families (by code: their
    contact is on their own page, which logs the read)."""
    actor = get_actor(request)
    form = forms.FamilyFilterForm(request.GET or None, units=_municipalities(actor))
    families = policies.visible_foster_families(actor)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["tipo"]:
            families = families.filter(type=data["tipo"])
        if data["municipio"] is not None:
            families = families.filter(unit=data["municipio"])
        pipeline_families = families
        if data["estado"]:
            families = families.filter(status=data["estado"])
    else:
        pipeline_families = families
    by_status = dict(pipeline_families.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    pipeline = [(value, label, by_status.get(value, 0)) for value, label in FosterStatus.choices]
    shown = list(families.select_related("unit").defer(*large_columns("unit")).order_by("code", "id")[:200])
    counts = occupancy.occupancy_by_family([f.pk for f in shown])
    rows = [FamilyRow(family=f, children=counts[f.pk]) for f in shown]
    context = {
        "form": form,
        "pipeline": pipeline,
        "rows": rows,
        "free_places": sum(row.free or 0 for row in rows),
        "can_manage": policies.can_manage_resources(actor),
    }
    return render(request, "protection/resources/family_list.html", context)


def _family_fields(data: dict[str, Any]) -> dict[str, Any]:
    names = (
        "code",
        "type",
        "capacity",
        "min_age",
        "max_age",
        "accepts_siblings",
        "accepts_disability",
        "accepts_migrant",
        "contact_name",
        "phone",
        "address",
        "campaign",
        "notes",
    )
    return {name: data[name] for name in names}


@require_http_methods(["GET", "POST"])
@actor_required(can_manage)
@once_per_submission
def family_new(request: ActorRequest) -> HttpResponse:
    actor = get_actor(request)
    form = forms.FosterFamilyForm(
        request.POST or None,
        units=_units(actor),
        campaigns=policies.visible_campaigns(actor).order_by("-start_on"),
        initial={"unit": _unit_initial(actor), "applied_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors_on(form):
            family = services.register_foster_family(
                actor=actor, unit=data["unit"], applied_on=data["applied_on"], **_family_fields(data)
            )
            messages.success(request, _("Family %(code)s registered as an applicant.") % {"code": family.code})
            return redirect("protection:family_detail", pk=family.pk)
    return render(request, "protection/resources/family_form.html", {"form": form, "family": None})


@require_http_methods(["GET", "POST"])
@actor_required(can_manage)
def family_edit(request: ActorRequest, pk: int) -> HttpResponse:
    """Correct the family's profile or contact (the read is logged: the contact is an adult's
    personal data), with the version read: someone else's save in between is refused."""
    actor = get_actor(request)
    family = policies.get_foster_family_for_work(actor, pk)
    form = forms.FosterFamilyEditForm(
        request.POST or None,
        campaigns=policies.visible_campaigns(actor).order_by("-start_on"),
        initial={name: getattr(family, name) for name in services.FOSTER_EDITABLE if name != "campaign"}
        | {"campaign": family.campaign_id, "version": family.version},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors_on(form):
            services.update_foster_family(
                actor=actor, family=family, expected_version=data["version"], **_family_fields(data)
            )
            messages.success(request, _("Changes saved."))
            return redirect("protection:family_detail", pk=family.pk)
    return render(request, "protection/resources/family_form.html", {"form": form, "family": family})


def _family_moves(family: FosterFamily) -> list[tuple[str, Any]]:
    allowed = services.FOSTER_MOVES.get(family.status, frozenset())
    return [(value, label) for value, label in FosterStatus.choices if value in allowed]


@require_GET
@actor_required(can_read_resources)
def family_detail(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    family = policies.get_foster_family(actor, pk)
    can_edit = policies.can_manage_resources(actor, family.path)
    context = {
        "family": family,
        "occupancy": occupancy.family_occupancy(family),
        # How many children it has cared for: a count of the placements, never who.
        "placements": Placement.objects.filter(foster_family_id=family.pk).count(),
        "history": list(
            policies.visible_foster_status_changes(actor).filter(family=family).select_related("changed_by")
        ),
        "trainings": list(policies.visible_foster_trainings(actor).filter(family=family)),
        "supports": list(policies.visible_foster_supports(actor).filter(family=family)),
        "can_manage": can_edit,
        "move_form": forms.FamilyMoveForm(
            initial={"on": timezone.localdate(), "version": family.version},
            statuses=_family_moves(family),
            prefix="mover",
        ),
        "training_form": forms.TrainingForm(prefix="formacion"),
        "support_form": forms.SupportForm(prefix="apoyo"),
        "closed": family.status == FosterStatus.CLOSED,
    }
    return render(request, "protection/resources/family_detail.html", context)


def _back_to_family(
    request: ActorRequest, form: Any, family: FosterFamily, call: Callable[[dict[str, Any]], Any], done: str
) -> HttpResponse:
    """A form of the family's page: the service, a message, back to the page (with the errors as
    messages when refused)."""
    target = reverse("protection:family_detail", args=[family.pk])
    if form.is_valid():
        with service_errors_on(form):
            call(form.cleaned_data)
            messages.success(request, done)
            return redirect(target)
    flash_errors(request, form)
    return redirect(target)


@require_POST
@actor_required(can_manage)
def family_move(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    family = policies.get_foster_family_for_work(actor, pk)
    form = forms.FamilyMoveForm(request.POST, prefix="mover")
    return _back_to_family(
        request,
        form,
        family,
        lambda d: services.move_foster_family(
            actor=actor,
            family=family,
            to_status=d["to_status"],
            on=d["on"],
            note=d["note"],
            expected_version=d["version"],
        ),
        _("The family's status was changed."),
    )


@require_POST
@actor_required(can_manage)
@once_per_submission
def family_training(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    family = policies.get_foster_family_for_work(actor, pk)
    form = forms.TrainingForm(request.POST, prefix="formacion")
    return _back_to_family(
        request,
        form,
        family,
        lambda d: services.record_training(
            actor=actor, family=family, topic=d["topic"], held_on=d["held_on"], hours=d["hours"]
        ),
        _("Training recorded."),
    )


@require_POST
@actor_required(can_manage)
@once_per_submission
def family_support(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    family = policies.get_foster_family_for_work(actor, pk)
    form = forms.SupportForm(request.POST, prefix="apoyo")
    return _back_to_family(
        request,
        form,
        family,
        lambda d: services.record_support(
            actor=actor, family=family, kind=d["kind"], given_on=d["given_on"], note=d["note"]
        ),
        _("Support recorded."),
    )


# --- Recruitment campaigns ------------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@actor_required(can_read_resources)
@once_per_submission
def campaign_list(request: ActorRequest) -> HttpResponse:
    """The campaigns and their yield (families registered, how many reached approval), and a new one."""
    actor = get_actor(request)
    if request.method == "POST" and not policies.can_manage_resources(actor):
        raise Http404
    form = forms.CampaignForm(
        request.POST or None,
        units=_units(actor),
        initial={"unit": _unit_initial(actor), "start_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors_on(form):
            services.create_campaign(
                actor=actor,
                unit=data["unit"],
                name=data["name"],
                start_on=data["start_on"],
                end_on=data["end_on"],
                channels=data["channels"],
                notes=data["notes"],
            )
            messages.success(request, _("Campaign saved."))
            return redirect("protection:campaign_list")
    rows = [(row, _percent(row.approved, row.families)) for row in services.campaign_yield(actor)]
    context = {"form": form, "rows": rows, "can_manage": policies.can_manage_resources(actor)}
    return render(request, "protection/resources/campaign_list.html", context)


# --- Prospective adopters ------------------------------------------------------------------------------------
def _expired(adopter: ProspectiveAdopter, today: dt.date) -> bool:
    return adopter.status == AdopterStatus.SUITABLE and adopter.valid_until is not None and adopter.valid_until < today


@require_GET
@actor_required(can_read_resources)
def adopter_list(request: ActorRequest) -> HttpResponse:
    """The registry by code (the applicants' names are on their own page, which logs the read)."""
    actor = get_actor(request)
    today = timezone.localdate()
    adopters = policies.visible_adopters(actor)
    status = request.GET.get("estado", "")
    if status in AdopterStatus.values:
        adopters = adopters.filter(status=status)
    by_status = dict(
        policies.visible_adopters(actor).values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    shown = list(adopters.select_related("unit").defer(*large_columns("unit")).order_by("code", "id")[:200])
    context = {
        "rows": [(a, _expired(a, today)) for a in shown],
        "pipeline": [(value, label, by_status.get(value, 0)) for value, label in AdopterStatus.choices],
        "status": status if status in AdopterStatus.values else "",
        "expired": sum(1 for a in shown if _expired(a, today)),
        "can_manage": policies.can_manage_resources(actor),
    }
    return render(request, "protection/resources/adopter_list.html", context)


@require_http_methods(["GET", "POST"])
@actor_required(can_manage)
@once_per_submission
def adopter_new(request: ActorRequest) -> HttpResponse:
    actor = get_actor(request)
    form = forms.AdopterForm(
        request.POST or None,
        units=_units(actor),
        initial={"unit": _unit_initial(actor), "applied_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        names = (
            "code",
            "kind",
            "applicant_names",
            "applied_on",
            "contact",
            "country_of_residence",
            "min_age",
            "max_age",
            "accepts_siblings",
            "accepts_disability",
            "notes",
        )
        with service_errors_on(form):
            adopter = services.register_adopter(actor=actor, unit=data["unit"], **{name: data[name] for name in names})
            messages.success(request, _("Application %(code)s registered.") % {"code": adopter.code})
            return redirect("protection:adopter_detail", pk=adopter.pk)
    return render(request, "protection/resources/adopter_form.html", {"form": form})


def _adopter_moves(adopter: ProspectiveAdopter) -> list[tuple[str, Any]]:
    allowed = services.ADOPTER_MOVES.get(adopter.status, frozenset())
    return [(value, label) for value, label in AdopterStatus.choices if value in allowed]


@require_GET
@actor_required(can_read_resources)
def adopter_detail(request: ActorRequest, pk: int) -> HttpResponse:
    """The application: status, validity of the suitability, the moves, and its assignment records
    (the file's number of each, for the files the actor sees; each file shown is logged)."""
    actor = get_actor(request)
    adopter = policies.get_adopter(actor, pk)
    today = timezone.localdate()
    assignments = list(
        policies.visible_assignments(actor).filter(adopter=adopter).select_related("file__municipality", "decided_by")
    )
    policies.log_files_shown(actor, [a.file for a in assignments])
    context = {
        "adopter": adopter,
        "expired": _expired(adopter, today),
        "valid": services.suitability_is_valid(adopter, today),
        "assignments": assignments,
        "can_manage": policies.can_manage_resources(actor, adopter.path),
        "move_form": forms.AdopterMoveForm(
            initial={"on": today, "version": adopter.version}, statuses=_adopter_moves(adopter), prefix="mover"
        ),
        "moves": _adopter_moves(adopter),
    }
    return render(request, "protection/resources/adopter_detail.html", context)


@require_POST
@actor_required(can_manage)
def adopter_move(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    adopter = policies.get_adopter_for_work(actor, pk)
    form = forms.AdopterMoveForm(request.POST, prefix="mover")
    target = reverse("protection:adopter_detail", args=[adopter.pk])
    if form.is_valid():
        data = form.cleaned_data
        with service_errors_on(form):
            services.move_adopter(
                actor=actor,
                adopter=adopter,
                to_status=data["to_status"],
                on=data["on"],
                expected_version=data["version"],
            )
            messages.success(request, _("The application's status was changed."))
            return redirect(target)
    flash_errors(request, form)
    return redirect(target)
